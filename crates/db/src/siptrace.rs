//! SIP trace: `sip_trace`, one row per SIP message siptrace stored. Pages newest first
//! by (`time_stamp`, `time_us`, `id`); a call's messages oldest first.
//!
//! On SQLite `time_stamp` holds Julian-day REALs (db_sqlite's writes, second `t` as
//! `t - 0.5 s`) or TEXT (the schema default, rows other tools wrote), and SQLite sorts
//! every REAL before every TEXT. A page reads both kinds as separate index ranges
//! (`time_stamp < ''` is the REALs, `>= ''` the TEXTs) and merges them by their real
//! time, so the order is right whatever wrote the rows.
//!
//! Kamailio's schema indexes `time_stamp` alone. PostgreSQL (incremental sort) and
//! SQLite ("temp b-tree for right part of ORDER BY") walk it and sort only within equal
//! `time_stamp`s, stopping at the limit; MariaDB sorts every matching row instead (5.9 s
//! for page 1 at 5M rows, measured). So on MariaDB a page is read in the index's order,
//! `time_stamp` alone, plus the rows of the last second it reached (see `mysql_page`).
use async_trait::async_trait;
use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use sea_orm::sea_query::{Alias, Cond, Expr, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult, Value};

use crate::page::keyset_tail;
use crate::time::{datetime_value, read_datetime, read_i64, select_datetime};
use crate::{Backend, DbError, KamailioDb};

const TABLE: &str = "sip_trace";

/// The columns every query reads: siptrace's schema (version 4) has them all.
const COLUMNS: &[&str] = &[
    "id",
    "time_stamp",
    "time_us",
    "callid",
    "traced_user",
    "msg",
    "method",
    "status",
    "fromip",
    "toip",
    "fromtag",
    "totag",
    "direction",
];

pub const SIPTRACE_HINT: &str =
    "create it with Kamailio's siptrace schema (`kamdbctl create`, or siptrace-create.sql; table version 4)";

/// How an address column must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddrMatch {
    /// Equal to one of these stored forms (`udp:192.0.2.1:5060`, ...): uses an index.
    Exact(Vec<String>),
    /// Starts with one of these (`udp:192.0.2.1:`) and has no further colon after it:
    /// any port of that address. Not indexed.
    Prefix(Vec<String>),
}

#[derive(Debug, Clone, Default)]
pub struct TraceFilter {
    pub call_id: Option<String>,
    pub traced_user: Option<String>,
    /// As stored (upper case for Kamailio's methods).
    pub method: Option<String>,
    /// The status column as text, e.g. `486`.
    pub status: Option<String>,
    pub from_ip: Option<AddrMatch>,
    pub to_ip: Option<AddrMatch>,
    /// `in` or `out`.
    pub direction: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// A row's place in the order: its whole second (Unix), `time_us`, `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct TraceKey {
    pub secs: i64,
    pub us: i64,
    pub id: i64,
}

/// One `sip_trace` row, its time read and its text columns as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceRow {
    pub key: TraceKey,
    /// `time_stamp` + `time_us`, in the shown zone.
    pub time: DateTime<FixedOffset>,
    pub callid: String,
    pub traced_user: String,
    pub msg: String,
    pub method: String,
    pub status: String,
    pub fromip: String,
    pub toip: String,
    pub fromtag: String,
    pub totag: String,
    pub direction: String,
}

#[async_trait]
pub trait SiptraceDb: Send + Sync {
    /// Which database: the search window's maximum depends on it.
    fn trace_backend(&self) -> Backend;
    /// A page newest first, continuing after `after`.
    async fn traces(
        &self,
        f: &TraceFilter,
        limit: u64,
        after: Option<TraceKey>,
    ) -> Result<(Vec<TraceRow>, Option<TraceKey>), DbError>;
    async fn trace(&self, id: i64) -> Result<Option<TraceRow>, DbError>;
    /// The messages of these Call-IDs oldest first, at most `cap` of them.
    async fn trace_calls(&self, call_ids: &[String], cap: u64) -> Result<Vec<TraceRow>, DbError>;
}

/// Which `time_stamp` values a query reads (SQLite only: REALs and TEXTs apart).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    All,
    Real,
    Text,
}

/// A bound as (its whole second, the microseconds into it), a fraction of a microsecond
/// rounded up: rows have whole microseconds, so `>= t` and `< t` stay exact.
fn whole_second_and_us(t: DateTime<Utc>) -> (DateTime<Utc>, i64) {
    let us = (i64::from(t.timestamp_subsec_nanos()) + 999) / 1000;
    let s = Utc.timestamp_opt(t.timestamp(), 0).single().unwrap_or_default();
    if us >= 1_000_000 {
        (s + Duration::seconds(1), 0)
    } else {
        (s, us)
    }
}

/// Kamailio quirk (5.6.3, measured): siptrace binds `msg` as a BLOB (`DB1_BLOB`) and
/// db_postgres escapes every BLOB as bytea (`PQescapeByteaConn`), even into Kamailio's
/// TEXT column, so PostgreSQL rows hold `\x` and two hex digits per byte
/// (`\x494e56495445...` for `INVITE...`). db_sqlite stores a real BLOB (read as bytes) and
/// db_mysql the text itself. Such an escape becomes the bytes it stands for (as text,
/// invalid UTF-8 replaced); anything else (rows another tool wrote) stays as it is.
pub(crate) fn postgres_msg(stored: &[u8]) -> String {
    let hex = match stored.strip_prefix(b"\\x") {
        Some(h) if h.len() % 2 == 0 && h.iter().all(u8::is_ascii_hexdigit) => h,
        _ => return String::from_utf8_lossy(stored).into_owned(),
    };
    let digit = |c: u8| (c as char).to_digit(16).unwrap_or_default() as u8;
    let bytes: Vec<u8> = hex.chunks(2).map(|p| digit(p[0]) << 4 | digit(p[1])).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

impl KamailioDb {
    fn ts(&self) -> Expr {
        Expr::col((Alias::new(TABLE), Alias::new("time_stamp")))
    }

    /// Second `t` as this kind of `time_stamp` compares: `ts >= v(t)` takes second `t`
    /// on, `ts < v(t)` the seconds before it.
    fn time_bound(&self, kind: Kind, t: DateTime<Utc>) -> Value {
        match kind {
            // julianday() reads text as UTC, as read_datetime does.
            Kind::Text => Value::from(t.format("%Y-%m-%d %H:%M:%S").to_string()),
            _ => datetime_value(self.backend, t, self.zones.stored),
        }
    }

    fn trace_select(&self) -> SelectStatement {
        let t = Alias::new(TABLE);
        let mut q = Query::select();
        q.from(t.clone());
        for c in COLUMNS.iter().filter(|c| **c != "time_stamp") {
            q.column((t.clone(), Alias::new(*c)));
        }
        q.expr_as(select_datetime(self.backend, TABLE, "time_stamp"), Alias::new("ts_at"));
        q
    }

    fn page_query(&self, kind: Kind, f: &TraceFilter, limit: u64, after: Option<TraceKey>) -> SelectStatement {
        let t = Alias::new(TABLE);
        let mut q = self.trace_select();
        self.page_conds(&mut q, kind, f, after);
        q.order_by((t.clone(), Alias::new("time_stamp")), Order::Desc)
            .order_by((t.clone(), Alias::new("time_us")), Order::Desc)
            .order_by((t, Alias::new("id")), Order::Desc)
            .limit(limit + 1);
        q
    }

    /// A page on MariaDB (see the module docs): the limit+1 newest rows by `time_stamp`
    /// alone (the index's order), whose last `time_stamp` is the page's floor; every row
    /// above the floor is among them, the floor's own second may be cut, so its rows come
    /// whole from a second query (`time_stamp =` that value: an index lookup). The
    /// caller's sort and limit make the page.
    async fn mysql_page(&self, f: &TraceFilter, limit: u64, after: Option<TraceKey>) -> Result<Vec<TraceRow>, DbError> {
        // `ts_at` is the column as stored here: bound back, no zone round trip moves it.
        let raw = |r: &QueryResult| r.try_get::<Option<chrono::NaiveDateTime>>("", "ts_at").ok().flatten();
        let mut q = self.trace_select();
        self.page_conds(&mut q, Kind::All, f, after);
        q.order_by((Alias::new(TABLE), Alias::new("time_stamp")), Order::Desc).limit(limit + 1);
        let rows = self.conn.query_all(self.db_backend().build(&q)).await?;
        let floor = match rows.get(limit as usize).map(raw) {
            Some(Some(floor)) => floor,
            // No more rows than that: they are all.
            None => return Ok(rows.iter().map(|r| self.trace_row(r)).collect()),
            // A floor that does not decode (a zero date): the one-query page, slow but right.
            Some(None) => return self.trace_rows(&self.page_query(Kind::All, f, limit, after)).await,
        };
        let mut page: Vec<TraceRow> =
            rows.iter().filter(|r| raw(r) != Some(floor)).map(|r| self.trace_row(r)).collect();
        let mut q = self.page_query(Kind::All, f, limit, after);
        q.and_where(self.ts().eq(floor));
        page.extend(self.trace_rows(&q).await?);
        Ok(page)
    }

    /// The filters and the cursor, as conditions every step of a page shares.
    fn page_conds(&self, q: &mut SelectStatement, kind: Kind, f: &TraceFilter, after: Option<TraceKey>) {
        let t = Alias::new(TABLE);
        let col = |c: &str| Expr::col((t.clone(), Alias::new(c)));
        // SQLite's kind split, left out where a bound of the kind's own type implies it:
        // SQLite ranges the index on one upper (or lower) bound only, and if it picks
        // `< ''` a deep page walks every newer REAL first (33 ms at depth 1M, 0.1 ms
        // without, measured). A REAL upper bound excludes every TEXT, a TEXT lower bound
        // every REAL.
        match kind {
            Kind::Real if after.is_none() && f.to.is_none() => {
                q.and_where(self.ts().lt(""));
            }
            Kind::Text if f.from.is_none() => {
                q.and_where(self.ts().gte(""));
            }
            _ => {}
        }
        for (c, v) in [
            ("callid", &f.call_id),
            ("traced_user", &f.traced_user),
            ("method", &f.method),
            ("status", &f.status),
            ("direction", &f.direction),
        ] {
            if let Some(v) = v {
                q.and_where(col(c).eq(v.clone()));
            }
        }
        for (c, m) in [("fromip", &f.from_ip), ("toip", &f.to_ip)] {
            match m {
                Some(AddrMatch::Exact(forms)) => {
                    q.and_where(col(c).is_in(forms.clone()));
                }
                Some(AddrMatch::Prefix(prefixes)) => {
                    let mut any = Cond::any();
                    for p in prefixes {
                        any = any.add(col(c).like(format!("{p}%")).and(col(c).not_like(format!("{p}%:%"))));
                    }
                    q.cond_where(any);
                }
                None => {}
            }
        }
        // Exact to the microsecond over (time_stamp, time_us), expanded like the cursor so
        // the time_stamp index bounds the scan: `from` (second S, µs U) takes
        // `ts >= S AND (ts >= S+1 OR time_us >= U)`, `to` (T, V) leaves
        // `ts >= T AND (ts >= T+1 OR time_us >= V)` out.
        if let Some(from) = f.from {
            let (s, u) = whole_second_and_us(from);
            q.and_where(self.ts().gte(self.time_bound(kind, s)));
            if u > 0 {
                q.cond_where(
                    Cond::any()
                        .add(self.ts().gte(self.time_bound(kind, s + Duration::seconds(1))))
                        .add(col("time_us").gte(u)),
                );
            }
        }
        if let Some(to) = f.to {
            let (s, u) = whole_second_and_us(to);
            if u == 0 {
                q.and_where(self.ts().lt(self.time_bound(kind, s)));
            } else {
                q.and_where(self.ts().lt(self.time_bound(kind, s + Duration::seconds(1))));
                q.cond_where(Cond::any().add(self.ts().lt(self.time_bound(kind, s))).add(col("time_us").lt(u)));
            }
        }
        if let Some(k) = after {
            // Before (secs, us, id), expanded (MariaDB uses the time_stamp index for this
            // form, not for a row-value comparison): the seconds up to `secs`, and within
            // second `secs` only what sorts before it.
            let at = Utc.timestamp_opt(k.secs, 0).single().unwrap_or_default();
            let next = at + Duration::seconds(1);
            q.and_where(self.ts().lt(self.time_bound(kind, next)));
            q.cond_where(
                Cond::any()
                    .add(self.ts().lt(self.time_bound(kind, at)))
                    .add(col("time_us").lt(k.us))
                    .add(col("time_us").eq(k.us).and(col("id").lt(k.id))),
            );
        }
    }

    fn trace_row(&self, r: &QueryResult) -> TraceRow {
        let s = |c: &str| r.try_get::<Option<String>>("", c).ok().flatten().unwrap_or_default();
        let at = read_datetime(r, self.backend, "ts_at", self.zones)
            .unwrap_or_else(|| Utc.timestamp_opt(0, 0).unwrap().with_timezone(&self.zones.shown).fixed_offset());
        let us = read_i64(r, "time_us").unwrap_or_default();
        let id = read_i64(r, "id").unwrap_or_default();
        TraceRow {
            key: TraceKey { secs: at.timestamp(), us, id },
            time: at + Duration::microseconds(us),
            callid: s("callid"),
            traced_user: s("traced_user"),
            // Kamailio's db_sqlite stores msg as a BLOB: read bytes, then text; db_postgres
            // as bytea escape text (see postgres_msg).
            msg: crate::presence::read_bytes(r, "msg")
                .map(|b| match self.backend {
                    Backend::Postgres => postgres_msg(&b),
                    _ => crate::presence::text_of(&b),
                })
                .unwrap_or_default(),
            method: s("method"),
            status: s("status"),
            fromip: s("fromip"),
            toip: s("toip"),
            fromtag: s("fromtag"),
            totag: s("totag"),
            direction: s("direction"),
        }
    }

    async fn trace_rows(&self, q: &SelectStatement) -> Result<Vec<TraceRow>, DbError> {
        let rows = self.conn.query_all(self.db_backend().build(q)).await?;
        Ok(rows.iter().map(|r| self.trace_row(r)).collect())
    }

    async fn require_trace_columns(&self) -> Result<(), DbError> {
        self.require_columns(TABLE, COLUMNS, SIPTRACE_HINT).await
    }
}

#[async_trait]
impl SiptraceDb for KamailioDb {
    fn trace_backend(&self) -> Backend {
        self.backend
    }

    async fn traces(
        &self,
        f: &TraceFilter,
        limit: u64,
        after: Option<TraceKey>,
    ) -> Result<(Vec<TraceRow>, Option<TraceKey>), DbError> {
        self.require_trace_columns().await?;
        let kinds: &[Kind] = match self.backend {
            Backend::Sqlite => &[Kind::Real, Kind::Text],
            _ => &[Kind::All],
        };
        let mut rows = vec![];
        for &kind in kinds {
            if self.backend == Backend::Mysql {
                rows.extend(self.mysql_page(f, limit, after).await?);
            } else {
                rows.extend(self.trace_rows(&self.page_query(kind, f, limit, after)).await?);
            }
        }
        rows.sort_by_key(|r| std::cmp::Reverse(r.key));
        rows.truncate(limit as usize + 1);
        let rows = rows
            .into_iter()
            .map(|r| {
                let k = r.key;
                (r, k)
            })
            .collect();
        Ok(keyset_tail(rows, limit))
    }

    async fn trace(&self, id: i64) -> Result<Option<TraceRow>, DbError> {
        self.require_trace_columns().await?;
        let mut q = self.trace_select();
        q.and_where(Expr::col((Alias::new(TABLE), Alias::new("id"))).eq(id));
        Ok(self.trace_rows(&q).await?.into_iter().next())
    }

    async fn trace_calls(&self, call_ids: &[String], cap: u64) -> Result<Vec<TraceRow>, DbError> {
        self.require_trace_columns().await?;
        let t = Alias::new(TABLE);
        let mut q = self.trace_select();
        q.and_where(Expr::col((t.clone(), Alias::new("callid"))).is_in(call_ids.to_vec()))
            .order_by((t.clone(), Alias::new("time_stamp")), Order::Asc)
            .order_by((t.clone(), Alias::new("time_us")), Order::Asc)
            .order_by((t, Alias::new("id")), Order::Asc)
            .limit(cap);
        let mut rows = self.trace_rows(&q).await?;
        // SQLite's REALs sort before its TEXTs: the real time decides.
        rows.sort_by_key(|r| r.key);
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdb::{temp_sqlite, TempDb};
    use crate::time::JULIAN_EPOCH;

    /// sip_trace as siptrace-create.sql makes it on SQLite (totag nullable: db_sqlite
    /// binds Kamailio's missing To-tag as NULL).
    pub(crate) const SQLITE_DDL: &str = "CREATE TABLE sip_trace (id INTEGER PRIMARY KEY NOT NULL,
        time_stamp TIMESTAMP WITHOUT TIME ZONE DEFAULT '2000-01-01 00:00:01' NOT NULL, time_us INTEGER DEFAULT 0 NOT NULL,
        callid VARCHAR(255) DEFAULT '' NOT NULL, traced_user VARCHAR(255) DEFAULT '' NOT NULL, msg TEXT NOT NULL,
        method VARCHAR(50) DEFAULT '' NOT NULL, status VARCHAR(255) DEFAULT '' NOT NULL, fromip VARCHAR(64) DEFAULT '' NOT NULL,
        toip VARCHAR(64) DEFAULT '' NOT NULL, fromtag VARCHAR(128) DEFAULT '' NOT NULL, totag VARCHAR(128) DEFAULT '',
        direction VARCHAR(4) DEFAULT '' NOT NULL)";

    async fn db() -> TempDb {
        let db = temp_sqlite("siptrace", chrono_tz::UTC, chrono_tz::Asia::Shanghai).await;
        db.conn.execute_unprepared(SQLITE_DDL).await.unwrap();
        for sql in [
            "CREATE INDEX traced_user_idx ON sip_trace (traced_user)",
            "CREATE INDEX date_idx ON sip_trace (time_stamp)",
            "CREATE INDEX fromip_idx ON sip_trace (fromip)",
            "CREATE INDEX callid_idx ON sip_trace (callid)",
        ] {
            db.conn.execute_unprepared(sql).await.unwrap();
        }
        db
    }

    /// As db_sqlite writes second `t`: the Julian day of `t - 0.5 s`.
    fn julian(secs: i64) -> String {
        format!("{}", (secs as f64 - 0.5) / 86400.0 + JULIAN_EPOCH)
    }

    /// What to store: `time_stamp` as SQL (a REAL or a quoted TEXT), and the rest.
    #[derive(Clone)]
    struct Row {
        ts: String,
        us: i64,
        callid: &'static str,
        user: &'static str,
        method: &'static str,
        status: &'static str,
        from: &'static str,
        to: &'static str,
        dir: &'static str,
        msg: String,
    }

    fn row(secs: i64, us: i64, callid: &'static str) -> Row {
        Row {
            ts: julian(secs),
            us,
            callid,
            user: "",
            method: "INVITE",
            status: "",
            from: "udp:192.0.2.1:5060",
            to: "udp:127.0.0.1:5060",
            dir: "in",
            msg: format!("INVITE sip:bob@x SIP/2.0\r\nCall-ID: {callid}\r\n\r\n"),
        }
    }

    async fn insert(db: &KamailioDb, r: &Row) -> i64 {
        let sql = format!(
            "INSERT INTO sip_trace (time_stamp, time_us, callid, traced_user, msg, method, status, fromip, toip, fromtag, direction)
             VALUES ({}, {}, '{}', '{}', '{}', '{}', '{}', '{}', '{}', 'ft', '{}')",
            r.ts, r.us, r.callid, r.user, r.msg.replace('\'', "''"), r.method, r.status, r.from, r.to, r.dir
        );
        db.conn.execute_unprepared(&sql).await.unwrap().last_insert_id() as i64
    }

    async fn all_pages(db: &KamailioDb, f: &TraceFilter, limit: u64) -> Vec<i64> {
        let mut ids = vec![];
        let mut after = None;
        loop {
            let (rows, next) = db.traces(f, limit, after).await.unwrap();
            assert!(rows.len() as u64 <= limit);
            ids.extend(rows.iter().map(|r| r.key.id));
            match next {
                Some(k) => after = Some(k),
                None => return ids,
            }
        }
    }

    const T0: i64 = 1_796_112_000; // 2026-12-01T08:00:00Z

    #[tokio::test]
    async fn newest_first_by_second_microsecond_and_id_over_reals_and_texts() {
        let db = db().await;
        // Inserted out of order; equal seconds, equal microseconds (the id decides),
        // and TEXT rows (another tool's, and one with a fraction) among db_sqlite's REALs.
        let a = insert(&db, &row(T0, 500, "a")).await;
        let b = insert(&db, &row(T0 + 2, 10, "b")).await;
        let c = insert(&db, &row(T0, 900, "c")).await;
        let d = insert(&db, &row(T0, 500, "d")).await;
        let e = insert(&db, &Row { ts: "'2026-12-01 08:00:01'".into(), ..row(0, 7, "e") }).await;
        let f = insert(&db, &row(T0 + 1, 999_999, "f")).await;
        let g = insert(&db, &Row { ts: "'2026-12-01 07:59:59'".into(), ..row(0, 0, "g") }).await;
        let h = insert(&db, &row(T0 + 1, 3, "h")).await;
        let want = vec![b, f, e, h, c, d, a, g];
        for limit in [1, 2, 3, 8, 50] {
            assert_eq!(all_pages(&db, &TraceFilter::default(), limit).await, want, "limit {limit}");
        }
        let (rows, _) = db.traces(&TraceFilter::default(), 50, None).await.unwrap();
        let times: Vec<String> =
            rows.iter().map(|r| r.time.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)).collect();
        assert_eq!(
            times,
            [
                "2026-12-01T16:00:02.000010+08:00",
                "2026-12-01T16:00:01.999999+08:00",
                "2026-12-01T16:00:01.000007+08:00",
                "2026-12-01T16:00:01.000003+08:00",
                "2026-12-01T16:00:00.000900+08:00",
                "2026-12-01T16:00:00.000500+08:00",
                "2026-12-01T16:00:00.000500+08:00",
                "2026-12-01T15:59:59.000000+08:00",
            ]
        );
        // A window of whole seconds takes exactly its seconds, REAL and TEXT alike.
        let at = |s: i64| Some(Utc.timestamp_opt(s, 0).unwrap());
        let w = TraceFilter { from: at(T0), to: at(T0 + 2), ..Default::default() };
        assert_eq!(all_pages(&db, &w, 2).await, vec![f, e, h, c, d, a]);
        let w = TraceFilter { from: at(T0 + 1), to: at(T0 + 3), ..Default::default() };
        assert_eq!(all_pages(&db, &w, 50).await, vec![b, f, e, h]);
        let w = TraceFilter { to: at(T0), ..Default::default() };
        assert_eq!(all_pages(&db, &w, 50).await, vec![g]);
    }

    #[tokio::test]
    async fn from_and_to_are_exact_to_the_microsecond() {
        let db = db().await;
        // Second T0 + 1 (REAL, as db_sqlite writes it, and TEXT) at several microseconds,
        // and rows in the seconds around it.
        let before = insert(&db, &row(T0, 999_999, "x")).await;
        let r0 = insert(&db, &row(T0 + 1, 0, "x")).await;
        let r1 = insert(&db, &row(T0 + 1, 250_000, "x")).await;
        let t1 = insert(&db, &Row { ts: "'2026-12-01 08:00:01'".into(), ..row(0, 250_001, "x") }).await;
        let r2 = insert(&db, &row(T0 + 1, 750_000, "x")).await;
        let t2 = insert(&db, &Row { ts: "'2026-12-01 08:00:01'".into(), ..row(0, 999_999, "x") }).await;
        let after = insert(&db, &row(T0 + 2, 0, "x")).await;
        let at = |s: i64, ns: u32| Some(Utc.timestamp_opt(s, ns).unwrap());
        let cases = [
            // `from` inclusive, `to` exclusive.
            ((at(T0 + 1, 250_000_000), at(T0 + 1, 750_000_000)), vec![t1, r1]),
            ((at(T0 + 1, 250_001_000), at(T0 + 1, 750_001_000)), vec![r2, t1]),
            ((at(T0, 999_999_000), at(T0 + 1, 1_000)), vec![r0, before]),
            ((at(T0, 999_999_001), at(T0 + 2, 0)), vec![t2, r2, t1, r1, r0]),
            ((at(T0 + 1, 999_999_000), at(T0 + 2, 1_000)), vec![after, t2]),
            // Within one second, bounds over seconds apart, and an empty window.
            ((at(T0 + 1, 100), at(T0 + 1, 250_000_999)), vec![r1]),
            ((None, at(T0 + 1, 250_001_000)), vec![r1, r0, before]),
            ((at(T0 + 1, 750_000_000), None), vec![after, t2, r2]),
            ((at(T0 + 1, 300_000_000), at(T0 + 1, 700_000_000)), vec![]),
        ];
        for ((from, to), want) in cases {
            let f = TraceFilter { from, to, ..Default::default() };
            assert_eq!(all_pages(&db, &f, 2).await, want, "{from:?} .. {to:?}");
        }
    }

    #[test]
    fn postgres_bytea_escapes_become_the_message() {
        assert_eq!(postgres_msg(b"\\x494E56495445207369703a620d0a"), "INVITE sip:b\r\n");
        assert_eq!(postgres_msg("\\x".as_bytes()), "");
        assert_eq!(postgres_msg(b"\\xc3a9ff"), "\u{e9}\u{fffd}");
        // Not an escape: an odd number of digits, a non-digit, or plain text as it is.
        for kept in ["\\x494", "\\x49zz", "INVITE sip:b SIP/2.0\r\n", "SIP/2.0 200 OK", ""] {
            assert_eq!(postgres_msg(kept.as_bytes()), kept);
        }
    }

    #[tokio::test]
    async fn each_filter_narrows_exactly() {
        let db = db().await;
        let base = row(T0, 0, "call-1");
        let plain = insert(&db, &base).await;
        let reply = insert(&db, &Row { method: "INVITE", status: "486", dir: "out", ..row(T0 + 1, 0, "call-1") }).await;
        let bye = insert(&db, &Row { method: "BYE", ..row(T0 + 2, 0, "call-2") }).await;
        let user = insert(&db, &Row { user: "alice", ..row(T0 + 3, 0, "call-2") }).await;
        let v6 = insert(&db, &Row { from: "udp:::1:5060", to: "udp:::1:5070", ..row(T0 + 4, 0, "call-3") }).await;
        let v6b =
            insert(&db, &Row { from: "tcp:::1:2:5060", to: "tcp:2001:db8::1:5061", ..row(T0 + 5, 0, "call-3") }).await;
        let tcp =
            insert(&db, &Row { from: "tcp:192.0.2.1:5061", to: "tcp:192.0.2.10:5060", ..row(T0 + 6, 0, "call-4") })
                .await;
        let s = |v: &str| Some(v.to_string());
        let cases: Vec<(TraceFilter, Vec<i64>)> = vec![
            (TraceFilter { call_id: s("call-1"), ..Default::default() }, vec![reply, plain]),
            (TraceFilter { traced_user: s("alice"), ..Default::default() }, vec![user]),
            (TraceFilter { method: s("BYE"), ..Default::default() }, vec![bye]),
            (TraceFilter { status: s("486"), ..Default::default() }, vec![reply]),
            (TraceFilter { direction: s("out"), ..Default::default() }, vec![reply]),
            (TraceFilter { call_id: s("call-2"), method: s("INVITE"), ..Default::default() }, vec![user]),
            // With a port: equality on the stored forms.
            (
                TraceFilter {
                    from_ip: Some(AddrMatch::Exact(vec!["udp:192.0.2.1:5060".into(), "tcp:192.0.2.1:5060".into()])),
                    ..Default::default()
                },
                vec![user, bye, reply, plain],
            ),
            (
                TraceFilter { from_ip: Some(AddrMatch::Exact(vec!["udp:::1:5060".into()])), ..Default::default() },
                vec![v6],
            ),
            // Address only: any proto and port, and `::1` is not `::1:2`.
            (
                TraceFilter {
                    from_ip: Some(AddrMatch::Prefix(vec!["udp:192.0.2.1:".into(), "tcp:192.0.2.1:".into()])),
                    ..Default::default()
                },
                vec![tcp, user, bye, reply, plain],
            ),
            (
                TraceFilter {
                    from_ip: Some(AddrMatch::Prefix(vec!["udp:::1:".into(), "tcp:::1:".into()])),
                    ..Default::default()
                },
                vec![v6],
            ),
            (
                TraceFilter { to_ip: Some(AddrMatch::Prefix(vec!["tcp:2001:db8::1:".into()])), ..Default::default() },
                vec![v6b],
            ),
            (
                TraceFilter { to_ip: Some(AddrMatch::Prefix(vec!["tcp:192.0.2.1:".into()])), ..Default::default() },
                vec![],
            ),
        ];
        for (f, want) in cases {
            assert_eq!(all_pages(&db, &f, 2).await, want, "{f:?}");
        }
    }

    #[tokio::test]
    async fn one_row_and_a_call_oldest_first() {
        let db = db().await;
        let late = insert(&db, &row(T0 + 5, 1, "c/1 %@;x")).await;
        let early = insert(&db, &Row { ts: "'2026-12-01 08:00:00'".into(), ..row(0, 2, "c/1 %@;x") }).await;
        let other = insert(&db, &row(T0 + 1, 0, "leg-2")).await;
        insert(&db, &row(T0 + 1, 0, "unrelated")).await;
        let rows = db.trace_calls(&["c/1 %@;x".into(), "leg-2".into()], 100).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.key.id).collect::<Vec<_>>(), vec![early, other, late]);
        let one = db.trace(late).await.unwrap().unwrap();
        assert_eq!((one.callid.as_str(), one.fromip.as_str(), one.key.us), ("c/1 %@;x", "udp:192.0.2.1:5060", 1));
        assert!(one.msg.starts_with("INVITE sip:bob@x SIP/2.0\r\n"));
        assert_eq!(db.trace(9999).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_table_without_siptrace_columns_says_so() {
        let db = temp_sqlite("siptrace-cols", chrono_tz::UTC, chrono_tz::UTC).await;
        db.conn
            .execute_unprepared("CREATE TABLE sip_trace (id INTEGER PRIMARY KEY, time_stamp TIMESTAMP, callid TEXT)")
            .await
            .unwrap();
        let err = db.traces(&TraceFilter::default(), 10, None).await.unwrap_err().to_string();
        assert!(err.contains("`time_us`") && err.contains("`msg`") && err.contains("siptrace"), "{err}");
    }
}
