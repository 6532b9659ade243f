//! `GET /api/v1/health`: the database and Kamailio's JSON-RPC, each checked live.
use std::time::Instant;

use actix_web::{get, web, HttpResponse};
use chrono::Utc;
use kamscope_api_types::health::{CheckStatus, Health, HealthCheck};

use crate::state::AppState;

fn ms(start: Instant) -> Option<f64> {
    Some((start.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0)
}

fn check(name: &str) -> HealthCheck {
    HealthCheck {
        name: name.into(),
        node: None,
        status: CheckStatus::Ok,
        latency_ms: None,
        error: None,
        version: None,
        uptime_seconds: None,
        backend: None,
    }
}

async fn database(state: &AppState) -> HealthCheck {
    let mut c = check("database");
    c.backend = Some(state.db_probe.backend_name().into());
    let start = Instant::now();
    if let Err(e) = state.db_probe.ping().await {
        c.status = CheckStatus::Down;
        c.error = Some(e.to_string());
    }
    c.latency_ms = ms(start);
    c
}

async fn kamailio(state: &AppState) -> HealthCheck {
    let mut c = check("kamailio_rpc");
    let start = Instant::now();
    let (version, uptime) = tokio::join!(state.core_rpc.version(), state.core_rpc.uptime());
    c.latency_ms = ms(start);
    match (version, uptime) {
        (Ok(v), Ok(u)) => {
            c.version = Some(v);
            c.uptime_seconds = Some(u.uptime);
        }
        (Err(e), _) | (_, Err(e)) => {
            c.status = CheckStatus::Down;
            c.error = Some(e.to_string());
        }
    }
    c
}

/// Overall: ok when every check is ok, down when none is, degraded in between.
pub fn overall(checks: &[HealthCheck]) -> CheckStatus {
    let ok = checks.iter().filter(|c| c.status == CheckStatus::Ok).count();
    if ok == checks.len() {
        CheckStatus::Ok
    } else if checks.iter().all(|c| c.status == CheckStatus::Down) {
        CheckStatus::Down
    } else {
        CheckStatus::Degraded
    }
}

/// Health of kamscope's dependencies. Answers 200 while anything works (status `ok`
/// or `degraded`) and 503 when every check is down, so it can serve as a probe.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "All or some checks pass", body = Health),
        (status = 503, description = "Every check is down", body = Health),
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let (db, kam) = tokio::join!(database(&state), kamailio(&state));
    let checks = vec![db, kam];
    let status = overall(&checks);
    let body = Health { status, checked_at: Utc::now().with_timezone(&state.tz).fixed_offset(), checks };
    if status == CheckStatus::Down {
        HttpResponse::ServiceUnavailable().json(body)
    } else {
        HttpResponse::Ok().json(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(status: CheckStatus) -> HealthCheck {
        HealthCheck { status, ..check("x") }
    }

    #[test]
    fn overall_is_the_worst_but_down_only_when_all_are() {
        use CheckStatus::*;
        assert_eq!(overall(&[with(Ok), with(Ok)]), Ok);
        assert_eq!(overall(&[with(Ok), with(Down)]), Degraded);
        assert_eq!(overall(&[with(Degraded), with(Ok)]), Degraded);
        assert_eq!(overall(&[with(Down), with(Down)]), Down);
    }
}
