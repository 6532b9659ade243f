//! The OpenAPI 3.1 document, generated from the routes and the shared types.
use kamscope_api_types::{health, usrloc, Page};
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
    )),
    tags(
        (name = "usrloc", description = "Registrations (Kamailio usrloc: `location` table, `ul.*` RPCs)"),
        (name = "health", description = "kamscope's view of its dependencies"),
    )
)]
pub struct ApiDoc;

/// The document as committed in `openapi/openapi.json`.
pub fn json() -> String {
    ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document serializes")
}
