//! The shell: sidebar with the manual's eight pages, top bar with system status and the
//! language switch, and the routes.
use kamscope_api_types::health::{CheckStatus, Health};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::hooks::use_location;
use leptos_router::path;
use std::time::Duration;

use crate::api::{self, ApiError};
use crate::i18n::{provide_i18n, use_i18n, Lang, K};
use crate::dialogs::DialogsPage;
use crate::locations::LocationsPage;
use crate::monitoring::MonitoringPage;

/// The pages of the operator's manual, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageId {
    Locations,
    Dialogs,
    Cdr,
    Siptrace,
    Topos,
    Presence,
    Msilo,
    Monitoring,
}

impl PageId {
    pub const ALL: [PageId; 8] = [
        PageId::Locations,
        PageId::Dialogs,
        PageId::Cdr,
        PageId::Siptrace,
        PageId::Topos,
        PageId::Presence,
        PageId::Msilo,
        PageId::Monitoring,
    ];

    pub fn path(self) -> &'static str {
        match self {
            PageId::Locations => "/kamailio/locations",
            PageId::Dialogs => "/kamailio/dialogs",
            PageId::Cdr => "/kamailio/cdr",
            PageId::Siptrace => "/kamailio/siptrace",
            PageId::Topos => "/kamailio/topos",
            PageId::Presence => "/kamailio/presence",
            PageId::Msilo => "/kamailio/msilo",
            PageId::Monitoring => "/kamailio/monitoring",
        }
    }

    /// Last path segment: used in data-testid values.
    pub fn slug(self) -> &'static str {
        self.path().rsplit('/').next().unwrap_or("")
    }

    pub fn title(self) -> K {
        match self {
            PageId::Locations => K::PageLocations,
            PageId::Dialogs => K::PageDialogs,
            PageId::Cdr => K::PageCdr,
            PageId::Siptrace => K::PageSiptrace,
            PageId::Topos => K::PageTopos,
            PageId::Presence => K::PagePresence,
            PageId::Msilo => K::PageMsilo,
            PageId::Monitoring => K::PageMonitoring,
        }
    }

    pub fn description(self) -> K {
        match self {
            PageId::Locations => K::DescLocations,
            PageId::Dialogs => K::DescDialogs,
            PageId::Cdr => K::DescCdr,
            PageId::Siptrace => K::DescSiptrace,
            PageId::Topos => K::DescTopos,
            PageId::Presence => K::DescPresence,
            PageId::Msilo => K::DescMsilo,
            PageId::Monitoring => K::DescMonitoring,
        }
    }

    pub fn built(self) -> bool {
        matches!(self, PageId::Locations | PageId::Dialogs | PageId::Monitoring)
    }
}

/// What the current page is called: the shell puts it in `document.title`.
#[derive(Clone, Copy)]
pub struct PageTitle(pub RwSignal<Option<K>>);

/// Call from a page component: sets the browser tab's title for this page.
pub fn set_page_title(k: K) {
    if let Some(PageTitle(sig)) = use_context::<PageTitle>() {
        sig.set(Some(k));
    }
}

#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    let title = PageTitle(RwSignal::new(None));
    provide_context(title);
    Effect::new(move |_| {
        let page = title.0.get().map(|k| i18n.t(k));
        let text = match page {
            Some(p) => format!("{p} · kamscope"),
            None => format!("kamscope · {}", i18n.t(K::AppTagline)),
        };
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&text);
        }
    });

    view! {
        <Router>
            <Shell>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=|| view! { <Redirect path="/kamailio/locations"/> }/>
                    <Route path=path!("/kamailio") view=|| view! { <Redirect path="/kamailio/locations"/> }/>
                    <Route path=path!("/kamailio/locations") view=LocationsPage/>
                    <Route path=path!("/kamailio/dialogs") view=DialogsPage/>
                    <Route path=path!("/kamailio/cdr") view=|| view! { <NotBuilt page=PageId::Cdr/> }/>
                    <Route path=path!("/kamailio/siptrace") view=|| view! { <NotBuilt page=PageId::Siptrace/> }/>
                    <Route path=path!("/kamailio/topos") view=|| view! { <NotBuilt page=PageId::Topos/> }/>
                    <Route path=path!("/kamailio/presence") view=|| view! { <NotBuilt page=PageId::Presence/> }/>
                    <Route path=path!("/kamailio/msilo") view=|| view! { <NotBuilt page=PageId::Msilo/> }/>
                    <Route path=path!("/kamailio/monitoring") view=MonitoringPage/>
                </Routes>
            </Shell>
        </Router>
    }
}

#[component]
fn Shell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="shell" data-testid="shell" data-lang=move || i18n.lang.get().code()>
            <nav class="sidebar" data-testid="sidebar" aria-label=move || i18n.t(K::NavSection)>
                <div class="sidebar-inner">
                <a class="brand" href="/kamailio/locations">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-text">
                        <span class="brand-name" data-i18n-exempt="">"kamscope"</span>
                        <span class="brand-tag">{move || i18n.t(K::AppTagline)}</span>
                    </span>
                </a>
                <div class="nav-section">{move || i18n.t(K::NavSection)}</div>
                <ul class="nav">
                    {PageId::ALL
                        .into_iter()
                        .map(|p| {
                            view! {
                                <li data-testid=format!("nav-{}", p.slug())>
                                    <A href=p.path()>
                                        <span class="nav-label">{move || i18n.t(p.title())}</span>
                                        {(!p.built())
                                            .then(|| {
                                                view! { <span class="nav-soon">{move || i18n.t(K::Soon)}</span> }
                                            })}
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                </div>
            </nav>
            <div class="main">
                <header class="topbar">
                    <HealthBadge/>
                    <div class="spacer"></div>
                    <LangSwitch/>
                </header>
                <main class="content">{children()}</main>
            </div>
        </div>
    }
}

#[component]
fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="lang-switch" role="group" data-testid="lang-switch" data-i18n-exempt=""
            aria-label=move || i18n.t(K::Language) title=move || i18n.t(K::Language)>
            {Lang::ALL
                .into_iter()
                .map(|l| {
                    view! {
                        <button
                            type="button"
                            lang=l.code()
                            data-testid=format!("lang-{}", l.code())
                            class:active=move || i18n.lang.get() == l
                            aria-pressed=move || (i18n.lang.get() == l).to_string()
                            on:click=move |_| i18n.set(l)
                        >
                            {l.endonym()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// System status from `GET /api/v1/health`, refreshed every 30 s.
#[component]
fn HealthBadge() -> impl IntoView {
    let i18n = use_i18n();
    let health: RwSignal<Option<Result<Health, ApiError>>> = RwSignal::new(None);
    let poll = move || {
        spawn_local(async move {
            let h = api::health().await;
            health.set(Some(h));
        })
    };
    poll();
    if let Ok(handle) = set_interval_with_handle(poll, Duration::from_secs(30)) {
        on_cleanup(move || handle.clear());
    }

    let status_class = move || match health.get() {
        Some(Ok(h)) => match h.status {
            CheckStatus::Ok => "ok",
            CheckStatus::Degraded => "degraded",
            CheckStatus::Down => "down",
        },
        Some(Err(_)) => "down",
        None => "unknown",
    };
    let status_text = move || match health.get() {
        Some(Ok(h)) => i18n.t(match h.status {
            CheckStatus::Ok => K::HealthOk,
            CheckStatus::Degraded => K::HealthDegraded,
            CheckStatus::Down => K::HealthDown,
        }),
        Some(Err(ApiError::Network(_))) => i18n.t(K::HealthUnreachable),
        Some(Err(_)) => i18n.t(K::HealthUnknown),
        None => i18n.t(K::HealthUnknown),
    };
    let checks = move || match health.get() {
        Some(Ok(h)) => {
            // With several Kamailio nodes, each node's checks name their node.
            let mut nodes: Vec<&str> = h.checks.iter().filter_map(|c| c.node.as_deref()).collect();
            nodes.sort_unstable();
            nodes.dedup();
            let multi_node = nodes.len() > 1;
            h.checks
            .into_iter()
            .map(|c| {
                // Known checks by their manual names (§8.3); a newer server's others raw.
                let known = match c.name.as_str() {
                    "database" => Some(K::CheckDatabase),
                    "kamailio_rpc" => Some(K::CheckRpc),
                    "kamailio_processes" => Some(K::CheckProcesses),
                    _ => None,
                };
                let name = match known {
                    Some(k) => view! { <span>{i18n.t(k)}</span> }.into_any(),
                    None => view! { <span class="tech">{c.name.clone()}</span> }.into_any(),
                };
                let node = (multi_node && c.node.is_some())
                    .then(|| view! { <span class="check-node tech">{c.node.clone()}</span> });
                let st = match c.status {
                    CheckStatus::Ok => "ok",
                    CheckStatus::Degraded => "degraded",
                    CheckStatus::Down => "down",
                };
                let mut tip = Vec::new();
                if let Some(v) = &c.version {
                    tip.push(v.clone());
                }
                if let Some(b) = &c.backend {
                    tip.push(b.clone());
                }
                if let Some(n) = &c.node {
                    tip.push(n.clone());
                }
                if let Some(p) = c.processes {
                    tip.push(i18n.f(K::ProcessCount, &[("n", &p.to_string())]));
                }
                if let Some(ms) = c.latency_ms {
                    tip.push(format!("{ms:.0} ms"));
                }
                if let Some(e) = &c.error {
                    tip.push(e.clone());
                }
                view! {
                    <span class=format!("check check-{st}") title=tip.join(" · ") data-tech-title=""
                        data-testid=format!("health-check-{}", c.name)>
                        <span class="dot"></span>
                        {name}
                        {node}
                    </span>
                }
            })
            .collect_view()
            .into_any()
        }
        _ => ().into_any(),
    };
    view! {
        <div class="health" data-testid="health" data-status=status_class>
            <span class=move || format!("health-main check-{}", status_class())>
                <span class="dot"></span>
                <span class="health-label">{move || i18n.t(K::HealthLabel)}</span>
                <span class="health-status">{status_text}</span>
            </span>
            <span class="health-checks">{checks}</span>
        </div>
    }
}

#[component]
fn NotBuilt(page: PageId) -> impl IntoView {
    let i18n = use_i18n();
    set_page_title(page.title());
    view! {
        <section class="page" data-testid=format!("page-{}", page.slug())>
            <header class="page-head">
                <h1 data-testid="page-title">{move || i18n.t(page.title())}</h1>
                <p class="page-desc">{move || i18n.t(page.description())}</p>
            </header>
            <div class="notice" data-testid="not-built">
                <h2>{move || i18n.t(K::NotBuiltTitle)}</h2>
                <p>{move || i18n.t(K::NotBuiltBody)}</p>
                <p>
                    <A href="/kamailio/locations">{move || i18n.t(K::GoToLocations)}</A>
                </p>
            </div>
        </section>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    set_page_title(K::NotFoundTitle);
    view! {
        <section class="page" data-testid="page-not-found">
            <header class="page-head">
                <h1 data-testid="page-title">{move || i18n.t(K::NotFoundTitle)}</h1>
            </header>
            <div class="notice">
                <p>
                    {move || {
                        let path = location.pathname.get();
                        i18n.f(K::NotFoundBody, &[("path", &path)])
                    }}
                </p>
                <p>
                    <A href="/kamailio/locations">{move || i18n.t(K::GoToLocations)}</A>
                </p>
            </div>
        </section>
    }
}
