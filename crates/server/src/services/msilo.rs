//! Offline messages (Kamailio's msilo): what `silo` holds for users who were offline,
//! deleting one, and removing the expired ones.
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use chrono_tz::Tz;
use kamscope_api_types::cleanup::{CleanupCount, CleanupReport};
use kamscope_api_types::msilo::OfflineMessage;
use kamscope_api_types::query::{OfflineMessagesQuery, DEFAULT_LIMIT};
use kamscope_api_types::Page;
use kamscope_db::{MsiloDb, SiloFilter};
use serde_json::json;

use super::{Actor, AuditLog, Change};
use crate::cursor;
use crate::error::ApiError;

#[async_trait]
pub trait Msilo: Send + Sync {
    async fn messages(&self, q: &OfflineMessagesQuery) -> Result<Page<OfflineMessage>, ApiError>;
    /// One message with its whole body.
    async fn message(&self, id: i64) -> Result<OfflineMessage, ApiError>;
    async fn delete(&self, actor: &Actor, id: i64) -> Result<Change, ApiError>;
    /// Removes the messages whose expiry time has passed, and only those.
    async fn cleanup(&self, actor: &Actor) -> Result<CleanupReport, ApiError>;
}

pub struct MsiloService {
    pub db: Arc<dyn MsiloDb>,
    pub tz: Tz,
    pub audit: Arc<dyn AuditLog>,
}

fn no_such(id: i64) -> ApiError {
    ApiError::NotFound(format!("There is no offline message {id} (it may have been delivered or removed)"))
}

#[async_trait]
impl Msilo for MsiloService {
    async fn messages(&self, q: &OfflineMessagesQuery) -> Result<Page<OfflineMessage>, ApiError> {
        let after = q.cursor.as_deref().map(cursor::decode::<i64>).transpose()?;
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let f = SiloFilter { src: text(&q.src), dst: text(&q.dst) };
        let (items, next) = self.db.messages(&f, q.limit.unwrap_or(DEFAULT_LIMIT).into(), after).await?;
        Ok(Page { items, next_cursor: next.map(|id| cursor::encode(&id)) })
    }

    async fn message(&self, id: i64) -> Result<OfflineMessage, ApiError> {
        self.db.message(id).await?.ok_or_else(|| no_such(id))
    }

    async fn delete(&self, actor: &Actor, id: i64) -> Result<Change, ApiError> {
        if !self.db.delete_message(id).await? {
            return Err(no_such(id));
        }
        let change = Change { action: "msilo.delete", target: id.to_string(), node: None, detail: json!({"id": id}) };
        self.audit.record(actor, &change);
        Ok(change)
    }

    async fn cleanup(&self, actor: &Actor) -> Result<CleanupReport, ApiError> {
        let now = Utc::now();
        let rows = self.db.delete_expired_messages(now.timestamp()).await?;
        let report = CleanupReport {
            tables: vec![CleanupCount {
                table: "silo".into(),
                cutoff: now.with_timezone(&self.tz).fixed_offset(),
                rows,
            }],
            cancelled: false,
        };
        self.audit.record(
            actor,
            &Change { action: "msilo.cleanup", target: "silo".into(), node: None, detail: json!(&report) },
        );
        Ok(report)
    }
}
