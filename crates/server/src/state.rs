use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono_tz::Tz;
use kamscope_api_types::dashboard::CallsToday;
use kamscope_db::{AccDb, DbError, DialogDb, KamailioDb, UsrlocDb};
use kamscope_rpc::{CoreRpc, DialogRpc, KamailioRpc, StatsRpc, UsrlocRpc};

use crate::cache::Coalesced;
use crate::configuration::Settings;
use crate::error::ApiError;
use crate::routes::monitoring::NodeSnapshot;

/// Is the database there? (A trait so route tests can fake it.)
#[async_trait]
pub trait DbProbe: Send + Sync {
    fn backend_name(&self) -> &'static str;
    async fn ping(&self) -> Result<(), DbError>;
}

#[async_trait]
impl DbProbe for KamailioDb {
    fn backend_name(&self) -> &'static str {
        self.backend().name()
    }
    async fn ping(&self) -> Result<(), DbError> {
        KamailioDb::ping(self).await
    }
}

/// Everything kamscope asks one Kamailio node over JSON-RPC.
pub trait KamailioNode: UsrlocRpc + CoreRpc + DialogRpc + StatsRpc {}
impl<T: UsrlocRpc + CoreRpc + DialogRpc + StatsRpc> KamailioNode for T {}

/// Everything kamscope reads from Kamailio's database.
pub trait KamailioTables: UsrlocDb + DialogDb + AccDb + DbProbe {}
impl<T: UsrlocDb + DialogDb + AccDb + DbProbe> KamailioTables for T {}

#[derive(Clone)]
pub struct Node {
    pub name: String,
    pub rpc: Arc<dyn KamailioNode>,
}

/// What handlers use: traits only, never SQL or HTTP clients.
#[derive(Clone)]
pub struct AppState {
    pub db: Arc<dyn KamailioTables>,
    /// The configured Kamailio nodes; the first is the default.
    pub nodes: Arc<Vec<Node>>,
    pub tz: Tz,
    pub use_domain: bool,
    pub sip_domains: Vec<String>,
    /// One upstream round of node RPCs shared by concurrent dashboard/health viewers.
    pub snapshots: Arc<Coalesced<Arc<Vec<NodeSnapshot>>>>,
    pub calls_today: Arc<Coalesced<Result<CallsToday, String>>>,
}

/// Which node(s) a request means: `node=NAME`, `node=all`, or the first by default.
pub enum NodeChoice<'a> {
    One(&'a Node),
    All,
}

impl AppState {
    pub fn new(settings: &Settings, db: KamailioDb) -> anyhow::Result<Self> {
        let mut nodes = Vec::new();
        for n in settings.nodes() {
            let rpc = KamailioRpc::new(&kamscope_rpc::RpcConfig { url: n.rpc_url.clone(), timeout: settings.rpc_timeout() })?;
            nodes.push(Node { name: n.name.clone(), rpc: Arc::new(rpc) });
        }
        Ok(Self::from_parts(settings, Arc::new(db), nodes)?)
    }

    pub fn from_parts(settings: &Settings, db: Arc<dyn KamailioTables>, nodes: Vec<Node>) -> anyhow::Result<Self> {
        anyhow::ensure!(!nodes.is_empty(), "at least one Kamailio node must be configured");
        let ttl = Duration::from_millis(settings.cache_ttl_ms);
        Ok(AppState {
            db,
            nodes: Arc::new(nodes),
            tz: settings.tz()?,
            use_domain: settings.use_domain,
            sip_domains: settings.sip_domains.clone(),
            snapshots: Arc::new(Coalesced::new(ttl)),
            calls_today: Arc::new(Coalesced::new(ttl)),
        })
    }

    pub fn default_node(&self) -> &Node {
        &self.nodes[0]
    }

    /// `node=`: a configured name, or `all` where `allow_all`.
    pub fn choose_node(&self, raw: Option<&str>, allow_all: bool) -> Result<NodeChoice<'_>, ApiError> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(NodeChoice::One(self.default_node())),
            Some("all") if allow_all => Ok(NodeChoice::All),
            Some(name) => self.nodes.iter().find(|n| n.name == name).map(NodeChoice::One).ok_or_else(|| {
                let names: Vec<&str> = self.nodes.iter().map(|n| n.name.as_str()).collect();
                ApiError::bad_param(
                    "node",
                    format!(
                        "names no configured Kamailio node: {name:?}; the nodes are {}{}",
                        names.join(", "),
                        if allow_all { " (or `all`)" } else { "" }
                    ),
                )
            }),
        }
    }

    /// The nodes a list request means: `node=NAME`, `node=all`, or the first node.
    pub fn nodes_for(&self, raw: Option<&str>) -> Result<Vec<&Node>, ApiError> {
        Ok(match self.choose_node(raw, true)? {
            NodeChoice::One(n) => vec![n],
            NodeChoice::All => self.nodes.iter().collect(),
        })
    }

    /// The node a single-node request means (`node=` or the default).
    pub fn node(&self, raw: Option<&str>) -> Result<&Node, ApiError> {
        match self.choose_node(raw, false)? {
            NodeChoice::One(n) => Ok(n),
            NodeChoice::All => unreachable!("all is not allowed here"),
        }
    }
}
