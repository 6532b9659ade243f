//! One service per Kamailio module, between the routes and the `db`/`rpc` crates: the
//! policy lives here (which AoR a request may touch, look before delete, how memory
//! lists merge across nodes, what a statistic means). Each is a trait, so a route test
//! fakes one small thing; the real implementation takes the `db`/`rpc` traits, so a
//! service test fakes those. Routes parse, call one service method, shape the reply.
use async_trait::async_trait;
use kamscope_db::{
    AccDb, CleanupDb, DbError, DialogDb, KamailioDb, MsiloDb, PresenceDb, SiptraceDb, ToposDb, UsrlocDb,
};
use kamscope_rpc::{CoreRpc, DialogRpc, PresenceRpc, StatsRpc, UsrlocRpc};
use serde::Serialize;

pub mod acc;
pub mod cleanup;
pub mod dialog;
pub mod monitoring;
pub mod msilo;
pub mod nodes;
pub mod presence;
pub mod siptrace;
pub mod topos;
pub mod usrloc;

pub use acc::{Acc, AccService};
pub use cleanup::{CleanupService, CleanupTarget, Cleanups};
pub use dialog::{DialogService, Dialogs};
pub use monitoring::{Monitoring, MonitoringService};
pub use msilo::{Msilo, MsiloService};
pub use nodes::{Node, Nodes};
pub use presence::{Presence, PresenceService};
pub use siptrace::{Siptrace, SiptraceService};
pub use topos::{Topos, ToposService};
pub use usrloc::{Usrloc, UsrlocService};

/// Is the database there? (A trait so tests can fake it.)
#[async_trait]
pub trait DbProbe: Send + Sync {
    fn backend_name(&self) -> &'static str;
    async fn ping(&self) -> Result<(), DbError>;
    /// The recommended indexes this database lacks, each said in a sentence.
    async fn missing_indexes(&self) -> Result<Vec<String>, DbError>;
}

#[async_trait]
impl DbProbe for KamailioDb {
    fn backend_name(&self) -> &'static str {
        self.backend().name()
    }
    async fn ping(&self) -> Result<(), DbError> {
        KamailioDb::ping(self).await
    }
    async fn missing_indexes(&self) -> Result<Vec<String>, DbError> {
        Ok(self
            .index_report()
            .await?
            .into_iter()
            .filter(|s| s.present.is_none())
            .map(|s| {
                format!(
                    "`{}` has no index on ({}): {} scan the whole table; `kamscope db indexes --apply` creates it ({})",
                    s.index.table,
                    s.index.columns.join(", "),
                    s.index.why,
                    s.sql
                )
            })
            .collect())
    }
}

/// Everything kamscope asks one Kamailio node over JSON-RPC.
pub trait KamailioNode: UsrlocRpc + CoreRpc + DialogRpc + StatsRpc + PresenceRpc {}
impl<T: UsrlocRpc + CoreRpc + DialogRpc + StatsRpc + PresenceRpc> KamailioNode for T {}

/// Everything kamscope reads from (and cleans in) Kamailio's database.
pub trait KamailioTables:
    UsrlocDb + DialogDb + AccDb + ToposDb + CleanupDb + PresenceDb + MsiloDb + SiptraceDb + DbProbe
{
}
impl<T: UsrlocDb + DialogDb + AccDb + ToposDb + CleanupDb + PresenceDb + MsiloDb + SiptraceDb + DbProbe> KamailioTables
    for T
{
}

/// Who asked for a change. Today the peer address; accounts will add the user.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Actor {
    pub user: Option<String>,
    pub addr: Option<String>,
}

/// What a state-changing call changed: one record for the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// `usrloc.delete_aor`, `dialog.end`, `siptrace.cleanup`...
    pub action: &'static str,
    /// What it acted on (AoR, node:h_entry:h_id, table).
    pub target: String,
    pub node: Option<String>,
    /// What exactly went (rows per table, contacts), as the action defines it.
    pub detail: serde_json::Value,
}

/// Where every change is reported: one hook for the coming audit log.
pub trait AuditLog: Send + Sync {
    fn record(&self, actor: &Actor, change: &Change);
}

/// Until the audit table exists: one structured log line per change.
pub struct TracingAudit;

impl AuditLog for TracingAudit {
    fn record(&self, actor: &Actor, change: &Change) {
        tracing::info!(
            target: "audit",
            action = change.action,
            target_ = %change.target,
            node = change.node.as_deref().unwrap_or(""),
            user = actor.user.as_deref().unwrap_or("-"),
            addr = actor.addr.as_deref().unwrap_or("-"),
            detail = %change.detail,
            "changed"
        );
    }
}
