//! The monitoring dashboard (manual page 8); the figures come from the monitoring service.
use actix_web::{get, web};
use kamscope_api_types::dashboard::Dashboard;

use crate::extract::{ApiQuery, NoQuery};
use crate::services::Monitoring;

super::area! {
    tag: "monitoring",
    description: "The monitoring dashboard",
    state: monitoring,
    operations: [dashboard: Viewer],
}

/// The monitoring dashboard: each Kamailio node's running state, registered users and
/// contacts, active dialogs and SIP counters (JSON-RPC), and today's calls (database).
/// A node or the database being down shows in its part; the rest still answers.
/// Concurrent viewers share one round of upstream calls for a couple of seconds.
#[utoipa::path(
    tag = "monitoring",
    responses((status = 200, description = "The dashboard", body = Dashboard))
)]
#[get("/dashboard")]
pub async fn dashboard(svc: web::Data<dyn Monitoring>, _q: ApiQuery<NoQuery>) -> web::Json<Dashboard> {
    web::Json(svc.dashboard().await)
}
