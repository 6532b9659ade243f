//! 监控面板 /kamailio/monitoring (manual §8): per Kamailio node its running state,
//! version, uptime, processes, registered users, contacts, active dialogs and SIP
//! counters; today's calls; the health checks. Refreshes itself every 5 s.
use kamscope_api_types::dashboard::{CallsToday, Dashboard, NodeOverview, SipCounters};
use kamscope_api_types::health::{CheckStatus, Health, HealthCheck};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::format::{check_label, status_class, status_words};
use crate::ui::{
    local_time, metric, num, poll_every, uptime_words, AutoRefreshBox, ErrorBox, Loading, PageHead,
};

const REFRESH_SECS: u64 = 5;

#[component]
pub fn MonitoringPage() -> impl IntoView {
    let i18n = use_i18n();
    let dashboard: RwSignal<Option<Result<Dashboard, ApiError>>> = RwSignal::new(None);
    let health: RwSignal<Option<Result<Health, ApiError>>> = RwSignal::new(None);
    let poll = poll_every(REFRESH_SECS, move || async move {
        let (d, h) = api::join(api::dashboard(), api::health()).await;
        dashboard.set(Some(d));
        health.set(Some(h));
    });

    view! {
        <section class="page page-monitoring" data-testid="page-monitoring">
            <PageHead title=K::PageMonitoring desc=K::DescMonitoring>
                <AutoRefreshBox poll=poll/>
            </PageHead>
            {move || match dashboard.get() {
                None => view! { <div class="panel"><Loading/></div> }.into_any(),
                Some(Err(e)) => view! { <div class="panel"><ErrorBox err=e on_retry=poll.now/></div> }.into_any(),
                Some(Ok(d)) => view! {
                    <div class="mon-grid" data-testid="node-cards">
                        {if d.nodes.is_empty() {
                            view! { <div class="panel muted">{move || i18n.t(K::NoNodes)}</div> }.into_any()
                        } else {
                            d.nodes.into_iter().map(|n| node_card(i18n, n)).collect_view().into_any()
                        }}
                        {calls_card(i18n, d.calls_today, d.calls_today_error)}
                    </div>
                }
                .into_any(),
            }}
            <section class="panel health-panel" data-testid="health-panel">
                <h2>{move || i18n.t(K::HealthTitle)}</h2>
                {move || match health.get() {
                    None => view! { <Loading/> }.into_any(),
                    Some(Err(e)) => view! { <ErrorBox err=e on_retry=poll.now/> }.into_any(),
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

fn node_card(i18n: I18n, n: NodeOverview) -> impl IntoView {
    let st = status_class(n.status);
    let running = n.status == CheckStatus::Ok;
    let uptime = n.uptime_seconds;
    let big = |k: K, id: &str, v: Option<i64>| {
        metric(
            i18n,
            format!("node-{id}"),
            "metric-big".into(),
            k,
            num(v),
            v,
        )
    };
    let fact = |k: K, id: &'static str, raw: Option<i64>, dd: AnyView| {
        view! {
            <div data-testid=id data-value=raw.map(|v| v.to_string())>
                <dt>{move || i18n.t(k)}</dt>
                {dd}
            </div>
        }
    };
    view! {
        <article class=format!("panel node-card node-{st}") data-testid="node-card" data-node=n.name.clone() data-status=st>
            <header class="node-head">
                <h2 class="tech">{n.name.clone()}</h2>
                <span class=format!("status-pill pill-{st}") data-testid="node-status" data-status=st>
                    <span class="dot"></span>
                    {move || i18n.t(if running { K::NodeRunning } else { K::NodeDown })}
                </span>
            </header>
            {n.error.clone().map(|e| view! { <p class="node-error tech" data-testid="node-error" role="alert">{e}</p> })}
            <div class="metrics">
                {big(K::NodeRegistered, "registered-users", n.registered_users)}
                {big(K::NodeContacts, "contacts", n.contacts)}
                {big(K::NodeActiveDialogs, "active-dialogs", n.active_dialogs)}
                {big(K::NodeEarlyDialogs, "early-dialogs", n.early_dialogs)}
            </div>
            <dl class="details node-facts">
                {fact(K::NodeVersion, "node-version", None,
                    view! { <dd class="tech">{n.version.clone().unwrap_or_else(|| "—".into())}</dd> }.into_any())}
                {fact(K::NodeUptime, "node-uptime", uptime,
                    view! { <dd>{move || uptime.map(|s| uptime_words(i18n, s)).unwrap_or_else(|| "—".into())}</dd> }.into_any())}
                {fact(K::NodeProcesses, "node-processes", n.processes,
                    view! { <dd class="tech">{num(n.processes)}</dd> }.into_any())}
            </dl>
            {n.counters.map(|c| counters_view(i18n, c))}
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
                {replies.into_iter().map(|(class, v)| view! {
                    <span class=format!("reply reply-{class}") data-testid=format!("counter-{class}") data-value=v.to_string()>
                        <span class="tech reply-class">{class}</span>
                        <span class="tech">{v.to_string()}</span>
                    </span>
                }).collect_view()}
            </div>
        </div>
    }
}

fn calls_card(i18n: I18n, calls: Option<CallsToday>, err: Option<String>) -> impl IntoView {
    let body = calls.map(|c| {
        let (date, tz) = (c.date.to_string(), c.timezone.clone());
        let n = |k: K, id: &str, v: i64| {
            let class = format!("metric-big calls-{id}{}", if v == 0 { " zero" } else { "" });
            metric(i18n, format!("calls-{id}"), class, k, v.to_string(), Some(v))
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
    });
    view! {
        <article class="panel calls-card" data-testid="calls-today">
            <header class="node-head">
                <h2>{move || i18n.t(K::CallsTodayTitle)}</h2>
            </header>
            {body}
            {err.map(|e| view! {
                <div class="inline-error" role="alert" data-testid="calls-error">
                    <strong>{move || i18n.t(K::CallsTodayUnavailable)}": "</strong>
                    <span class="tech">{e}</span>
                </div>
            })}
        </article>
    }
}

fn check_row(i18n: I18n, c: HealthCheck) -> impl IntoView {
    let st = status_class(c.status);
    let facts: Vec<String> = [c.version.clone(), c.backend.clone()]
        .into_iter()
        .flatten()
        .collect();
    let processes = c.processes;
    view! {
        <li class=format!("check-row check-{st}") data-testid="check-row" data-name=c.name.clone()
            data-node=c.node.clone().unwrap_or_default() data-status=st>
            <span class="dot"></span>
            <span class="check-name">
                {check_label(i18n, &c.name)}
            </span>
            <span class="check-node tech">{c.node.clone().unwrap_or_default()}</span>
            <span class=format!("check-status status-{st}") data-testid="check-status">{move || i18n.t(status_words(c.status))}</span>
            <span class="check-facts muted">
                {processes.map(|p| view! { <span>{move || i18n.f(K::ProcessCount, &[("n", &p.to_string())])}</span> })}
                {(!facts.is_empty()).then(|| view! { <span class="tech">{facts.join(" · ")}</span> })}
                {c.latency_ms.map(|ms| view! { <span class="tech">{format!("{ms:.1} ms")}</span> })}
            </span>
            {c.error.clone().map(|e| view! { <span class="check-error tech" data-testid="check-error">{e}</span> })}
        </li>
    }
}
