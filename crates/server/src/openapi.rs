//! The OpenAPI 3.1 document, generated from the routes and the shared types.
use kamscope_api_types::{dashboard, dialog, health, usrloc, Page};
use utoipa::OpenApi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kamscope API",
        description = "Monitoring and management for Kamailio SIP servers. Lists page with `limit` and an opaque `cursor`; errors are RFC 9457 problem details; times are RFC 3339 with offset.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    servers((url = "/api/v1")),
    paths(
        routes::health::health,
        routes::usrloc::list_registrations,
        routes::usrloc::get_registration,
        routes::usrloc::delete_registration,
        routes::usrloc::delete_contact,
        routes::dialog::list_dialogs,
        routes::dialog::dialog_stats,
        routes::dialog::dialog_history,
        routes::dialog::get_dialog,
        routes::dialog::end_dialog,
        routes::monitoring::dashboard,
    ),
    components(schemas(
        kamscope_api_types::Problem,
        Page<usrloc::Registration>,
        usrloc::Registration,
        usrloc::RegistrationSource,
        usrloc::ExpiryState,
        usrloc::Aor,
        health::Health,
        health::HealthCheck,
        health::CheckStatus,
        Page<dialog::Dialog>,
        Page<dialog::DialogRecord>,
        dialog::Dialog,
        dialog::DialogLeg,
        dialog::DialogState,
        dialog::DialogSource,
        dialog::DialogRecord,
        dialog::DialogStats,
        dashboard::Dashboard,
        dashboard::NodeOverview,
        dashboard::SipCounters,
        dashboard::CallsToday,
    )),
    tags(
        (name = "usrloc", description = "Registrations (Kamailio usrloc: `location` table, `ul.*` RPCs)"),
        (name = "dialog", description = "Dialogs (Kamailio dialog: `dialog` table, `dlg.*` RPCs; ended calls from acc's `acc_cdrs`)"),
        (name = "monitoring", description = "The monitoring dashboard"),
        (name = "health", description = "kamscope's view of its dependencies"),
    )
)]
pub struct ApiDoc;

/// The document as committed in `openapi/openapi.json`.
pub fn json() -> String {
    ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document serializes")
}
