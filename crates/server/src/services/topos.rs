//! Topology hiding (Kamailio's topos): what it stores about dialogs and transactions.
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use kamscope_api_types::query::{ToposQuery, DEFAULT_LIMIT};
use kamscope_api_types::topos::{ToposDialog, ToposTransaction};
use kamscope_api_types::Page;
use kamscope_db::{TimeCursor, ToposDb, ToposFilter};
use serde::{Deserialize, Serialize};

use crate::cursor;
use crate::error::ApiError;

#[async_trait]
pub trait Topos: Send + Sync {
    async fn dialogs(&self, q: &ToposQuery) -> Result<Page<ToposDialog>, ApiError>;
    async fn transactions(&self, q: &ToposQuery) -> Result<Page<ToposTransaction>, ApiError>;
}

/// The cursor names its table, so one list's cursor cannot page the other.
#[derive(Serialize, Deserialize)]
struct ToposCursor {
    tb: String,
    #[serde(flatten)]
    at: TimeCursor,
}

pub struct ToposService {
    pub db: Arc<dyn ToposDb>,
}

fn parse(q: &ToposQuery, table: &str) -> Result<(ToposFilter, u64, Option<TimeCursor>), ApiError> {
    let after = match q.cursor.as_deref().map(cursor::decode::<ToposCursor>).transpose()? {
        Some(c) if c.tb != table => {
            return Err(ApiError::bad_param(
                "cursor",
                format!("belongs to the list of `{}`; start again without a cursor", c.tb),
            ))
        }
        c => c.map(|c| c.at),
    };
    let f = ToposFilter {
        call_id: q.call_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from),
        from: q.from.map(|t| t.with_timezone(&Utc)),
        to: q.to.map(|t| t.with_timezone(&Utc)),
    };
    Ok((f, q.limit.unwrap_or(DEFAULT_LIMIT).into(), after))
}

fn page<T>(table: &str, (items, next): (Vec<T>, Option<TimeCursor>)) -> Page<T> {
    Page { items, next_cursor: next.map(|at| cursor::encode(&ToposCursor { tb: table.into(), at })) }
}

#[async_trait]
impl Topos for ToposService {
    async fn dialogs(&self, q: &ToposQuery) -> Result<Page<ToposDialog>, ApiError> {
        let (f, limit, after) = parse(q, "topos_d")?;
        Ok(page("topos_d", self.db.topos_dialogs(&f, limit, after).await?))
    }

    async fn transactions(&self, q: &ToposQuery) -> Result<Page<ToposTransaction>, ApiError> {
        let (f, limit, after) = parse(q, "topos_t")?;
        Ok(page("topos_t", self.db.topos_transactions(&f, limit, after).await?))
    }
}
