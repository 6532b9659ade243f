//! One request's result as a signal (`None` while it is out): what a page shows apart
//! from its lists (today's figures, a row's details, a call flow).
use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;

/// A request's result, `None` until it is in.
pub type Loaded<T> = RwSignal<Option<Result<T, ApiError>>>;

/// One request's result, fetched again whenever `reload` (or a signal `fetch` reads
/// before its first `.await`) changes; an older answer never overwrites a newer one.
pub fn load<T, F, Fut>(reload: RwSignal<u32>, fetch: F) -> Loaded<T>
where
    T: Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let out = RwSignal::new(None);
    let seq = StoredValue::new(0u64);
    Effect::new(move |_| {
        reload.track();
        let fut = fetch();
        let my = seq.get_value() + 1;
        seq.set_value(my);
        spawn_local(async move {
            let r = fut.await;
            // Not when superseded, nor when the view is gone meanwhile.
            if seq.try_get_value() == Some(my) {
                out.set(Some(r));
            }
        });
    });
    out
}

/// One request, once (a row's details: opened anew, they ask anew).
pub fn load_once<T: Send + Sync + 'static>(
    fut: impl Future<Output = Result<T, ApiError>> + 'static,
) -> Loaded<T> {
    let out = RwSignal::new(None);
    spawn_local(async move {
        let r = fut.await;
        // The details may be closed before the answer comes.
        let _ = out.try_set(Some(r));
    });
    out
}
