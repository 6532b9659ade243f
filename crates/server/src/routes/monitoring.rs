//! The monitoring dashboard (manual page 8): every node's state and counters plus
//! today's calls, shared between concurrent viewers (see `cache`).
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use actix_web::{get, web};
use chrono::Utc;
use kamscope_api_types::dashboard::{Dashboard, NodeOverview, SipCounters};
use kamscope_api_types::health::CheckStatus;

use crate::error::ApiError;
use crate::state::{AppState, Node};

/// The statistics groups one snapshot fetches (one `stats.fetchn` call).
const STAT_GROUPS: [&str; 4] = ["usrloc:", "dialog:", "core:", "tmx:"];

/// What one round of RPC calls learned about a node.
#[derive(Debug, Clone)]
pub struct NodeSnapshot {
    pub name: String,
    pub latency_ms: f64,
    pub data: Result<NodeData, String>,
}

#[derive(Debug, Clone)]
pub struct NodeData {
    pub version: String,
    pub uptime_seconds: i64,
    pub processes: i64,
    pub stats: BTreeMap<String, i64>,
}

async fn snapshot(node: Node) -> NodeSnapshot {
    let start = Instant::now();
    let rpc = &node.rpc;
    let (version, uptime, processes, stats) =
        tokio::join!(rpc.version(), rpc.uptime(), rpc.process_count(), rpc.fetch(&STAT_GROUPS));
    let data = (|| {
        Ok(NodeData {
            version: version?,
            uptime_seconds: uptime?.uptime,
            processes: processes?,
            stats: stats?,
        })
    })()
    .map_err(|e: kamscope_rpc::RpcError| e.to_string());
    NodeSnapshot { name: node.name, latency_ms: (start.elapsed().as_secs_f64() * 100_000.0).round() / 100.0, data }
}

/// Every node's snapshot, from the round now running or finished within the TTL.
pub async fn snapshots(state: &AppState) -> Arc<Vec<NodeSnapshot>> {
    let nodes: Vec<Node> = state.nodes.iter().cloned().collect();
    state
        .snapshots
        .get(move || async move { Arc::new(futures::future::join_all(nodes.into_iter().map(snapshot)).await) })
        .await
}

fn overview(s: &NodeSnapshot) -> NodeOverview {
    match &s.data {
        Ok(d) => {
            let st = |k: &str| d.stats.get(k).copied();
            let n = |k: &str| st(k).unwrap_or(0);
            NodeOverview {
                name: s.name.clone(),
                status: CheckStatus::Ok,
                error: None,
                version: Some(d.version.clone()),
                uptime_seconds: Some(d.uptime_seconds),
                processes: Some(d.processes),
                registered_users: st("usrloc.registered_users"),
                contacts: st("usrloc.location_contacts"),
                active_dialogs: st("dialog.active_dialogs"),
                early_dialogs: st("dialog.early_dialogs"),
                counters: Some(SipCounters {
                    // Not `core.rcv_requests`: it also counts the HTTP requests of
                    // JSON-RPC (kamscope's own polling). The per-method counters are SIP only.
                    requests_received: d
                        .stats
                        .iter()
                        .filter(|(k, _)| k.starts_with("core.rcv_requests_"))
                        .map(|(_, v)| *v)
                        .sum(),
                    invites_received: n("core.rcv_requests_invite"),
                    registers_received: n("core.rcv_requests_register"),
                    transactions: n("tmx.UAS_transactions") + n("tmx.UAC_transactions"),
                    active_transactions: n("tmx.active_transactions"),
                    replies_2xx: n("tmx.2xx_transactions"),
                    replies_3xx: n("tmx.3xx_transactions"),
                    replies_4xx: n("tmx.4xx_transactions"),
                    replies_5xx: n("tmx.5xx_transactions"),
                    replies_6xx: n("tmx.6xx_transactions"),
                }),
            }
        }
        Err(e) => NodeOverview {
            name: s.name.clone(),
            status: CheckStatus::Down,
            error: Some(e.clone()),
            version: None,
            uptime_seconds: None,
            processes: None,
            registered_users: None,
            contacts: None,
            active_dialogs: None,
            early_dialogs: None,
            counters: None,
        },
    }
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
pub async fn dashboard(state: web::Data<AppState>) -> Result<web::Json<Dashboard>, ApiError> {
    let now = Utc::now().with_timezone(&state.tz);
    let today = now.date_naive();
    let db = state.db.clone();
    let (snaps, calls) = tokio::join!(
        snapshots(&state),
        state.calls_today.get(move || async move { db.calls_on(today).await.map_err(|e| e.to_string()) })
    );
    let (calls_today, calls_today_error) = match calls {
        Ok(c) if c.date == today => (Some(c), None),
        Ok(_) => (None, Some("today's figures are being recounted".into())),
        Err(e) => (None, Some(e)),
    };
    Ok(web::Json(Dashboard {
        generated_at: now.fixed_offset(),
        nodes: snaps.iter().map(overview).collect(),
        calls_today,
        calls_today_error,
    }))
}
