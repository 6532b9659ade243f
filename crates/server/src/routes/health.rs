//! `GET /api/v1/health`: the database, and per Kamailio node its JSON-RPC and processes.
use actix_web::{get, web, HttpResponse};
use kamscope_api_types::health::{CheckStatus, Health};

use crate::extract::{ApiQuery, NoQuery};
use crate::services::Monitoring;

super::area! {
    tag: "health",
    description: "kamscope's view of its dependencies",
    state: monitoring,
    operations: [health: Viewer],
}

/// Health of kamscope's dependencies: the database, and for every Kamailio node its
/// JSON-RPC (version, uptime) and processes. Answers 200 while anything works (status
/// `ok` or `degraded`) and 503 when every check is down, so it can serve as a
/// liveness/readiness probe. Concurrent callers share one round of RPC calls.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "All or some checks pass", body = Health),
        (status = 503, description = "Every check is down", body = Health),
    )
)]
#[get("/health")]
pub async fn health(svc: web::Data<dyn Monitoring>, _q: ApiQuery<NoQuery>) -> HttpResponse {
    let body = svc.health().await;
    if body.status == CheckStatus::Down {
        HttpResponse::ServiceUnavailable().json(body)
    } else {
        HttpResponse::Ok().json(body)
    }
}
