//! The shell: sidebar with the manual's eight pages, top bar with system status and the
//! language switch, and the routes, all from the page registry (`pages::PAGES`).
use kamscope_api_types::health::Health;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::hooks::{use_location, use_params_map};
use leptos_router::path;
use std::time::Duration;

use crate::api::{self, ApiError};
use crate::i18n::{provide_i18n, use_i18n, Lang, K};
use crate::pages::{find, PageDef, HOME, PAGES};
use crate::ui::format::{check_label, status_class, status_words};
use crate::ui::page::{set_page_title, PageHead, PageTitle};

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
                    <Route path=path!("/") view=|| view! { <Redirect path=HOME/> }/>
                    <Route path=path!("/kamailio") view=|| view! { <Redirect path=HOME/> }/>
                    <Route path=path!("/kamailio/:page") view=RegistryPage/>
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
                <a class="brand" href=HOME>
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-text">
                        <span class="brand-name" data-i18n-exempt="">"kamscope"</span>
                        <span class="brand-tag">{move || i18n.t(K::AppTagline)}</span>
                    </span>
                </a>
                <div class="nav-section">{move || i18n.t(K::NavSection)}</div>
                <ul class="nav">
                    {PAGES
                        .iter()
                        .filter(|p| p.nav)
                        .map(|p| {
                            view! {
                                <li data-testid=format!("nav-{}", p.slug()) data-role=p.role.code()>
                                    <A href=p.path>
                                        <span class="nav-label">{move || i18n.t(p.title)}</span>
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

    let main_class = move || match health.get() {
        Some(Ok(h)) => status_class(h.status),
        Some(Err(_)) => "down",
        None => "unknown",
    };
    let status_text = move || match health.get() {
        Some(Ok(h)) => i18n.t(status_words(h.status)),
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
                let name = check_label(i18n, &c.name);
                let node = (multi_node && c.node.is_some())
                    .then(|| view! { <span class="check-node tech">{c.node.clone()}</span> });
                let st = status_class(c.status);
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
        <div class="health" data-testid="health" data-status=main_class>
            <span class=move || format!("health-main check-{}", main_class())>
                <span class="dot"></span>
                <span class="health-label">{move || i18n.t(K::HealthLabel)}</span>
                <span class="health-status">{status_text}</span>
            </span>
            <span class="health-checks">{checks}</span>
        </div>
    }
}

/// `/kamailio/:page`: the registry's page, "not built yet", or "not found". Only a change
/// of page renders anew (not a change of the query a page keeps its state in).
#[component]
fn RegistryPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("page").unwrap_or_default()));
    move || match find(&slug.get()) {
        Some(PageDef { view: Some(v), .. }) => v(),
        Some(p) => view! { <NotBuilt page=p/> }.into_any(),
        None => view! { <NotFound/> }.into_any(),
    }
}

#[component]
fn NotBuilt(page: &'static PageDef) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page" data-testid=format!("page-{}", page.slug())>
            <PageHead title=page.title desc=page.desc/>
            <div class="notice" data-testid="not-built">
                <h2>{move || i18n.t(K::NotBuiltTitle)}</h2>
                <p>{move || i18n.t(K::NotBuiltBody)}</p>
                <p>
                    <A href=HOME>{move || i18n.t(K::GoToLocations)}</A>
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
                    <A href=HOME>{move || i18n.t(K::GoToLocations)}</A>
                </p>
            </div>
        </section>
    }
}
