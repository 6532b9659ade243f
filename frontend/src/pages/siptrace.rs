//! SIP 跟踪 /kamailio/siptrace (manual §4): Kamailio's `sip_trace` table.
//!
//! - The search: Call-ID, traced user, method, status, from / to address, direction and a
//!   time range (presets), kept in the URL; the window the server searched is stated
//!   (unindexed searches always carry one). A row opens its message (`GET /traces/{id}`)
//!   with the first line and the header names set apart; "View" opens the call flow.
//! - The call flow, `?flow=<Call-ID>[&flow=<Call-ID>]` (the legs of one call through a
//!   B2BUA): a ladder with a column per endpoint (Kamailio's sockets marked), an arrow
//!   per message coloured by kind with an SDP mark, absolute or delta times; a click
//!   shows the message (previous / next); two ticked messages are compared line by line;
//!   PCAP and text downloads. Its state (`msg`, `times`, `cmp`) is kept in the URL too.
//! - "Clean" removes records older than N days (default 30, manual §4.6) as a job.
//!
//! Every SIP text (strangers write it) is shown as text nodes, never as markup.
use chrono::{DateTime, FixedOffset, Local};
use kamscope_api_types::query::TraceQuery;
use kamscope_api_types::siptrace::{
    CallFlow, FlowMessage, TraceDirection, TraceFormat, TraceItem, TraceWindow,
};
use kamscope_api_types::Page;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use crate::api;
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::diff::{diff_lines, diff_view, RowKind};
use crate::ui::download::{DownloadButton, Format};
use crate::ui::ladder::{Ladder, LadderCol, LadderRow};
use crate::ui::{
    apply_or_reload, col, details_row, emph, filter_text, keep_in_url, limit_param, load,
    parse_time, time_param, typed_sip_code, url_limit, valid_sip_code, CleanButton, CleanupDef,
    ErrorBox, Expand, FilterButtons, ListDef, Loading, PageHead, PageSize, Paged, RefreshButton,
    SelectFilter, TableList, TextFilter, TimeRange, UrlQuery,
};

/// The SIP trace cleanup: `sip_trace`, 30 days by default (manual §4.6).
pub const TRACE_CLEANUP: CleanupDef = CleanupDef {
    path: api::TRACES_CLEANUP,
    days: 30,
    title: K::CleanTraceTitle,
    kind: "trace-cleanup",
};

/// The methods the method filter offers.
const METHODS: [&str; 14] = [
    "INVITE",
    "ACK",
    "BYE",
    "CANCEL",
    "REGISTER",
    "OPTIONS",
    "MESSAGE",
    "SUBSCRIBE",
    "NOTIFY",
    "PUBLISH",
    "REFER",
    "UPDATE",
    "PRACK",
    "INFO",
];

/// The most Call-IDs one flow shows (the API's limit).
const MAX_CALL_IDS: usize = 10;

/// The filters as applied (Enter or the Filter button); method, direction and the time
/// range apply at once.
#[derive(Clone, Debug, Default, PartialEq)]
struct Filter {
    call_id: Option<String>,
    traced_user: Option<String>,
    method: Option<String>,
    status: Option<u16>,
    from_ip: Option<String>,
    to_ip: Option<String>,
    direction: Option<TraceDirection>,
}

impl Filter {
    fn any(&self) -> bool {
        *self != Filter::default()
    }
}

fn parse_direction(s: &str) -> Option<TraceDirection> {
    match s {
        "in" => Some(TraceDirection::In),
        "out" => Some(TraceDirection::Out),
        _ => None,
    }
}

/// `2026-12-01 13:05:02.123456` in the browser's zone.
fn time_us(t: &DateTime<FixedOffset>) -> String {
    t.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M:%S%.6f")
        .to_string()
}

/// `13:05:02.123456` in the browser's zone.
fn clock_us(t: &DateTime<FixedOffset>) -> String {
    t.with_timezone(&Local).format("%H:%M:%S%.6f").to_string()
}

/// `+0.012345 s`.
fn delta(us: i64) -> String {
    let sign = if us < 0 { "-" } else { "+" };
    let us = us.unsigned_abs();
    format!("{sign}{}.{:06} s", us / 1_000_000, us % 1_000_000)
}

/// A message's kind, as the ladder colours it: request, 1xx, 2xx, 3xx, 4xx–6xx.
fn kind(is_request: bool, status: Option<u16>) -> &'static str {
    match (is_request, status) {
        (true, _) | (false, None) => "req",
        (false, Some(s)) if s < 200 => "1xx",
        (false, Some(s)) if s < 300 => "2xx",
        (false, Some(s)) if s < 400 => "3xx",
        _ => "err",
    }
}

/// What an arrow says: the method of a request, the status and reason of a reply.
fn arrow_label(m: &FlowMessage) -> String {
    if m.is_request {
        return m.method.clone();
    }
    let line = m.first_line.trim();
    match line.split_once(' ') {
        Some((proto, rest)) if proto.starts_with("SIP/") => rest.trim().to_string(),
        _ => m
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| line.to_string()),
    }
}

/// The call flow's own address in the app.
fn flow_href(ids: &[String]) -> String {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    api::flow_link(&ids)
}

#[component]
pub fn SiptracePage() -> impl IntoView {
    // `?flow=` (repeated) opens the call flow; without it the page is the search.
    let query = use_query_map();
    let flow_ids = Memo::new(move |_| {
        query.with(|q| {
            let mut ids: Vec<String> = Vec::new();
            for id in q.get_all("flow").unwrap_or_default() {
                let id = id.trim().to_string();
                if !id.is_empty() && !ids.contains(&id) && ids.len() < MAX_CALL_IDS {
                    ids.push(id);
                }
            }
            ids
        })
    });
    // The search the flow was opened from, for "Back to the search".
    let back_to = StoredValue::new(None::<String>);
    view! {
        <section class="page page-siptrace" data-testid="page-siptrace">
            <PageHead title=K::PageSiptrace desc=K::DescSiptrace/>
            {move || {
                let ids = flow_ids.get();
                if ids.is_empty() {
                    view! { <SearchView back_to=back_to/> }.into_any()
                } else {
                    view! { <FlowView ids=ids back_to=back_to/> }.into_any()
                }
            }}
        </section>
    }
}

// ---------------------------------------------------------------------------------------
// The search

#[component]
fn SearchView(back_to: StoredValue<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let url = UrlQuery::current();
    let f0 = Filter {
        call_id: url.opt("call_id"),
        traced_user: url.opt("traced_user"),
        method: url.opt("method").map(|m| m.to_ascii_uppercase()),
        status: url.parse("status", valid_sip_code),
        from_ip: url.opt("from_ip"),
        to_ip: url.opt("to_ip"),
        direction: parse_direction(&url.get("direction")),
    };
    let typed = |v: &Option<String>| RwSignal::new(v.clone().unwrap_or_default());
    let (t_call, t_user, t_from_ip, t_to_ip) = (
        typed(&f0.call_id),
        typed(&f0.traced_user),
        typed(&f0.from_ip),
        typed(&f0.to_ip),
    );
    let t_status = RwSignal::new(f0.status.map(|c| c.to_string()).unwrap_or_default());
    let status_error = RwSignal::new(false);
    let filter = RwSignal::new(f0);
    let from = RwSignal::new(parse_time(&url.get("from")));
    let to = RwSignal::new(parse_time(&url.get("to")));
    let limit = RwSignal::new(url_limit(&url));
    keep_in_url(move || {
        let f = filter.get();
        let s = |v: Option<String>| v.unwrap_or_default();
        vec![
            ("call_id", s(f.call_id)),
            ("traced_user", s(f.traced_user)),
            ("method", s(f.method)),
            ("status", s(f.status.map(|c| c.to_string()))),
            ("from_ip", s(f.from_ip)),
            ("to_ip", s(f.to_ip)),
            ("direction", s(f.direction.map(|d| d.as_str().to_string()))),
            ("from", time_param(from.get())),
            ("to", time_param(to.get())),
            ("limit", limit_param(limit.get())),
        ]
    });
    let reload = RwSignal::new(0u32);
    let window: RwSignal<Option<TraceWindow>> = RwSignal::new(None);
    let paged = Paged::new(reload, move |cursor| {
        let f = filter.get();
        let q = TraceQuery {
            call_id: f.call_id,
            traced_user: f.traced_user,
            method: f.method,
            status: f.status,
            from_ip: f.from_ip,
            to_ip: f.to_ip,
            direction: f.direction,
            from: from.get(),
            to: to.get(),
            limit: Some(limit.get()),
            cursor,
        };
        async move {
            let r = api::list_traces(q).await;
            // The window is stated apart from the rows (the kit's list has items only).
            window.set(r.as_ref().ok().map(|p| p.window.clone()));
            r.map(|p| Page {
                items: p.items,
                next_cursor: p.next_cursor,
            })
        }
    });

    let apply = move || {
        let Ok(status) = typed_sip_code(&t_status.get_untracked()) else {
            status_error.set(true);
            return;
        };
        status_error.set(false);
        let f = Filter {
            call_id: filter_text(t_call.get_untracked()),
            traced_user: filter_text(t_user.get_untracked()),
            status,
            from_ip: filter_text(t_from_ip.get_untracked()),
            to_ip: filter_text(t_to_ip.get_untracked()),
            ..filter.get_untracked()
        };
        paged.reset();
        apply_or_reload(filter, f, reload);
    };
    let clear = move || {
        for s in [t_call, t_user, t_from_ip, t_to_ip, t_status] {
            s.set(String::new());
        }
        status_error.set(false);
        paged.reset();
        filter.set(Filter::default());
        from.set(None);
        to.set(None);
    };
    let filtered = move || filter.with(Filter::any) || from.get().is_some() || to.get().is_some();
    let methods = METHODS
        .iter()
        .map(|m| (m.to_string(), Signal::stored(m.to_string())))
        .collect();
    let directions = vec![
        (
            "in".to_string(),
            Signal::derive(move || format!("{} (in)", i18n.t(K::TrDirIn))),
        ),
        (
            "out".to_string(),
            Signal::derive(move || format!("{} (out)", i18n.t(K::TrDirOut))),
        ),
    ];
    let empty = Signal::derive(move || {
        i18n.t(if filtered() {
            K::TrEmptyFiltered
        } else {
            K::TrEmpty
        })
        .to_string()
    });
    // "View" opens the flow at its own address; "Back" there returns to this search.
    let loc = use_location();
    let remember = move || {
        // leptos_router's `search` comes without its `?`.
        let q = loc.search.get_untracked();
        let q = q.trim_start_matches('?');
        let sep = if q.is_empty() { "" } else { "?" };
        back_to.set_value(Some(format!("{}{sep}{q}", loc.pathname.get_untracked())))
    };

    view! {
        <div class="toolbar toolbar-alone trace-filters" data-testid="toolbar">
            <div class="filter-row">
                <TextFilter value=t_call testid="filter-call-id" label=K::TrFilterCallId
                    placeholder=K::TrFilterCallIdPh on_enter=apply/>
                <TextFilter value=t_user testid="filter-traced-user" label=K::TrFilterUser
                    placeholder=K::TrFilterUserPh on_enter=apply/>
                <SelectFilter testid="filter-method" label=K::TrFilterMethod options=methods any=K::TrMethodAny
                    selected=Signal::derive(move || filter.with(|f| f.method.clone().unwrap_or_default()))
                    on_change=move |v: String| {
                        paged.reset();
                        filter.update(|f| f.method = filter_text(v));
                    }/>
                <label class="filter filter-status">
                    <span>{move || i18n.t(K::TrFilterStatus)}</span>
                    <input type="search" inputmode="numeric" data-testid="filter-status" class:invalid=move || status_error.get()
                        aria-label=move || i18n.t(K::TrFilterStatus) placeholder=move || i18n.t(K::TrFilterStatusPh)
                        prop:value=move || t_status.get()
                        on:input=move |ev| t_status.set(event_target_value(&ev))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                                apply();
                            }
                        }/>
                </label>
                <Show when=move || status_error.get()>
                    <span class="field-error" role="alert" data-testid="status-error">{move || i18n.t(K::TrBadStatus)}</span>
                </Show>
            </div>
            <div class="filter-row">
                <TextFilter value=t_from_ip testid="filter-from-ip" label=K::TrFilterFromIp
                    placeholder=K::TrFilterIpPh on_enter=apply/>
                <TextFilter value=t_to_ip testid="filter-to-ip" label=K::TrFilterToIp
                    placeholder=K::TrFilterIpPh on_enter=apply/>
                <SelectFilter testid="filter-direction" label=K::TrFilterDirection options=directions any=K::TrDirAny
                    selected=Signal::derive(move || filter.with(|f| f.direction.map(|d| d.as_str().to_string()).unwrap_or_default()))
                    on_change=move |v: String| {
                        paged.reset();
                        filter.update(|f| f.direction = parse_direction(&v));
                    }/>
                <FilterButtons filtered=Signal::derive(filtered) on_apply=apply on_clear=clear/>
                <div class="spacer"></div>
                <RefreshButton reload=reload hint=K::TrRefreshHint/>
                <CleanButton def=TRACE_CLEANUP on_done=move || reload.update(|n| *n += 1)/>
            </div>
            <div class="filter-row">
                <TimeRange from=from to=to on_change=move || paged.reset()/>
                <div class="spacer"></div>
                <PageSize limit=limit on_change=move || paged.reset()/>
            </div>
            {move || window.get().map(|w| window_line(i18n, w))}
        </div>
        {move || filter.with(|f| f.call_id.clone()).map(|id| {
            let href = flow_href(std::slice::from_ref(&id));
            view! {
                <div class="notice trace-callid" data-testid="siptrace-call-id">
                    <span>{move || emph(i18n.t(K::TrCallIdAsked), "id", &id, "call-id")}</span>
                    <a class="btn btn-primary btn-sm" data-testid="view-flow" href=href
                        on:click=move |_| remember()>{move || i18n.t(K::TrViewFlow)}</a>
                </div>
            }
        })}
        <TableList def=TRACES paged=paged reload=reload empty=empty
            row=move |t, odd, expand| trace_row(i18n, t, odd, expand, remember)/>
    }
}

const TRACES: ListDef = ListDef {
    id: "traces",
    title: K::TrTitle,
    source_note: K::TrSrc,
    empty_hint: K::TrEmptyHint,
    rows: K::TrRows,
    testid: "traces-table",
    class: "trace-grid",
    cols: &[
        col("time", K::TrColTime),
        col("method", K::TrColMethod),
        col("first-line", K::TrColFirstLine),
        col("route", K::TrColRoute),
        col("direction", K::TrColDirection),
        col("call-id", K::TrColCallId),
        col("actions", K::ColActions),
    ],
    expandable: true,
};

/// The time window the server searched, as the reply states it.
fn window_line(i18n: I18n, w: TraceWindow) -> impl IntoView {
    let range = move || {
        let (f, t) = (w.from.as_ref().map(time_us), w.to.as_ref().map(time_us));
        match (f, t) {
            (Some(f), Some(t)) => i18n.f(K::TrWindowRange, &[("from", &f), ("to", &t)]),
            (Some(f), None) => i18n.f(K::TrWindowSince, &[("from", &f)]),
            (None, Some(t)) => i18n.f(K::TrWindowUntil, &[("to", &t)]),
            (None, None) => i18n.t(K::TrWindowAll).to_string(),
        }
    };
    // The maximum matters where a window applies.
    let bounded = w.from.is_some() || w.to.is_some();
    let max = w.max_seconds.filter(|_| bounded).map(|s| {
        move || {
            let n = if s % 86400 == 0 {
                i18n.f(K::TrDays, &[("n", &(s / 86400).to_string())])
            } else {
                i18n.f(K::TrHours, &[("n", &(s / 3600).to_string())])
            };
            i18n.f(K::TrWindowMax, &[("n", &n)])
        }
    });
    view! {
        <p class="trace-window" data-testid="trace-window" data-defaulted=w.defaulted.to_string()
            data-from=w.from.map(|t| t.to_rfc3339()).unwrap_or_default()
            data-to=w.to.map(|t| t.to_rfc3339()).unwrap_or_default()
            data-max-seconds=w.max_seconds.map(|s| s.to_string()).unwrap_or_default()>
            <strong>{move || i18n.t(K::TrWindow)}</strong>" "
            <span data-testid="window-range">{range}</span>
            {w.defaulted.then(|| view! { " · " <span data-testid="window-defaulted">{move || i18n.t(K::TrWindowDefaulted)}</span> })}
            {max.map(|m| view! { " · " <span data-testid="window-max">{m}</span> })}
            // The server's own sentence: why the search is bounded (or not).
            " · "<span class="tech muted" data-testid="window-reason">{w.reason.clone()}</span>
        </p>
    }
}

/// `udp:10.0.0.1:5060` → `10.0.0.1:5060` (IPv6 in brackets), with the protocol apart.
fn endpoint_text(e: &kamscope_api_types::siptrace::TraceEndpoint) -> String {
    let addr = if e.address.contains(':') {
        format!("[{}]", e.address)
    } else {
        e.address.clone()
    };
    match e.port {
        Some(p) => format!("{addr}:{p}"),
        None if e.address.is_empty() => e.raw.clone(),
        None => addr,
    }
}

fn trace_row(
    i18n: I18n,
    t: TraceItem,
    odd: bool,
    expand: Expand,
    remember: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let (open, toggle) = expand.row(i18n, t.id.to_string());
    let id = t.id;
    let details = move || view! { <MessagePane id=id/> }.into_any();
    let k = kind(t.status.is_none(), t.status);
    let method = match t.status {
        Some(s) => format!("{s} · {}", t.method),
        None => t.method.clone(),
    };
    let dir = match t.direction.as_str() {
        "in" => Some(K::TrDirIn),
        "out" => Some(K::TrDirOut),
        _ => None,
    };
    let href = flow_href(std::slice::from_ref(&t.call_id));
    view! {
        <tr class="trace-row" class:odd=odd class:open=move || open.get() data-testid="trace-row"
            data-id=t.id.to_string() data-call-id=t.call_id.clone() data-method=t.method.clone()
            data-status=t.status.map(|s| s.to_string()).unwrap_or_default() data-direction=t.direction.clone()>
            {toggle}
            <td class="tech nowrap" data-testid="cell-time">{time_us(&t.time)}</td>
            <td class=format!("tech nowrap trace-kind-{k}") data-testid="cell-method">{method}</td>
            <td class="tech cell-wrap trace-first-line" data-testid="cell-first-line">{t.first_line.clone()}</td>
            <td class="tech trace-route" data-testid="cell-route">
                <span class="muted">{format!("{} ", t.from_ip.proto)}</span>
                <span class="ep" title=t.from_ip.raw.clone() data-tech-title="">{endpoint_text(&t.from_ip)}" →"</span>
                " "
                <span class="ep" title=t.to_ip.raw.clone() data-tech-title="">{endpoint_text(&t.to_ip)}</span>
            </td>
            <td data-testid="cell-direction">
                {move || dir.map(|d| i18n.t(d)).unwrap_or_default()}
                <span class="tech muted">{format!(" ({})", t.direction)}</span>
            </td>
            <td class="tech cell-callid" data-testid="cell-call-id">{t.call_id.clone()}</td>
            <td class="cell-actions">
                <a class="btn btn-sm" data-testid="view-button" title=move || i18n.t(K::TrViewHint)
                    href=href on:click=move |_| remember()>
                    {move || i18n.t(K::TrView)}
                </a>
            </td>
        </tr>
        {details_row(open, 7, details)}
    }
}

/// One message (`GET /traces/{id}`): what it is, then its raw text.
#[component]
fn MessagePane(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let msg = load(reload, move || api::trace_message(id));
    move || match msg.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(e)) => {
            view! { <ErrorBox err=e on_retry=move || reload.update(|n| *n += 1)/> }.into_any()
        }
        Some(Ok(m)) => {
            let head = i18n.f(K::TrHeaders, &[("n", &m.headers.len().to_string())]);
            let body = i18n.f(K::TrBody, &[("n", &m.body.len().to_string())]);
            view! {
                <div class="trace-message" data-testid="trace-message" data-id=m.item.id.to_string()
                    data-has-sdp=m.has_sdp.to_string()>
                    <p class="trace-message-meta">
                        <span class="tech">{time_us(&m.item.time)}</span>
                        " · "<span class="tech">{format!("{} → {}", m.item.from_ip.raw, m.item.to_ip.raw)}</span>
                        " · "<span>{head}</span>" · "<span>{body}</span>
                        {m.has_sdp.then(|| view! { " · " <span class="sdp-mark">"SDP"</span> })}
                        {(!m.item.traced_user.is_empty()).then(|| {
                            let u = m.item.traced_user.clone();
                            view! { " · " <span>{move || i18n.t(K::TrTracedUser)}": "</span><span class="tech">{u}</span> }
                        })}
                    </p>
                    {raw_message(&m.msg)}
                </div>
            }
            .into_any()
        }
    }
}

/// The raw message as text (`data-testid="raw-message"`): the first line (`sip-first`)
/// and each header's name (`sip-hname`) set apart, the body after the blank line.
fn raw_message(msg: &str) -> impl IntoView {
    let mut in_body = false;
    // The last line break ends the last line; it starts no empty one.
    let msg = msg
        .strip_suffix("\r\n")
        .or_else(|| msg.strip_suffix('\n'))
        .unwrap_or(msg);
    let lines = msg
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .map(|(i, line)| {
            let line = line.to_string();
            if i == 0 {
                return view! { <span class="sip-first" data-testid="raw-first-line">{line}</span>"\n" }
                    .into_any();
            }
            if in_body {
                return view! { <span class="sip-body">{line}</span>"\n" }.into_any();
            }
            if line.is_empty() {
                in_body = true;
                return view! { "\n" }.into_any();
            }
            // A folded header line (RFC 3261 §7.3.1) continues the one before.
            let folded = line.starts_with(' ') || line.starts_with('\t');
            match line.split_once(':') {
                Some((name, value)) if !folded => {
                    let (name, value) = (name.to_string(), value.to_string());
                    view! {
                        <span class="sip-header"><span class="sip-hname" data-testid="raw-header-name">{name}</span>":"{value}</span>"\n"
                    }
                    .into_any()
                }
                _ => view! { <span class="sip-header">{line}</span>"\n" }.into_any(),
            }
        })
        .collect_view();
    view! { <pre class="sip-raw tech" data-testid="raw-message">{lines}</pre> }
}

// ---------------------------------------------------------------------------------------
// The call flow

#[component]
fn FlowView(ids: Vec<String>, back_to: StoredValue<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let url = UrlQuery::current();
    let selected = RwSignal::new(url.parse::<i64>("msg", |_| true));
    let time_mode = RwSignal::new(usize::from(url.get("times") == "delta"));
    let marked: RwSignal<Vec<i64>> = RwSignal::new(
        url.get("cmp")
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .take(2)
            .collect(),
    );
    let comparing = RwSignal::new(marked.with_untracked(|m| m.len() == 2));
    {
        let ids = ids.clone();
        keep_in_url(move || {
            let mut q: Vec<(&'static str, String)> =
                ids.iter().map(|id| ("flow", id.clone())).collect();
            q.push((
                "msg",
                selected.get().map(|s| s.to_string()).unwrap_or_default(),
            ));
            q.push((
                "times",
                if time_mode.get() == 1 {
                    "delta".into()
                } else {
                    String::new()
                },
            ));
            let cmp = if comparing.get() {
                marked.with(|m| {
                    m.iter()
                        .map(|k| k.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                })
            } else {
                String::new()
            };
            q.push(("cmp", cmp));
            q
        });
    }
    // Marks changed: the comparison shows what is marked, or closes below two.
    Effect::new(move |_| {
        if marked.with(|m| m.len() < 2) {
            comparing.set(false);
        }
    });
    let reload = RwSignal::new(0u32);
    let flow = {
        let ids = ids.clone();
        load(reload, move || {
            let ids = ids.clone();
            async move { api::call_flow(&ids).await }
        })
    };
    let navigate = use_navigate();
    let go = move |href: String| navigate(&href, Default::default());
    let back = {
        let ids = ids.clone();
        let go = go.clone();
        move |_| {
            let to = back_to
                .get_value()
                .unwrap_or_else(|| format!("/kamailio/siptrace?call_id={}", api::enc(&ids[0])));
            go(to);
        }
    };
    let adding = RwSignal::new(String::new());
    let add = {
        let ids = ids.clone();
        let go = go.clone();
        move || {
            let new = adding.get_untracked().trim().to_string();
            if new.is_empty() || ids.contains(&new) || ids.len() >= MAX_CALL_IDS {
                return;
            }
            let mut all = ids.clone();
            all.push(new);
            go(flow_href(&all));
        }
    };
    let chips = ids
        .iter()
        .map(|id| {
            let others: Vec<String> = ids.iter().filter(|o| *o != id).cloned().collect();
            let go = go.clone();
            view! {
                <span class="callid-chip">
                    <strong class="tech" data-testid="call-id">{id.clone()}</strong>
                    {(!others.is_empty()).then(|| view! {
                        <button type="button" class="btn-icon" data-testid="remove-call-id"
                            title=move || i18n.t(K::TrRemoveCallId) aria-label=move || i18n.t(K::TrRemoveCallId)
                            on:click=move |_| go(flow_href(&others))>"×"</button>
                    })}
                </span>
            }
        })
        .collect_view();
    let pcap = api::call_flow_url(&ids, TraceFormat::Pcap);
    let text_href = api::call_flow_url(&ids, TraceFormat::Text);
    let mode_button = move |mode: usize, label: K, testid: &'static str| {
        view! {
            <button type="button" class="btn btn-sm" class:active=move || time_mode.get() == mode
                aria-pressed=move || (time_mode.get() == mode).to_string() data-testid=testid
                on:click=move |_| time_mode.set(mode)>
                {move || i18n.t(label)}
            </button>
        }
    };

    view! {
        <div class="toolbar toolbar-alone flow-toolbar" data-testid="flow-toolbar">
            <div class="filter-row">
                <button type="button" class="btn" data-testid="flow-back" on:click=back>
                    "← "{move || i18n.t(K::TrBack)}
                </button>
                <span class="muted">{move || i18n.t(K::TrFilterCallId)}</span>
                <span class="flow-call-ids" data-testid="siptrace-call-id">{chips}</span>
                <div class="spacer"></div>
                <DownloadButton href=Signal::stored(pcap) format=Format::Pcap/>
                <a class="btn" href=text_href download="" data-testid="download-text">
                    <span class="icon" aria-hidden="true">"⤓"</span>
                    {move || i18n.t(K::TrDownloadText)}
                </a>
                <RefreshButton reload=reload hint=K::TrRefreshHint/>
            </div>
            <div class="filter-row">
                <span class="btn-group" role="group">
                    {mode_button(0, K::TrTimesAbs, "times-abs")}
                    {mode_button(1, K::TrTimesDelta, "times-delta")}
                </span>
                <button type="button" class="btn btn-sm btn-primary" data-testid="compare-button"
                    title=move || i18n.t(K::TrCompareHint)
                    disabled=move || marked.with(|m| m.len() != 2)
                    on:click=move |_| comparing.set(true)>
                    {move || i18n.t(K::TrCompare)}
                </button>
                <span class="muted" data-testid="marked-count">
                    {move || i18n.f(K::TrMarked, &[("n", &marked.with(|m| m.len()).to_string())])}
                </span>
                <div class="spacer"></div>
                <label class="filter">
                    <span>{move || i18n.t(K::TrAddCallId)}</span>
                    <input type="search" data-testid="add-call-id" placeholder=move || i18n.t(K::TrAddCallIdPh)
                        aria-label=move || i18n.t(K::TrAddCallId)
                        prop:value=move || adding.get() on:input=move |ev| adding.set(event_target_value(&ev))
                        on:keydown={
                            let add = add.clone();
                            move |ev: leptos::ev::KeyboardEvent| {
                                if ev.key() == "Enter" {
                                    ev.prevent_default();
                                    add();
                                }
                            }
                        }/>
                </label>
                <button type="button" class="btn btn-sm" data-testid="add-call-id-button" on:click=move |_| add()>
                    {move || i18n.t(K::TrAdd)}
                </button>
            </div>
            {legend(i18n)}
        </div>
        {move || match flow.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox err=e on_retry=move || reload.update(|n| *n += 1)/> }.into_any(),
            Some(Ok(f)) => flow_body(i18n, f, selected, marked, comparing, time_mode).into_any(),
        }}
    }
}

fn legend(i18n: I18n) -> impl IntoView {
    let item = move |kind: &'static str, k: K| {
        view! {
            <span class=format!("legend-item ladder-{kind}")>
                <svg width="22" height="8" aria-hidden="true"><line x1="0" y1="4" x2="22" y2="4"></line></svg>
                {move || i18n.t(k)}
            </span>
        }
    };
    view! {
        <div class="filter-row ladder-legend" data-testid="ladder-legend">
            {item("req", K::TrKindReq)}
            {item("1xx", K::TrKind1)}
            {item("2xx", K::TrKind2)}
            {item("3xx", K::TrKind3)}
            {item("err", K::TrKindErr)}
            <span class="legend-item"><span class="ladder-note-mark">"SDP"</span>" "{move || i18n.t(K::TrSdp)}</span>
            <span class="muted">{move || i18n.t(K::TrClickHint)}</span>
        </div>
    }
}

fn flow_body(
    i18n: I18n,
    f: CallFlow,
    selected: RwSignal<Option<i64>>,
    marked: RwSignal<Vec<i64>>,
    comparing: RwSignal<bool>,
    time_mode: RwSignal<usize>,
) -> impl IntoView {
    let cols: Vec<LadderCol> = f
        .endpoints
        .iter()
        .map(|e| LadderCol {
            label: e.label.clone(),
            sub: e.proto.clone(),
            own: e.kamailio,
        })
        .collect();
    let rows: Vec<LadderRow> = f
        .messages
        .iter()
        .map(|m| LadderRow {
            key: m.id,
            from: m.from,
            to: m.to,
            label: arrow_label(m),
            kind: kind(m.is_request, m.status),
            note: m.has_sdp.then_some("SDP"),
            times: [clock_us(&m.time), delta(m.delta_prev_us)],
        })
        .collect();
    let count = i18n.f(
        K::TrFlowCount,
        &[
            ("m", &f.messages.len().to_string()),
            ("e", &f.endpoints.len().to_string()),
        ],
    );
    let messages = StoredValue::new(f.messages);
    let endpoints = StoredValue::new(f.endpoints);
    view! {
        <section class="dlg-section flow" data-testid="flow" data-messages=messages.with_value(|m| m.len()).to_string()
            data-truncated=f.truncated.to_string()>
            <header class="section-head">
                <h2 data-testid="section-title">{move || i18n.t(K::TrFlowTitle)}</h2>
                <span class="badge" data-testid="flow-count">{count}</span>
                <p class="section-source">{move || i18n.t(K::TrFlowSrc)}</p>
            </header>
            {f.truncated.then(|| view! { <p class="notice" data-testid="flow-truncated">{move || i18n.t(K::TrTruncated)}</p> })}
            <Show when=move || comparing.get()>
                {move || compare_view(i18n, messages, endpoints, marked, comparing)}
            </Show>
            <div class="flow-grid">
                <Ladder cols=cols.clone() rows=rows.clone() selected=selected marked=marked max_marks=2
                    own_label=K::TrKamailio mark_hint=K::TrMarkHint time_mode=time_mode/>
                <aside class="flow-pane" data-testid="flow-pane">
                    {move || flow_message(i18n, messages, endpoints, selected)}
                </aside>
            </div>
        </section>
    }
}

/// Sender → receiver of a flow message, by the endpoints' labels.
fn route(eps: &[kamscope_api_types::siptrace::FlowEndpoint], m: &FlowMessage) -> String {
    let label = |i: usize| eps.get(i).map(|e| e.label.clone()).unwrap_or_default();
    format!(
        "{} {} → {}",
        m.proto.to_uppercase(),
        label(m.from),
        label(m.to)
    )
}

/// The selected message with previous / next, or how to select one.
fn flow_message(
    i18n: I18n,
    messages: StoredValue<Vec<FlowMessage>>,
    endpoints: StoredValue<Vec<kamscope_api_types::siptrace::FlowEndpoint>>,
    selected: RwSignal<Option<i64>>,
) -> AnyView {
    let sel = selected.get();
    let found = messages.with_value(|ms| {
        sel.and_then(|id| ms.iter().position(|m| m.id == id))
            .map(|i| {
                (
                    i,
                    ms.len(),
                    ms[i].clone(),
                    ms.get(i.wrapping_sub(1)).map(|m| m.id),
                    ms.get(i + 1).map(|m| m.id),
                )
            })
    });
    let Some((i, n, m, prev, next)) = found else {
        return view! { <p class="muted flow-hint" data-testid="flow-hint">{move || i18n.t(K::TrClickHint)}</p> }
            .into_any();
    };
    let of = i18n.f(
        K::TrMsgOf,
        &[("i", &(i + 1).to_string()), ("n", &n.to_string())],
    );
    let route = endpoints.with_value(|e| route(e, &m));
    let also = (!m.also_ids.is_empty()).then(|| {
        let n = m.also_ids.len().to_string();
        view! { <span data-testid="also-ids">" · "{move || i18n.f(K::TrAlso, &[("n", &n)])}</span> }
    });
    let since = delta(m.delta_first_us);
    view! {
        <div class="flow-message" data-testid="flow-message" data-id=m.id.to_string()
            data-method=m.method.clone() data-status=m.status.map(|s| s.to_string()).unwrap_or_default()>
            <div class="flow-message-nav">
                <button type="button" class="btn btn-sm" data-testid="msg-prev" disabled=prev.is_none()
                    on:click=move |_| selected.set(prev)>{move || i18n.t(K::TrPrev)}</button>
                <span data-testid="msg-position">{of}</span>
                <button type="button" class="btn btn-sm" data-testid="msg-next" disabled=next.is_none()
                    on:click=move |_| selected.set(next)>{move || i18n.t(K::TrNext)}</button>
                <div class="spacer"></div>
                <button type="button" class="btn btn-ghost btn-sm" data-testid="msg-close"
                    on:click=move |_| selected.set(None)>{move || i18n.t(K::TrClose)}</button>
            </div>
            <p class="trace-message-meta">
                <span class="tech">{time_us(&m.time)}</span>
                " · "<span class="tech">{delta(m.delta_prev_us)}</span>
                " · "<span>{move || emph(i18n.t(K::TrSince), "t", &since, "msg-since")}</span>
                <br/>
                <span class="tech" data-testid="msg-route">{route}</span>
                " · "<span class="tech">{m.direction.clone()}</span>
                {m.has_sdp.then(|| view! { " · " <span class="sdp-mark">"SDP"</span> })}
                {also}
            </p>
            {raw_message(&m.msg)}
        </div>
    }
    .into_any()
}

/// The two marked messages side by side, the lines that differ marked.
fn compare_view(
    i18n: I18n,
    messages: StoredValue<Vec<FlowMessage>>,
    endpoints: StoredValue<Vec<kamscope_api_types::siptrace::FlowEndpoint>>,
    marked: RwSignal<Vec<i64>>,
    comparing: RwSignal<bool>,
) -> AnyView {
    // In flow order, whatever order they were ticked in.
    let pair = messages.with_value(|ms| {
        let picked: Vec<FlowMessage> = ms
            .iter()
            .filter(|m| marked.with(|k| k.contains(&m.id)))
            .cloned()
            .collect();
        <[FlowMessage; 2]>::try_from(picked).ok()
    });
    let Some([a, b]) = pair else {
        return ().into_any();
    };
    let rows = diff_lines(&a.msg, &b.msg);
    let differ = rows.iter().filter(|r| r.kind != RowKind::Same).count();
    let head = |m: &FlowMessage| {
        let route = endpoints.with_value(|e| route(e, m));
        view! {
            <span class="diff-head" data-id=m.id.to_string()>
                <span>{clock_us(&m.time)}</span>" · "<span>{arrow_label(m)}</span>
                <br/><span class="muted">{route}</span>
            </span>
        }
        .into_any()
    };
    let heads = (head(&a), head(&b));
    let summary = if differ == 0 {
        i18n.t(K::TrDiffSame).to_string()
    } else {
        format!(
            "{} · {}",
            i18n.f(K::TrDiffCount, &[("n", &differ.to_string())]),
            i18n.t(K::TrDiffLegend)
        )
    };
    view! {
        <div class="flow-compare" data-testid="compare" data-left=a.id.to_string() data-right=b.id.to_string()
            data-differ=differ.to_string()>
            <div class="flow-message-nav">
                <h3>{move || i18n.t(K::TrCompareTitle)}</h3>
                <span class="muted" data-testid="compare-summary">{summary}</span>
                <div class="spacer"></div>
                <button type="button" class="btn btn-sm" data-testid="compare-close"
                    on:click=move |_| comparing.set(false)>{move || i18n.t(K::TrCompareClose)}</button>
            </div>
            {diff_view(heads, rows)}
        </div>
    }
    .into_any()
}
