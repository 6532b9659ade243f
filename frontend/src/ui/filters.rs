//! Filter inputs: search (debounced), text, select, time range with presets, page size,
//! and the Kamailio node selector.
use std::future::Future;

use gloo_timers::future::TimeoutFuture;
use kamscope_api_types::query::{DEFAULT_LIMIT, MAX_LIMIT};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::feedback::inline_error;
use crate::ui::url::UrlQuery;

/// The page sizes offered.
pub const LIMITS: [u32; 6] = [20, 50, 100, 200, 500, 1000];
const SEARCH_DEBOUNCE_MS: u32 = 350;

/// `limit=` of the URL when it is a valid page size, else the API's default.
pub fn url_limit(url: &UrlQuery) -> u32 {
    url.parse("limit", |l| (1..=MAX_LIMIT).contains(l))
        .unwrap_or(DEFAULT_LIMIT)
}

/// `limit=`'s value: empty for the API's default page size.
pub fn limit_param(limit: u32) -> String {
    if limit == DEFAULT_LIMIT {
        String::new()
    } else {
        limit.to_string()
    }
}

/// What a text filter applies: the trimmed text, `None` when empty.
pub fn filter_text(s: String) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A SIP status code a filter accepts.
pub fn valid_sip_code(c: &u16) -> bool {
    (100..=699).contains(c)
}

/// Typed text that is no SIP status code (the page says so at the field and sends
/// nothing).
#[derive(Debug)]
pub struct NotSipCode;

/// A typed SIP status code filter: `Ok(None)` when empty.
pub fn typed_sip_code(s: &str) -> Result<Option<u16>, NotSipCode> {
    match s.trim() {
        "" => Ok(None),
        c => c
            .parse::<u16>()
            .ok()
            .filter(valid_sip_code)
            .map(Some)
            .ok_or(NotSipCode),
    }
}

/// Applies a filter: sets `applied` to `new`, or reloads when it is unchanged (a
/// second "Filter" asks again).
pub fn apply_or_reload<T>(applied: RwSignal<T>, new: T, reload: RwSignal<u32>)
where
    T: PartialEq + Send + Sync + 'static,
{
    if applied.with_untracked(|old| *old == new) {
        reload.update(|n| *n += 1);
    } else {
        applied.set(new);
    }
}

/// A search box: typing applies the search after a pause, Enter at once (or reloads
/// when unchanged), Escape and the clear button empty it. `on_change` runs before
/// `value` (the applied search) changes, e.g. to go back to the first page.
#[component]
pub fn SearchBox(
    value: RwSignal<String>,
    reload: RwSignal<u32>,
    label: K,
    placeholder: K,
    #[prop(into)] on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let input = RwSignal::new(value.get_untracked());
    let gen = StoredValue::new(0u64);
    let apply = move |text: String| {
        let text = text.trim().to_string();
        if value.get_untracked() != text {
            on_change.run(());
            value.set(text);
        }
    };
    let now = move || {
        gen.update_value(|g| *g += 1);
        let text = input.get_untracked();
        if value.get_untracked() == text.trim() {
            reload.update(|n| *n += 1);
        } else {
            apply(text);
        }
    };
    let clear = move || {
        gen.update_value(|g| *g += 1);
        input.set(String::new());
        apply(String::new());
    };
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        input.set(text.clone());
        gen.update_value(|g| *g += 1);
        let mine = gen.get_value();
        spawn_local(async move {
            TimeoutFuture::new(SEARCH_DEBOUNCE_MS).await;
            if gen.get_value() == mine {
                apply(text);
            }
        });
    };
    view! {
        <div class="search">
            <input type="search" data-testid="search-input"
                aria-label=move || i18n.t(label) placeholder=move || i18n.t(placeholder)
                prop:value=move || input.get() on:input=on_input
                on:keydown=move |ev: KeyboardEvent| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        now();
                    } else if ev.key() == "Escape" {
                        clear();
                    }
                }/>
            <button type="button" class="btn" data-testid="search-button" on:click=move |_| now()>
                {move || i18n.t(K::Search)}
            </button>
            <Show when=move || !input.get().is_empty()>
                <button type="button" class="btn btn-ghost" data-testid="search-clear"
                    title=move || i18n.t(K::ClearSearch) on:click=move |_| clear()>
                    {move || i18n.t(K::ClearSearch)}
                </button>
            </Show>
        </div>
    }
}

/// A labelled text input; Enter runs `on_enter` (apply the filters).
#[component]
pub fn TextFilter(
    value: RwSignal<String>,
    testid: &'static str,
    label: K,
    placeholder: K,
    #[prop(into)] on_enter: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="filter">
            <span>{move || i18n.t(label)}</span>
            <input type="search" data-testid=testid aria-label=move || i18n.t(label)
                placeholder=move || i18n.t(placeholder) prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:keydown=move |ev: KeyboardEvent| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        on_enter.run(());
                    }
                }/>
        </label>
    }
}

/// A labelled select: `options` are (value, label) pairs, `selected` the current value;
/// `on_change` gets the chosen value.
#[component]
pub fn SelectFilter(
    testid: &'static str,
    label: K,
    options: Vec<(String, Signal<String>)>,
    #[prop(into)] selected: Signal<String>,
    #[prop(into)] on_change: Callback<String>,
    #[prop(optional)] class: &'static str,
    /// A first option with the empty value ("any state").
    #[prop(optional)]
    any: Option<K>,
) -> impl IntoView {
    let i18n = use_i18n();
    let any = any.map(|k| (String::new(), Signal::derive(move || i18n.t(k).to_string())));
    let options: Vec<_> = any.into_iter().chain(options).collect();
    let class = if class.is_empty() { "filter" } else { class };
    view! {
        <label class=class>
            <span>{move || i18n.t(label)}</span>
            <select data-testid=testid on:change=move |ev| on_change.run(event_target_value(&ev))>
                {options
                    .into_iter()
                    .map(|(v, text)| {
                        let v2 = v.clone();
                        view! {
                            <option value=v selected=move || selected.with(|s| *s == v2)>{move || text.get()}</option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Rows per page ([`LIMITS`]); `on_change` runs before `limit` changes.
#[component]
pub fn PageSize(limit: RwSignal<u32>, #[prop(into)] on_change: Callback<()>) -> impl IntoView {
    let options = LIMITS
        .iter()
        .map(|n| (n.to_string(), Signal::stored(n.to_string())))
        .collect();
    view! {
        <SelectFilter testid="limit-select" label=K::PageSize class="limit" options=options
            selected=Signal::derive(move || limit.get().to_string())
            on_change=move |v: String| {
                if let Ok(n) = v.parse::<u32>() {
                    on_change.run(());
                    limit.set(n);
                }
            }/>
    }
}

/// The configured Kamailio nodes' names, from `GET /api/v1/dashboard` (empty until
/// known, or when the dashboard cannot be read).
pub fn node_names() -> RwSignal<Vec<String>> {
    let names = RwSignal::new(Vec::new());
    spawn_local(async move {
        if let Ok(d) = api::dashboard().await {
            names.set(d.nodes.into_iter().map(|n| n.name).collect());
        }
    });
    names
}

/// The value of a `node=` parameter: `None` is the server's default (first) node.
pub const ALL_NODES: &str = "all";

/// A node selector, shown only when the server has several nodes: the default node,
/// each node, or all of them.
#[component]
pub fn NodeSelect(
    names: RwSignal<Vec<String>>,
    node: RwSignal<Option<String>>,
    #[prop(into)] on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let list = names.get();
        (list.len() > 1).then(|| {
            view! {
                <label class="limit node-select">
                    <span>{move || i18n.t(K::NodeLabel)}</span>
                    <select data-testid="node-select"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            node.set(if v.is_empty() { None } else { Some(v) });
                            on_change.run(());
                        }>
                        <option value="" selected=move || node.get().is_none()>
                            {move || i18n.t(K::NodeDefault)}
                        </option>
                        {list
                            .into_iter()
                            .map(|n| {
                                let n2 = n.clone();
                                view! {
                                    <option value=n.clone()
                                        selected=move || node.get().as_deref() == Some(n2.as_str())>
                                        {n.clone()}
                                    </option>
                                }
                            })
                            .collect_view()}
                        <option value=ALL_NODES
                            selected=move || node.get().as_deref() == Some(ALL_NODES)>
                            {move || i18n.t(K::NodeAll)}
                        </option>
                    </select>
                </label>
            }
        })
    }
}

/// One call's result per node asked: `(node, result)`.
pub type PerNode<T> = Vec<(Option<String>, Result<T, ApiError>)>;

/// `fetch` for the chosen node (`None`: the default), or for each node when `all` is
/// chosen; again whenever `reload`, the choice or the node list changes. Each node's
/// result on its own: one node being down does not hide the others'.
pub fn per_node<T, F, Fut>(
    reload: RwSignal<u32>,
    node: RwSignal<Option<String>>,
    names: RwSignal<Vec<String>>,
    fetch: F,
) -> RwSignal<Option<PerNode<T>>>
where
    T: Send + Sync + 'static,
    F: Fn(Option<String>) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let out = RwSignal::new(None);
    let seq = StoredValue::new(0u64);
    Effect::new(move |_| {
        reload.track();
        let which: Vec<Option<String>> = match node.get() {
            Some(n) if n == ALL_NODES => names.get().into_iter().map(Some).collect(),
            chosen => vec![chosen],
        };
        let my = seq.get_value() + 1;
        seq.set_value(my);
        spawn_local(async move {
            let mut results = Vec::new();
            for n in which {
                let r = fetch(n.clone()).await;
                results.push((n, r));
            }
            // Not when superseded, nor when the caller is gone meanwhile.
            if seq.try_get_value() == Some(my) {
                out.set(Some(results));
            }
        });
    });
    out
}

/// "Filter" (applies what is typed) and, while any filter is set, "Clear filters".
#[component]
pub fn FilterButtons(
    #[prop(into)] filtered: Signal<bool>,
    #[prop(into)] on_apply: Callback<()>,
    #[prop(into)] on_clear: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="btn btn-primary" data-testid="filter-apply" on:click=move |_| on_apply.run(())>
            {move || i18n.t(K::ApplyFilter)}
        </button>
        <Show when=move || filtered.get()>
            <button type="button" class="btn btn-ghost" data-testid="filter-clear" on:click=move |_| on_clear.run(())>
                {move || i18n.t(K::ClearFilter)}
            </button>
        </Show>
    }
}

/// The rows of a [`per_node`] result (`.stats-row`): each node's `row`, which gives the
/// node's name and its content, or the node's error; the name in front while `show_node`.
pub fn per_node_rows<T, V>(
    i18n: I18n,
    results: PerNode<T>,
    show_node: Signal<bool>,
    row: impl Fn(T) -> (Option<String>, V),
) -> impl IntoView
where
    V: IntoView + 'static,
{
    let name = move |n: Option<String>| {
        view! { <Show when=move || show_node.get()><span class="stats-node tech">{n.clone()}</span></Show> }
    };
    results
        .into_iter()
        .map(|(asked, r)| match r {
            Err(e) => view! {
                <div class="stats-row">{name(asked)}{inline_error(i18n, K::LoadFailed, &e, "stats-error")}</div>
            }
            .into_any(),
            Ok(v) => {
                let (node, content) = row(v);
                let label = name(node.clone());
                view! {
                    <div class="stats-row" data-testid="stats-row" data-node=node>{label}{content}</div>
                }
                .into_any()
            }
        })
        .collect_view()
}
