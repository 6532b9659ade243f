//! 对话管理 /kamailio/dialogs (manual §2): statistics on top, then the active dialogs
//! from Kamailio's memory (`dlg.list`), the dialog records of the `dialog` table and the
//! ended calls from acc's CDRs (`acc_cdrs`); filters, paging, details, and "End"
//! (`dlg.end_dlg`: BYE to both parties).
use std::collections::HashSet;
use std::time::Duration;

use gloo_timers::future::TimeoutFuture;
use kamscope_api_types::dialog::{Dialog, DialogRecord, DialogSource, DialogStats};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{self, ApiError, DialogFilter, DialogQuery};
use crate::app::{set_page_title, PageId};
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::{
    detail_items, details_row, row_toggle,
    clock_duration, local_clock, local_time, node_names, ConfirmModal, ErrorBox, Loading,
    NodeSelect, Paged, Pager, Toast, ToastMsg, ALL_NODES,
};

const LIMIT: u32 = 50;

/// Kamailio's meaning of a dialog state code (dialog module `DLG_STATE_*`).
pub fn state_key(code: i64) -> K {
    match code {
        1 => K::DlgState1,
        2 => K::DlgState2,
        3 => K::DlgState3,
        4 => K::DlgState4,
        5 => K::DlgState5,
        _ => K::DlgStateUnknown,
    }
}

fn state_class(code: i64) -> &'static str {
    match code {
        1 | 2 => "st-early",
        3 => "st-noack",
        4 => "st-confirmed",
        5 => "st-deleted",
        _ => "st-unknown",
    }
}

#[derive(Clone, Debug, PartialEq)]
struct EndTarget {
    h_entry: u32,
    h_id: u32,
    call_id: String,
    from_uri: String,
    to_uri: String,
    node: Option<String>,
}

fn row_key(d: &Dialog) -> String {
    format!(
        "{:?}\u{1f}{}\u{1f}{}\u{1f}{}",
        d.source,
        d.node.as_deref().unwrap_or(""),
        d.h_entry,
        d.h_id
    )
}

#[component]
pub fn DialogsPage() -> impl IntoView {
    let i18n = use_i18n();
    set_page_title(K::PageDialogs);

    // Filters and node start from the URL and are kept in it
    // (`?call_id=..&from=alice&to=&state=4&node=all`): a reload or a shared link shows the same.
    let initial = use_query_map().get_untracked();
    let param = |name: &str| initial.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
    let f0 = DialogFilter {
        call_id: param("call_id"),
        from_uri: param("from"),
        to_uri: param("to"),
        state: param("state").parse::<u8>().ok().filter(|s| (1..=5).contains(s)),
    };
    let nodes = node_names();
    let node: RwSignal<Option<String>> = RwSignal::new(Some(param("node")).filter(|n| !n.is_empty()));
    // What is typed, applied with Enter or the Filter button.
    let f_call = RwSignal::new(f0.call_id.clone());
    let f_from = RwSignal::new(f0.from_uri.clone());
    let f_to = RwSignal::new(f0.to_uri.clone());
    let filter = RwSignal::new(f0);
    let navigate = use_navigate();
    Effect::new(move |prev: Option<()>| {
        let f = filter.get();
        let mut params = Vec::new();
        for (name, v) in [("call_id", &f.call_id), ("from", &f.from_uri), ("to", &f.to_uri)] {
            if !v.is_empty() {
                params.push(format!("{name}={}", api::enc(v)));
            }
        }
        if let Some(s) = f.state {
            params.push(format!("state={s}"));
        }
        if let Some(n) = node.get() {
            params.push(format!("node={}", api::enc(&n)));
        }
        if prev.is_some() {
            let mut url = PageId::Dialogs.path().to_string();
            if !params.is_empty() {
                url.push('?');
                url.push_str(&params.join("&"));
            }
            navigate(&url, NavigateOptions { replace: true, scroll: false, ..Default::default() });
        }
    });
    let reload = RwSignal::new(0u32);

    let memory = Paged::new(reload, move |cursor| {
        let q = DialogQuery {
            source: DialogSource::Memory,
            node: node.get(),
            filter: filter.get(),
            limit: LIMIT,
            cursor,
        };
        async move { api::list_dialogs(&q).await }
    });
    let db = Paged::new(reload, move |cursor| {
        let q = DialogQuery {
            source: DialogSource::Db,
            node: None,
            filter: filter.get(),
            limit: LIMIT,
            cursor,
        };
        async move { api::list_dialogs(&q).await }
    });
    let history = Paged::new(reload, move |cursor| {
        let call_id = filter.with(|f| f.call_id.clone());
        async move { api::dialog_history(&call_id, LIMIT, cursor.as_deref()).await }
    });

    // Statistics: of the chosen node, or of every node.
    // Each node's on its own: one node being down does not hide the others'.
    let stats: RwSignal<Option<Vec<(Option<String>, Result<DialogStats, ApiError>)>>> =
        RwSignal::new(None);
    let stats_seq = StoredValue::new(0u64);
    Effect::new(move |_| {
        reload.track();
        let chosen = node.get();
        let which: Vec<Option<String>> = match chosen.as_deref() {
            Some(ALL_NODES) => nodes.get().into_iter().map(Some).collect(),
            _ => vec![chosen.clone()],
        };
        let my = stats_seq.get_value() + 1;
        stats_seq.set_value(my);
        spawn_local(async move {
            let mut out = Vec::new();
            for n in which {
                let r = api::dialog_stats(n.as_deref()).await;
                out.push((n, r));
            }
            if stats_seq.get_value() == my {
                stats.set(Some(out));
            }
        });
    });

    let reset_all = move || {
        memory.reset();
        db.reset();
        history.reset();
    };
    let apply = move || {
        let f = DialogFilter {
            call_id: f_call.get_untracked().trim().to_string(),
            from_uri: f_from.get_untracked().trim().to_string(),
            to_uri: f_to.get_untracked().trim().to_string(),
            state: filter.with_untracked(|f| f.state),
        };
        if filter.with_untracked(|old| *old == f) {
            reload.update(|n| *n += 1);
        } else {
            reset_all();
            filter.set(f);
        }
    };
    let clear = move || {
        f_call.set(String::new());
        f_from.set(String::new());
        f_to.set(String::new());
        reset_all();
        filter.set(DialogFilter::default());
    };
    let filtered = move || filter.with(|f| *f != DialogFilter::default());

    let expanded: RwSignal<HashSet<String>> = RwSignal::new(HashSet::new());
    let target: RwSignal<Option<EndTarget>> = RwSignal::new(None);
    let toast = Toast::new();

    // A clock for the running durations.
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(js_sys::Date::now()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }

    let show_node = move || node.get().as_deref() == Some(ALL_NODES);
    let text_input = move |sig: RwSignal<String>, id: &'static str, label: K, ph: K| {
        view! {
            <label class="filter">
                <span>{move || i18n.t(label)}</span>
                <input type="search" data-testid=id
                    aria-label=move || i18n.t(label)
                    placeholder=move || i18n.t(ph)
                    prop:value=move || sig.get()
                    on:input=move |ev| sig.set(event_target_value(&ev))
                    on:keydown=move |ev: KeyboardEvent| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            apply();
                        }
                    }/>
            </label>
        }
    };

    view! {
        <section class="page page-dialogs" data-testid="page-dialogs">
            <header class="page-head">
                <h1 data-testid="page-title">{move || i18n.t(K::PageDialogs)}</h1>
                <p class="page-desc">{move || i18n.t(K::DescDialogs)}</p>
            </header>

            <StatsStrip stats=stats show_node=Signal::derive(show_node)/>

            <div class="toolbar toolbar-alone" data-testid="toolbar">
                {text_input(f_call, "filter-call-id", K::FilterCallId, K::FilterCallIdPh)}
                {text_input(f_from, "filter-from", K::FilterFrom, K::FilterFromPh)}
                {text_input(f_to, "filter-to", K::FilterTo, K::FilterToPh)}
                <label class="filter">
                    <span>{move || i18n.t(K::FilterState)}</span>
                    <select data-testid="filter-state"
                        on:change=move |ev| {
                            let v = event_target_value(&ev).parse::<u8>().ok();
                            reset_all();
                            filter.update(|f| f.state = v);
                        }>
                        <option value="" selected=move || filter.with(|f| f.state.is_none())>
                            {move || i18n.t(K::FilterStateAny)}
                        </option>
                        {(1u8..=5)
                            .map(|c| {
                                view! {
                                    <option value=c.to_string()
                                        selected=move || filter.with(|f| f.state == Some(c))>
                                        {move || format!("{c} · {}", i18n.t(state_key(c as i64)))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <button type="button" class="btn btn-primary" data-testid="filter-apply"
                    on:click=move |_| apply()>
                    {move || i18n.t(K::ApplyFilter)}
                </button>
                <Show when=filtered>
                    <button type="button" class="btn btn-ghost" data-testid="filter-clear"
                        on:click=move |_| clear()>
                        {move || i18n.t(K::ClearFilter)}
                    </button>
                </Show>
                <div class="spacer"></div>
                <NodeSelect names=nodes node=node on_change=move || reset_all()/>
                <button type="button" class="btn" data-testid="refresh-button"
                    title=move || i18n.t(K::RefreshDialogsHint)
                    on:click=move |_| reload.update(|n| *n += 1)>
                    <span class="icon" aria-hidden="true">"⟳"</span>
                    {move || i18n.t(K::Refresh)}
                </button>
            </div>

            <DialogSection id="memory" title=K::SecMemory source_note=K::SecMemorySource
                paged=memory reload=reload empty=K::DlgEmpty empty_hint=K::DlgEmptyHint
                filtered=Signal::derive(filtered)>
                {move || {
                    view! {
                        <DialogTable items=memory.items() memory=true show_node=show_node()
                            expanded=expanded target=target now=now loaded_at=memory.loaded_at/>
                    }
                }}
            </DialogSection>

            <DialogSection id="db" title=K::SecDb source_note=K::SecDbSource
                paged=db reload=reload empty=K::DlgEmptyDb empty_hint=K::DlgEmptyDbHint
                filtered=Signal::derive(filtered)>
                {move || {
                    view! {
                        <DialogTable items=db.items() memory=false show_node=false
                            expanded=expanded target=target now=now loaded_at=db.loaded_at/>
                    }
                }}
            </DialogSection>

            <DialogSection id="history" title=K::SecHistory source_note=K::SecHistorySource
                paged=history reload=reload empty=K::DlgEmptyHistory empty_hint=K::DlgEmptyHistoryHint
                filtered=Signal::derive(move || filter.with(|f| !f.call_id.is_empty()))>
                {move || view! { <HistoryTable items=history.items()/> }}
            </DialogSection>

            <EndDialog target=target reload=reload toast=toast/>
            {toast.view()}
        </section>
    }
}

#[component]
fn StatsStrip(
    stats: RwSignal<Option<Vec<(Option<String>, Result<DialogStats, ApiError>)>>>,
    show_node: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let card = move |id: &'static str, k: K, hint: K, v: i64| {
        view! {
            <div class=format!("stat stat-{id}") data-testid=format!("stat-{id}")
                data-value=v.to_string() title=move || i18n.t(hint)>
                <span class="stat-value">{v.to_string()}</span>
                <span class="stat-label">{move || i18n.t(k)}</span>
            </div>
        }
    };
    view! {
        <section class="stats-panel" data-testid="dialog-stats" aria-label=move || i18n.t(K::DlgStatsTitle)>
            {move || match stats.get() {
                None => view! { <Loading/> }.into_any(),
                Some(list) => {
                    list.into_iter()
                        .map(|(asked, r)| match r {
                            Err(e) => {
                                let (title, detail) = crate::ui::error_words(i18n, &e);
                                view! {
                                    <div class="stats-row">
                                        <Show when=move || show_node.get()>
                                            <span class="stats-node tech">{asked.clone()}</span>
                                        </Show>
                                        <div class="inline-error" role="alert" data-testid="stats-error">
                                            <strong>{move || i18n.t(K::LoadFailed)}": "</strong>
                                            <span class="tech">{title}</span>
                                            {detail.map(|d| view! { <span class="tech small">" · "{d}</span> })}
                                        </div>
                                    </div>
                                }
                                    .into_any()
                            }
                            Ok(s) => {
                                let early = s.starting + s.connecting + s.answering;
                                let node_name = s.node.clone();
                                view! {
                                    <div class="stats-row" data-testid="stats-row" data-node=s.node.clone()>
                                        <Show when=move || show_node.get()>
                                            <span class="stats-node tech">{node_name.clone()}</span>
                                        </Show>
                                        {card("active", K::DlgStatActive, K::DlgStatActiveHint, s.active)}
                                        {card("ongoing", K::DlgStatOngoing, K::DlgStatOngoingHint, s.ongoing)}
                                        {card("early", K::DlgStatEarly, K::DlgStatEarlyHint, early)}
                                        <span class="stat-sep" aria-hidden="true"></span>
                                        {card("processed", K::DlgStatProcessed, K::DlgStatProcessedHint, s.processed)}
                                        {card("failed", K::DlgStatFailed, K::DlgStatFailedHint, s.failed)}
                                        {card("expired", K::DlgStatExpired, K::DlgStatExpiredHint, s.expired)}
                                    </div>
                                }
                                    .into_any()
                            }
                        })
                        .collect_view()
                        .into_any()
                }
            }}
            <p class="muted small stats-note">{move || i18n.t(K::DlgStatsSince)}</p>
        </section>
    }
}

/// One of the page's three lists: a heading that says where the data comes from, the
/// list (`children`) or its loading / empty / error state, and the pager.
#[component]
fn DialogSection<T: Clone + Send + Sync + 'static>(
    id: &'static str,
    title: K,
    source_note: K,
    paged: Paged<T>,
    reload: RwSignal<u32>,
    empty: K,
    empty_hint: K,
    filtered: Signal<bool>,
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let count = move || paged.page.with(|p| p.as_ref().map(|p| p.items.len()));
    view! {
        <section class="dlg-section" data-testid=format!("section-{id}") data-count=move || {
            count().map(|n| n.to_string()).unwrap_or_default()
        }>
            <header class="section-head">
                <h2 data-testid="section-title">{move || i18n.t(title)}</h2>
                <span class="badge" data-testid="section-count">
                    {move || count().map(|n| n.to_string()).unwrap_or_else(|| "…".into())}
                </span>
                <p class="section-source" data-testid="section-source">{move || i18n.t(source_note)}</p>
            </header>
            <div class="table-wrap" class:is-loading=move || paged.loading.get()
                data-testid="table-wrap" aria-busy=move || paged.loading.get().to_string()>
                {move || {
                    if let Some(err) = paged.error.get() {
                        return view! { <ErrorBox err=err on_retry=move || reload.update(|n| *n += 1)/> }
                            .into_any();
                    }
                    if paged.page.with(|p| p.is_none()) {
                        return view! { <Loading/> }.into_any();
                    }
                    if count() == Some(0) {
                        return view! {
                            <div class="state state-empty" data-testid="empty">
                                <p class="state-title">
                                    {move || i18n.t(if filtered.get() { K::DlgEmptyFiltered } else { empty })}
                                </p>
                                <p class="state-hint">{move || i18n.t(empty_hint)}</p>
                            </div>
                        }
                            .into_any();
                    }
                    children().into_any()
                }}
                <Show when=move || paged.loading.get() && paged.page.with(|p| p.is_some())>
                    <div class="loading-bar" data-testid="loading">
                        <span class="spinner" aria-hidden="true"></span>
                        {move || i18n.t(K::Loading)}
                    </div>
                </Show>
            </div>
            <Pager cursors=paged.cursors next_cursor=Signal::derive(move || paged.next_cursor())
                loading=paged.loading>
                {move || {
                    if paged.page.with(|p| p.is_none()) {
                        return String::new();
                    }
                    format!(
                        "{} · {}",
                        i18n.f(K::DlgRows, &[("n", &count().unwrap_or(0).to_string())]),
                        i18n.f(K::UpdatedAt, &[("t", &local_clock(paged.loaded_at.get()))]),
                    )
                }}
            </Pager>
        </section>
    }
}

fn th(i18n: I18n, k: K, id: &'static str) -> impl IntoView {
    view! {
        <th class=format!("col-{id}") data-testid=format!("col-{id}") scope="col">
            {move || i18n.t(k)}
        </th>
    }
}

#[component]
fn DialogTable(
    items: Vec<Dialog>,
    memory: bool,
    show_node: bool,
    expanded: RwSignal<HashSet<String>>,
    target: RwSignal<Option<EndTarget>>,
    now: RwSignal<f64>,
    loaded_at: RwSignal<f64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cols = 9 + usize::from(show_node) + usize::from(memory);
    view! {
        <table class="grid dlg-grid" data-testid="dialogs-table">
            <thead>
                <tr>
                    <th class="col-toggle" scope="col"></th>
                    {th(i18n, K::ColHashEntry, "h-entry")}
                    {th(i18n, K::ColHashId, "h-id")}
                    {th(i18n, K::ColCallId, "call-id")}
                    {th(i18n, K::ColFromUri, "from-uri")}
                    {th(i18n, K::ColToUri, "to-uri")}
                    {th(i18n, K::ColState, "state")}
                    {th(i18n, K::ColStart, "start")}
                    {th(i18n, K::ColDuration, "duration")}
                    {show_node.then(|| th(i18n, K::ColNode, "node"))}
                    {memory.then(|| th(i18n, K::ColActions, "actions"))}
                </tr>
            </thead>
            <tbody>
                {items
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| {
                        view! {
                            <DialogRow d=d odd=i % 2 == 1 memory=memory show_node=show_node cols=cols
                                expanded=expanded target=target now=now loaded_at=loaded_at/>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn DialogRow(
    d: Dialog,
    odd: bool,
    memory: bool,
    show_node: bool,
    cols: usize,
    expanded: RwSignal<HashSet<String>>,
    target: RwSignal<Option<EndTarget>>,
    now: RwSignal<f64>,
    loaded_at: RwSignal<f64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = row_key(&d);
    let open = {
        let key = key.clone();
        Memo::new(move |_| expanded.with(|s| s.contains(&key)))
    };
    let toggle = move |_| {
        expanded.update(|s| {
            if !s.remove(&key) {
                s.insert(key.clone());
            }
        })
    };
    let code = d.state;
    // Running calls: the duration goes on between reloads.
    let duration = {
        let base = d.duration;
        let running = code == 4 || code == 3;
        move || match base {
            Some(b) => {
                let extra = if running {
                    ((now.get() - loaded_at.get()) / 1000.0).floor().max(0.0) as i64
                } else {
                    0
                };
                view! { <span class="tech">{clock_duration(b + extra)}</span> }.into_any()
            }
            None => view! { <span class="muted">{move || i18n.t(K::DlgNotAnswered)}</span> }.into_any(),
        }
    };
    let ask_end = {
        let t = EndTarget {
            h_entry: d.h_entry,
            h_id: d.h_id,
            call_id: d.call_id.clone(),
            from_uri: d.from_uri.clone(),
            to_uri: d.to_uri.clone(),
            node: d.node.clone(),
        };
        move |_| target.set(Some(t.clone()))
    };
    let start = d.start.as_ref().map(local_time);
    let details = details_view(&d, i18n);
    view! {
        <tr class="reg-row dlg-row" class:odd=odd class:open=move || open.get() data-testid="dialog-row"
            data-call-id=d.call_id.clone() data-state=code.to_string()
            data-h-entry=d.h_entry.to_string() data-h-id=d.h_id.to_string()
            data-source=api::dialog_source_param(d.source) data-node=d.node.clone().unwrap_or_default()>
            <td class="col-toggle">{row_toggle(i18n, open, toggle)}</td>
            <td class="tech" data-testid="cell-h-entry">{d.h_entry.to_string()}</td>
            <td class="tech" data-testid="cell-h-id">{d.h_id.to_string()}</td>
            <td class="tech cell-callid" data-testid="cell-call-id">{d.call_id.clone()}</td>
            <td class="tech cell-uri" data-testid="cell-from-uri">{d.from_uri.clone()}</td>
            <td class="tech cell-uri" data-testid="cell-to-uri">{d.to_uri.clone()}</td>
            <td class="cell-state" data-testid="cell-state" data-state=code.to_string()>
                <span class=format!("state-pill {}", state_class(code))>
                    <span class="state-code tech">{code.to_string()}</span>
                    <span class="state-label" data-testid="state-label">{move || i18n.t(state_key(code))}</span>
                </span>
            </td>
            <td class="tech nowrap" data-testid="cell-start">
                {match start {
                    Some(s) => view! { <span>{s}</span> }.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            <td class="nowrap" data-testid="cell-duration">{duration}</td>
            {show_node.then(|| view! { <td class="tech" data-testid="cell-node">{d.node.clone()}</td> })}
            {memory
                .then(|| {
                    view! {
                        <td class="cell-actions">
                            <button type="button" class="btn btn-danger btn-sm" data-testid="end-button"
                                title=move || i18n.t(K::EndDialogHint) on:click=ask_end>
                                {move || i18n.t(K::EndDialog)}
                            </button>
                        </td>
                    }
                })}
        </tr>
        {details_row(open, cols - 1, details)}
    }
}

/// Both legs, the request URI, the timeout and the dialog variables.
fn details_view(d: &Dialog, i18n: I18n) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
    let d = d.clone();
    move || {
        let d = d.clone();
        let fields: Vec<(K, &'static str, Option<String>)> = vec![
            (K::DetCallerTag, "caller-tag", d.caller.tag.clone()),
            (K::DetCallerContact, "caller-contact", d.caller.contact.clone()),
            (K::DetCallerCseq, "caller-cseq", d.caller.cseq.clone()),
            (K::DetCallerSocket, "caller-socket", d.caller.socket.clone()),
            (K::DetCalleeTag, "callee-tag", d.callee.tag.clone()),
            (K::DetCalleeContact, "callee-contact", d.callee.contact.clone()),
            (K::DetCalleeCseq, "callee-cseq", d.callee.cseq.clone()),
            (K::DetCalleeSocket, "callee-socket", d.callee.socket.clone()),
            (K::DetReqUri, "req-uri", d.req_uri.clone()),
            (K::DetTimeout, "timeout", d.timeout.as_ref().map(local_time)),
            (K::DetNode, "node", d.node.clone()),
        ];
        let vars = d.variables.clone();
        view! {
            <dl class="details">
                {detail_items(i18n, fields)}
            </dl>
            <div class="dlg-vars" data-testid="detail-variables">
                <span class="muted">{move || i18n.t(K::DetVariables)}": "</span>
                {if vars.is_empty() {
                    view! { <span class="muted">{move || i18n.t(K::DetNoVariables)}</span> }.into_any()
                } else {
                    vars.into_iter()
                        .map(|(k, v)| {
                            view! {
                                <code class="var tech" data-testid="variable">
                                    <span class="var-name">{k}</span>" = "{v}
                                </code>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </div>
        }
        .into_any()
    }
}

#[component]
fn HistoryTable(items: Vec<DialogRecord>) -> impl IntoView {
    let i18n = use_i18n();
    let time = |t: &Option<chrono::DateTime<chrono::FixedOffset>>| match t.as_ref().map(local_time) {
        Some(s) => view! { <span>{s}</span> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    };
    let text = |v: Option<String>| match v {
        Some(s) if !s.is_empty() => view! { <span>{s}</span> }.into_any(),
        _ => view! { <span class="muted">"—"</span> }.into_any(),
    };
    view! {
        <table class="grid dlg-grid" data-testid="history-table">
            <thead>
                <tr>
                    {th(i18n, K::ColCallId, "call-id")}
                    {th(i18n, K::ColCaller, "caller")}
                    {th(i18n, K::ColCallee, "callee")}
                    {th(i18n, K::ColStart, "start")}
                    {th(i18n, K::ColEnd, "end")}
                    {th(i18n, K::ColDuration, "duration")}
                </tr>
            </thead>
            <tbody>
                {items
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| {
                        view! {
                            <tr class="reg-row" class:odd=i % 2 == 1 data-testid="history-row"
                                data-id=r.id.to_string() data-call-id=r.call_id.clone().unwrap_or_default()>
                                <td class="tech cell-callid" data-testid="cell-call-id">{text(r.call_id.clone())}</td>
                                <td class="tech" data-testid="cell-caller">{text(r.src_user.clone())}</td>
                                <td class="tech" data-testid="cell-callee">{text(r.dst_user.clone())}</td>
                                <td class="tech nowrap" data-testid="cell-start">{time(&r.start_time)}</td>
                                <td class="tech nowrap" data-testid="cell-end">{time(&r.end_time)}</td>
                                <td class="tech nowrap" data-testid="cell-duration">
                                    {r.duration.map(|s| clock_duration(s.round() as i64)).unwrap_or_else(|| "—".into())}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn EndDialog(target: RwSignal<Option<EndTarget>>, reload: RwSignal<u32>, toast: Toast) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let failure: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let close = move || {
        target.set(None);
        failure.set(None);
    };
    // Kamailio removes an ended dialog a moment after the BYEs: look again shortly.
    let reload_twice = move || {
        reload.update(|n| *n += 1);
        spawn_local(async move {
            TimeoutFuture::new(1500).await;
            reload.update(|n| *n += 1);
        });
    };
    let confirm = move || {
        let Some(t) = target.get_untracked() else {
            return;
        };
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            let result = api::end_dialog(t.h_entry, t.h_id, t.node.as_deref()).await;
            busy.set(false);
            let msg = |key, tone| ToastMsg { key, name: "call", value: t.call_id.clone(), testid: "call-id", tone };
            match result {
                Ok(()) => {
                    target.set(None);
                    toast.show(msg(K::DialogEnded, "ok"));
                    reload_twice();
                }
                Err(ApiError::Http { status: 404, .. }) => {
                    target.set(None);
                    toast.show(msg(K::DialogAlreadyEnded, "warn"));
                    reload_twice();
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    move || {
        target.get().map(|t| {
            let fields = view! {
                <dl class="confirm-fields">
                    {confirm_row(i18n, K::ColCallId, "confirm-call-id", t.call_id.clone())}
                    {confirm_row(i18n, K::ColCaller, "confirm-from", t.from_uri.clone())}
                    {confirm_row(i18n, K::ColCallee, "confirm-to", t.to_uri.clone())}
                    {t.node.clone().map(|n| confirm_row(i18n, K::ColNode, "confirm-node", n))}
                </dl>
            };
            view! {
                <ConfirmModal kind="end-dialog" title=K::EndDialogTitle ok_label=K::EndDialog
                    busy_label=K::Ending fail_label=K::EndFailed busy=busy failure=failure
                    on_cancel=move || close() on_confirm=move || confirm()>
                    <p data-testid="confirm-text">{move || i18n.t(K::EndDialogBody)}</p>
                    {fields}
                </ConfirmModal>
            }
        })
    }
}

fn confirm_row(i18n: I18n, k: K, id: &'static str, v: String) -> impl IntoView {
    view! {
        <div data-testid=id>
            <dt>{move || i18n.t(k)}</dt>
            <dd class="tech">{v}</dd>
        </div>
    }
}
