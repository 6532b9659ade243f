//! `GET /api/v1/health`: the database, and per Kamailio node its JSON-RPC and processes.
use std::time::Instant;

use actix_web::{get, web, HttpResponse};
use chrono::Utc;
use kamscope_api_types::health::{CheckStatus, Health, HealthCheck};

use super::monitoring::snapshots;
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
        processes: None,
    }
}

async fn database(state: &AppState) -> HealthCheck {
    let mut c = check("database");
    c.backend = Some(state.db.backend_name().into());
    let start = Instant::now();
    if let Err(e) = state.db.ping().await {
        c.status = CheckStatus::Down;
        c.error = Some(e.to_string());
    }
    c.latency_ms = ms(start);
    c
}

/// Per node: `kamailio_rpc` (does it answer: version, uptime) and `kamailio_processes`
/// (`core.psx`).
async fn kamailio(state: &AppState) -> Vec<HealthCheck> {
    let mut out = Vec::new();
    for s in snapshots(state).await.iter() {
        let mut rpc = check("kamailio_rpc");
        rpc.node = Some(s.name.clone());
        rpc.latency_ms = Some(s.latency_ms);
        let mut procs = check("kamailio_processes");
        procs.node = Some(s.name.clone());
        match &s.data {
            Ok(d) => {
                rpc.version = Some(d.version.clone());
                rpc.uptime_seconds = Some(d.uptime_seconds);
                procs.processes = Some(d.processes);
                if d.processes == 0 {
                    procs.status = CheckStatus::Down;
                    procs.error = Some("Kamailio lists no processes".into());
                }
            }
            Err(e) => {
                rpc.status = CheckStatus::Down;
                rpc.error = Some(e.clone());
                procs.status = CheckStatus::Down;
                procs.error = Some(format!("unknown: Kamailio does not answer ({e})"));
            }
        }
        out.push(rpc);
        out.push(procs);
    }
    out
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
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let (db, kam) = tokio::join!(database(&state), kamailio(&state));
    let mut checks = vec![db];
    checks.extend(kam);
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
