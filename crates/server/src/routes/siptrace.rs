//! SIP trace: Kamailio's siptrace (`sip_trace`). Its cleanup; the search and call flow
//! follow. Manual page 4.
use actix_web::{post, web, HttpResponse};
use kamscope_api_types::cleanup::{CleanupReport, CleanupRequest};
use kamscope_api_types::jobs::Job;

use super::topos::cleanup;
use crate::error::responses::{BadRequest, Conflict, Unavailable};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, NoQuery};
use crate::services::{Actor, CleanupTarget, Cleanups};

super::area! {
    tag: "siptrace",
    description: "SIP trace (Kamailio siptrace: `sip_trace`)",
    state: cleanups,
    operations: [trace_cleanup: Operator],
}

/// Remove `sip_trace` rows older than `older_than_days` (default 30, the manual's §4.6),
/// in batches of 10,000 so Kamailio keeps writing (one big DELETE would block its
/// writers for seconds on SQLite and it would lose trace rows), as a job: 202 with
/// `Location: /api/v1/jobs/{id}`; progress (rows, rate, time left) there. The cutoff is
/// fixed when the job starts; newer rows are never touched, also while Kamailio keeps
/// inserting; cancel leaves the rows not yet removed. `dry_run: true` only counts.
/// One SIP trace cleanup at a time (a second gets 409).
#[utoipa::path(
    tag = "siptrace",
    request_body(content = Option<CleanupRequest>, content_type = "application/json", description = "May be left out: the defaults apply"),
    responses(
        (status = 200, description = "Dry run: what would be removed", body = CleanupReport),
        (status = 202, description = "Started; follow the job at `Location`", body = Job),
        BadRequest, Conflict, Unavailable,
    )
)]
#[post("/traces/cleanup")]
pub async fn trace_cleanup(
    svc: web::Data<dyn Cleanups>,
    actor: Actor,
    _q: ApiQuery<NoQuery>,
    req: ApiJson<CleanupRequest>,
) -> Result<HttpResponse, ApiError> {
    cleanup(&**svc, &actor, CleanupTarget::Siptrace, &req).await
}
