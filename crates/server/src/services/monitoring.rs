//! The monitoring dashboard (manual page 8) and health: every node's state and
//! counters, today's calls, the database. Concurrent viewers share one round of
//! upstream calls per TTL (see `cache`): forty browsers cost Kamailio what one does.
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::Utc;
use chrono_tz::Tz;
use kamscope_api_types::dashboard::{CallsToday, Dashboard, NodeOverview, SipCounters};
use kamscope_api_types::health::{CheckStatus, Health, HealthCheck};
use kamscope_db::AccDb;

use super::nodes::{Node, Nodes};
use super::DbProbe;
use crate::cache::Coalesced;

#[async_trait]
pub trait Monitoring: Send + Sync {
    async fn dashboard(&self) -> Dashboard;
    async fn health(&self) -> Health;
}

/// What the monitoring service reads from the database.
pub trait MonitoringDb: AccDb + DbProbe {}
impl<T: AccDb + DbProbe> MonitoringDb for T {}

pub struct MonitoringService {
    db: Arc<dyn MonitoringDb>,
    nodes: Nodes,
    tz: Tz,
    /// One upstream round of node RPCs shared by concurrent dashboard/health viewers.
    snapshots: Coalesced<Arc<Vec<NodeSnapshot>>>,
    calls_today: Coalesced<Result<CallsToday, String>>,
}

impl MonitoringService {
    pub fn new(db: Arc<dyn MonitoringDb>, nodes: Nodes, tz: Tz, ttl: Duration) -> Self {
        MonitoringService { db, nodes, tz, snapshots: Coalesced::new(ttl), calls_today: Coalesced::new(ttl) }
    }

    /// Every node's snapshot, from the round now running or finished within the TTL.
    async fn snapshots(&self) -> Arc<Vec<NodeSnapshot>> {
        let nodes: Vec<Node> = self.nodes.all().to_vec();
        self.snapshots
            .get(move || async move { Arc::new(futures::future::join_all(nodes.into_iter().map(snapshot)).await) })
            .await
    }
}

#[async_trait]
impl Monitoring for MonitoringService {
    async fn dashboard(&self) -> Dashboard {
        let now = Utc::now().with_timezone(&self.tz);
        let today = now.date_naive();
        let db = self.db.clone();
        let (snaps, calls) = tokio::join!(
            self.snapshots(),
            self.calls_today.get(move || async move { db.calls_on(today).await.map_err(|e| e.to_string()) })
        );
        let (calls_today, calls_today_error) = match calls {
            Ok(c) if c.date == today => (Some(c), None),
            Ok(_) => (None, Some("today's figures are being recounted".into())),
            Err(e) => (None, Some(e)),
        };
        Dashboard {
            generated_at: now.fixed_offset(),
            nodes: snaps.iter().map(overview).collect(),
            calls_today,
            calls_today_error,
        }
    }

    async fn health(&self) -> Health {
        let (db, snaps, indexes) = tokio::join!(database(&*self.db), self.snapshots(), self.db.missing_indexes());
        let mut checks = vec![db];
        checks.extend(kamailio(&snaps));
        // A database that is down already says so in its check.
        let warnings = indexes.unwrap_or_default();
        Health {
            status: overall(&checks),
            checked_at: Utc::now().with_timezone(&self.tz).fixed_offset(),
            checks,
            warnings,
        }
    }
}

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
    let data =
        (|| Ok(NodeData { version: version?, uptime_seconds: uptime?.uptime, processes: processes?, stats: stats? }))()
            .map_err(|e: kamscope_rpc::RpcError| e.to_string());
    NodeSnapshot { name: node.name, latency_ms: (start.elapsed().as_secs_f64() * 100_000.0).round() / 100.0, data }
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

async fn database(db: &dyn DbProbe) -> HealthCheck {
    let mut c = check("database");
    c.backend = Some(db.backend_name().into());
    let start = Instant::now();
    if let Err(e) = db.ping().await {
        c.status = CheckStatus::Down;
        c.error = Some(e.to_string());
    }
    c.latency_ms = ms(start);
    c
}

/// Per node: `kamailio_rpc` (does it answer: version, uptime) and `kamailio_processes`
/// (`core.psx`).
fn kamailio(snaps: &[NodeSnapshot]) -> Vec<HealthCheck> {
    let mut out = Vec::new();
    for s in snaps {
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
