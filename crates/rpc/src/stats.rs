//! Kamailio statistics (`stats.fetchn`) and the process list (`core.psx`).
use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::Value;

use crate::{KamailioRpc, RpcError};

#[async_trait]
pub trait StatsRpc: Send + Sync {
    /// `stats.fetchn <group:>...`: numeric statistics keyed `group.name`.
    async fn fetch(&self, groups: &[&str]) -> Result<BTreeMap<String, i64>, RpcError>;
    /// `core.psx`: how many processes Kamailio runs.
    async fn process_count(&self) -> Result<i64, RpcError>;
}

#[async_trait]
impl StatsRpc for KamailioRpc {
    async fn fetch(&self, groups: &[&str]) -> Result<BTreeMap<String, i64>, RpcError> {
        let v: BTreeMap<String, Value> = self.call("stats.fetchn", groups).await?;
        Ok(v.into_iter()
            .filter_map(|(k, v)| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)).map(|n| (k, n)))
            .collect())
    }

    async fn process_count(&self) -> Result<i64, RpcError> {
        let v: Vec<Value> = self.call("core.psx", &[]).await?;
        Ok(v.len() as i64)
    }
}
