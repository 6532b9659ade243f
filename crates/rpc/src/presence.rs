//! presence RPCs (`presence.*`). `presence.presentity_list` is not used: with presentity
//! kept in the database (the default) it answers `[]`, so the table is the source.
use async_trait::async_trait;
use serde_json::Value;

use crate::{KamailioRpc, RpcError};

#[async_trait]
pub trait PresenceRpc: Send + Sync {
    /// `presence.cleanup`: Kamailio's own clean of expired presentity / watchers rows
    /// (5.6 leaves expired `active_watchers` rows with `subs_db_mode` 3); its answer text.
    async fn presence_cleanup(&self) -> Result<String, RpcError>;
    /// `presence.refreshWatchers <uri> <event> <type> [file_uri filename]`. Kamailio
    /// answers 500 "Execution failed" for type 0 when no pres-rules document exists.
    async fn refresh_watchers(
        &self,
        presentity_uri: &str,
        event: &str,
        refresh_type: u8,
        file: Option<(&str, &str)>,
    ) -> Result<(), RpcError>;
}

#[async_trait]
impl PresenceRpc for KamailioRpc {
    async fn presence_cleanup(&self) -> Result<String, RpcError> {
        let v: Value = self.call_values("presence.cleanup", vec![]).await?;
        Ok(match v {
            Value::String(s) => s,
            Value::Null => String::new(),
            other => other.to_string(),
        })
    }

    async fn refresh_watchers(
        &self,
        presentity_uri: &str,
        event: &str,
        refresh_type: u8,
        file: Option<(&str, &str)>,
    ) -> Result<(), RpcError> {
        // The type is an integer parameter ("SSd"): a JSON number.
        let mut params = vec![Value::from(presentity_uri), Value::from(event), Value::from(refresh_type)];
        if let Some((uri, name)) = file {
            params.extend([Value::from(uri), Value::from(name)]);
        }
        self.call_values::<Value>("presence.refreshWatchers", params).await.map(|_| ())
    }
}
