//! CDRs (Kamailio's acc): `acc` and `missed_calls` newest first, and a day's figures.
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use chrono_tz::Tz;
use kamscope_api_types::acc::{Cdr, CdrStats};
use kamscope_api_types::query::{CdrQuery, DEFAULT_LIMIT};
use kamscope_api_types::Page;
use kamscope_db::{AccDb, AccTable, CdrCursor, CdrFilter};
use serde::{Deserialize, Serialize};

use crate::cursor;
use crate::error::ApiError;

#[async_trait]
pub trait Acc: Send + Sync {
    /// `acc` (`AccTable::Acc`) or `missed_calls`, newest first.
    async fn records(&self, table: AccTable, q: &CdrQuery) -> Result<Page<Cdr>, ApiError>;
    /// A day's figures in the reporting zone (default today), with the hours.
    async fn stats(&self, date: Option<chrono::NaiveDate>) -> Result<CdrStats, ApiError>;
}

/// A cursor names its table, so one from `acc` cannot page `missed_calls`.
#[derive(Serialize, Deserialize)]
struct RecordsCursor {
    tb: String,
    #[serde(flatten)]
    at: CdrCursor,
}

pub struct AccService {
    pub db: Arc<dyn AccDb>,
    /// The reporting zone.
    pub tz: Tz,
}

#[async_trait]
impl Acc for AccService {
    async fn records(&self, table: AccTable, q: &CdrQuery) -> Result<Page<Cdr>, ApiError> {
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
        let after = match q.cursor.as_deref().map(cursor::decode::<RecordsCursor>).transpose()? {
            Some(c) if c.tb != table.name() => {
                return Err(ApiError::bad_param(
                    "cursor",
                    format!("belongs to the list of `{}`; start again without a cursor", c.tb),
                ))
            }
            c => c.map(|c| c.at),
        };
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let filter = CdrFilter {
            caller: text(&q.caller),
            callee: text(&q.callee),
            call_id: text(&q.call_id),
            from: q.from.map(|t| t.with_timezone(&Utc)),
            to: q.to.map(|t| t.with_timezone(&Utc)),
            sip_code: q.sip_code,
            method: text(&q.method).map(|m| m.to_uppercase()),
        };
        let (items, next) = self.db.records(table, &filter, limit.into(), after).await?;
        let tb = table.name().to_string();
        Ok(Page { items, next_cursor: next.map(|at| cursor::encode(&RecordsCursor { tb, at })) })
    }

    async fn stats(&self, date: Option<chrono::NaiveDate>) -> Result<CdrStats, ApiError> {
        let date = date.unwrap_or_else(|| Utc::now().with_timezone(&self.tz).date_naive());
        let (day, hourly) = tokio::join!(self.db.calls_on(date), self.db.hours_on(date));
        let (day, hourly) = (day?, hourly?);
        Ok(CdrStats {
            date: day.date,
            timezone: day.timezone,
            total: day.total,
            answered: day.answered,
            failed: day.failed,
            missed: day.missed,
            hourly,
        })
    }
}
