//! Tabs: a row of buttons (`role="tab"`, `data-testid="tab-{id}"`, `aria-selected`) over
//! one panel; the page shows the panel of `active` (kept in the URL by the page).
use leptos::prelude::*;

use crate::i18n::{use_i18n, K};

/// The tab strip; `on_change` runs before `active` changes (e.g. to reset paging).
#[component]
pub fn Tabs(
    tabs: Vec<(&'static str, K)>,
    active: RwSignal<&'static str>,
    #[prop(optional, into)] on_change: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="tabs" role="tablist" data-testid="tabs">
            {tabs
                .into_iter()
                .map(|(id, label)| {
                    let on = move || active.get() == id;
                    view! {
                        <button type="button" role="tab" class="tab" class:active=on data-testid=format!("tab-{id}")
                            aria-selected=move || on().to_string()
                            on:click=move |_| {
                                if active.get_untracked() != id {
                                    if let Some(f) = on_change {
                                        f.run(());
                                    }
                                    active.set(id);
                                }
                            }>
                            {move || i18n.t(label)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
