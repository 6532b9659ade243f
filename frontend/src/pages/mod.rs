//! The page registry: every page of the operator's manual, in its order, with its path,
//! title and description keys, whether it is in the navigation, the role it needs, and
//! its view (`None`: not built yet). The shell builds the navigation and the routes from
//! [`PAGES`]; pages import only the kit (`ui`), `api` and `i18n`, never the shell.
use leptos::prelude::*;

use crate::i18n::K;

pub mod cdr;
pub mod dialogs;
pub mod locations;
pub mod monitoring;
pub mod msilo;
pub mod presence;
pub mod siptrace;
pub mod topos;

/// Who may open a page (kamscope has no login yet: every user is an admin; the shell
/// will hide what a user's role does not reach).
#[allow(dead_code)] // Operator and Admin: the cleanup and presence pages (issues 9, 10)
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Viewer,
    Operator,
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }
}

pub struct PageDef {
    /// `/kamailio/<slug>`.
    pub path: &'static str,
    pub title: K,
    pub desc: K,
    /// Listed in the sidebar.
    pub nav: bool,
    pub role: Role,
    /// The page; `None` shows "not built yet".
    pub view: Option<fn() -> AnyView>,
}

impl PageDef {
    /// The path's last segment: used in routes and `data-testid` values.
    pub fn slug(&self) -> &'static str {
        self.path.rsplit('/').next().unwrap_or("")
    }

    pub fn built(&self) -> bool {
        self.view.is_some()
    }
}

/// Where `/` leads.
pub const HOME: &str = "/kamailio/locations";

const fn page(
    path: &'static str,
    title: K,
    desc: K,
    role: Role,
    view: Option<fn() -> AnyView>,
) -> PageDef {
    PageDef {
        path,
        title,
        desc,
        nav: true,
        role,
        view,
    }
}

pub static PAGES: [PageDef; 8] = [
    page(
        HOME,
        K::PageLocations,
        K::DescLocations,
        Role::Viewer,
        Some(|| view! { <locations::LocationsPage/> }.into_any()),
    ),
    page(
        "/kamailio/dialogs",
        K::PageDialogs,
        K::DescDialogs,
        Role::Viewer,
        Some(|| view! { <dialogs::DialogsPage/> }.into_any()),
    ),
    page(
        "/kamailio/cdr",
        K::PageCdr,
        K::DescCdr,
        Role::Viewer,
        Some(|| view! { <cdr::CdrPage/> }.into_any()),
    ),
    page(
        "/kamailio/siptrace",
        K::PageSiptrace,
        K::DescSiptrace,
        Role::Viewer,
        Some(|| view! { <siptrace::SiptracePage/> }.into_any()),
    ),
    page(
        "/kamailio/topos",
        K::PageTopos,
        K::DescTopos,
        Role::Viewer,
        Some(|| view! { <topos::ToposPage/> }.into_any()),
    ),
    page(
        "/kamailio/presence",
        K::PagePresence,
        K::DescPresence,
        Role::Viewer,
        Some(|| view! { <presence::PresencePage/> }.into_any()),
    ),
    page(
        "/kamailio/msilo",
        K::PageMsilo,
        K::DescMsilo,
        Role::Viewer,
        Some(|| view! { <msilo::MsiloPage/> }.into_any()),
    ),
    page(
        "/kamailio/monitoring",
        K::PageMonitoring,
        K::DescMonitoring,
        Role::Viewer,
        Some(|| view! { <monitoring::MonitoringPage/> }.into_any()),
    ),
];

/// The page at `/kamailio/<slug>`.
pub fn find(slug: &str) -> Option<&'static PageDef> {
    PAGES.iter().find(|p| p.slug() == slug)
}
