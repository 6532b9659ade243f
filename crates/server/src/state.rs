use std::sync::Arc;

use async_trait::async_trait;
use chrono_tz::Tz;
use kamscope_db::{DbError, KamailioDb, UsrlocDb};
use kamscope_rpc::{CoreRpc, KamailioRpc, UsrlocRpc};

use crate::configuration::Settings;

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

/// What handlers use: traits only, never SQL or HTTP clients.
#[derive(Clone)]
pub struct AppState {
    pub usrloc_db: Arc<dyn UsrlocDb>,
    pub db_probe: Arc<dyn DbProbe>,
    pub usrloc_rpc: Arc<dyn UsrlocRpc>,
    pub core_rpc: Arc<dyn CoreRpc>,
    pub tz: Tz,
    pub use_domain: bool,
    pub sip_domains: Vec<String>,
}

impl AppState {
    pub fn new(settings: &Settings, db: KamailioDb, rpc: KamailioRpc) -> anyhow::Result<Self> {
        let db = Arc::new(db);
        let rpc = Arc::new(rpc);
        Ok(AppState {
            usrloc_db: db.clone(),
            db_probe: db,
            usrloc_rpc: rpc.clone(),
            core_rpc: rpc,
            tz: settings.tz()?,
            use_domain: settings.use_domain,
            sip_domains: settings.sip_domains.clone(),
        })
    }
}
