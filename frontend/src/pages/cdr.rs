//! CDR 记录 /kamailio/cdr (manual §3): today's figures on top (`/cdrs/stats`), then four
//! tabs: CDR records (`acc`), missed calls (`missed_calls`), calls (answered INVITEs paired
//! with their BYE, or `acc_cdrs`) and KPIs (ASR, NER, SER, SEER, ACD per hour, day, caller
//! or callee, with a chart). One filter form for all tabs (each uses what applies to it),
//! kept in the URL; paging; CSV export of exactly what the filter shows.
use chrono::{DateTime, Duration as Span, FixedOffset, Local};
use kamscope_api_types::acc::{
    Call, CallOutcome, CallSource, Cdr, CdrStats, EndedBy, KpiGroup, KpiRow, Kpis,
};
use kamscope_api_types::query::{to_query_string, CallsQuery, CdrQuery, CdrStatsQuery, KpiQuery};
use leptos::prelude::*;

use crate::api;
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::callid_link;
use crate::ui::chart::{bar_chart, line_chart_in};
use crate::ui::download::{export_url, DownloadButton, Format};
use crate::ui::feedback::inline_error;
use crate::ui::{
    apply_or_reload, clock_duration, col, detail_items, details_of, filter_text, keep_in_url,
    limit_param, load, or_dash, parse_time, stat_card, tab_param, time_or_dash, time_param,
    typed_sip_code, url_limit, url_tab, valid_sip_code, DataTable, ErrorBox, Expand, FilterButtons,
    ListDef, Loaded, Loading, PageHead, PageSize, Paged, RefreshButton, SelectFilter, TableList,
    Tabs, TextFilter, TimeRange, UrlQuery,
};

/// The tabs, by their id in the URL (`?tab=`) and `data-testid="tab-{id}"`.
const TABS: [(&str, K); 4] = [
    ("records", K::CdrTabRecords),
    ("missed", K::CdrTabMissed),
    ("calls", K::CdrTabCalls),
    ("kpis", K::CdrTabKpis),
];

/// The methods offered by the method filter (acc records transactions of these).
const METHODS: [&str; 10] = [
    "INVITE",
    "BYE",
    "CANCEL",
    "MESSAGE",
    "REGISTER",
    "SUBSCRIBE",
    "NOTIFY",
    "PUBLISH",
    "REFER",
    "UPDATE",
];

/// The text filters as applied (Enter or the Filter button); the time range and the
/// method apply at once.
#[derive(Clone, Debug, Default, PartialEq)]
struct Filter {
    caller: Option<String>,
    callee: Option<String>,
    call_id: Option<String>,
    sip_code: Option<u16>,
    method: Option<String>,
}

fn group_param(g: KpiGroup) -> &'static str {
    api::kpi_group_param(g)
}

fn parse_group(s: &str) -> KpiGroup {
    match s {
        "day" => KpiGroup::Day,
        "caller" => KpiGroup::Caller,
        "callee" => KpiGroup::Callee,
        _ => KpiGroup::Hour,
    }
}

#[component]
pub fn CdrPage() -> impl IntoView {
    let i18n = use_i18n();
    // Tab, filters, time range, source, grouping and page size start from the URL and
    // are kept in it (`?tab=calls&caller=alice&from=2026-…&source=acc_cdrs`).
    let url = UrlQuery::current();
    let tab = url_tab(&url, &TABS);
    let f0 = Filter {
        caller: url.opt("caller"),
        callee: url.opt("callee"),
        call_id: url.opt("call_id"),
        sip_code: url.parse("sip_code", valid_sip_code),
        method: url.opt("method").map(|m| m.to_ascii_uppercase()),
    };
    let typed = |v: &Option<String>| RwSignal::new(v.clone().unwrap_or_default());
    let (f_caller, f_callee, f_call) = (typed(&f0.caller), typed(&f0.callee), typed(&f0.call_id));
    let f_code = RwSignal::new(f0.sip_code.map(|c| c.to_string()).unwrap_or_default());
    let code_error = RwSignal::new(false);
    let filter = RwSignal::new(f0);
    let from = RwSignal::new(parse_time(&url.get("from")));
    let to = RwSignal::new(parse_time(&url.get("to")));
    let source = RwSignal::new(if url.get("source") == "acc_cdrs" {
        CallSource::AccCdrs
    } else {
        CallSource::Acc
    });
    let group = RwSignal::new(parse_group(&url.get("group_by")));
    let limit = RwSignal::new(url_limit(&url));
    keep_in_url(move || {
        let f = filter.get();
        let s = |v: Option<String>| v.unwrap_or_default();
        vec![
            ("tab", tab_param(tab.get(), &TABS)),
            ("caller", s(f.caller)),
            ("callee", s(f.callee)),
            ("call_id", s(f.call_id)),
            ("sip_code", s(f.sip_code.map(|c| c.to_string()))),
            ("method", s(f.method)),
            ("from", time_param(from.get())),
            ("to", time_param(to.get())),
            (
                "source",
                match source.get() {
                    CallSource::AccCdrs => "acc_cdrs".to_string(),
                    CallSource::Acc => String::new(),
                },
            ),
            (
                "group_by",
                Some(group.get())
                    .filter(|g| *g != KpiGroup::Hour)
                    .map(|g| group_param(g).to_string())
                    .unwrap_or_default(),
            ),
            ("limit", limit_param(limit.get())),
        ]
    });
    let reload = RwSignal::new(0u32);
    let stats = load(reload, || async {
        api::cdr_stats(&CdrStatsQuery::default()).await
    });

    let apply = move || {
        let Ok(sip_code) = typed_sip_code(&f_code.get_untracked()) else {
            code_error.set(true);
            return;
        };
        code_error.set(false);
        let f = Filter {
            caller: filter_text(f_caller.get_untracked()),
            callee: filter_text(f_callee.get_untracked()),
            call_id: filter_text(f_call.get_untracked()),
            sip_code,
            method: filter.with_untracked(|f| f.method.clone()),
        };
        apply_or_reload(filter, f, reload);
    };
    let clear = move || {
        for s in [f_caller, f_callee, f_call, f_code] {
            s.set(String::new());
        }
        code_error.set(false);
        filter.set(Filter::default());
        from.set(None);
        to.set(None);
    };
    let filtered = move || {
        filter.with(|f| *f != Filter::default()) || from.get().is_some() || to.get().is_some()
    };
    let method_options: Vec<_> = METHODS
        .iter()
        .map(|m| (m.to_string(), Signal::stored(m.to_string())))
        .collect();
    let group_options: Vec<_> = [
        (KpiGroup::Hour, K::CdrGroupHour),
        (KpiGroup::Day, K::CdrGroupDay),
        (KpiGroup::Caller, K::CdrGroupCaller),
        (KpiGroup::Callee, K::CdrGroupCallee),
    ]
    .into_iter()
    .map(|(g, k)| {
        (
            group_param(g).to_string(),
            Signal::derive(move || i18n.t(k).to_string()),
        )
    })
    .collect();
    let source_options = vec![
        (
            "acc".to_string(),
            Signal::derive(move || i18n.t(K::CdrSourceAcc).to_string()),
        ),
        (
            "acc_cdrs".to_string(),
            Signal::derive(move || i18n.t(K::CdrSourceAccCdrs).to_string()),
        ),
    ];
    let is = move |id: &'static str| move || tab.get() == id;
    let lists = move || matches!(tab.get(), "records" | "missed");

    // The queries of the tabs, from the applied filters (absent options left out).
    let cdr_query = move || {
        let f = filter.get();
        CdrQuery {
            caller: f.caller,
            callee: f.callee,
            call_id: f.call_id,
            from: from.get(),
            to: to.get(),
            sip_code: f.sip_code,
            method: f.method,
            limit: Some(limit.get()),
            ..Default::default()
        }
    };
    let calls_query = move || {
        let f = filter.get();
        CallsQuery {
            source: Some(source.get()),
            caller: f.caller,
            callee: f.callee,
            call_id: f.call_id,
            from: from.get(),
            to: to.get(),
            limit: Some(limit.get()),
            ..Default::default()
        }
    };
    // KPIs need both bounds: "since" means until now, "until" the day before it, none
    // the server's default (today in the reporting zone).
    let kpi_query = move || {
        let (f, t) = match (from.get(), to.get()) {
            (Some(f), None) => (Some(f), Some(Local::now().fixed_offset())),
            (None, Some(t)) => (Some(t - Span::days(1)), Some(t)),
            other => other,
        };
        KpiQuery {
            from: f,
            to: t,
            group_by: Some(group.get()),
        }
    };
    // The CSV export of what the current tab shows: the same query, without paging.
    let csv = move || match tab.get() {
        "missed" => csv_href(api::MISSED_CALLS, &cdr_query()),
        "calls" => csv_href(api::CALLS, &calls_query()),
        _ => csv_href(api::CDRS, &cdr_query()),
    };
    let empty_key = move |k: K| {
        Signal::derive(move || {
            i18n.t(if filtered() { K::CdrEmptyFiltered } else { k })
                .to_string()
        })
    };

    view! {
        <section class="page page-cdr" data-testid="page-cdr">
            <PageHead title=K::PageCdr desc=K::DescCdr/>
            <TodayCards stats=stats/>
            <Tabs tabs=TABS.to_vec() active=tab/>
            <div class="toolbar toolbar-alone cdr-filters" data-testid="toolbar">
                <div class="filter-row">
                    <Show when=move || !is("kpis")()>
                        <TextFilter value=f_caller testid="filter-caller" label=K::CdrFilterCaller
                            placeholder=K::CdrFilterCallerPh on_enter=apply/>
                        <TextFilter value=f_callee testid="filter-callee" label=K::CdrFilterCallee
                            placeholder=K::CdrFilterCalleePh on_enter=apply/>
                        <TextFilter value=f_call testid="filter-call-id" label=K::CdrFilterCallId
                            placeholder=K::CdrFilterCallIdPh on_enter=apply/>
                    </Show>
                    <Show when=lists>
                        <TextFilter value=f_code testid="filter-sip-code" label=K::CdrFilterSipCode
                            placeholder=K::CdrFilterSipCodePh on_enter=apply/>
                        <SelectFilter testid="filter-method" label=K::CdrFilterMethod any=K::CdrFilterMethodAny
                            options=method_options.clone()
                            selected=Signal::derive(move || filter.with(|f| f.method.clone().unwrap_or_default()))
                            on_change=move |v: String| filter.update(|f| f.method = filter_text(v))/>
                    </Show>
                    <Show when=move || !is("kpis")()>
                        <FilterButtons filtered=Signal::derive(filtered) on_apply=apply on_clear=clear/>
                    </Show>
                </div>
                <div class="filter-row">
                    <TimeRange from=from to=to on_change=|| ()/>
                    <div class="spacer"></div>
                    <RefreshButton reload=reload hint=K::CdrRefreshHint/>
                </div>
                <Show when=move || code_error.get()>
                    <p class="inline-error" role="alert" data-testid="sip-code-error">
                        {move || i18n.t(K::CdrBadSipCode)}
                    </p>
                </Show>
                <Show when=is("calls")>
                    <p class="muted small filter-note" data-testid="filter-note">{move || i18n.t(K::CdrCallsFilterNote)}</p>
                </Show>
                <Show when=is("kpis")>
                    <p class="muted small filter-note" data-testid="filter-note">{move || i18n.t(K::CdrKpiFilterNote)}</p>
                </Show>
            </div>

            <div class="tab-bar" data-testid="tab-bar">
                <Show when=is("calls")>
                    <SelectFilter testid="call-source" label=K::CdrCallSource class="limit"
                        options=source_options.clone()
                        selected=Signal::derive(move || api::call_source_param(source.get()).to_string())
                        on_change=move |v: String| source.set(if v == "acc_cdrs" { CallSource::AccCdrs } else { CallSource::Acc })/>
                </Show>
                <Show when=is("kpis")>
                    <SelectFilter testid="kpi-group" label=K::CdrGroupBy class="limit"
                        options=group_options.clone()
                        selected=Signal::derive(move || group_param(group.get()).to_string())
                        on_change=move |v: String| group.set(parse_group(&v))/>
                </Show>
                <div class="spacer"></div>
                <Show when=move || !is("kpis")()>
                    <PageSize limit=limit on_change=|| ()/>
                    <DownloadButton href=Signal::derive(csv) format=Format::Csv/>
                </Show>
            </div>

            // Each tab's list is made anew when its query changes: it starts on page 1.
            {move || match tab.get() {
                "missed" => view! {
                    <RecordsTab def=MISSED path=api::MISSED_CALLS query=cdr_query() reload=reload
                        empty=empty_key(K::CdrEmptyMissed)/>
                }
                .into_any(),
                "calls" => view! { <CallsTab query=calls_query() reload=reload empty=empty_key(K::CdrEmptyCalls)/> }.into_any(),
                "kpis" => view! { <KpisTab query=kpi_query() reload=reload/> }.into_any(),
                _ => view! {
                    <RecordsTab def=RECORDS path=api::CDRS query=cdr_query() reload=reload
                        empty=empty_key(K::CdrEmpty)/>
                }
                .into_any(),
            }}
        </section>
    }
}

/// Today's four figures (manual §3.5), the day and the zone they are counted in.
#[component]
fn TodayCards(stats: Loaded<CdrStats>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="stats-panel cdr-today" data-testid="cdr-stats"
            aria-label=move || i18n.t(K::CdrTodayTitle)>
            {move || match stats.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => inline_error(i18n, K::CdrStatsUnavailable, &e, "stats-error").into_any(),
                Some(Ok(s)) => {
                    let (date, tz) = (s.date.to_string(), s.timezone.clone());
                    let (date_attr, tz_attr) = (date.clone(), tz.clone());
                    view! {
                        <div class="stats-row">
                            {stat_card(i18n, "total", K::CdrStatTotal, K::CdrStatTotalHint, s.total)}
                            {stat_card(i18n, "answered", K::CdrStatAnswered, K::CdrStatAnsweredHint, s.answered)}
                            {stat_card(i18n, "failed", K::CdrStatFailed, K::CdrStatFailedHint, s.failed)}
                            {stat_card(i18n, "missed", K::CdrStatMissed, K::CdrStatMissedHint, s.missed)}
                            <span class="stats-day muted small" data-testid="stats-day" data-date=date_attr
                                data-tz=tz_attr>
                                <span class="tech">{date}</span>" · "{counted_in(i18n, tz)}
                            </span>
                        </div>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// "counted in Asia/Shanghai": the reporting zone, as a technical value.
fn counted_in(i18n: I18n, tz: String) -> impl IntoView {
    move || crate::ui::emph(i18n.t(K::CdrCountedIn), "tz", &tz, "report-zone")
}

/// The CSV export of a list: its path with the same query, without paging.
fn csv_href(path: &'static str, query: &impl serde::Serialize) -> String {
    export_url(path, &to_query_string(query), Format::Csv)
}

/// CDR records (`acc`) or missed calls (`missed_calls`): the same columns.
const RECORDS: ListDef = ListDef {
    id: "records",
    title: K::CdrTabRecords,
    source_note: K::CdrSrcRecords,
    empty_hint: K::CdrEmptyHint,
    rows: K::CdrRows,
    testid: "cdr-table",
    class: "",
    cols: &[
        col("time", K::CdrColTime),
        col("method", K::CdrColMethod),
        col("call-id", K::CdrColCallId),
        col("sip-code", K::CdrColSipCode),
        col("sip-reason", K::CdrColSipReason),
        col("src-user", K::CdrColSrcUser),
        col("dst-user", K::CdrColDstUser),
        col("src-ip", K::CdrColSrcIp),
    ],
    expandable: true,
};

const MISSED: ListDef = ListDef {
    id: "missed",
    title: K::CdrTabMissed,
    source_note: K::CdrSrcMissed,
    empty_hint: K::CdrEmptyMissedHint,
    ..RECORDS
};

#[component]
fn RecordsTab(
    def: ListDef,
    path: &'static str,
    query: CdrQuery,
    reload: RwSignal<u32>,
    empty: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let fetch = move |q: CdrQuery| async move {
        if path == api::MISSED_CALLS {
            api::list_missed_calls(q).await
        } else {
            api::list_cdrs(q).await
        }
    };
    view! {
        <TableList def=def paged=Paged::of(reload, query, fetch) reload=reload empty=empty
            row=move |c, odd, expand| cdr_row(i18n, c, odd, expand)/>
    }
}

fn sip_code_cell(code: Option<u16>) -> AnyView {
    match code {
        Some(c) => view! {
            <span class=format!("sip-code sip-{}xx tech", c / 100) data-code=c.to_string()>{c.to_string()}</span>
        }
        .into_any(),
        None => or_dash(None),
    }
}

fn cdr_row(i18n: I18n, c: Cdr, odd: bool, expand: Expand) -> impl IntoView {
    let (open, toggle) = expand.row(i18n, c.id.to_string());
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let details = move |c: Cdr| {
        let fields = vec![
            (K::CdrDetId, "id", Some(c.id.to_string())),
            (K::CdrDetFromTag, "from-tag", Some(c.from_tag.clone())),
            (K::CdrDetToTag, "to-tag", Some(c.to_tag.clone())),
            (K::CdrDetSrcDomain, "src-domain", c.src_domain.clone()),
            (K::CdrDetDstOuser, "dst-ouser", c.dst_ouser.clone()),
            (K::CdrDetDstDomain, "dst-domain", c.dst_domain.clone()),
        ];
        let extra = (!c.extra.is_empty()).then(|| {
                view! {
                    <div data-testid="detail-extra">
                        <dt>{move || i18n.t(K::CdrDetExtra)}</dt>
                        <dd class="tech">
                            {c.extra.iter().map(|(k, v)| view! { <span class="var"><span class="var-name">{k.clone()}</span>" = "{v.clone()}</span> }).collect_view()}
                        </dd>
                    </div>
                }
            });
        view! { <dl class="details">{detail_items(i18n, fields)}{extra}</dl> }.into_any()
    };
    view! {
        <tr class="cdr-row" class:odd=odd class:open=move || open.get() data-testid="cdr-row"
            data-id=c.id.to_string() data-call-id=c.call_id.clone() data-method=c.method.clone()
            data-sip-code=c.sip_code.map(|v| v.to_string()).unwrap_or_default()
            data-src-user=opt(&c.src_user) data-dst-user=opt(&c.dst_user)>
            {toggle}
            <td class="tech nowrap" data-testid="cell-time">{time_or_dash(c.time.as_ref())}</td>
            <td class="tech" data-testid="cell-method">{c.method.clone()}</td>
            <td class="tech cell-callid" data-testid="cell-call-id">{callid_link(i18n, Some(c.call_id.clone()))}</td>
            <td data-testid="cell-sip-code">{sip_code_cell(c.sip_code)}</td>
            <td class="tech" data-testid="cell-sip-reason">{or_dash(Some(c.sip_reason.clone()))}</td>
            <td class="tech" data-testid="cell-src-user">{or_dash(c.src_user.clone())}</td>
            <td class="tech" data-testid="cell-dst-user">{or_dash(c.dst_user.clone())}</td>
            <td class="tech" data-testid="cell-src-ip">{or_dash(c.src_ip.clone())}</td>
        </tr>
        {details_of(open, 8, c.clone(), details)}
    }
}

/// Paired calls: start, end, duration, parties, outcome, who hung up (the source note is
/// the chosen source's).
const CALLS: ListDef = ListDef {
    id: "calls",
    title: K::CdrTabCalls,
    source_note: K::CdrSrcCallsAcc,
    empty_hint: K::CdrEmptyCallsHint,
    rows: K::CdrRows,
    testid: "calls-table",
    class: "",
    cols: &[
        col("start", K::CdrColStart),
        col("end", K::CdrColEnd),
        col("duration", K::CdrColDuration),
        col("caller", K::CdrColCaller),
        col("callee", K::CdrColCallee),
        col("outcome", K::CdrColOutcome),
        col("ended-by", K::CdrColEndedBy),
        col("call-id", K::CdrColCallId),
    ],
    expandable: false,
};

#[component]
fn CallsTab(query: CallsQuery, reload: RwSignal<u32>, empty: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let note = match query.source {
        Some(CallSource::AccCdrs) => K::CdrSrcCallsAccCdrs,
        _ => K::CdrSrcCallsAcc,
    };
    view! {
        <TableList def=ListDef { source_note: note, ..CALLS } paged=Paged::of(reload, query, api::list_calls)
            reload=reload empty=empty row=move |c, odd, _| call_row(i18n, c, odd)/>
    }
}

fn call_row(i18n: I18n, c: Call, odd: bool) -> impl IntoView {
    let (outcome, out_class) = match c.outcome {
        CallOutcome::Ended => (K::CdrOutEnded, "ended"),
        CallOutcome::Up => (K::CdrOutUp, "up"),
        CallOutcome::Failed => (K::CdrOutFailed, "failed"),
    };
    let by = c.ended_by.map(|b| match b {
        EndedBy::Caller => ("caller", K::CdrByCaller),
        EndedBy::Callee => ("callee", K::CdrByCallee),
        EndedBy::Kamailio => ("kamailio", K::CdrByKamailio),
    });
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    view! {
        <tr class="call-row" class:odd=odd data-testid="call-row" data-call-id=opt(&c.call_id)
            data-caller=opt(&c.caller) data-callee=opt(&c.callee)
            data-start=c.start.map(|t| t.to_rfc3339()).unwrap_or_default()
            data-duration=c.duration.map(|d| d.to_string()).unwrap_or_default()
            data-outcome=out_class data-ended-by=by.map(|b| b.0).unwrap_or_default()>
            <td class="tech nowrap" data-testid="cell-start">{time_or_dash(c.start.as_ref())}</td>
            <td class="tech nowrap" data-testid="cell-end">{time_or_dash(c.end.as_ref())}</td>
            <td class="tech" data-testid="cell-duration">{or_dash(c.duration.map(|d| clock_duration(d.round() as i64)))}</td>
            <td class="tech" data-testid="cell-caller">{or_dash(c.caller.clone())}</td>
            <td class="tech" data-testid="cell-callee">{or_dash(c.callee.clone())}</td>
            <td data-testid="cell-outcome">
                <span class=format!("state-pill out-{out_class}")>{move || i18n.t(outcome)}</span>
            </td>
            <td data-testid="cell-ended-by">
                {match by {
                    Some((_, k)) => view! { <span>{move || i18n.t(k)}</span> }.into_any(),
                    None => or_dash(None),
                }}
            </td>
            <td class="tech cell-callid" data-testid="cell-call-id">{callid_link(i18n, c.call_id.clone())}</td>
        </tr>
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// A KPI row's key: an hour or a day in the reporting zone (as the server wrote it),
/// or a user.
fn kpi_key(group: KpiGroup, key: &str) -> String {
    let at = parse_time(key);
    match (group, at) {
        (KpiGroup::Hour, Some(t)) => t.format("%m-%d %H:00").to_string(),
        (KpiGroup::Day, Some(t)) => t.format("%Y-%m-%d").to_string(),
        _ => key.to_string(),
    }
}

/// Telecom KPIs per hour, day, caller or callee, their total, and (per hour or day) a
/// chart of seizures and ASR.
#[component]
fn KpisTab(query: KpiQuery, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let kpis = load(reload, move || {
        let q = query.clone();
        async move { api::cdr_kpis(&q).await }
    });
    view! {
        <section class="dlg-section" data-testid="section-kpis">
            <header class="section-head">
                <h2 data-testid="section-title">{move || i18n.t(K::CdrTabKpis)}</h2>
                <p class="section-source" data-testid="section-source">{move || i18n.t(K::CdrSrcKpis)}</p>
            </header>
            {move || match kpis.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox err=e on_retry=move || reload.update(|n| *n += 1)/> }.into_any(),
                Some(Ok(k)) => kpis_view(i18n, k).into_any(),
            }}
            <p class="muted small kpi-formulas" data-testid="kpi-formulas">{move || i18n.t(K::CdrKpiFormulas)}</p>
        </section>
    }
}

fn kpis_view(i18n: I18n, k: Kpis) -> impl IntoView {
    let fmt = |t: &DateTime<FixedOffset>| t.format("%Y-%m-%d %H:%M").to_string();
    let range = format!("{} – {}", fmt(&k.from), fmt(&k.to));
    let group = k.group_by;
    let key_col = match group {
        KpiGroup::Hour => K::CdrKpiHour,
        KpiGroup::Day => K::CdrKpiDay,
        KpiGroup::Caller | KpiGroup::Callee => K::CdrKpiUser,
    };
    let timed = matches!(group, KpiGroup::Hour | KpiGroup::Day);
    let chart = (timed && !k.rows.is_empty()).then(|| kpi_charts(i18n, &k));
    let empty = k.total.seizures == 0;
    let rows = k
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| kpi_row(i18n, group, r, i % 2 == 1, false).into_any())
        .collect_view();
    view! {
        <p class="muted small" data-testid="kpi-range" data-tz=k.timezone.clone()>
            <span class="tech">{range}</span>" · "{counted_in(i18n, k.timezone.clone())}
        </p>
        {empty.then(|| view! {
            <div class="state state-empty" data-testid="empty">
                <p class="state-title">{move || i18n.t(K::CdrKpiEmpty)}</p>
            </div>
        })}
        {chart}
        <div class="table-wrap">
            <DataTable testid="kpi-table" class="kpi-grid" cols=vec![
                col("key", key_col), col("seizures", K::CdrKpiSeizures), col("answered", K::CdrKpiAnswered),
                col("asr", K::CdrKpiAsr), col("ner", K::CdrKpiNer), col("ser", K::CdrKpiSer),
                col("seer", K::CdrKpiSeer), col("acd", K::CdrKpiAcd),
            ]>
                {rows}
                {kpi_row(i18n, group, k.total, false, true).into_any()}
            </DataTable>
        </div>
    }
}

fn kpi_row(i18n: I18n, group: KpiGroup, r: KpiRow, odd: bool, total: bool) -> impl IntoView {
    let key = kpi_key(group, &r.key);
    let acd = r.acd.map(|s| format!("{s:.1}"));
    let ratio = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    view! {
        <tr class="kpi-row" class:odd=odd class:kpi-total=total
            data-testid=if total { "kpi-total" } else { "kpi-row" } data-key=r.key.clone()
            data-seizures=r.seizures.to_string() data-answered=r.answered.to_string()
            data-asr=ratio(r.asr) data-ner=ratio(r.ner) data-ser=ratio(r.ser) data-seer=ratio(r.seer)
            data-acd=ratio(r.acd)>
            <td class:tech=!total data-testid="cell-key">
                {if total { view! { <strong>{move || i18n.t(K::CdrKpiTotal)}</strong> }.into_any() } else { key.into_any() }}
            </td>
            <td class="num" data-testid="cell-seizures">{r.seizures.to_string()}</td>
            <td class="num" data-testid="cell-answered">{r.answered.to_string()}</td>
            <td class="num" data-testid="cell-asr">{pct(r.asr)}</td>
            <td class="num" data-testid="cell-ner">{pct(r.ner)}</td>
            <td class="num" data-testid="cell-ser">{pct(r.ser)}</td>
            <td class="num" data-testid="cell-seer">{pct(r.seer)}</td>
            <td class="num" data-testid="cell-acd">
                {match acd {
                    Some(n) => view! { <span>{move || i18n.f(K::CdrSeconds, &[("n", &n)])}</span> }.into_any(),
                    None => or_dash(None),
                }}
            </td>
        </tr>
    }
}

/// Seizures as bars and ASR (%) as a line, one point per row (hour or day).
fn kpi_charts(i18n: I18n, k: &Kpis) -> impl IntoView {
    let label = |key: &str| match (k.group_by, parse_time(key)) {
        (KpiGroup::Hour, Some(t)) => t.format("%H").to_string(),
        (_, Some(t)) => t.format("%m-%d").to_string(),
        _ => key.to_string(),
    };
    let bars: Vec<(String, f64)> = k
        .rows
        .iter()
        .map(|r| (label(&r.key), r.seizures as f64))
        .collect();
    // Point i over bar i; groups without seizures have no ASR and no point.
    let n = k.rows.len() as f64;
    let points: Vec<(f64, f64)> = k
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i as f64, r.asr? * 100.0)))
        .collect();
    let top = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let top = format!("{top:.0}");
    view! {
        <div class="kpi-charts" data-testid="kpi-charts">
            <figure class="panel">
                <figcaption>{move || i18n.t(K::CdrChartCalls)}</figcaption>
                {bar_chart("chart-seizures", bars)}
            </figure>
            <figure class="panel">
                <figcaption>{move || i18n.f(K::CdrChartAsr, &[("max", &top)])}</figcaption>
                {line_chart_in("chart-asr", points, (-0.5, n - 0.5))}
            </figure>
        </div>
    }
}
