//! acc: the day's figures with its closed hours kept.
//!
//! A day is ~35k index entries at a million acc rows: counting them takes 6-16 ms however
//! they are indexed, and the dashboard asks every few seconds. An hour that ended a while
//! ago no longer changes as Kamailio writes (acc stamps a row with the time it writes
//! it), so its figures are kept and only the hours still open are counted again. A kept
//! day is checked against both tables on every call, cheaply, by primary key:
//! - rows written since (id above the largest id then) that fall in its kept hours (a
//!   late row, e.g. one written with an old time) → counted again;
//! - its smallest counted id below the table's smallest id (the oldest rows deleted, as
//!   cleanups and retention jobs do) → counted again;
//! - a table whose largest id went down (emptied, replaced) → counted again.
//!
//! Rows deleted from the middle of a kept day, or changed in place, show after at most
//! [`TTL`], when the day is counted again anyway.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use kamscope_api_types::acc::HourFigures;
use sea_orm::{ConnectionTrait, Statement};

use crate::acc::{quote, RawSql};
use crate::time::{datetime_value, read_i64};
use crate::{DbError, KamailioDb};

/// A kept day is counted again after this long, whatever the checks say.
pub const TTL: Duration = Duration::from_secs(60);
/// An hour is kept once it ended this long ago: rows of a request that was still being
/// written when it ended have landed (and a late one is caught by the checks anyway).
const SETTLE: chrono::Duration = chrono::Duration::minutes(2);
/// Days kept at most (a month of days looked at, and today).
const DAYS: usize = 40;

const TABLES: [&str; 2] = ["acc", "missed_calls"];

/// One table's ids when a day was counted.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Ids {
    /// The table's largest id read before counting: rows above it came later.
    max: Option<i64>,
    /// The smallest id counted in the day's kept hours.
    min_counted: Option<i64>,
}

#[derive(Clone)]
struct Kept {
    made: Instant,
    /// The day's hours; those from `until` on are zero (counted on every call).
    figures: Vec<HourFigures>,
    /// The end of the last kept hour.
    until: DateTime<Utc>,
    ids: [Ids; 2],
}

#[derive(Clone, Default)]
pub struct DayCache(Arc<Mutex<HashMap<NaiveDate, Kept>>>);

impl DayCache {
    fn get(&self, date: NaiveDate) -> Option<Kept> {
        let days = self.0.lock().expect("day cache");
        days.get(&date).filter(|k| k.made.elapsed() < TTL).cloned()
    }

    fn put(&self, date: NaiveDate, kept: Kept) {
        let mut days = self.0.lock().expect("day cache");
        days.insert(date, kept);
        while days.len() > DAYS {
            let Some(oldest) = days.iter().min_by_key(|(_, k)| k.made).map(|(d, _)| *d) else { break };
            days.remove(&oldest);
        }
    }
}

/// The smallest and largest id of each table: two primary-key look-ups each.
async fn table_ids(db: &KamailioDb) -> Result<[(Option<i64>, Option<i64>); 2], DbError> {
    let q = |t: &str| quote(db.backend, t);
    let sql = format!(
        "SELECT (SELECT MIN(id) FROM {a}) AS a_min, (SELECT MAX(id) FROM {a}) AS a_max, \
         (SELECT MIN(id) FROM {m}) AS m_min, (SELECT MAX(id) FROM {m}) AS m_max",
        a = q(TABLES[0]),
        m = q(TABLES[1])
    );
    let row = db.conn.query_one(Statement::from_string(db.db_backend(), sql)).await?;
    let get = |c: &str| row.as_ref().and_then(|r| read_i64(r, c));
    Ok([(get("a_min"), get("a_max")), (get("m_min"), get("m_max"))])
}

/// Did rows with an id above `after` land in `from`..`until`? Reads only the rows
/// written since (the primary key's tail).
async fn late_rows(
    db: &KamailioDb,
    table: &str,
    after: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, DbError> {
    let mut sql = RawSql::new(db.backend);
    let (id, lo, hi) = (
        sql.bind(after.into()),
        sql.bind(datetime_value(db.backend, from, db.zones.stored)),
        sql.bind(datetime_value(db.backend, until, db.zones.stored)),
    );
    sql.text = format!(
        "SELECT 1 AS late FROM {} WHERE id > {id} AND time >= {lo} AND time < {hi} LIMIT 1",
        quote(db.backend, table)
    );
    let stmt = sql.statement(db.db_backend());
    Ok(db.conn.query_one(stmt).await?.is_some())
}

/// Is `kept` still what the tables say? Moves its ids on when nothing changed in it.
async fn still_true(
    db: &KamailioDb,
    kept: &mut Kept,
    day_start: DateTime<Utc>,
    now: [(Option<i64>, Option<i64>); 2],
) -> Result<bool, DbError> {
    for (i, table) in TABLES.into_iter().enumerate() {
        let (min_now, max_now) = now[i];
        let ids = &mut kept.ids[i];
        if let (Some(counted), Some(min_now)) = (ids.min_counted, min_now) {
            if counted < min_now {
                return Ok(false);
            }
        }
        if ids.min_counted.is_some() && min_now.is_none() {
            return Ok(false);
        }
        match (ids.max, max_now) {
            (_, None) => {}
            (Some(before), Some(now)) if now < before => return Ok(false),
            (Some(before), Some(now)) if now == before => {}
            (before, Some(now)) => {
                if late_rows(db, table, before.unwrap_or(i64::MIN), day_start, kept.until).await? {
                    return Ok(false);
                }
                ids.max = Some(now);
            }
        }
    }
    Ok(true)
}

/// `date`'s figures per hour: the kept hours as they are, the open ones counted.
pub async fn day_hours(db: &KamailioDb, date: NaiveDate) -> Result<Vec<HourFigures>, DbError> {
    let (starts, zero, day_end) = db.day_hour_slots(date);
    let day_start = starts[0];
    // Hours that ended at least SETTLE ago; the rest is counted on every call.
    let settled = Utc::now() - SETTLE;
    let until = starts.iter().copied().chain([day_end]).rev().find(|s| *s <= settled).unwrap_or(day_start);
    let ids_now = table_ids(db).await?;

    if let Some(mut kept) = db.day_cache.get(date) {
        if still_true(db, &mut kept, day_start, ids_now).await? {
            let mut figures = kept.figures.clone();
            db.add_hours(&starts, kept.until, day_end, &mut figures).await?;
            db.day_cache.put(date, kept);
            return Ok(figures);
        }
    }

    // The whole day in one count; its settled hours are kept.
    let mut figures = zero;
    let min_ids = db.add_hours(&starts, day_start, day_end, &mut figures).await?;
    let kept_figures: Vec<HourFigures> = figures
        .iter()
        .zip(&starts)
        .map(|(f, s)| {
            if *s < until {
                f.clone()
            } else {
                HourFigures { total: 0, answered: 0, failed: 0, missed: 0, ..f.clone() }
            }
        })
        .collect();
    let ids = [0, 1].map(|i| Ids { max: ids_now[i].1, min_counted: min_ids[i] });
    db.day_cache.put(date, Kept { made: Instant::now(), figures: kept_figures, until, ids });
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdb::{temp_sqlite, TempDb};
    use crate::AccDb;
    use chrono::TimeZone;

    const SH: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

    async fn db() -> TempDb {
        let db = temp_sqlite("acc-hours", chrono_tz::UTC, SH).await;
        db.conn
            .execute_unprepared(
                "CREATE TABLE acc (id INTEGER PRIMARY KEY AUTOINCREMENT, method TEXT, from_tag TEXT, to_tag TEXT, \
                 callid TEXT, sip_code TEXT, sip_reason TEXT, time REAL);
                 CREATE TABLE missed_calls (id INTEGER PRIMARY KEY AUTOINCREMENT, method TEXT, from_tag TEXT, \
                 to_tag TEXT, callid TEXT, sip_code TEXT, sip_reason TEXT, time REAL);",
            )
            .await
            .unwrap();
        db
    }

    /// A row as db_sqlite writes it (Julian day of `t - 0.5 s`).
    async fn insert(db: &KamailioDb, table: &str, code: &str, t: DateTime<Utc>) {
        let jd = (t.timestamp() as f64 - 0.5) / 86400.0 + crate::time::JULIAN_EPOCH;
        db.conn
            .execute_unprepared(&format!(
                "INSERT INTO {table} (method, callid, sip_code, time) VALUES ('INVITE', 'c', '{code}', {jd})"
            ))
            .await
            .unwrap();
    }

    async fn delete(db: &KamailioDb, sql: &str) {
        db.conn.execute_unprepared(sql).await.unwrap();
    }

    /// What a fresh count says: the kept figures must always equal it.
    async fn fresh(db: &KamailioDb, date: NaiveDate) -> Vec<HourFigures> {
        db.hours_on(date).await.unwrap()
    }

    async fn day(db: &KamailioDb, date: NaiveDate) -> (i64, i64, i64) {
        let (d, hours) = db.day_figures(date).await.unwrap();
        assert_eq!(hours, fresh(db, date).await, "the kept hours equal a fresh count");
        (d.answered, d.failed, d.missed)
    }

    #[tokio::test]
    async fn a_kept_day_follows_late_rows_and_deleted_oldest_rows() {
        let db = db().await;
        // 2026-03-10 in Shanghai: long settled.
        let date = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let at = |h: u32, m: u32| SH.with_ymd_and_hms(2026, 3, 10, h, m, 0).unwrap().with_timezone(&Utc);
        insert(&db, "acc", "200", at(9, 0)).await;
        insert(&db, "acc", "486", at(9, 30)).await;
        insert(&db, "missed_calls", "486", at(9, 30)).await;
        insert(&db, "acc", "200", at(23, 59)).await;
        assert_eq!(day(&db, date).await, (2, 1, 1));
        // Kept now: a second call reads the kept hours.
        assert!(db.day_cache.get(date).is_some());
        assert_eq!(day(&db, date).await, (2, 1, 1));

        // A row written now with a time in a kept hour.
        insert(&db, "acc", "603", at(10, 15)).await;
        assert_eq!(day(&db, date).await, (2, 2, 1));
        // Rows of other days change nothing in this one: it stays kept, not counted again.
        let made = db.day_cache.get(date).unwrap().made;
        insert(&db, "acc", "200", at(9, 0) + chrono::Duration::days(1)).await;
        assert_eq!(day(&db, date).await, (2, 2, 1));
        assert_eq!(db.day_cache.get(date).unwrap().made, made);

        // A cleanup deletes the oldest rows: the day's first row goes.
        delete(&db, "DELETE FROM acc WHERE id = (SELECT MIN(id) FROM acc)").await;
        assert_eq!(day(&db, date).await, (1, 2, 1));
        delete(&db, "DELETE FROM missed_calls").await;
        assert_eq!(day(&db, date).await, (1, 2, 0));
        // Emptied and written again from id 1 (AUTOINCREMENT forgotten).
        delete(&db, "DELETE FROM acc; DELETE FROM sqlite_sequence").await;
        insert(&db, "acc", "200", at(12, 0)).await;
        assert_eq!(day(&db, date).await, (1, 0, 0));
    }

    #[tokio::test]
    async fn todays_open_hours_are_counted_on_every_call() {
        let db = db().await;
        let now = Utc::now();
        let date = now.with_timezone(&SH).date_naive();
        insert(&db, "acc", "200", now).await;
        let before = day(&db, date).await;
        insert(&db, "acc", "200", now).await;
        insert(&db, "missed_calls", "480", now).await;
        let after = day(&db, date).await;
        assert_eq!((after.0 - before.0, after.2 - before.2), (1, 1));
    }
}
