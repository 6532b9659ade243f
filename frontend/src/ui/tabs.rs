//! Tabs: a row of buttons (`role="tab"`, `data-testid="tab-{id}"`, `aria-selected`) over
//! one panel; the page shows the panel of `active`, kept in the URL's `tab=` (none for
//! the first tab, the default).
use leptos::prelude::*;

use crate::i18n::{use_i18n, K};
use crate::ui::url::UrlQuery;

/// The active tab, starting from the one `tab=` names, else the first.
pub fn url_tab(url: &UrlQuery, tabs: &[(&'static str, K)]) -> RwSignal<&'static str> {
    let asked = url.get("tab");
    let first = tabs[0].0;
    RwSignal::new(
        tabs.iter()
            .map(|t| t.0)
            .find(|t| *t == asked)
            .unwrap_or(first),
    )
}

/// `tab=`'s value: empty for the first tab, so the default leaves the URL short.
pub fn tab_param(active: &'static str, tabs: &[(&'static str, K)]) -> String {
    if active == tabs[0].0 {
        String::new()
    } else {
        active.to_string()
    }
}

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
