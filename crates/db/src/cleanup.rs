//! Removing old rows from the tables Kamailio keeps appending to, in batches, so
//! Kamailio keeps writing meanwhile (one DELETE of 1.7M sip_trace rows on SQLite blocks
//! its writers for 15 s and Kamailio loses rows; 10k-row batches stall them ~136 ms).
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Cond, Expr, Func, Query, SimpleExpr};
use sea_orm::ConnectionTrait;

use crate::time::{datetime_value, read_i64};
use crate::{Backend, DbError, KamailioDb};

#[async_trait]
pub trait CleanupDb: Send + Sync {
    /// Rows of `table` whose `col` is before `cutoff`.
    async fn count_older(&self, table: &str, col: &str, cutoff: DateTime<Utc>) -> Result<u64, DbError>;
    /// Removes at most `batch` of those rows (the oldest ids first); how many went.
    async fn delete_older(&self, table: &str, col: &str, cutoff: DateTime<Utc>, batch: u64) -> Result<u64, DbError>;
}

impl KamailioDb {
    /// `col < cutoff`, right for every row. On SQLite a time column may hold REALs (Julian
    /// days: what db_sqlite writes) or TEXT (the schema's defaults, rows other tools
    /// wrote), and SQLite sorts every REAL before every TEXT: compare REALs with the
    /// cutoff's Julian day, and TEXT rows (all of them sort at or after '') through
    /// julianday(), which reads any date text. Both halves can use an index on `col`.
    fn older(&self, table: &str, col: &str, cutoff: DateTime<Utc>) -> SimpleExpr {
        let c = || Expr::col((Alias::new(table), Alias::new(col)));
        let v = datetime_value(self.backend, cutoff, self.zones.stored);
        match self.backend {
            Backend::Sqlite => {
                let text = Cond::all()
                    .add(c().gte(""))
                    .add(Expr::expr(Func::cust(Alias::new("julianday")).arg(c())).lt(v.clone()));
                Cond::any().add(c().lt(v)).add(text).into()
            }
            _ => c().lt(v),
        }
    }
}

#[async_trait]
impl CleanupDb for KamailioDb {
    async fn count_older(&self, table: &str, col: &str, cutoff: DateTime<Utc>) -> Result<u64, DbError> {
        let mut q = Query::select();
        q.expr_as(Func::count(Expr::col((Alias::new(table), Alias::new("id")))), Alias::new("n"))
            .from(Alias::new(table))
            .cond_where(self.older(table, col, cutoff));
        let row = self.conn.query_one(self.db_backend().build(&q)).await?;
        Ok(row.and_then(|r| read_i64(&r, "n")).unwrap_or(0).max(0) as u64)
    }

    async fn delete_older(&self, table: &str, col: &str, cutoff: DateTime<Utc>, batch: u64) -> Result<u64, DbError> {
        let t = Alias::new(table);
        let mut d = Query::delete();
        d.from_table(t.clone());
        match self.backend {
            // MySQL cannot LIMIT inside IN (...), but DELETE itself takes ORDER BY/LIMIT.
            Backend::Mysql => {
                d.cond_where(self.older(table, col, cutoff))
                    .order_by((t.clone(), Alias::new("id")), sea_orm::sea_query::Order::Asc)
                    .limit(batch);
            }
            _ => {
                let mut ids = Query::select();
                ids.column((t.clone(), Alias::new("id")))
                    .from(t.clone())
                    .cond_where(self.older(table, col, cutoff))
                    .order_by((t.clone(), Alias::new("id")), sea_orm::sea_query::Order::Asc)
                    .limit(batch);
                d.and_where(Expr::col((t.clone(), Alias::new("id"))).in_subquery(ids));
            }
        }
        let res = self.conn.execute(self.db_backend().build(&d)).await?;
        Ok(res.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdb::temp_sqlite;
    use crate::time::JULIAN_EPOCH;
    use chrono::TimeZone;

    #[tokio::test]
    async fn removes_exactly_the_older_rows_real_or_text_in_batches() {
        let db = temp_sqlite("clean", chrono_tz::UTC, chrono_tz::UTC).await;
        db.conn.execute_unprepared("CREATE TABLE sip_trace (id INTEGER PRIMARY KEY, time_stamp TIMESTAMP WITHOUT TIME ZONE DEFAULT '2000-01-01 00:00:01' NOT NULL)").await.unwrap();
        let cutoff = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        // As db_sqlite writes second `t`: the Julian day of `t - 0.5 s`.
        let jd = |t: DateTime<Utc>| (t.timestamp() as f64 - 0.5) / 86400.0 + JULIAN_EPOCH;
        // 25 old REAL rows, one a second before the cutoff; 5 new REAL rows, one exactly at it.
        for i in 0..25 {
            let t = cutoff - chrono::Duration::seconds(1 + i * 3600);
            db.conn
                .execute_unprepared(&format!("INSERT INTO sip_trace (time_stamp) VALUES ({})", jd(t)))
                .await
                .unwrap();
        }
        for i in 0..5 {
            let t = cutoff + chrono::Duration::seconds(i * 60);
            db.conn
                .execute_unprepared(&format!("INSERT INTO sip_trace (time_stamp) VALUES ({})", jd(t)))
                .await
                .unwrap();
        }
        // TEXT rows: the schema default (old), an old one, and a newer one that a plain
        // comparison with a REAL would take for older.
        db.conn.execute_unprepared("INSERT INTO sip_trace DEFAULT VALUES").await.unwrap();
        db.conn.execute_unprepared("INSERT INTO sip_trace (time_stamp) VALUES ('2026-10-31 23:59:59')").await.unwrap();
        db.conn.execute_unprepared("INSERT INTO sip_trace (time_stamp) VALUES ('2026-11-01 00:00:01')").await.unwrap();
        assert_eq!(db.count_older("sip_trace", "time_stamp", cutoff).await.unwrap(), 27);
        let mut batches = vec![];
        loop {
            let n = db.delete_older("sip_trace", "time_stamp", cutoff, 10).await.unwrap();
            if n == 0 {
                break;
            }
            batches.push(n);
        }
        assert_eq!(batches, [10, 10, 7]);
        let left = db
            .conn
            .query_all(sea_orm::Statement::from_string(db.db_backend(), "SELECT COUNT(*) AS n FROM sip_trace"))
            .await
            .unwrap();
        assert_eq!(read_i64(&left[0], "n"), Some(6));
    }
}
