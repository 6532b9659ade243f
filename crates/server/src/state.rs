//! What the routes get: one service per area, each behind its trait. Building the real
//! services from the settings happens here, once.
use std::sync::Arc;
use std::time::Duration;

use kamscope_db::KamailioDb;
use kamscope_rpc::KamailioRpc;

use crate::configuration::Settings;
use crate::jobs::{JobRunner, MemoryJobStore};
use crate::services::usrloc::AorPolicy;
use crate::services::{
    Acc, AccService, AuditLog, CleanupService, Cleanups, DialogService, Dialogs, Monitoring, MonitoringService, Msilo,
    MsiloService, Node, Nodes, Presence, PresenceService, Siptrace, SiptraceService, Topos, ToposService, TracingAudit,
    Usrloc, UsrlocService,
};
pub use crate::services::{DbProbe, KamailioNode, KamailioTables};

/// One handle per area; a route test sets only the one it exercises.
#[derive(Clone)]
pub struct AppState {
    pub usrloc: Arc<dyn Usrloc>,
    pub dialog: Arc<dyn Dialogs>,
    pub monitoring: Arc<dyn Monitoring>,
    pub acc: Arc<dyn Acc>,
    pub topos: Arc<dyn Topos>,
    pub siptrace: Arc<dyn Siptrace>,
    pub presence: Arc<dyn Presence>,
    pub msilo: Arc<dyn Msilo>,
    pub cleanups: Arc<dyn Cleanups>,
    pub jobs: Arc<JobRunner>,
    /// The zone API times are shown in.
    pub tz: chrono_tz::Tz,
}

impl AppState {
    pub fn new(settings: &Settings, db: KamailioDb) -> anyhow::Result<Self> {
        let mut nodes = Vec::new();
        for n in settings.nodes() {
            let rpc =
                KamailioRpc::new(&kamscope_rpc::RpcConfig { url: n.rpc_url.clone(), timeout: settings.rpc_timeout() })?;
            nodes.push(Node { name: n.name.clone(), rpc: Arc::new(rpc) });
        }
        Self::from_parts(settings, Arc::new(db), nodes)
    }

    /// The real services over any tables and nodes (the acceptance tests and fakes use it).
    pub fn from_parts<D: KamailioTables + 'static>(
        settings: &Settings,
        db: Arc<D>,
        nodes: Vec<Node>,
    ) -> anyhow::Result<Self> {
        let nodes = Nodes::new(nodes)?;
        // Everything shown (RPC times, job times, file names) is in the reporting zone.
        let tz = settings.report_tz()?;
        let audit: Arc<dyn AuditLog> = Arc::new(TracingAudit);
        let ttl = Duration::from_millis(settings.cache_ttl_ms);
        let jobs = Arc::new(JobRunner::new(Arc::new(MemoryJobStore::default()), tz));
        Ok(AppState {
            topos: Arc::new(ToposService { db: db.clone() }),
            siptrace: Arc::new(SiptraceService { db: db.clone(), tz }),
            presence: Arc::new(PresenceService { db: db.clone(), nodes: nodes.clone(), tz, audit: audit.clone() }),
            msilo: Arc::new(MsiloService { db: db.clone(), tz, audit: audit.clone() }),
            cleanups: Arc::new(CleanupService { db: db.clone(), jobs: jobs.clone(), tz, audit: audit.clone() }),
            usrloc: Arc::new(UsrlocService {
                db: db.clone(),
                nodes: nodes.clone(),
                policy: AorPolicy { use_domain: settings.use_domain, sip_domains: settings.sip_domains.clone() },
                tz,
                audit: audit.clone(),
            }),
            dialog: Arc::new(DialogService { db: db.clone(), nodes: nodes.clone(), tz, audit }),
            acc: Arc::new(AccService { db: db.clone(), dialogs: db.clone(), tz }),
            monitoring: Arc::new(MonitoringService::new(db, nodes, tz, ttl)),
            jobs,
            tz,
        })
    }
}

/// Fakes for the fast tier: a Kamailio node and a database held in memory.
#[cfg(test)]
pub mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use chrono::NaiveDate;
    use kamscope_api_types::acc::{Cdr, HourFigures};
    use kamscope_api_types::dashboard::CallsToday;
    use kamscope_api_types::dialog::{Dialog, DialogRecord};
    use kamscope_api_types::msilo::OfflineMessage;
    use kamscope_api_types::usrloc::Registration;
    use kamscope_db::{AccTable, CdrCursor, CdrFilter, CdrRecordFilter, DialogFilter, LocationCursor, LocationQuery};
    use kamscope_rpc::core::Uptime;
    use kamscope_rpc::dialog::ActiveStats;
    use kamscope_rpc::usrloc::{parse_contacts, UlContact};
    use kamscope_rpc::RpcError;
    use serde_json::{json, Value};

    use async_trait::async_trait;
    use kamscope_db::{AccDb, DbError, DialogDb, UsrlocDb};
    use kamscope_rpc::{CoreRpc, DialogRpc, StatsRpc, UsrlocRpc};

    use super::*;

    #[derive(Default)]
    struct NodeData {
        users: BTreeMap<String, Vec<String>>,
        dialogs: Vec<Value>,
        removed: Vec<String>,
        down: bool,
        /// Whether `presence.refreshWatchers` type 0 finds a pres-rules document.
        pres_rules: bool,
    }

    /// A Kamailio node: users with contact addresses, `dlg.list` items, and a log of
    /// what `ul.rm*` / `dlg.end_dlg` removed. Clones share the node.
    #[derive(Clone, Default)]
    pub struct FakeNode(Arc<Mutex<NodeData>>);

    impl FakeNode {
        pub fn with_users(users: &[(&str, &[&str])]) -> Self {
            let n = FakeNode::default();
            n.0.lock().unwrap().users =
                users.iter().map(|(u, cs)| (u.to_string(), cs.iter().map(|c| c.to_string()).collect())).collect();
            n
        }
        pub fn with_dialogs(dialogs: Vec<Value>) -> Self {
            let n = FakeNode::default();
            n.0.lock().unwrap().dialogs = dialogs;
            n
        }
        pub fn set_pres_rules(&self, rules: bool) {
            self.0.lock().unwrap().pres_rules = rules;
        }
        pub fn set_down(&self, down: bool) {
            self.0.lock().unwrap().down = down;
        }
        pub fn removed(&self) -> Vec<String> {
            self.0.lock().unwrap().removed.clone()
        }
        fn up(&self) -> Result<std::sync::MutexGuard<'_, NodeData>, RpcError> {
            let g = self.0.lock().unwrap();
            if g.down {
                return Err(RpcError::Unreachable {
                    url: "http://fake/RPC".into(),
                    reason: "connection refused".into(),
                });
            }
            Ok(g)
        }
    }

    #[async_trait]
    impl UsrlocRpc for FakeNode {
        async fn aors(&self) -> Result<Vec<String>, RpcError> {
            Ok(self.up()?.users.keys().cloned().collect())
        }
        async fn lookup(&self, aor: &str) -> Result<Option<Vec<UlContact>>, RpcError> {
            Ok(self.up()?.users.get(aor).map(|cs| {
                cs.iter()
                    .map(|a| parse_contacts(&json!({"Contacts":[{"Contact":{"Address":a,"Expires":60}}]})).remove(0))
                    .collect()
            }))
        }
        async fn rm(&self, aor: &str) -> Result<(), RpcError> {
            let mut g = self.up()?;
            g.users.remove(aor);
            g.removed.push(aor.to_string());
            Ok(())
        }
        async fn rm_contact(&self, aor: &str, contact: &str) -> Result<bool, RpcError> {
            let mut g = self.up()?;
            let Some(cs) = g.users.get_mut(aor) else { return Ok(false) };
            let before = cs.len();
            cs.retain(|c| c != contact);
            let gone = cs.len() < before;
            if gone {
                g.removed.push(format!("{aor} {contact}"));
            }
            Ok(gone)
        }
    }

    #[async_trait]
    impl CoreRpc for FakeNode {
        async fn version(&self) -> Result<String, RpcError> {
            drop(self.up()?);
            Ok("kamailio 5.6.3 (fake)".into())
        }
        async fn uptime(&self) -> Result<Uptime, RpcError> {
            drop(self.up()?);
            Ok(Uptime { now: String::new(), up_since: String::new(), uptime: 42 })
        }
    }

    #[async_trait]
    impl DialogRpc for FakeNode {
        async fn list(&self) -> Result<Vec<Value>, RpcError> {
            Ok(self.up()?.dialogs.clone())
        }
        async fn stats_active(&self) -> Result<ActiveStats, RpcError> {
            let n = self.up()?.dialogs.len() as i64;
            Ok(ActiveStats { starting: 0, connecting: 0, answering: 0, ongoing: n, all: n })
        }
        async fn end(&self, h_entry: u32, h_id: u32) -> Result<bool, RpcError> {
            let mut g = self.up()?;
            let before = g.dialogs.len();
            g.dialogs.retain(|d| !(d["h_entry"] == h_entry && d["h_id"] == h_id));
            let gone = g.dialogs.len() < before;
            if gone {
                g.removed.push(format!("dialog {h_entry}:{h_id}"));
            }
            Ok(gone)
        }
    }

    #[async_trait]
    impl StatsRpc for FakeNode {
        async fn fetch(&self, _groups: &[&str]) -> Result<BTreeMap<String, i64>, RpcError> {
            let n = self.up()?.users.len() as i64;
            Ok(BTreeMap::from([("usrloc.registered_users".to_string(), n)]))
        }
        async fn process_count(&self) -> Result<i64, RpcError> {
            drop(self.up()?);
            Ok(8)
        }
    }

    /// A database with no rows that answers (or, when down, is unavailable).
    #[derive(Default)]
    pub struct FakeDb {
        pub down: bool,
        /// Rows older than any cutoff, per table, for cleanups.
        pub old_rows: Mutex<BTreeMap<String, u64>>,
        /// msilo's stored messages.
        pub silo: Mutex<Vec<OfflineMessage>>,
        /// Whether `xcap` holds a pres-rules document.
        pub pres_rules: bool,
        /// `sip_trace` rows, and the filters the searches asked for.
        pub traces: Mutex<Vec<kamscope_db::TraceRow>>,
        pub trace_filters: Arc<Mutex<Vec<kamscope_db::TraceFilter>>>,
        /// The backend it plays (SQLite when unset): the search window depends on it.
        pub backend: Option<kamscope_db::Backend>,
    }

    impl FakeDb {
        fn up(&self) -> Result<(), DbError> {
            if self.down {
                Err(DbError::Unavailable("connection refused".into()))
            } else {
                Ok(())
            }
        }
    }

    #[async_trait]
    impl UsrlocDb for FakeDb {
        async fn locations(&self, _: &LocationQuery) -> Result<(Vec<Registration>, Option<LocationCursor>), DbError> {
            self.up().map(|_| (vec![], None))
        }
    }

    #[async_trait]
    impl DialogDb for FakeDb {
        async fn dialogs(
            &self,
            _: &DialogFilter,
            _: u64,
            _: Option<i64>,
        ) -> Result<(Vec<Dialog>, Option<i64>), DbError> {
            self.up().map(|_| (vec![], None))
        }
        async fn dialog_records(
            &self,
            _: &CdrRecordFilter,
            _: u64,
            _: Option<i64>,
        ) -> Result<(Vec<DialogRecord>, Option<i64>), DbError> {
            self.up().map(|_| (vec![], None))
        }
        async fn dialog_call_ids(&self, _: &[String]) -> Result<std::collections::HashSet<String>, DbError> {
            self.up().map(|_| Default::default())
        }
        async fn cdrs_for(
            &self,
            _: &[String],
            _: chrono::DateTime<chrono::Utc>,
            _: chrono::DateTime<chrono::Utc>,
        ) -> Result<Vec<DialogRecord>, DbError> {
            self.up().map(|_| vec![])
        }
    }

    #[async_trait]
    impl AccDb for FakeDb {
        async fn calls_on(&self, date: NaiveDate) -> Result<CallsToday, DbError> {
            self.up()?;
            Ok(CallsToday { date, timezone: "UTC".into(), total: 0, answered: 0, failed: 0, missed: 0 })
        }
        async fn hours_on(&self, _: NaiveDate) -> Result<Vec<HourFigures>, DbError> {
            self.up().map(|_| vec![])
        }
        async fn day_figures(&self, date: NaiveDate) -> Result<(CallsToday, Vec<HourFigures>), DbError> {
            Ok((self.calls_on(date).await?, vec![]))
        }
        async fn records_of_calls(&self, _: AccTable, _: &[String]) -> Result<Vec<Cdr>, DbError> {
            self.up().map(|_| vec![])
        }
        async fn all_records(&self, _: AccTable, _: &CdrFilter) -> Result<Vec<Cdr>, DbError> {
            self.up().map(|_| vec![])
        }
        async fn records(
            &self,
            _: AccTable,
            _: &CdrFilter,
            _: u64,
            _: Option<CdrCursor>,
        ) -> Result<(Vec<Cdr>, Option<CdrCursor>), DbError> {
            self.up().map(|_| (vec![], None))
        }
    }

    #[async_trait]
    impl DbProbe for FakeDb {
        fn backend_name(&self) -> &'static str {
            "fake"
        }
        async fn ping(&self) -> Result<(), DbError> {
            self.up()
        }
        async fn missing_indexes(&self) -> Result<Vec<String>, DbError> {
            self.up().map(|_| vec![])
        }
    }

    #[async_trait]
    impl kamscope_db::ToposDb for FakeDb {
        async fn topos_dialogs(
            &self,
            _: &kamscope_db::ToposFilter,
            _: u64,
            _: Option<kamscope_db::TimeCursor>,
        ) -> Result<(Vec<kamscope_api_types::topos::ToposDialog>, Option<kamscope_db::TimeCursor>), DbError> {
            self.up().map(|_| (vec![], None))
        }
        async fn topos_transactions(
            &self,
            _: &kamscope_db::ToposFilter,
            _: u64,
            _: Option<kamscope_db::TimeCursor>,
        ) -> Result<(Vec<kamscope_api_types::topos::ToposTransaction>, Option<kamscope_db::TimeCursor>), DbError>
        {
            self.up().map(|_| (vec![], None))
        }
    }

    /// Old rows per table, which cleanups remove in batches (and a log of the batches).
    #[async_trait]
    impl kamscope_db::CleanupDb for FakeDb {
        async fn count_older(&self, table: &str, _: &str, _: chrono::DateTime<chrono::Utc>) -> Result<u64, DbError> {
            self.up()?;
            Ok(*self.old_rows.lock().unwrap().get(table).unwrap_or(&0))
        }
        async fn delete_older(
            &self,
            table: &str,
            _: &str,
            _: chrono::DateTime<chrono::Utc>,
            batch: u64,
        ) -> Result<u64, DbError> {
            self.up()?;
            let mut rows = self.old_rows.lock().unwrap();
            let left = rows.entry(table.to_string()).or_insert(0);
            let n = (*left).min(batch);
            *left -= n;
            Ok(n)
        }
    }

    #[async_trait]
    impl kamscope_rpc::PresenceRpc for FakeNode {
        async fn presence_cleanup(&self) -> Result<String, RpcError> {
            self.up()?.removed.push("presence.cleanup".into());
            Ok("Reload OK".into())
        }
        async fn refresh_watchers(
            &self,
            uri: &str,
            event: &str,
            refresh_type: u8,
            _: Option<(&str, &str)>,
        ) -> Result<(), RpcError> {
            let mut g = self.up()?;
            // As Kamailio 5.6: type 0 fails without a pres-rules document.
            if refresh_type == 0 && !g.pres_rules {
                return Err(RpcError::Kamailio {
                    method: "presence.refreshWatchers".into(),
                    code: 500,
                    message: "Execution failed".into(),
                });
            }
            g.removed.push(format!("refresh {uri} {event} {refresh_type}"));
            Ok(())
        }
    }

    #[async_trait]
    impl kamscope_db::PresenceDb for FakeDb {
        async fn presentities(
            &self,
            _: &kamscope_db::PresentityFilter,
            _: u64,
            _: Option<i64>,
        ) -> Result<(Vec<kamscope_api_types::presence::Presentity>, Option<i64>), DbError> {
            self.up().map(|_| (vec![], None))
        }
        async fn presentity(&self, _: i64) -> Result<Option<kamscope_api_types::presence::Presentity>, DbError> {
            self.up().map(|_| None)
        }
        async fn watchers(
            &self,
            _: &kamscope_db::WatcherFilter,
            _: u64,
            _: Option<i64>,
        ) -> Result<(Vec<kamscope_api_types::presence::Watcher>, Option<i64>), DbError> {
            self.up().map(|_| (vec![], None))
        }
        async fn presence_ids(&self, _: kamscope_db::PresenceTable, _: Option<i64>) -> Result<Vec<i64>, DbError> {
            self.up().map(|_| vec![])
        }
        async fn presence_ids_left(&self, _: kamscope_db::PresenceTable, _: &[i64]) -> Result<u64, DbError> {
            self.up().map(|_| 0)
        }
        async fn delete_expired(&self, _: kamscope_db::PresenceTable, _: i64) -> Result<u64, DbError> {
            self.up().map(|_| 0)
        }
        async fn has_pres_rules(&self, _: &str, _: &str) -> Result<bool, DbError> {
            self.up().map(|_| self.pres_rules)
        }
    }

    /// msilo's `silo` in memory: messages by id, `expired` decides what a cleanup takes.
    #[async_trait]
    impl kamscope_db::MsiloDb for FakeDb {
        async fn messages(
            &self,
            _: &kamscope_db::SiloFilter,
            limit: u64,
            after: Option<i64>,
        ) -> Result<(Vec<OfflineMessage>, Option<i64>), DbError> {
            self.up()?;
            let rows: Vec<(OfflineMessage, i64)> = self
                .silo
                .lock()
                .unwrap()
                .iter()
                .filter(|m| after.is_none_or(|a| m.id > a))
                .map(|m| (OfflineMessage { body: None, ..m.clone() }, m.id))
                .collect();
            Ok(kamscope_db::page::keyset_tail(rows, limit))
        }
        async fn message(&self, id: i64) -> Result<Option<OfflineMessage>, DbError> {
            self.up()?;
            Ok(self.silo.lock().unwrap().iter().find(|m| m.id == id).cloned())
        }
        async fn delete_message(&self, id: i64) -> Result<bool, DbError> {
            self.up()?;
            let mut silo = self.silo.lock().unwrap();
            let before = silo.len();
            silo.retain(|m| m.id != id);
            Ok(silo.len() < before)
        }
        async fn count_expired_messages(&self, _: i64) -> Result<u64, DbError> {
            self.up()?;
            Ok(self.silo.lock().unwrap().iter().filter(|m| m.expired).count() as u64)
        }
        async fn delete_expired_messages(&self, _: i64) -> Result<u64, DbError> {
            self.up()?;
            let mut silo = self.silo.lock().unwrap();
            let before = silo.len();
            silo.retain(|m| !m.expired);
            Ok((before - silo.len()) as u64)
        }
    }

    /// `sip_trace` in memory: newest first by key, `call_id` and the window applied (the
    /// other filters are the database's: see kamscope-db's tests); each filter recorded.
    #[async_trait]
    impl kamscope_db::SiptraceDb for FakeDb {
        fn trace_backend(&self) -> kamscope_db::Backend {
            self.backend.unwrap_or(kamscope_db::Backend::Sqlite)
        }
        async fn traces(
            &self,
            f: &kamscope_db::TraceFilter,
            limit: u64,
            after: Option<kamscope_db::TraceKey>,
        ) -> Result<(Vec<kamscope_db::TraceRow>, Option<kamscope_db::TraceKey>), DbError> {
            self.up()?;
            self.trace_filters.lock().unwrap().push(f.clone());
            let mut rows: Vec<_> = self
                .traces
                .lock()
                .unwrap()
                .iter()
                .filter(|r| f.call_id.as_ref().is_none_or(|c| *c == r.callid))
                .filter(|r| f.from.is_none_or(|t| r.key.secs >= t.timestamp()))
                .filter(|r| f.to.is_none_or(|t| r.key.secs < t.timestamp()))
                .filter(|r| after.is_none_or(|a| r.key < a))
                .map(|r| (r.clone(), r.key))
                .collect();
            rows.sort_by_key(|r| std::cmp::Reverse(r.1));
            Ok(kamscope_db::page::keyset_tail(rows, limit))
        }
        async fn trace(&self, id: i64) -> Result<Option<kamscope_db::TraceRow>, DbError> {
            self.up()?;
            Ok(self.traces.lock().unwrap().iter().find(|r| r.key.id == id).cloned())
        }
        async fn trace_calls(&self, call_ids: &[String], cap: u64) -> Result<Vec<kamscope_db::TraceRow>, DbError> {
            self.up()?;
            let mut rows: Vec<_> =
                self.traces.lock().unwrap().iter().filter(|r| call_ids.contains(&r.callid)).cloned().collect();
            rows.sort_by_key(|r| r.key);
            rows.truncate(cap as usize);
            Ok(rows)
        }
    }

    /// The real services over a fake database and fake nodes.
    pub fn fake_state(db: FakeDb, nodes: &[(&str, FakeNode)]) -> AppState {
        let nodes = nodes.iter().map(|(n, f)| Node { name: n.to_string(), rpc: Arc::new(f.clone()) }).collect();
        AppState::from_parts(&Settings::default(), Arc::new(db), nodes).unwrap()
    }
}
