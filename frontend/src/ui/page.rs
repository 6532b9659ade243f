//! The page head (title and what the page is for) and the browser tab's title.
use leptos::prelude::*;

use crate::i18n::{use_i18n, K};

/// What the current page is called: the shell puts it in `document.title`.
#[derive(Clone, Copy)]
pub struct PageTitle(pub RwSignal<Option<K>>);

/// Call from a page component: sets the browser tab's title for this page.
pub fn set_page_title(k: K) {
    if let Some(PageTitle(sig)) = use_context::<PageTitle>() {
        sig.set(Some(k));
    }
}

/// `<h1>` and description of a page; `children` go on the right (e.g. a refresh box).
#[component]
pub fn PageHead(title: K, desc: K, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    let i18n = use_i18n();
    set_page_title(title);
    view! {
        <header class="page-head">
            <h1 data-testid="page-title">{move || i18n.t(title)}</h1>
            <p class="page-desc">{move || i18n.t(desc)}</p>
            {children.map(|c| view! { <div class="spacer"></div> {c()} })}
        </header>
    }
}
