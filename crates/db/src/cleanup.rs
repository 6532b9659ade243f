//! Removing old rows from the tables Kamailio keeps appending to, in batches, so
//! Kamailio keeps writing meanwhile (one DELETE of 1.7M sip_trace rows on SQLite blocks
//! its writers for 15 s and Kamailio loses rows; 10k-row batches stall them ~136 ms in a
//! quiet moment, 630 ms on a busy machine, tests/benches/cleanup_bench.rs).
//!
//! So a batch goes as several statements, each sized to take about [`BUDGET`] (the size
//! follows what the last statements took: rows differ in size, machines in speed), with
//! a pause between them long enough for the writers that waited ([`gap_after`]).
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Cond, Expr, Func, Query, SimpleExpr};
use sea_orm::ConnectionTrait;

use crate::time::{datetime_value, read_i64};
use crate::{Backend, DbError, KamailioDb};

/// What one DELETE statement should take: a writer waits at most about this long.
pub const BUDGET: Duration = Duration::from_millis(50);
/// The shortest pause between two statements of a batch: longer than the sleep a waiting
/// SQLite writer's busy handler is in after waiting a statement's budget (SQLite's
/// backoff: 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, then 100 ms), so it gets the lock
/// before the next statement. See [`gap_after`].
pub const GAP: Duration = Duration::from_millis(30);
const MIN_STEP: u64 = 100;
const MAX_STEP: u64 = 50_000;
/// Rows a statement removes, learnt as it goes (a start that is small everywhere).
static STEP: AtomicU64 = AtomicU64::new(1_000);

/// The next statement's size: what the last one's rate (`rows` in `took`) removes in
/// [`BUDGET`], at most twice the current size, at least a quarter of it.
fn next_step(current: u64, rows: u64, took: Duration) -> u64 {
    let aimed = (rows as f64 * BUDGET.as_secs_f64() / took.as_secs_f64().max(1e-4)) as u64;
    aimed.clamp(current / 4, current * 2).clamp(MIN_STEP, MAX_STEP)
}

/// The pause after a statement that took `took`: a writer that waited all that time is
/// in one of the busy handler's longer sleeps, and a pause shorter than that sleep lets
/// the next statement take the lock first, again and again (one missed pause after a slow
/// statement made a 690 ms wait). Longer than that sleep, the writer always gets in.
pub fn gap_after(took: Duration) -> Duration {
    // sqlite3's default busy handler: the sleep that begins after waiting `totals[i]` ms.
    const DELAYS: [u64; 12] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];
    const TOTALS: [u64; 12] = [0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228];
    let waited = took.as_millis() as u64;
    let sleeping = TOTALS.iter().zip(DELAYS).filter(|(t, _)| **t <= waited).map(|(_, d)| d).next_back().unwrap_or(1);
    GAP.max(Duration::from_millis(sleeping + 5))
}

#[async_trait]
pub trait CleanupDb: Send + Sync {
    /// Rows of `table` whose `col` is before `cutoff`.
    async fn count_older(&self, table: &str, col: &str, cutoff: DateTime<Utc>) -> Result<u64, DbError>;
    /// Removes at most `batch` of those rows (the oldest ids first), in statements of
    /// about [`BUDGET`] each; how many went (fewer than `batch`: there are no more).
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
        let mut removed = 0;
        while removed < batch {
            let current = STEP.load(Ordering::Relaxed);
            let step = current.min(batch - removed);
            let t = Instant::now();
            let n = self.delete_step(table, col, cutoff, step).await?;
            removed += n;
            if n < step {
                // The last rows: that statement also looked for more, its time says little.
                break;
            }
            let took = t.elapsed();
            STEP.store(next_step(current, n, took), Ordering::Relaxed);
            if removed < batch {
                tokio::time::sleep(gap_after(took)).await;
            }
        }
        Ok(removed)
    }
}

impl KamailioDb {
    /// One DELETE of at most `step` of the oldest rows before `cutoff`.
    async fn delete_step(&self, table: &str, col: &str, cutoff: DateTime<Utc>, step: u64) -> Result<u64, DbError> {
        let t = Alias::new(table);
        let id = || Expr::col((Alias::new(table), Alias::new("id")));
        let mut oldest = Query::select();
        oldest
            .column((t.clone(), Alias::new("id")))
            .from(t.clone())
            .cond_where(self.older(table, col, cutoff))
            .order_by((t.clone(), Alias::new("id")), sea_orm::sea_query::Order::Asc)
            .limit(step);
        let mut d = Query::delete();
        d.from_table(t.clone());
        match self.backend {
            // The batch's id range from a plain read (the primary key in order), then a
            // DELETE within that range (a primary key range scan). MariaDB plans `DELETE …
            // WHERE time < ? ORDER BY id LIMIT n` as a range over the time index with a
            // filesort, reading and locking every old row for each batch (7 s a 10k batch
            // with 1.7M old rows: 1,300 rows/s), and it cannot LIMIT inside IN (...). On
            // SQLite a DELETE holds the write lock from its start, also while its subquery
            // looks for old rows; the last one scans the whole table to find none (870 ms
            // on 3.3M rows, and Kamailio's writes wait): a read does not block them.
            Backend::Mysql | Backend::Sqlite => {
                let mut range = Query::select();
                range
                    .expr_as(Func::min(Expr::col(Alias::new("id"))), Alias::new("lo"))
                    .expr_as(Func::max(Expr::col(Alias::new("id"))), Alias::new("hi"))
                    .from_subquery(oldest, Alias::new("batch"));
                let row = self.conn.query_one(self.db_backend().build(&range)).await?;
                let (Some(lo), Some(hi)) =
                    (row.as_ref().and_then(|r| read_i64(r, "lo")), row.as_ref().and_then(|r| read_i64(r, "hi")))
                else {
                    return Ok(0);
                };
                // Every old row in the range goes (the read's rows, whatever it missed):
                // exact either way, as the condition is the same.
                d.and_where(id().gte(lo)).and_where(id().lte(hi)).cond_where(self.older(table, col, cutoff));
            }
            _ => {
                d.and_where(id().in_subquery(oldest));
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

    #[test]
    fn statements_aim_at_the_budget_within_bounds() {
        let ms = Duration::from_millis;
        // 4,000 rows in 100 ms: 2,000 take the budget's 50 ms.
        assert_eq!(next_step(4_000, 4_000, ms(100)), 2_000);
        // Fast: at most doubling; slow: at least a quarter.
        assert_eq!(next_step(1_000, 1_000, ms(1)), 2_000);
        assert_eq!(next_step(8_000, 8_000, ms(5_000)), 2_000);
        // A short statement (the end of a batch) is judged by its rate: 10 rows a ms.
        assert_eq!(next_step(1_000, 10, ms(1)), 500);
        assert_eq!(next_step(100, 100, ms(10_000)), MIN_STEP);
        assert_eq!(next_step(MAX_STEP, MAX_STEP, ms(1)), MAX_STEP);
    }

    #[test]
    fn the_pause_outlasts_a_waiting_writers_sleep() {
        let ms = Duration::from_millis;
        assert_eq!(gap_after(ms(40)), GAP);
        assert_eq!(gap_after(ms(120)), GAP);
        // Waited 150 ms: sleeping 50 ms; 400 ms: 100 ms.
        assert_eq!(gap_after(ms(150)), ms(55));
        assert_eq!(gap_after(ms(400)), ms(105));
    }

    #[tokio::test]
    async fn a_batch_bigger_than_one_statement_removes_all_it_may() {
        let db = temp_sqlite("clean_steps", chrono_tz::UTC, chrono_tz::UTC).await;
        db.conn
            .execute_unprepared("CREATE TABLE sip_trace (id INTEGER PRIMARY KEY, time_stamp TIMESTAMP NOT NULL)")
            .await
            .unwrap();
        let cutoff = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let old = (cutoff.timestamp() as f64 - 86400.5) / 86400.0 + JULIAN_EPOCH;
        let new = (cutoff.timestamp() as f64 + 59.5) / 86400.0 + JULIAN_EPOCH;
        db.conn
            .execute_unprepared(&format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4500) INSERT INTO sip_trace (time_stamp) SELECT CASE WHEN i <= 4000 THEN {old} ELSE {new} END FROM n"
            ))
            .await
            .unwrap();
        // More than the first statement's 1,000 rows: several statements, one answer.
        assert_eq!(db.delete_older("sip_trace", "time_stamp", cutoff, 3_000).await.unwrap(), 3_000);
        assert_eq!(db.delete_older("sip_trace", "time_stamp", cutoff, 3_000).await.unwrap(), 1_000);
        assert_eq!(db.count_older("sip_trace", "time_stamp", cutoff).await.unwrap(), 0);
        let left = db
            .conn
            .query_all(sea_orm::Statement::from_string(db.db_backend(), "SELECT COUNT(*) AS n FROM sip_trace"))
            .await
            .unwrap();
        assert_eq!(read_i64(&left[0], "n"), Some(500));
    }
}
