//! A paged list: [`Paged`] follows `next_cursor`; [`ListSection`] shows it with its
//! title and source note, its loading / error / empty states, the pager and a status
//! line that ends with "updated at" and the zone the times are in; [`TableList`] is the
//! usual list: such a section around a data table of the page's items.
use std::future::Future;

use kamscope_api_types::query::{
    CallsQuery, CdrQuery, OfflineMessagesQuery, PresentitiesQuery, ToposQuery, WatchersQuery,
};
use kamscope_api_types::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::i18n::{use_i18n, K};
use crate::ui::feedback::{ErrorBox, Loading};
use crate::ui::format::{browser_zone, local_clock};
use crate::ui::table::{Col, DataTable, Expand};

/// A list's query: its pages are the same query at the cursor the previous page gave.
pub trait CursorQuery: Clone + 'static {
    fn at(self, cursor: Option<String>) -> Self;
}

macro_rules! cursor_query {
    ($($q:ty),*) => {$(
        impl CursorQuery for $q {
            fn at(self, cursor: Option<String>) -> Self {
                Self { cursor, ..self }
            }
        }
    )*};
}
cursor_query!(
    CallsQuery,
    CdrQuery,
    OfflineMessagesQuery,
    PresentitiesQuery,
    ToposQuery,
    WatchersQuery
);

/// One paged list: its cursors (the last one is the current page's), the page, and
/// its loading and error state.
pub struct Paged<T: Send + Sync + 'static> {
    pub cursors: RwSignal<Vec<Option<String>>>,
    pub page: RwSignal<Option<Page<T>>>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<ApiError>>,
    pub loaded_at: RwSignal<f64>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Clone + Send + Sync + 'static> Paged<T> {
    /// Loads whenever a signal read by `fetch` (before its first `.await`: it builds the
    /// query from signals and returns the request) or `reload` changes.
    pub fn new<F, Fut>(reload: RwSignal<u32>, fetch: F) -> Self
    where
        F: Fn(Option<String>) -> Fut + 'static,
        Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
    {
        let p = Paged {
            cursors: RwSignal::new(vec![None]),
            page: RwSignal::new(None),
            loading: RwSignal::new(true),
            error: RwSignal::new(None),
            loaded_at: RwSignal::new(0.0),
        };
        let seq = StoredValue::new(0u64);
        Effect::new(move |_| {
            reload.track();
            let cursor = p.cursors.with(|c| c.last().cloned().flatten());
            let fut = fetch(cursor);
            let my = seq.get_value() + 1;
            seq.set_value(my);
            p.loading.set(true);
            spawn_local(async move {
                let result = fut.await;
                // A newer request superseded this one, or the list is gone (its page
                // or tab was closed while the request was out).
                if seq.try_get_value() != Some(my) {
                    return;
                }
                match result {
                    Ok(page) => {
                        p.page.set(Some(page));
                        p.error.set(None);
                    }
                    Err(e) => {
                        p.page.set(None);
                        p.error.set(Some(e));
                    }
                }
                p.loaded_at.set(js_sys::Date::now());
                p.loading.set(false);
            });
        });
        p
    }

    /// The list of one fixed `query`, page by page through `fetch` (a list whose query
    /// changes is made anew, so it starts on page 1).
    pub fn of<Q, F, Fut>(reload: RwSignal<u32>, query: Q, fetch: F) -> Self
    where
        Q: CursorQuery,
        F: Fn(Q) -> Fut + 'static,
        Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
    {
        Paged::new(reload, move |cursor| fetch(query.clone().at(cursor)))
    }

    pub fn reset(&self) {
        if self.cursors.with_untracked(|c| c.len() != 1) {
            self.cursors.set(vec![None]);
        }
    }

    pub fn items(&self) -> Vec<T> {
        self.page
            .with(|p| p.as_ref().map(|p| p.items.clone()).unwrap_or_default())
    }

    /// Rows on the current page (0 until loaded).
    pub fn len(&self) -> usize {
        self.page.with(|p| p.as_ref().map_or(0, |p| p.items.len()))
    }

    pub fn next_cursor(&self) -> Option<String> {
        self.page
            .with(|p| p.as_ref().and_then(|p| p.next_cursor.clone()))
    }
}

/// First / previous / page n / next, following `next_cursor`; `children` is the status
/// line on the right.
#[component]
fn Pager(
    cursors: RwSignal<Vec<Option<String>>>,
    #[prop(into)] next_cursor: Signal<Option<String>>,
    #[prop(into)] loading: Signal<bool>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let page_no = move || cursors.with(|c| c.len());
    view! {
        <footer class="pager" data-testid="pager">
            <button type="button" class="btn" data-testid="first-page"
                disabled=move || page_no() <= 1 || loading.get()
                on:click=move |_| cursors.set(vec![None])>
                {move || i18n.t(K::FirstPage)}
            </button>
            <button type="button" class="btn" data-testid="prev-page"
                disabled=move || page_no() <= 1 || loading.get()
                on:click=move |_| cursors.update(|c| {
                    if c.len() > 1 {
                        c.pop();
                    }
                })>
                {move || i18n.t(K::PrevPage)}
            </button>
            <span class="page-no" data-testid="page-number">
                {move || i18n.f(K::PageN, &[("n", &page_no().to_string())])}
            </span>
            <button type="button" class="btn" data-testid="next-page"
                disabled=move || next_cursor.get().is_none() || loading.get()
                on:click=move |_| {
                    if let Some(c) = next_cursor.get_untracked() {
                        cursors.update(|v| v.push(Some(c)));
                    }
                }>
                {move || i18n.t(K::NextPage)}
            </button>
            <span class="spacer"></span>
            <span class="status-line" data-testid="status-line">{children()}</span>
        </footer>
    }
}

/// One list: an optional heading (`section-{id}`, title, count, where the data comes
/// from), then the table (`children`) or its loading / error / empty state, then the
/// pager with `status` and "updated at" on the right.
#[component]
pub fn ListSection<T: Clone + Send + Sync + 'static>(
    paged: Paged<T>,
    reload: RwSignal<u32>,
    /// With an id, the list is a `<section data-testid="section-{id}">` with a heading.
    #[prop(optional)]
    id: Option<&'static str>,
    #[prop(optional)] title: Option<K>,
    #[prop(optional)] source_note: Option<K>,
    /// What the empty state says (it may depend on the filters).
    #[prop(into)]
    empty: Signal<String>,
    empty_hint: K,
    /// The status line's start, e.g. "20 rows on this page".
    #[prop(into)]
    status: Signal<String>,
    children: ChildrenFn,
) -> impl IntoView {
    // The section itself does not depend on the item type: built once for every list
    // (a generic view is compiled once per type into the wasm).
    let page = paged.page;
    let state = ListState {
        cursors: paged.cursors,
        loading: paged.loading,
        error: paged.error,
        loaded_at: paged.loaded_at,
        count: Signal::derive(move || page.with(|p| p.as_ref().map(|p| p.items.len()))),
        next_cursor: Signal::derive(move || paged.next_cursor()),
    };
    list_section(
        state,
        reload,
        id,
        title,
        source_note,
        empty,
        empty_hint,
        status,
        children,
    )
}

/// A [`Paged`] without its items: what the section shows around them.
#[derive(Clone, Copy)]
struct ListState {
    cursors: RwSignal<Vec<Option<String>>>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    loaded_at: RwSignal<f64>,
    /// Rows on the page, `None` until it is loaded.
    count: Signal<Option<usize>>,
    next_cursor: Signal<Option<String>>,
}

#[allow(clippy::too_many_arguments)]
fn list_section(
    paged: ListState,
    reload: RwSignal<u32>,
    id: Option<&'static str>,
    title: Option<K>,
    source_note: Option<K>,
    empty: Signal<String>,
    empty_hint: K,
    status: Signal<String>,
    children: ChildrenFn,
) -> AnyView {
    let i18n = use_i18n();
    let count = move || paged.count.get();
    let zone = browser_zone();
    let body = view! {
        <div class="table-wrap" class:is-loading=move || paged.loading.get()
            data-testid="table-wrap" aria-busy=move || paged.loading.get().to_string()>
            {move || {
                if let Some(err) = paged.error.get() {
                    return view! { <ErrorBox err=err on_retry=move || reload.update(|n| *n += 1)/> }.into_any();
                }
                if count().is_none() {
                    return view! { <Loading/> }.into_any();
                }
                if count() == Some(0) {
                    return view! {
                        <div class="state state-empty" data-testid="empty">
                            <p class="state-title">{move || empty.get()}</p>
                            <p class="state-hint">{move || i18n.t(empty_hint)}</p>
                        </div>
                    }
                    .into_any();
                }
                children().into_any()
            }}
            <Show when=move || paged.loading.get() && count().is_some()>
                <div class="loading-bar" data-testid="loading">
                    <span class="spinner" aria-hidden="true"></span>
                    {move || i18n.t(K::Loading)}
                </div>
            </Show>
        </div>
        <Pager cursors=paged.cursors next_cursor=paged.next_cursor
            loading=paged.loading>
            <Show when=move || count().is_some()>
                {move || status.get()}
                " · "
                {move || i18n.f(K::UpdatedAt, &[("t", &local_clock(paged.loaded_at.get()))])}
                " · "
                <span data-testid="time-zone">
                    {
                        let zone = zone.clone();
                        move || crate::ui::emph(i18n.t(K::TimesIn), "zone", &zone, "zone-name")
                    }
                </span>
            </Show>
        </Pager>
    };
    match id {
        None => body.into_any(),
        Some(id) => view! {
            <section class="dlg-section" data-testid=format!("section-{id}")
                data-count=move || count().map(|n| n.to_string()).unwrap_or_default()>
                <header class="section-head">
                    <h2 data-testid="section-title">{move || title.map(|t| i18n.t(t))}</h2>
                    <span class="badge" data-testid="section-count">
                        {move || count().map(|n| n.to_string()).unwrap_or_else(|| "…".into())}
                    </span>
                    <p class="section-source" data-testid="section-source">
                        {move || source_note.map(|t| i18n.t(t))}
                    </p>
                </header>
                {body}
            </section>
        }
        .into_any(),
    }
}

/// What a [`TableList`] shows besides its rows, declared once per list (a `const`).
#[derive(Clone, Copy)]
pub struct ListDef {
    /// The section is `section-{id}`.
    pub id: &'static str,
    pub title: K,
    pub source_note: K,
    pub empty_hint: K,
    /// The status line's start: "{n} rows on this page".
    pub rows: K,
    /// The table's `data-testid`, its extra class and columns (after the toggle column
    /// when `expandable`).
    pub testid: &'static str,
    pub class: &'static str,
    pub cols: &'static [Col],
    pub expandable: bool,
}

/// The usual list: a [`ListSection`] with its heading and "n rows on this page" around a
/// [`DataTable`] of the page's items, a `row` each (given the item, whether it is an odd
/// row, and the table's open details).
#[component]
pub fn TableList<T, R, V>(
    def: ListDef,
    paged: Paged<T>,
    reload: RwSignal<u32>,
    /// What the empty state says (it may depend on the filters).
    #[prop(into)]
    empty: Signal<String>,
    row: R,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    R: Fn(T, bool, Expand) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let expand = Expand::new();
    let status = Signal::derive(move || i18n.f(def.rows, &[("n", &paged.len().to_string())]));
    view! {
        <ListSection id=def.id title=def.title source_note=def.source_note paged=paged reload=reload
            empty=empty empty_hint=def.empty_hint status=status>
            {move || {
                let body = paged
                    .items()
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| row(item, i % 2 == 1, expand).into_any())
                    .collect_view();
                view! {
                    <DataTable testid=def.testid class=def.class expandable=def.expandable
                        cols=def.cols.to_vec()>
                        {body}
                    </DataTable>
                }
            }}
        </ListSection>
    }
}

/// Reloads now and once more after `ms`: Kamailio applies some changes (an ended
/// dialog's removal) a moment after answering.
pub fn reload_twice(reload: RwSignal<u32>, ms: u32) {
    reload.update(|n| *n += 1);
    spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(ms).await;
        reload.update(|n| *n += 1);
    });
}

/// ⟳ Refresh: reloads every list that follows `reload`.
#[component]
pub fn RefreshButton(reload: RwSignal<u32>, hint: K) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="btn" data-testid="refresh-button" title=move || i18n.t(hint)
            on:click=move |_| reload.update(|n| *n += 1)>
            <span class="icon" aria-hidden="true">"⟳"</span>
            {move || i18n.t(K::Refresh)}
        </button>
    }
}
