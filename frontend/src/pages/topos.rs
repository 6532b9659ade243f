//! 拓扑隐藏 /kamailio/topos (manual §5): what Kamailio's topos module keeps, in two tabs:
//! dialogs (`topos_d`) and transactions (`topos_t`), each with both sides' real and
//! on-the-wire (`atpsh-`/`btpsh-`) Contacts, sockets and a link to the call's SIP trace.
//! Call-ID and time range filters and the page size are kept in the URL; "Clean"
//! removes records older than N days (default 7) as a job.
use kamscope_api_types::query::ToposQuery;
use kamscope_api_types::topos::{ToposDialog, ToposTransaction};
use leptos::prelude::*;

use crate::api;
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::{
    apply_or_reload, col, detail_items, details_of, filter_text, keep_in_url, limit_param, or_dash,
    parse_time, tab_param, time_or_dash, time_param, url_limit, url_tab, CleanButton, CleanupDef,
    Expand, FilterButtons, ListDef, PageHead, PageSize, Paged, RefreshButton, TableList, Tabs,
    TextFilter, TimeRange, UrlQuery,
};

/// The tabs, by their id in the URL (`?tab=`) and `data-testid="tab-{id}"`.
const TABS: [(&str, K); 2] = [
    ("dialogs", K::ToposTabDialogs),
    ("transactions", K::ToposTabTransactions),
];

/// topos' cleanup: both tables, 7 days by default (manual §5.3).
pub const TOPOS_CLEANUP: CleanupDef = CleanupDef {
    path: api::TOPOS_CLEANUP,
    days: 7,
    title: K::CleanToposTitle,
    kind: "topos-cleanup",
};

#[component]
pub fn ToposPage() -> impl IntoView {
    let i18n = use_i18n();
    // Tab, Call-ID, time range and page size start from the URL and are kept in it.
    let url = UrlQuery::current();
    let tab = url_tab(&url, &TABS);
    let call_id = RwSignal::new(url.opt("call_id"));
    let typed = RwSignal::new(url.get("call_id"));
    let from = RwSignal::new(parse_time(&url.get("from")));
    let to = RwSignal::new(parse_time(&url.get("to")));
    let limit = RwSignal::new(url_limit(&url));
    keep_in_url(move || {
        vec![
            ("tab", tab_param(tab.get(), &TABS)),
            ("call_id", call_id.get().unwrap_or_default()),
            ("from", time_param(from.get())),
            ("to", time_param(to.get())),
            ("limit", limit_param(limit.get())),
        ]
    });
    let reload = RwSignal::new(0u32);
    let apply = move || apply_or_reload(call_id, filter_text(typed.get_untracked()), reload);
    let clear = move || {
        typed.set(String::new());
        call_id.set(None);
        from.set(None);
        to.set(None);
    };
    let filtered =
        move || call_id.with(|c| c.is_some()) || from.get().is_some() || to.get().is_some();
    let query = move || ToposQuery {
        call_id: call_id.get(),
        from: from.get(),
        to: to.get(),
        limit: Some(limit.get()),
        cursor: None,
    };
    let empty = move |k: K| {
        Signal::derive(move || {
            i18n.t(if filtered() { K::ToposEmptyFiltered } else { k })
                .to_string()
        })
    };

    view! {
        <section class="page page-topos" data-testid="page-topos">
            <PageHead title=K::PageTopos desc=K::DescTopos/>
            <Tabs tabs=TABS.to_vec() active=tab/>
            <div class="toolbar toolbar-alone topos-filters" data-testid="toolbar">
                <div class="filter-row">
                    <TextFilter value=typed testid="filter-call-id" label=K::ToposFilterCallId
                        placeholder=K::ToposFilterCallIdPh on_enter=apply/>
                    <FilterButtons filtered=Signal::derive(filtered) on_apply=apply on_clear=clear/>
                    <div class="spacer"></div>
                    <RefreshButton reload=reload hint=K::ToposRefreshHint/>
                    <CleanButton def=TOPOS_CLEANUP on_done=move || reload.update(|n| *n += 1)/>
                </div>
                <div class="filter-row">
                    <TimeRange from=from to=to on_change=|| ()/>
                    <div class="spacer"></div>
                    <PageSize limit=limit on_change=|| ()/>
                </div>
            </div>
            // Each tab's list is made anew when its query changes: it starts on page 1.
            {move || match tab.get() {
                "transactions" => view! {
                    <TransactionsTab query=query() reload=reload empty=empty(K::ToposEmptyTransactions)/>
                }
                .into_any(),
                _ => view! { <DialogsTab query=query() reload=reload empty=empty(K::ToposEmptyDialogs)/> }.into_any(),
            }}
        </section>
    }
}

/// A real Contact over the one topos puts on the wire instead.
fn contacts_cell(testid: &'static str, real: &str, wire: &str) -> impl IntoView {
    view! {
        <td class="tech cell-wrap" data-testid=testid>
            <div class="contact-real">{or_dash(Some(real.to_string()))}</div>
            <div class="contact-wire muted">{or_dash(Some(wire.to_string()))}</div>
        </td>
    }
}

fn sockets_cell(a: &str, b: &str) -> impl IntoView {
    view! {
        <td class="tech cell-wrap" data-testid="cell-sockets">
            <div>{or_dash(Some(a.to_string()))}</div>
            <div>{or_dash(Some(b.to_string()))}</div>
        </td>
    }
}

/// The link to the call's SIP trace flow (a path inside the UI).
fn trace_cell(i18n: I18n, link: String) -> impl IntoView {
    view! {
        <td class="cell-actions">
            <a class="btn btn-sm" data-testid="trace-link" href=link title=move || i18n.t(K::ToposTraceLinkHint)>
                {move || i18n.t(K::ToposTraceLink)}
            </a>
        </td>
    }
}

const DIALOGS: ListDef = ListDef {
    id: "topos-dialogs",
    title: K::ToposTabDialogs,
    source_note: K::ToposSrcDialogs,
    empty_hint: K::ToposEmptyHint,
    rows: K::ToposRows,
    testid: "topos-dialogs-table",
    class: "",
    cols: &[
        col("time", K::ToposColTime),
        col("method", K::ToposColMethod),
        col("call-id", K::ToposColCallId),
        col("a-uri", K::ToposColAUri),
        col("b-uri", K::ToposColBUri),
        col("a-contact", K::ToposColAContact),
        col("b-contact", K::ToposColBContact),
        col("sockets", K::ToposColSockets),
        col("actions", K::ColActions),
    ],
    expandable: true,
};

#[component]
fn DialogsTab(query: ToposQuery, reload: RwSignal<u32>, empty: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TableList def=DIALOGS paged=Paged::of(reload, query, api::list_topos_dialogs) reload=reload
            empty=empty row=move |d, odd, expand| dialog_row(i18n, d, odd, expand)/>
    }
}

fn dialog_row(i18n: I18n, d: ToposDialog, odd: bool, expand: Expand) -> impl IntoView {
    let (open, toggle) = expand.row(i18n, d.id.to_string());
    let details = move |d: ToposDialog| {
        let fields = vec![
            (K::ToposDetId, "id", Some(d.id.to_string())),
            (
                K::ToposDetCseq,
                "cseq",
                Some(format!("{} {}", d.s_cseq, d.s_method)),
            ),
            (K::ToposColRUri, "r-uri", Some(d.r_uri)),
            (K::ToposDetAsContact, "as-contact", Some(d.as_contact)),
            (K::ToposDetBsContact, "bs-contact", Some(d.bs_contact)),
            (K::ToposDetAUuid, "a-uuid", Some(d.a_uuid)),
            (K::ToposDetBUuid, "b-uuid", Some(d.b_uuid)),
            (K::ToposDetATag, "a-tag", Some(d.a_tag)),
            (K::ToposDetBTag, "b-tag", Some(d.b_tag)),
            (K::ToposDetASrc, "a-srcaddr", Some(d.a_srcaddr)),
            (K::ToposDetBSrc, "b-srcaddr", Some(d.b_srcaddr)),
            (K::ToposDetASocket, "a-socket", Some(d.a_socket)),
            (K::ToposDetBSocket, "b-socket", Some(d.b_socket)),
            (K::ToposDetIflags, "iflags", Some(d.iflags.to_string())),
        ];
        view! { <dl class="details">{detail_items(i18n, fields)}</dl> }.into_any()
    };
    view! {
        <tr class="topos-row" class:odd=odd class:open=move || open.get() data-testid="topos-dialog-row"
            data-id=d.id.to_string() data-call-id=d.a_callid.clone()
            data-as-contact=d.as_contact.clone() data-bs-contact=d.bs_contact.clone()>
            {toggle}
            <td class="tech" data-testid="cell-time">{time_or_dash(d.rectime.as_ref())}</td>
            <td class="tech" data-testid="cell-method">{d.s_method.clone()}</td>
            <td class="tech cell-wrap" data-testid="cell-call-id">{d.a_callid.clone()}</td>
            <td class="tech cell-wrap" data-testid="cell-a-uri">{or_dash(Some(d.a_uri.clone()))}</td>
            <td class="tech cell-wrap" data-testid="cell-b-uri">{or_dash(Some(d.b_uri.clone()))}</td>
            {contacts_cell("cell-a-contact", &d.a_contact, &d.as_contact)}
            {contacts_cell("cell-b-contact", &d.b_contact, &d.bs_contact)}
            {sockets_cell(&d.a_socket, &d.b_socket)}
            {trace_cell(i18n, d.trace_link.clone())}
        </tr>
        {details_of(open, 9, d.clone(), details)}
    }
}

const TRANSACTIONS: ListDef = ListDef {
    id: "topos-transactions",
    title: K::ToposTabTransactions,
    source_note: K::ToposSrcTransactions,
    testid: "topos-transactions-table",
    cols: &[
        col("time", K::ToposColTime),
        col("method", K::ToposColMethod),
        col("call-id", K::ToposColCallId),
        col("direction", K::ToposColDirection),
        col("r-uri", K::ToposColRUri),
        col("a-contact", K::ToposColAContact),
        col("b-contact", K::ToposColBContact),
        col("sockets", K::ToposColSockets),
        col("actions", K::ColActions),
    ],
    ..DIALOGS
};

#[component]
fn TransactionsTab(
    query: ToposQuery,
    reload: RwSignal<u32>,
    empty: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TableList def=TRANSACTIONS paged=Paged::of(reload, query, api::list_topos_transactions)
            reload=reload empty=empty row=move |t, odd, expand| transaction_row(i18n, t, odd, expand)/>
    }
}

fn transaction_row(i18n: I18n, t: ToposTransaction, odd: bool, expand: Expand) -> impl IntoView {
    let (open, toggle) = expand.row(i18n, t.id.to_string());
    let dir = if t.direction == 1 {
        K::ToposUpstream
    } else {
        K::ToposDownstream
    };
    let details = move |t: ToposTransaction| {
        let fields = vec![
            (K::ToposDetId, "id", Some(t.id.to_string())),
            (
                K::ToposDetCseq,
                "cseq",
                Some(format!("{} {}", t.s_cseq, t.s_method)),
            ),
            (K::ToposDetVia, "via", Some(t.x_via)),
            (K::ToposDetVbranch, "vbranch", Some(t.x_vbranch)),
            (K::ToposDetAsContact, "as-contact", Some(t.as_contact)),
            (K::ToposDetBsContact, "bs-contact", Some(t.bs_contact)),
            (K::ToposDetAUuid, "a-uuid", Some(t.a_uuid)),
            (K::ToposDetBUuid, "b-uuid", Some(t.b_uuid)),
            (K::ToposDetXTag, "x-tag", Some(t.x_tag)),
            (K::ToposDetATag, "a-tag", Some(t.a_tag)),
            (K::ToposDetBTag, "b-tag", Some(t.b_tag)),
            (K::ToposDetASrc, "a-srcaddr", Some(t.a_srcaddr)),
            (K::ToposDetBSrc, "b-srcaddr", Some(t.b_srcaddr)),
            (K::ToposDetASocket, "a-socket", Some(t.a_socket)),
            (K::ToposDetBSocket, "b-socket", Some(t.b_socket)),
        ];
        view! { <dl class="details">{detail_items(i18n, fields)}</dl> }.into_any()
    };
    view! {
        <tr class="topos-row" class:odd=odd class:open=move || open.get() data-testid="topos-transaction-row"
            data-id=t.id.to_string() data-call-id=t.a_callid.clone() data-direction=t.direction.to_string()>
            {toggle}
            <td class="tech" data-testid="cell-time">{time_or_dash(t.rectime.as_ref())}</td>
            <td class="tech" data-testid="cell-method">{t.s_method.clone()}</td>
            <td class="tech cell-wrap" data-testid="cell-call-id">{t.a_callid.clone()}</td>
            <td data-testid="cell-direction">{move || i18n.t(dir)}</td>
            <td class="tech cell-wrap" data-testid="cell-r-uri">{or_dash(Some(t.x_uri.clone()))}</td>
            {contacts_cell("cell-a-contact", &t.a_contact, &t.as_contact)}
            {contacts_cell("cell-b-contact", &t.b_contact, &t.bs_contact)}
            {sockets_cell(&t.a_socket, &t.b_socket)}
            {trace_cell(i18n, t.trace_link.clone())}
        </tr>
        {details_of(open, 9, t.clone(), details)}
    }
}
