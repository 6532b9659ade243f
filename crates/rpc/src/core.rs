//! Kamailio core RPCs (`core.*`).
use async_trait::async_trait;
use serde::Deserialize;

use crate::{KamailioRpc, RpcError};

#[derive(Debug, Clone, Deserialize)]
pub struct Uptime {
    pub now: String,
    pub up_since: String,
    pub uptime: i64,
}

#[async_trait]
pub trait CoreRpc: Send + Sync {
    /// `core.version`, trimmed (Kamailio adds a trailing space).
    async fn version(&self) -> Result<String, RpcError>;
    /// `core.uptime`.
    async fn uptime(&self) -> Result<Uptime, RpcError>;
}

#[async_trait]
impl CoreRpc for KamailioRpc {
    async fn version(&self) -> Result<String, RpcError> {
        let v: String = self.call("core.version", &[]).await?;
        Ok(v.trim().to_string())
    }

    async fn uptime(&self) -> Result<Uptime, RpcError> {
        self.call("core.uptime", &[]).await
    }
}
