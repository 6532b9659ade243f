//! 对话管理 /kamailio/dialogs (manual §2): statistics on top, then the active dialogs
//! from Kamailio's memory (`dlg.list`), the dialog records of the `dialog` table and the
//! ended calls from acc's CDRs (`acc_cdrs`); filters, paging, details, and "End"
//! (`dlg.end_dlg`: BYE to both parties). What is particular to it: the statistics, the
//! filters, the columns, the states, and ending a call.
use kamscope_api_types::dialog::{Dialog, DialogRecord, DialogSource, DialogStats};
use kamscope_api_types::query::{DialogsQuery, HistoryQuery};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::callid_link;
use crate::ui::filters::PerNode;
use crate::ui::{
    action_button, clock_duration, col, confirm_fields, confirm_flow, detail_items, details_of,
    filter_text, keep_in_url, local_time, node_names, or_dash, per_node, per_node_rows,
    reload_twice, stat_card, time_or_dash, Clock, ConfirmSpec, DataTable, Expand, FilterButtons,
    ListSection, Loading, NodeSelect, PageHead, Paged, RefreshButton, SelectFilter, TextFilter,
    Toast, ToastMsg, UrlQuery, ALL_NODES,
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
    // Filters and node start from the URL and are kept in it
    // (`?call_id=..&from=alice&to=&state=4&node=all`).
    let url = UrlQuery::current();
    let f0 = DialogsQuery {
        call_id: url.opt("call_id"),
        from_uri: url.opt("from"),
        to_uri: url.opt("to"),
        state: url.parse("state", |s| (1..=5).contains(s)),
        ..Default::default()
    };
    let nodes = node_names();
    let node = RwSignal::new(url.opt("node"));
    // What is typed, applied with Enter or the Filter button.
    let typed = |v: &Option<String>| RwSignal::new(v.clone().unwrap_or_default());
    let (f_call, f_from, f_to) = (typed(&f0.call_id), typed(&f0.from_uri), typed(&f0.to_uri));
    let filter = RwSignal::new(f0);
    keep_in_url(move || {
        let f = filter.get();
        let s = |v: Option<String>| v.unwrap_or_default();
        vec![
            ("call_id", s(f.call_id)),
            ("from", s(f.from_uri)),
            ("to", s(f.to_uri)),
            ("state", s(f.state.map(|v| v.to_string()))),
            ("node", s(node.get())),
        ]
    });
    let reload = RwSignal::new(0u32);
    let list = move |source: DialogSource, node: Option<String>, cursor| DialogsQuery {
        source: Some(source),
        node,
        limit: Some(LIMIT),
        cursor,
        ..filter.get()
    };
    let memory = Paged::new(reload, move |cursor| {
        api::list_dialogs(list(DialogSource::Memory, node.get(), cursor))
    });
    let db = Paged::new(reload, move |cursor| {
        api::list_dialogs(list(DialogSource::Db, None, cursor))
    });
    let history = Paged::new(reload, move |cursor| {
        let q = HistoryQuery {
            call_id: filter.with(|f| f.call_id.clone()),
            limit: Some(LIMIT),
            cursor,
            ..Default::default()
        };
        api::dialog_history(q)
    });

    // Statistics: of the chosen node, or of every node.
    let stats = per_node(reload, node, nodes, api::dialog_stats);

    let reset_all = move || {
        memory.reset();
        db.reset();
        history.reset();
    };
    let set_filter = move |f: DialogsQuery| {
        if filter.with_untracked(|old| *old == f) {
            reload.update(|n| *n += 1);
        } else {
            reset_all();
            filter.set(f);
        }
    };
    let apply = move || {
        let state = filter.with_untracked(|f| f.state);
        let (call_id, from_uri, to_uri) = (
            filter_text(f_call.get_untracked()),
            filter_text(f_from.get_untracked()),
            filter_text(f_to.get_untracked()),
        );
        set_filter(DialogsQuery {
            call_id,
            from_uri,
            to_uri,
            state,
            ..Default::default()
        });
    };
    let clear = move || {
        for s in [f_call, f_from, f_to] {
            s.set(String::new());
        }
        set_filter(DialogsQuery::default());
    };
    let filtered = move || filter.with(|f| *f != DialogsQuery::default());
    let state_options: Vec<_> = (1u8..=5)
        .map(|c| {
            (
                c.to_string(),
                Signal::derive(move || format!("{c} · {}", i18n.t(state_key(c as i64)))),
            )
        })
        .collect();

    let expand = Expand::new();
    let target: RwSignal<Option<Dialog>> = RwSignal::new(None);
    let toast = Toast::new();
    let clock = Clock::new();
    let show_node = move || node.get().as_deref() == Some(ALL_NODES);

    view! {
        <section class="page page-dialogs" data-testid="page-dialogs">
            <PageHead title=K::PageDialogs desc=K::DescDialogs/>
            <StatsStrip stats=stats show_node=Signal::derive(show_node)/>
            <div class="toolbar toolbar-alone" data-testid="toolbar">
                <TextFilter value=f_call testid="filter-call-id" label=K::FilterCallId placeholder=K::FilterCallIdPh on_enter=apply/>
                <TextFilter value=f_from testid="filter-from" label=K::FilterFrom placeholder=K::FilterFromPh on_enter=apply/>
                <TextFilter value=f_to testid="filter-to" label=K::FilterTo placeholder=K::FilterToPh on_enter=apply/>
                <SelectFilter testid="filter-state" label=K::FilterState any=K::FilterStateAny options=state_options
                    selected=Signal::derive(move || filter.with(|f| f.state.map(|s| s.to_string()).unwrap_or_default()))
                    on_change=move |v: String| {
                        reset_all();
                        filter.update(|f| f.state = v.parse().ok());
                    }/>
                <FilterButtons filtered=Signal::derive(filtered) on_apply=apply on_clear=clear/>
                <div class="spacer"></div>
                <NodeSelect names=nodes node=node on_change=move || reset_all()/>
                <RefreshButton reload=reload hint=K::RefreshDialogsHint/>
            </div>

            <ListSection id="memory" title=K::SecMemory source_note=K::SecMemorySource paged=memory reload=reload
                empty=empty(K::DlgEmpty, Signal::derive(filtered)) empty_hint=K::DlgEmptyHint
                status=Signal::derive(move || rows_on_page(i18n, memory.len()))>
                {move || dialog_table(i18n, memory.items(), true, show_node(), expand, target, clock, memory.loaded_at)}
            </ListSection>
            <ListSection id="db" title=K::SecDb source_note=K::SecDbSource paged=db reload=reload
                empty=empty(K::DlgEmptyDb, Signal::derive(filtered)) empty_hint=K::DlgEmptyDbHint
                status=Signal::derive(move || rows_on_page(i18n, db.len()))>
                {move || dialog_table(i18n, db.items(), false, false, expand, target, clock, db.loaded_at)}
            </ListSection>
            <ListSection id="history" title=K::SecHistory source_note=K::SecHistorySource paged=history reload=reload
                empty=empty(K::DlgEmptyHistory, Signal::derive(move || filter.with(|f| f.call_id.is_some())))
                empty_hint=K::DlgEmptyHistoryHint status=Signal::derive(move || rows_on_page(i18n, history.len()))>
                {move || history_table(history.items())}
            </ListSection>

            {confirm_flow(target, |_| END_SPEC, |d: Dialog| api::end_dialog(d.h_entry, d.h_id, d.node),
                move |t, r| {
                    let msg = |key, tone| ToastMsg { key, name: "call", value: t.call_id.clone(), testid: "call-id", tone };
                    match r {
                        Ok(()) => toast.show(msg(K::DialogEnded, "ok")),
                        // Gone between the list and the click: say so, and look again.
                        Err(ApiError::Http { status: 404, .. }) => toast.show(msg(K::DialogAlreadyEnded, "warn")),
                        Err(e) => return Err(e),
                    }
                    // Kamailio removes an ended dialog a moment after the BYEs: look again shortly.
                    reload_twice(reload, 1500);
                    Ok(())
                },
                move |t| end_body(i18n, t))}
            {toast.view()}
        </section>
    }
}

const END_SPEC: ConfirmSpec = ConfirmSpec {
    kind: "end-dialog",
    title: K::EndDialogTitle,
    ok: K::EndDialog,
    busy: K::Ending,
    fail: K::EndFailed,
};

/// The empty state: "nothing matches the filters" while filtered.
fn empty(k: K, filtered: Signal<bool>) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || {
        i18n.t(if filtered.get() {
            K::DlgEmptyFiltered
        } else {
            k
        })
        .into()
    })
}

fn rows_on_page(i18n: I18n, n: usize) -> String {
    i18n.f(K::DlgRows, &[("n", &n.to_string())])
}

#[component]
fn StatsStrip(
    stats: RwSignal<Option<PerNode<DialogStats>>>,
    show_node: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let card = move |id, k, hint, v| stat_card(i18n, id, k, hint, v);
    view! {
        <section class="stats-panel" data-testid="dialog-stats" aria-label=move || i18n.t(K::DlgStatsTitle)>
            {move || match stats.get() {
                None => view! { <Loading/> }.into_any(),
                Some(list) => per_node_rows(i18n, list, show_node, |s: DialogStats| {
                    let early = s.starting + s.connecting + s.answering;
                    (Some(s.node.clone()), view! {
                        {card("active", K::DlgStatActive, K::DlgStatActiveHint, s.active)}
                        {card("ongoing", K::DlgStatOngoing, K::DlgStatOngoingHint, s.ongoing)}
                        {card("early", K::DlgStatEarly, K::DlgStatEarlyHint, early)}
                        <span class="stat-sep" aria-hidden="true"></span>
                        {card("processed", K::DlgStatProcessed, K::DlgStatProcessedHint, s.processed)}
                        {card("failed", K::DlgStatFailed, K::DlgStatFailedHint, s.failed)}
                        {card("expired", K::DlgStatExpired, K::DlgStatExpiredHint, s.expired)}
                    })
                })
                .into_any(),
            }}
            <p class="muted small stats-note">{move || i18n.t(K::DlgStatsSince)}</p>
        </section>
    }
}

#[allow(clippy::too_many_arguments)]
fn dialog_table(
    i18n: I18n,
    items: Vec<Dialog>,
    memory: bool,
    show_node: bool,
    expand: Expand,
    target: RwSignal<Option<Dialog>>,
    clock: Clock,
    loaded_at: RwSignal<f64>,
) -> impl IntoView {
    let mut cols = vec![
        col("h-entry", K::ColHashEntry),
        col("h-id", K::ColHashId),
        col("call-id", K::ColCallId),
        col("from-uri", K::ColFromUri),
        col("to-uri", K::ColToUri),
        col("state", K::ColState),
        col("start", K::ColStart),
        col("duration", K::ColDuration),
    ];
    cols.extend(show_node.then(|| col("node", K::ColNode)));
    cols.extend(memory.then(|| col("actions", K::ColActions)));
    let span = cols.len();
    let rows = items
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let (open, toggle) = expand.row(i18n, row_key(&d));
            let code = d.state;
            // Running calls: the duration goes on between reloads.
            let (base, running) = (d.duration, code == 4 || code == 3);
            let duration = move || match base {
                Some(b) => {
                    let extra = if running { clock.secs_since(loaded_at.get()) } else { 0 };
                    view! { <span class="tech">{clock_duration(b + extra)}</span> }.into_any()
                }
                None => view! { <span class="muted">{move || i18n.t(K::DlgNotAnswered)}</span> }.into_any(),
            };
            let t = d.clone();
            view! {
                <tr class="reg-row dlg-row" class:odd=i % 2 == 1 class:open=move || open.get() data-testid="dialog-row"
                    data-call-id=d.call_id.clone() data-state=code.to_string()
                    data-h-entry=d.h_entry.to_string() data-h-id=d.h_id.to_string()
                    data-source=api::dialog_source_param(d.source) data-node=d.node.clone().unwrap_or_default()>
                    {toggle}
                    <td class="tech" data-testid="cell-h-entry">{d.h_entry.to_string()}</td>
                    <td class="tech" data-testid="cell-h-id">{d.h_id.to_string()}</td>
                    <td class="tech cell-callid" data-testid="cell-call-id">{callid_link(i18n, Some(d.call_id.clone()))}</td>
                    <td class="tech cell-uri" data-testid="cell-from-uri">{d.from_uri.clone()}</td>
                    <td class="tech cell-uri" data-testid="cell-to-uri">{d.to_uri.clone()}</td>
                    <td class="cell-state" data-testid="cell-state" data-state=code.to_string()>
                        <span class=format!("state-pill {}", state_class(code))>
                            <span class="state-code tech">{code.to_string()}</span>
                            <span class="state-label" data-testid="state-label">{move || i18n.t(state_key(code))}</span>
                        </span>
                    </td>
                    <td class="tech nowrap" data-testid="cell-start">{time_or_dash(d.start.as_ref())}</td>
                    <td class="nowrap" data-testid="cell-duration">{duration}</td>
                    {show_node.then(|| view! { <td class="tech" data-testid="cell-node">{d.node.clone()}</td> })}
                    {memory.then(|| view! {
                        <td class="cell-actions">
                            {action_button(i18n, "end-button", K::EndDialog, K::EndDialogHint, "btn-danger",
                                move |_| target.set(Some(t.clone())))}
                        </td>
                    })}
                </tr>
                {details_of(open, span, d.clone(), move |d| details_view(i18n, d))}
            }
        })
        .collect_view();
    view! { <DataTable testid="dialogs-table" class="dlg-grid" expandable=true cols=cols>{rows}</DataTable> }
}

/// Both legs, the request URI, the timeout and the dialog variables.
fn details_view(i18n: I18n, d: Dialog) -> AnyView {
    let fields: Vec<(K, &'static str, Option<String>)> = vec![
        (K::DetCallerTag, "caller-tag", d.caller.tag.clone()),
        (
            K::DetCallerContact,
            "caller-contact",
            d.caller.contact.clone(),
        ),
        (K::DetCallerCseq, "caller-cseq", d.caller.cseq.clone()),
        (K::DetCallerSocket, "caller-socket", d.caller.socket.clone()),
        (K::DetCalleeTag, "callee-tag", d.callee.tag.clone()),
        (
            K::DetCalleeContact,
            "callee-contact",
            d.callee.contact.clone(),
        ),
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

fn history_table(items: Vec<DialogRecord>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = items
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            view! {
                <tr class="reg-row" class:odd=i % 2 == 1 data-testid="history-row"
                    data-id=r.id.to_string() data-call-id=r.call_id.clone().unwrap_or_default()>
                    <td class="tech cell-callid" data-testid="cell-call-id">{callid_link(i18n, r.call_id.clone())}</td>
                    <td class="tech" data-testid="cell-caller">{or_dash(r.src_user.clone())}</td>
                    <td class="tech" data-testid="cell-callee">{or_dash(r.dst_user.clone())}</td>
                    <td class="tech nowrap" data-testid="cell-start">{time_or_dash(r.start_time.as_ref())}</td>
                    <td class="tech nowrap" data-testid="cell-end">{time_or_dash(r.end_time.as_ref())}</td>
                    <td class="tech nowrap" data-testid="cell-duration">
                        {r.duration.map(|s| clock_duration(s.round() as i64)).unwrap_or_else(|| "—".into())}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable testid="history-table" class="dlg-grid" cols=vec![
            col("call-id", K::ColCallId), col("caller", K::ColCaller), col("callee", K::ColCallee),
            col("start", K::ColStart), col("end", K::ColEnd), col("duration", K::ColDuration),
        ]>
            {rows}
        </DataTable>
    }
}

fn end_body(i18n: I18n, t: Dialog) -> impl IntoView {
    let mut fields = vec![
        (K::ColCallId, "confirm-call-id", t.call_id),
        (K::ColCaller, "confirm-from", t.from_uri),
        (K::ColCallee, "confirm-to", t.to_uri),
    ];
    fields.extend(t.node.map(|n| (K::ColNode, "confirm-node", n)));
    confirm_fields(i18n, K::EndDialogBody, fields)
}
