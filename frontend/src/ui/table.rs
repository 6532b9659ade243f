//! The data table: column headers (sortable where the API sorts), the row toggle and
//! the details row under it, row action buttons.
use std::collections::HashSet;

use leptos::prelude::*;

use crate::i18n::{use_i18n, I18n, K};

/// One column: `col-{id}` header with `label`; `sort` is the API's sort key when the API
/// can sort by it.
#[derive(Clone, Copy)]
pub struct Col {
    pub id: &'static str,
    pub label: K,
    pub sort: Option<&'static str>,
}

pub const fn col(id: &'static str, label: K) -> Col {
    Col {
        id,
        label,
        sort: None,
    }
}

impl Col {
    /// This column sorts by the API's `key`.
    #[allow(dead_code)] // the coming CDR and trace lists sort; today's APIs do not
    pub const fn sortable(self, key: &'static str) -> Col {
        Col {
            sort: Some(key),
            ..self
        }
    }
}

/// The list's order: the API's sort key, descending or not.
#[derive(Clone, Debug, PartialEq)]
pub struct Sort {
    pub key: &'static str,
    pub desc: bool,
}

/// `<table class="grid …">` with a header row from `cols` (after an empty toggle
/// column when `expandable`) and the rows (`children`, `<tr>`s) in `<tbody>`.
#[component]
pub fn DataTable(
    testid: &'static str,
    #[prop(optional)] class: &'static str,
    cols: Vec<Col>,
    #[prop(optional)] expandable: bool,
    /// The current order, for columns with a sort key; a click on one sets it.
    #[prop(optional)]
    sort: Option<RwSignal<Option<Sort>>>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let head = cols
        .into_iter()
        .map(|c| {
            let label = move || i18n.t(c.label);
            let (Some(key), Some(sort)) = (c.sort, sort) else {
                return view! {
                    <th class=format!("col-{}", c.id) data-testid=format!("col-{}", c.id) scope="col">{label}</th>
                }
                .into_any();
            };
            let dir = move || sort.with(|s| s.as_ref().filter(|s| s.key == key).map(|s| s.desc));
            view! {
                <th class=format!("col-{} sortable", c.id) data-testid=format!("col-{}", c.id) scope="col"
                    aria-sort=move || match dir() {
                        Some(true) => "descending",
                        Some(false) => "ascending",
                        None => "none",
                    }>
                    <button type="button" class="th-sort"
                        title=move || i18n.t(if dir() == Some(false) { K::SortDesc } else { K::SortAsc })
                        on:click=move |_| sort.set(Some(Sort { key, desc: dir() == Some(false) }))>
                        {label}
                        <span class="sort-mark" aria-hidden="true">
                            {move || match dir() {
                                Some(true) => "▾",
                                Some(false) => "▴",
                                None => "↕",
                            }}
                        </span>
                    </button>
                </th>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <table class=format!("grid {class}") data-testid=testid>
            <thead>
                <tr>
                    {expandable.then(|| view! { <th class="col-toggle" scope="col"></th> })}
                    {head}
                </tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    }
}

/// Which rows of a table have their details open, by row key.
#[derive(Clone, Copy)]
pub struct Expand(RwSignal<HashSet<String>>);

impl Expand {
    pub fn new() -> Self {
        Expand(RwSignal::new(HashSet::new()))
    }

    /// Whether the row `key` is open, and its toggle cell (`<td class="col-toggle">`).
    pub fn row(self, i18n: I18n, key: String) -> (Memo<bool>, impl IntoView) {
        let set = self.0;
        let open = {
            let key = key.clone();
            Memo::new(move |_| set.with(|s| s.contains(&key)))
        };
        let toggle = move |_| {
            set.update(|s| {
                if !s.remove(&key) {
                    s.insert(key.clone());
                }
            })
        };
        (
            open,
            view! { <td class="col-toggle">{row_toggle(i18n, open, toggle)}</td> },
        )
    }
}

impl Default for Expand {
    fn default() -> Self {
        Self::new()
    }
}

/// A row action: a small button with a hint; `danger` for destructive ones.
pub fn action_button(
    i18n: I18n,
    testid: &'static str,
    label: K,
    hint: K,
    class: &'static str,
    on_click: impl FnMut(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    view! {
        <button type="button" class=format!("btn {class} btn-sm") data-testid=testid
            title=move || i18n.t(hint) on:click=on_click>
            {move || i18n.t(label)}
        </button>
    }
}

/// `<dt>/<dd>` pairs of a details row; empty values show a dash.
pub fn detail_items(i18n: I18n, fields: Vec<(K, &'static str, Option<String>)>) -> impl IntoView {
    fields
        .into_iter()
        .map(|(k, id, v)| {
            view! {
                <div data-testid=format!("detail-{id}")>
                    <dt>{move || i18n.t(k)}</dt>
                    <dd class="tech">
                        {match v {
                            Some(v) if !v.is_empty() => v.into_any(),
                            _ => view! { <span class="muted">"—"</span> }.into_any(),
                        }}
                    </dd>
                </div>
            }
        })
        .collect_view()
}

/// The row under a table row that shows its details while `open`: an empty cell under
/// the toggle, then the details across the other `span` columns.
pub fn details_row<F>(open: Memo<bool>, span: usize, details: F) -> impl IntoView
where
    F: Fn() -> AnyView + Clone + Send + Sync + 'static,
{
    view! {
        <Show when=move || open.get()>
            <tr class="details-row" data-testid="details-row">
                <td></td>
                <td colspan=span.to_string()>{details.clone()}</td>
            </tr>
        </Show>
    }
}

/// [`details_row`] of one item: `details(item)`, made anew each time the row opens.
pub fn details_of<T, F>(open: Memo<bool>, span: usize, item: T, details: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> AnyView + Clone + Send + Sync + 'static,
{
    details_row(open, span, move || details(item.clone()))
}

/// The ▸/▾ button that opens a row's details.
fn row_toggle(
    i18n: I18n,
    open: Memo<bool>,
    toggle: impl FnMut(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let label = move || {
        i18n.t(if open.get() {
            K::HideDetails
        } else {
            K::ShowDetails
        })
    };
    view! {
        <button type="button" class="btn-icon" data-testid="row-toggle"
            aria-expanded=move || open.get().to_string()
            title=label
            aria-label=label
            on:click=toggle>
            {move || if open.get() { "▾" } else { "▸" }}
        </button>
    }
}
