//! Kamailio's DATETIME columns differ per backend: db_sqlite writes Julian-day REALs,
//! MySQL DATETIME and PostgreSQL TIMESTAMP hold naive local time. Everything here turns
//! them into one thing: seconds since the epoch, and back for filters and cursors.
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{QueryResult, Value};

use crate::Backend;

/// Julian day of the Unix epoch.
pub const JULIAN_EPOCH: f64 = 2440587.5;

/// A select expression giving `col` in a form [`read_datetime`] understands: on SQLite
/// `julianday()` reads both the REALs db_sqlite writes and the schema's text defaults.
pub fn select_datetime(backend: Backend, table: &str, col: &str) -> SimpleExpr {
    match backend {
        Backend::Sqlite => Expr::cust(format!("((julianday(\"{table}\".\"{col}\") - {JULIAN_EPOCH}) * 86400.0)")),
        _ => Expr::col((sea_orm::sea_query::Alias::new(table), sea_orm::sea_query::Alias::new(col))).into(),
    }
}

/// The two zones of Kamailio's times: the one its naive DATETIMEs are written in
/// (`KAMSCOPE_TIMEZONE`, the Kamailio server's) and the one the API shows them in
/// (`KAMSCOPE_REPORT_TIMEZONE`, the operators'). Days and hours are the shown zone's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Zones {
    pub stored: Tz,
    pub shown: Tz,
}

/// Reads a column selected with [`select_datetime`] as a time in the shown zone.
pub fn read_datetime(row: &QueryResult, backend: Backend, col: &str, z: Zones) -> Option<DateTime<FixedOffset>> {
    match backend {
        Backend::Sqlite => {
            let secs: Option<f64> = row.try_get("", col).ok().flatten();
            secs.and_then(|s| from_epoch(sqlite_seconds(s), z.shown))
        }
        _ => {
            let naive: Option<NaiveDateTime> = row.try_get("", col).ok().flatten();
            // A naive time in a DST gap or fold: the earlier reading, as Kamailio's
            // localtime() would have produced it.
            naive
                .and_then(|n| z.stored.from_local_datetime(&n).earliest())
                .map(|t| t.with_timezone(&z.shown).fixed_offset())
        }
    }
}

pub fn from_epoch(secs: i64, tz: Tz) -> Option<DateTime<FixedOffset>> {
    Utc.timestamp_opt(secs, 0).single().map(|t| t.with_timezone(&tz).fixed_offset())
}

/// db_sqlite writes second `t` as the Julian day of `t - 0.5 s` (its `timet_to_sqlite`:
/// `((double)t - 0.5) / 86400.0 + 2440587.5`, give or take 4e-5 s; its own reader adds
/// the half second back), while text dates (schema defaults, other tools) read back
/// exactly. Whole seconds from either: add the half second and a millisecond, then
/// floor (rounding would send Kamailio's rows a second early or late at random).
pub fn sqlite_seconds(epoch_secs: f64) -> i64 {
    (epoch_secs + 0.501).floor() as i64
}

/// A time as the backend stores it, for comparing against a DATETIME column. On SQLite
/// the bound sits a quarter second below Kamailio's stored `t - 0.5 s`, so `>= t` takes
/// the rows of second `t` and `< t` leaves them, exactly.
pub fn datetime_value(backend: Backend, t: DateTime<Utc>, tz: Tz) -> Value {
    match backend {
        Backend::Sqlite => Value::from((t.timestamp() as f64 - 0.75) / 86400.0 + JULIAN_EPOCH),
        _ => Value::from(t.with_timezone(&tz).naive_local()),
    }
}

/// Integer columns come back as i32/u32/i64 depending on backend and signedness.
pub fn read_i64(row: &QueryResult, col: &str) -> Option<i64> {
    if let Ok(v) = row.try_get::<Option<i64>>("", col) {
        return v;
    }
    if let Ok(v) = row.try_get::<Option<i32>>("", col) {
        return v.map(i64::from);
    }
    if let Ok(v) = row.try_get::<Option<u32>>("", col) {
        return v.map(i64::from);
    }
    row.try_get::<Option<u64>>("", col).ok().flatten().map(|v| v as i64)
}

/// REAL / FLOAT columns come back as f32 or f64.
pub fn read_f64(row: &QueryResult, col: &str) -> Option<f64> {
    if let Ok(v) = row.try_get::<Option<f64>>("", col) {
        return v;
    }
    row.try_get::<Option<f32>>("", col).ok().flatten().map(|v| (v as f64 * 1000.0).round() / 1000.0)
}

pub fn read_string(row: &QueryResult, col: &str) -> Option<String> {
    row.try_get::<Option<String>>("", col).ok().flatten().filter(|s| !s.is_empty())
}
