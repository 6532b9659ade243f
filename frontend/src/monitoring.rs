//! 监控面板 /kamailio/monitoring (manual §8): per Kamailio node its running state,
//! version, uptime, processes, registered users, contacts, active dialogs and SIP
//! counters; today's calls; the health checks. Refreshes itself every 5 s.
use std::time::Duration;

use kamscope_api_types::dashboard::{CallsToday, Dashboard, NodeOverview, SipCounters};
use kamscope_api_types::health::{CheckStatus, Health, HealthCheck};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::app::set_page_title;
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::{local_clock, local_time, uptime_words, ErrorBox, Loading};

const REFRESH_SECS: u64 = 5;

fn status_class(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Ok => "ok",
        CheckStatus::Degraded => "degraded",
        CheckStatus::Down => "down",
    }
}

fn num(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_else(|| "—".into())
}

#[component]
pub fn MonitoringPage() -> impl IntoView {
    let i18n = use_i18n();
    set_page_title(K::PageMonitoring);

    let dashboard: RwSignal<Option<Result<Dashboard, ApiError>>> = RwSignal::new(None);
    let health: RwSignal<Option<Result<Health, ApiError>>> = RwSignal::new(None);
    let updated_at = RwSignal::new(0f64);
    let paused = RwSignal::new(false);
    let busy = StoredValue::new(false);

    let poll = move || {
        if busy.get_value() {
            return; // the previous round is still out
        }
        busy.set_value(true);
        spawn_local(async move {
            let (d, h) = futures_join(api::dashboard(), api::health()).await;
            dashboard.set(Some(d));
            health.set(Some(h));
            updated_at.set(js_sys::Date::now());
            busy.set_value(false);
        });
    };
    poll();
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if !paused.get_untracked() {
                poll();
            }
        },
        Duration::from_secs(REFRESH_SECS),
    ) {
        on_cleanup(move || handle.clear());
    }

    view! {
        <section class="page page-monitoring" data-testid="page-monitoring">
            <header class="page-head">
                <h1 data-testid="page-title">{move || i18n.t(K::PageMonitoring)}</h1>
                <p class="page-desc">{move || i18n.t(K::DescMonitoring)}</p>
                <div class="spacer"></div>
                <div class="refresh-box" data-testid="refresh-box">
                    <span class="refresh-state" class:paused=move || paused.get()
                        data-testid="auto-refresh-state">
                        <span class="dot" class:pulse=move || !paused.get()></span>
                        {move || i18n.t(if paused.get() { K::AutoRefreshPaused } else { K::AutoRefresh })}
                    </span>
                    <span class="last-updated" data-testid="last-updated"
                        data-ts=move || updated_at.get().to_string()>
                        {move || {
                            let t = updated_at.get();
                            if t == 0.0 { "…".to_string() } else { i18n.f(K::LastUpdated, &[("t", &local_clock(t))]) }
                        }}
                    </span>
                    <button type="button" class="btn" data-testid="pause-toggle"
                        aria-pressed=move || paused.get().to_string()
                        title=move || i18n.t(K::PauseHint)
                        on:click=move |_| paused.update(|p| *p = !*p)>
                        {move || if paused.get() { "▶" } else { "❚❚" }}
                        " "
                        {move || i18n.t(if paused.get() { K::Resume } else { K::Pause })}
                    </button>
                    <button type="button" class="btn" data-testid="refresh-button" on:click=move |_| poll()>
                        <span class="icon" aria-hidden="true">"⟳"</span>
                        {move || i18n.t(K::RefreshNow)}
                    </button>
                </div>
            </header>

            {move || match dashboard.get() {
                None => view! { <div class="panel"><Loading/></div> }.into_any(),
                Some(Err(e)) => view! { <div class="panel"><ErrorBox err=e on_retry=move || poll()/></div> }.into_any(),
                Some(Ok(d)) => {
                    let calls = d.calls_today.clone();
                    let calls_err = d.calls_today_error.clone();
                    view! {
                        <div class="mon-grid" data-testid="node-cards">
                            {if d.nodes.is_empty() {
                                view! { <div class="panel muted">{move || i18n.t(K::NoNodes)}</div> }.into_any()
                            } else {
                                d.nodes.into_iter().map(|n| node_card(i18n, n)).collect_view().into_any()
                            }}
                            {calls_card(i18n, calls, calls_err)}
                        </div>
                    }
                        .into_any()
                }
            }}

            <section class="panel health-panel" data-testid="health-panel">
                <h2>{move || i18n.t(K::HealthTitle)}</h2>
                {move || match health.get() {
                    None => view! { <Loading/> }.into_any(),
                    Some(Err(e)) => view! { <ErrorBox err=e on_retry=move || poll()/> }.into_any(),
                    Some(Ok(h)) => {
                        let at = local_time(&h.checked_at);
                        view! {
                            <ul class="check-list" data-testid="check-list" data-status=status_class(h.status)>
                                {h.checks.into_iter().map(|c| check_row(i18n, c)).collect_view()}
                            </ul>
                            <p class="muted small">{move || i18n.f(K::CheckedAt, &[("t", &at)])}</p>
                        }
                            .into_any()
                    }
                }}
            </section>
        </section>
    }
}

/// Both requests at once; each result on its own.
async fn futures_join<A, B>(
    a: impl std::future::Future<Output = A>,
    b: impl std::future::Future<Output = B>,
) -> (A, B) {
    use std::pin::pin;
    use std::task::Poll;
    let mut a = pin!(a);
    let mut b = pin!(b);
    let mut ra = None;
    let mut rb = None;
    std::future::poll_fn(move |cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        if ra.is_some() && rb.is_some() {
            Poll::Ready((ra.take().unwrap(), rb.take().unwrap()))
        } else {
            Poll::Pending
        }
    })
    .await
}

fn metric(i18n: I18n, k: K, id: &'static str, value: String, raw: Option<i64>, big: bool) -> impl IntoView {
    view! {
        <div class="metric" class:metric-big=big data-testid=format!("node-{id}")
            data-value=raw.map(|v| v.to_string()).unwrap_or_default()>
            <span class="metric-label">{move || i18n.t(k)}</span>
            <span class="metric-value">{value}</span>
        </div>
    }
}

fn node_card(i18n: I18n, n: NodeOverview) -> impl IntoView {
    let st = status_class(n.status);
    let running = n.status == CheckStatus::Ok;
    let error = n.error.clone();
    let uptime = n.uptime_seconds;
    let counters = n.counters.clone();
    view! {
        <article class=format!("panel node-card node-{st}") data-testid="node-card" data-node=n.name.clone()
            data-status=st>
            <header class="node-head">
                <h2 class="tech">{n.name.clone()}</h2>
                <span class=format!("status-pill pill-{st}") data-testid="node-status" data-status=st>
                    <span class="dot"></span>
                    {move || i18n.t(if running { K::NodeRunning } else { K::NodeDown })}
                </span>
            </header>
            {error.map(|e| view! { <p class="node-error tech" data-testid="node-error" role="alert">{e}</p> })}
            <div class="metrics">
                {metric(i18n, K::NodeRegistered, "registered-users", num(n.registered_users), n.registered_users, true)}
                {metric(i18n, K::NodeContacts, "contacts", num(n.contacts), n.contacts, true)}
                {metric(i18n, K::NodeActiveDialogs, "active-dialogs", num(n.active_dialogs), n.active_dialogs, true)}
                {metric(i18n, K::NodeEarlyDialogs, "early-dialogs", num(n.early_dialogs), n.early_dialogs, true)}
            </div>
            <dl class="details node-facts">
                <div data-testid="node-version">
                    <dt>{move || i18n.t(K::NodeVersion)}</dt>
                    <dd class="tech">{n.version.clone().unwrap_or_else(|| "—".into())}</dd>
                </div>
                <div data-testid="node-uptime" data-value=uptime.map(|v| v.to_string()).unwrap_or_default()>
                    <dt>{move || i18n.t(K::NodeUptime)}</dt>
                    <dd>{move || uptime.map(|s| uptime_words(i18n, s)).unwrap_or_else(|| "—".into())}</dd>
                </div>
                <div data-testid="node-processes" data-value=n.processes.map(|v| v.to_string()).unwrap_or_default()>
                    <dt>{move || i18n.t(K::NodeProcesses)}</dt>
                    <dd class="tech">{num(n.processes)}</dd>
                </div>
            </dl>
            {counters.map(|c| counters_view(i18n, c))}
        </article>
    }
}

fn counters_view(i18n: I18n, c: SipCounters) -> impl IntoView {
    let cell = move |k: K, id: &'static str, v: i64| {
        view! {
            <div class="counter" data-testid=format!("counter-{id}") data-value=v.to_string()>
                <span class="counter-label">{move || i18n.t(k)}</span>
                <span class="counter-value tech">{v.to_string()}</span>
            </div>
        }
    };
    let replies = [
        ("2xx", c.replies_2xx),
        ("3xx", c.replies_3xx),
        ("4xx", c.replies_4xx),
        ("5xx", c.replies_5xx),
        ("6xx", c.replies_6xx),
    ];
    view! {
        <div class="counters" data-testid="sip-counters">
            <h3>{move || i18n.t(K::SipCountersTitle)}</h3>
            <div class="counter-grid">
                {cell(K::CntRequests, "requests", c.requests_received)}
                {cell(K::CntInvites, "invites", c.invites_received)}
                {cell(K::CntRegisters, "registers", c.registers_received)}
                {cell(K::CntTransactions, "transactions", c.transactions)}
                {cell(K::CntActiveTransactions, "active-transactions", c.active_transactions)}
            </div>
            <div class="replies" data-testid="counter-replies">
                <span class="counter-label">{move || i18n.t(K::CntReplies)}</span>
                {replies
                    .into_iter()
                    .map(|(class, v)| {
                        view! {
                            <span class=format!("reply reply-{class}") data-testid=format!("counter-{class}")
                                data-value=v.to_string()>
                                <span class="tech reply-class">{class}</span>
                                <span class="tech">{v.to_string()}</span>
                            </span>
                        }
                    })
                    .collect_view()}
            </div>
        </div>
    }
}

fn calls_card(i18n: I18n, calls: Option<CallsToday>, err: Option<String>) -> impl IntoView {
    let body = match calls {
        Some(c) => {
            let date = c.date.to_string();
            let tz = c.timezone.clone();
            let n = move |k: K, id: &'static str, v: i64| {
                view! {
                    <div class=format!("metric metric-big calls-{id}") class:zero=v == 0
                        data-testid=format!("calls-{id}")
                        data-value=v.to_string()>
                        <span class="metric-label">{move || i18n.t(k)}</span>
                        <span class="metric-value">{v.to_string()}</span>
                    </div>
                }
            };
            view! {
                <p class="calls-date" data-testid="calls-date" data-date=date.clone() data-tz=tz.clone()>
                    <span class="tech">
                        {
                            let (date, tz) = (date.clone(), tz.clone());
                            move || i18n.f(K::CallsDate, &[("date", &date), ("tz", &tz)])
                        }
                    </span>
                </p>
                <div class="metrics">
                    {n(K::CallsTotal, "total", c.total)}
                    {n(K::CallsAnswered, "answered", c.answered)}
                    {n(K::CallsFailed, "failed", c.failed)}
                    {n(K::CallsMissed, "missed", c.missed)}
                </div>
            }
            .into_any()
        }
        None => ().into_any(),
    };
    let err_view = err.map(|e| {
        view! {
            <div class="inline-error" role="alert" data-testid="calls-error">
                <strong>{move || i18n.t(K::CallsTodayUnavailable)}": "</strong>
                <span class="tech">{e}</span>
            </div>
        }
    });
    view! {
        <article class="panel calls-card" data-testid="calls-today">
            <header class="node-head">
                <h2>{move || i18n.t(K::CallsTodayTitle)}</h2>
            </header>
            {body}
            {err_view}
        </article>
    }
}

fn check_row(i18n: I18n, c: HealthCheck) -> impl IntoView {
    let st = status_class(c.status);
    let name_key = match c.name.as_str() {
        "database" => Some(K::CheckDatabase),
        "kamailio_rpc" => Some(K::CheckRpc),
        "kamailio_processes" => Some(K::CheckProcesses),
        _ => None,
    };
    let raw_name = c.name.clone();
    let status_key = match c.status {
        CheckStatus::Ok => K::CheckOk,
        CheckStatus::Degraded => K::CheckDegraded,
        CheckStatus::Down => K::CheckDown,
    };
    let mut facts: Vec<String> = Vec::new();
    if let Some(v) = &c.version {
        facts.push(v.clone());
    }
    if let Some(b) = &c.backend {
        facts.push(b.clone());
    }
    let processes = c.processes;
    let latency = c.latency_ms;
    view! {
        <li class=format!("check-row check-{st}") data-testid="check-row" data-name=c.name.clone()
            data-node=c.node.clone().unwrap_or_default() data-status=st>
            <span class="dot"></span>
            <span class="check-name">
                {match name_key {
                    Some(k) => view! { <span>{move || i18n.t(k)}</span> }.into_any(),
                    None => view! { <span class="tech">{raw_name}</span> }.into_any(),
                }}
            </span>
            <span class="check-node tech">{c.node.clone().unwrap_or_default()}</span>
            <span class=format!("check-status status-{st}") data-testid="check-status">
                {move || i18n.t(status_key)}
            </span>
            <span class="check-facts muted">
                {processes.map(|p| view! { <span>{move || i18n.f(K::ProcessCount, &[("n", &p.to_string())])}</span> })}
                {(!facts.is_empty()).then(|| view! { <span class="tech">{facts.join(" · ")}</span> })}
                {latency.map(|ms| view! { <span class="tech">{format!("{ms:.1} ms")}</span> })}
            </span>
            {c.error.clone().map(|e| view! { <span class="check-error tech" data-testid="check-error">{e}</span> })}
        </li>
    }
}
