//! Accounting (`acc`, `missed_calls`): today's call figures.
use async_trait::async_trait;
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use kamscope_api_types::dashboard::CallsToday;
use sea_orm::sea_query::{Alias, Expr, Func, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, QueryResult};

use crate::time::{datetime_value, read_i64};
use crate::{DbError, KamailioDb};

#[async_trait]
pub trait AccDb: Send + Sync {
    /// Calls on `date` (midnight to midnight in the reporting zone). See [`CallsToday`].
    async fn calls_on(&self, date: NaiveDate) -> Result<CallsToday, DbError>;
}

impl KamailioDb {
    fn day_bounds(&self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = |d: NaiveDate| {
            self.zones
                .shown
                .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(Utc::now)
        };
        (start(date), start(date.checked_add_days(Days::new(1)).unwrap_or(date)))
    }

    async fn count_invites(&self, table: &str, code: Option<SimpleExpr>, date: NaiveDate) -> Result<i64, DbError> {
        let (from, to) = self.day_bounds(date);
        let t = Alias::new(table);
        let mut q = Query::select();
        q.expr_as(Func::count(Expr::col((t.clone(), Alias::new("id")))), Alias::new("n"))
            .from(t.clone())
            .and_where(Expr::col((t.clone(), Alias::new("method"))).eq("INVITE"))
            .and_where(Expr::col((t.clone(), Alias::new("time"))).gte(datetime_value(self.backend, from, self.zones.stored)))
            .and_where(Expr::col((t.clone(), Alias::new("time"))).lt(datetime_value(self.backend, to, self.zones.stored)));
        if let Some(c) = code {
            q.and_where(c);
        }
        let row: Option<QueryResult> = self.conn.query_one(self.db_backend().build(&q)).await?;
        Ok(row.and_then(|r| read_i64(&r, "n")).unwrap_or(0))
    }
}

#[async_trait]
impl AccDb for KamailioDb {
    async fn calls_on(&self, date: NaiveDate) -> Result<CallsToday, DbError> {
        let code = |prefix: &str| Expr::col((Alias::new("acc"), Alias::new("sip_code"))).like(format!("{prefix}%"));
        let answered = self.count_invites("acc", Some(code("2")), date).await?;
        let failed = self
            .count_invites(
                "acc",
                Some(Expr::col((Alias::new("acc"), Alias::new("sip_code"))).gte("300")),
                date,
            )
            .await?;
        let missed = self.count_invites("missed_calls", None, date).await?;
        Ok(CallsToday {
            date,
            timezone: self.zones.shown.name().to_string(),
            total: answered + failed,
            answered,
            failed,
            missed,
        })
    }
}
