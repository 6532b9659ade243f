//! Accounting (`acc`, `missed_calls`): records newest first, and a day's figures.
use async_trait::async_trait;
use chrono::{DateTime, Days, NaiveDate, TimeZone, Timelike, Utc};
use futures::stream::{self, BoxStream, StreamExt};
use kamscope_api_types::acc::{Cdr, HourFigures};
use kamscope_api_types::dashboard::CallsToday;
use sea_orm::sea_query::{Alias, Expr, Func, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, QueryResult, Statement, StreamTrait, Value};

use crate::newest::{cursor_of, newest_first};
use crate::time::{datetime_value, read_datetime, read_f64, read_i64, read_string, select_datetime};
use crate::{Backend, DbError, KamailioDb};

/// Rows read as one streamed query: memory stays flat however many the range has.
pub type CdrStream = BoxStream<'static, Result<Cdr, DbError>>;

/// The two tables acc writes records to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccTable {
    Acc,
    MissedCalls,
}

impl AccTable {
    pub fn name(self) -> &'static str {
        match self {
            AccTable::Acc => "acc",
            AccTable::MissedCalls => "missed_calls",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CdrFilter {
    /// `src_user` / `dst_user` exactly.
    pub caller: Option<String>,
    pub callee: Option<String>,
    pub call_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub sip_code: Option<u16>,
    /// Upper case.
    pub method: Option<String>,
    /// Only rows with a 2xx `sip_code`.
    pub answered_only: bool,
}

/// Where a CDR page ended.
pub type CdrCursor = crate::newest::TimeCursor;

/// Where acc's optional columns come from.
pub const DB_EXTRA_HINT: &str = "acc's `db_extra` setting adds them, e.g. modparam(\"acc\", \"db_extra\", \"src_user=$fU;src_domain=$fd;src_ip=$si;dst_ouser=$tU;dst_user=$rU;dst_domain=$rd\"), with columns of those names in acc and missed_calls";

/// The columns every acc table has (acc-create.sql); the rest are `db_extra`'s.
const STOCK: [&str; 8] = ["id", "method", "from_tag", "to_tag", "callid", "sip_code", "sip_reason", "time"];
const NAMED_EXTRA: [&str; 6] = ["src_user", "src_domain", "src_ip", "dst_ouser", "dst_user", "dst_domain"];

#[async_trait]
pub trait AccDb: Send + Sync {
    /// Calls on `date` (midnight to midnight in the reporting zone). See [`CallsToday`].
    async fn calls_on(&self, date: NaiveDate) -> Result<CallsToday, DbError>;
    /// The same, with the figures per hour they add up from.
    async fn day_figures(&self, date: NaiveDate) -> Result<(CallsToday, Vec<HourFigures>), DbError>;
    /// The same figures per hour of `date`, counted afresh.
    async fn hours_on(&self, date: NaiveDate) -> Result<Vec<HourFigures>, DbError>;
    /// A page of `acc` or `missed_calls` rows, newest first by (time, id).
    async fn records(
        &self,
        table: AccTable,
        f: &CdrFilter,
        limit: u64,
        after: Option<CdrCursor>,
    ) -> Result<(Vec<Cdr>, Option<CdrCursor>), DbError>;
    /// Every row of `table` with one of these Call-IDs (acc's `callid` index).
    async fn records_of_calls(&self, table: AccTable, call_ids: &[String]) -> Result<Vec<Cdr>, DbError>;
    /// Every row of `table` the filter selects, newest first (callers bound it by time),
    /// with only what telling calls apart needs (Call-ID, tags, method, code, time, users):
    /// the KPIs read ranges of hundreds of thousands of rows.
    async fn all_records(&self, table: AccTable, f: &CdrFilter) -> Result<Vec<Cdr>, DbError>;
    /// Every row the filter selects, newest first, whole (as [`AccDb::records`] gives
    /// them): the CSV export. This default reads pages into memory; a database streams.
    async fn stream_records(&self, table: AccTable, f: &CdrFilter) -> Result<CdrStream, DbError> {
        let (mut all, mut after) = (Vec::new(), None);
        loop {
            let (page, next) = self.records(table, f, 5000, after).await?;
            all.extend(page.into_iter().map(Ok));
            match next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        Ok(stream::iter(all).boxed())
    }
    /// What the KPIs of `from`..`to` read, lean (as [`AccDb::all_records`]) and ordered by
    /// Call-ID so that each call's rows come together: the INVITEs of `acc` and
    /// `missed_calls` in the range and the BYEs of `acc` from `from` to `byes_to`. The rows
    /// of one Call-ID (byte for byte) are adjacent, in no particular order among themselves.
    async fn kpi_rows(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        byes_to: DateTime<Utc>,
    ) -> Result<CdrStream, DbError> {
        let f = |method: &str, to| CdrFilter {
            method: Some(method.into()),
            from: Some(from),
            to: Some(to),
            ..Default::default()
        };
        let mut rows = self.all_records(AccTable::Acc, &f("INVITE", to)).await?;
        rows.extend(self.all_records(AccTable::MissedCalls, &f("INVITE", to)).await?);
        rows.extend(self.all_records(AccTable::Acc, &f("BYE", byes_to)).await?);
        rows.sort_by(|a, b| a.call_id.cmp(&b.call_id));
        Ok(stream::iter(rows.into_iter().map(Ok)).boxed())
    }
}

/// A statement's text and values, with the backend's placeholders.
pub(crate) struct RawSql {
    backend: Backend,
    pub(crate) text: String,
    values: Vec<Value>,
}

impl RawSql {
    pub(crate) fn new(backend: Backend) -> Self {
        RawSql { backend, text: String::new(), values: Vec::new() }
    }
    /// A placeholder for `v`.
    pub(crate) fn bind(&mut self, v: Value) -> String {
        self.values.push(v);
        match self.backend {
            Backend::Postgres => format!("${}", self.values.len()),
            _ => "?".into(),
        }
    }
    pub(crate) fn statement(self, db: sea_orm::DbBackend) -> Statement {
        Statement::from_sql_and_values(db, self.text, self.values)
    }
}

/// The smaller of two optional ids.
fn min_of(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

pub(crate) fn quote(backend: Backend, ident: &str) -> String {
    match backend {
        Backend::Mysql => format!("`{ident}`"),
        _ => format!("\"{ident}\""),
    }
}

/// The columns a record may lack (db_extra's, or left out of a lean select).
const OPTIONAL: [&str; 7] = ["sip_reason", "src_user", "src_domain", "src_ip", "dst_ouser", "dst_user", "dst_domain"];

/// Turns rows of [`KamailioDb::records_query`] and [`AccDb::kpi_rows`] into records.
/// It reads only the columns the select has, and remembers the integer type `id` comes
/// back as: a failed look-up builds an error, and exports read millions of rows.
pub(crate) struct Decoder {
    backend: Backend,
    pub(crate) zones: crate::time::Zones,
    /// Which of [`OPTIONAL`] the select has.
    has: [bool; 7],
    /// The deployment's own extra columns (not the stock ones, not the named db_extra ones).
    extras: Vec<String>,
    /// 0 unknown, then 1 i64, 2 i32, 3 u32.
    id_kind: std::sync::atomic::AtomicU8,
}

impl Decoder {
    pub(crate) fn new(backend: Backend, zones: crate::time::Zones, selected: &[&str], extras: Vec<String>) -> Self {
        Decoder { backend, zones, has: OPTIONAL.map(|c| selected.contains(&c)), extras, id_kind: Default::default() }
    }

    fn id(&self, r: &QueryResult) -> i64 {
        use std::sync::atomic::Ordering::Relaxed;
        let kind = self.id_kind.load(Relaxed);
        let got = match kind {
            1 => r.try_get::<i64>("", "id").ok(),
            2 => r.try_get::<i32>("", "id").ok().map(i64::from),
            3 => r.try_get::<u32>("", "id").ok().map(i64::from),
            _ => None,
        };
        if let Some(v) = got {
            return v;
        }
        for (k, v) in [
            r.try_get::<i64>("", "id").ok(),
            r.try_get::<i32>("", "id").ok().map(i64::from),
            r.try_get::<u32>("", "id").ok().map(i64::from),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(v) = v {
                self.id_kind.store(k as u8 + 1, Relaxed);
                return v;
            }
        }
        read_i64(r, "id").unwrap_or_default()
    }

    pub(crate) fn cdr(&self, r: &impl CdrRow) -> Cdr {
        let s = |c: &str| r.string(c).unwrap_or_default();
        let opt = |i: usize| if self.has[i] { r.string(OPTIONAL[i]) } else { None };
        Cdr {
            id: r.id(self),
            method: s("method"),
            call_id: s("callid"),
            sip_code: r.string("sip_code").and_then(|c| c.trim().parse().ok()),
            sip_reason: opt(0).unwrap_or_default(),
            time: r.time(self, "time_at"),
            from_tag: s("from_tag"),
            to_tag: s("to_tag"),
            src_user: opt(1),
            src_domain: opt(2),
            src_ip: opt(3),
            dst_ouser: opt(4),
            dst_user: opt(5),
            dst_domain: opt(6),
            extra: self.extras.iter().filter_map(|c| r.text(c).map(|v| (c.clone(), v))).collect(),
        }
    }
}

/// What [`Decoder::cdr`] reads a row through: sea-orm's rows, and the SQLite export's
/// own (crate::acc_sqlite_export), which give the same values for the same row.
pub(crate) trait CdrRow {
    /// `id`, whichever integer type it comes back as.
    fn id(&self, d: &Decoder) -> i64;
    /// Text; an empty one is none (as [`read_string`]).
    fn string(&self, col: &str) -> Option<String>;
    /// Any column as text (as [`read_text`]).
    fn text(&self, col: &str) -> Option<String>;
    /// A column selected with [`select_datetime`], in the shown zone.
    fn time(&self, d: &Decoder, col: &str) -> Option<chrono::DateTime<chrono::FixedOffset>>;
}

impl CdrRow for QueryResult {
    fn id(&self, d: &Decoder) -> i64 {
        d.id(self)
    }
    fn string(&self, col: &str) -> Option<String> {
        read_string(self, col)
    }
    fn text(&self, col: &str) -> Option<String> {
        read_text(self, col)
    }
    fn time(&self, d: &Decoder, col: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        read_datetime(self, d.backend, col, d.zones)
    }
}

/// Any column as text: extra columns may be numbers.
fn read_text(row: &QueryResult, col: &str) -> Option<String> {
    read_string(row, col)
        .or_else(|| read_i64(row, col).map(|v| v.to_string()))
        .or_else(|| read_f64(row, col).map(|v| v.to_string()))
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
}

#[async_trait]
impl AccDb for KamailioDb {
    async fn calls_on(&self, date: NaiveDate) -> Result<CallsToday, DbError> {
        Ok(self.day_figures(date).await?.0)
    }

    async fn day_figures(&self, date: NaiveDate) -> Result<(CallsToday, Vec<HourFigures>), DbError> {
        // The day's closed hours are kept (crate::acc_hours), checked against the tables
        // on every call; only the hours still open are counted again.
        let hours = crate::acc_hours::day_hours(self, date).await?;
        let sum = |f: fn(&HourFigures) -> i64| hours.iter().map(f).sum::<i64>();
        let day = CallsToday {
            date,
            timezone: self.zones.shown.name().to_string(),
            total: sum(|h| h.total),
            answered: sum(|h| h.answered),
            failed: sum(|h| h.failed),
            missed: sum(|h| h.missed),
        };
        Ok((day, hours))
    }

    async fn hours_on(&self, date: NaiveDate) -> Result<Vec<HourFigures>, DbError> {
        let (starts, mut figures, to) = self.day_hour_slots(date);
        self.add_hours(&starts, starts[0], to, &mut figures).await?;
        Ok(figures)
    }

    async fn records(
        &self,
        table: AccTable,
        f: &CdrFilter,
        limit: u64,
        after: Option<CdrCursor>,
    ) -> Result<(Vec<Cdr>, Option<CdrCursor>), DbError> {
        let (stmt, decoder) = self.records_query(table, f, Some(limit), after, None, false).await?;
        let rows = self.conn.query_all(stmt).await?;
        // One row more than the page says there is a next one; the page's last row is
        // where it starts (its cursor read from that row only).
        let keep = rows.len().min(limit as usize);
        let next = (rows.len() > keep && keep > 0).then(|| cursor_of(&rows[keep - 1], self.backend));
        Ok((rows[..keep].iter().map(|r| decoder.cdr(r)).collect(), next))
    }

    async fn records_of_calls(&self, table: AccTable, call_ids: &[String]) -> Result<Vec<Cdr>, DbError> {
        let mut out = Vec::new();
        for chunk in call_ids.chunks(500) {
            let rows = self.select_records(table, &CdrFilter::default(), None, None, Some(chunk), false).await?;
            out.extend(rows);
        }
        Ok(out)
    }

    async fn all_records(&self, table: AccTable, f: &CdrFilter) -> Result<Vec<Cdr>, DbError> {
        self.select_records(table, f, None, None, None, true).await
    }

    async fn stream_records(&self, table: AccTable, f: &CdrFilter) -> Result<CdrStream, DbError> {
        let (stmt, decoder) = self.records_query(table, f, None, None, None, false).await?;
        // SQLite's rows one by one through sqlx cost a thread hand-off each: read there in
        // batches on a thread of their own (same SELECT, same decoding).
        let (stmt, decoder) = match crate::acc_sqlite_export::stream(self, stmt, decoder).await? {
            Ok(rows) => return Ok(rows),
            Err(back) => back,
        };
        // One SELECT, read as the client takes it; the stream owns its pooled connection
        // and gives it back when dropped (the export done, stopped or abandoned).
        let rows = self.conn.stream(stmt).await?;
        Ok(rows.map(move |r| r.map(|r| decoder.cdr(&r)).map_err(DbError::from)).boxed())
    }

    async fn kpi_rows(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        byes_to: DateTime<Utc>,
    ) -> Result<CdrStream, DbError> {
        let mut sql = RawSql::new(self.backend);
        let mut parts = Vec::new();
        for table in [AccTable::Acc, AccTable::MissedCalls] {
            let name = table.name();
            let have = self.columns(name).await?;
            let t = quote(self.backend, name);
            let col = |c: &str| format!("{t}.{}", quote(self.backend, c));
            let user = |c: &str| if have.contains(c) { col(c) } else { "NULL".into() };
            let time = col("time");
            // As select_datetime gives it.
            let at = match self.backend {
                Backend::Sqlite => format!("((julianday({time}) - {}) * 86400.0)", crate::time::JULIAN_EPOCH),
                _ => time.clone(),
            };
            let v = |t| datetime_value(self.backend, t, self.zones.stored);
            // Bound in the order the text uses them (`?` is positional).
            let range = if table == AccTable::Acc {
                // The BYEs of the range's calls come from up to `byes_to`.
                let (lo, end) = (sql.bind(v(from)), sql.bind(v(byes_to)));
                let (invite, hi, bye) = (sql.bind("INVITE".into()), sql.bind(v(to)), sql.bind("BYE".into()));
                format!(
                    "{time} >= {lo} AND {time} < {end} AND (({} = {invite} AND {time} < {hi}) OR {} = {bye})",
                    col("method"),
                    col("method")
                )
            } else {
                let (lo, hi, invite) = (sql.bind(v(from)), sql.bind(v(to)), sql.bind("INVITE".into()));
                format!("{time} >= {lo} AND {time} < {hi} AND {} = {invite}", col("method"))
            };
            parts.push(format!(
                "SELECT {} AS id, {} AS callid, {} AS from_tag, {} AS to_tag, {} AS method, {} AS sip_code, {} AS src_user, {} AS dst_user, {at} AS time_at FROM {t} WHERE {range}",
                col("id"),
                col("callid"),
                col("from_tag"),
                col("to_tag"),
                col("method"),
                col("sip_code"),
                user("src_user"),
                user("dst_user"),
            ));
        }
        sql.text = match self.backend {
            // Byte for byte: MySQL's collations would put Call-IDs that differ in case or
            // accents between each other's rows.
            Backend::Mysql => format!("SELECT * FROM ({}) AS k ORDER BY BINARY k.callid", parts.join(" UNION ALL ")),
            _ => format!("{} ORDER BY callid", parts.join(" UNION ALL ")),
        };
        let decoder = Decoder::new(self.backend, self.zones, &["src_user", "dst_user"], Vec::new());
        let rows = self.conn.stream(sql.statement(self.db_backend())).await?;
        Ok(rows.map(move |r| r.map(|r| decoder.cdr(&r)).map_err(DbError::from)).boxed())
    }
}

impl KamailioDb {
    /// The hour starts of `date` in the reporting zone (23 or 25 on a DST change), a
    /// zeroed figure for each, and the day's end.
    pub(crate) fn day_hour_slots(&self, date: NaiveDate) -> (Vec<DateTime<Utc>>, Vec<HourFigures>, DateTime<Utc>) {
        let (from, to) = self.day_bounds(date);
        let mut starts = vec![from];
        while let Some(next) = starts.last().map(|t| *t + chrono::Duration::hours(1)).filter(|t| *t < to) {
            starts.push(next);
        }
        let figures = starts
            .iter()
            .map(|s| HourFigures {
                start: s.with_timezone(&self.zones.shown).fixed_offset(),
                total: 0,
                answered: 0,
                failed: 0,
                missed: 0,
            })
            .collect();
        (starts, figures, to)
    }

    /// Counts the INVITE rows of both tables from `lo` to `hi` (hour starts of `starts`,
    /// or the day's end) into the hours of `figures` they fall in. Gives the smallest
    /// `id` counted per table (acc, missed_calls): the day's cache tells deletions by it.
    pub(crate) async fn add_hours(
        &self,
        starts: &[DateTime<Utc>],
        lo: DateTime<Utc>,
        hi: DateTime<Utc>,
        figures: &mut [HourFigures],
    ) -> Result<[Option<i64>; 2], DbError> {
        let mut min_ids = [None, None];
        if lo >= hi {
            return Ok(min_ids);
        }
        // Where every hour of the reporting zone starts on an hour of the stored form, each
        // row's hour is integer arithmetic on its stored time: one grouped query over both
        // tables that a (time, id, method, sip_code) index covers. Else (zones 30 or 45
        // minutes apart) the hours are told apart by comparing with each hour's start.
        let aligned = starts.iter().all(|s| match self.backend {
            Backend::Sqlite => s.timestamp() % 3600 == 0,
            _ => {
                let l = s.with_timezone(&self.zones.stored);
                l.minute() == 0 && l.second() == 0
            }
        });
        if aligned {
            return self.hours_by_stored_hour(lo, hi, figures).await;
        }
        let bucket = |table: &str| -> SimpleExpr {
            let t = Expr::col((Alias::new(table), Alias::new("time")));
            let mut case = sea_orm::sea_query::CaseStatement::new();
            for (i, s) in starts.iter().enumerate().skip(1) {
                case = case
                    .case(t.clone().lt(datetime_value(self.backend, *s, self.zones.stored)), Expr::val((i - 1) as i64));
            }
            case.finally(Expr::val((starts.len() - 1) as i64)).into()
        };
        for (ti, table) in ["acc", "missed_calls"].into_iter().enumerate() {
            let t = Alias::new(table);
            let code = || Expr::col((t.clone(), Alias::new("sip_code")));
            // COUNT of a CASE without ELSE: BIGINT everywhere (MySQL's SUM is DECIMAL).
            let sum_if = |cond: SimpleExpr| Func::count(Into::<SimpleExpr>::into(Expr::case(cond, 1)));
            let mut q = Query::select();
            q.expr_as(bucket(table), Alias::new("h"))
                .expr_as(Func::count(Expr::col((t.clone(), Alias::new("id")))), Alias::new("n"))
                .expr_as(sum_if(code().like("2%")), Alias::new("answered"))
                .expr_as(sum_if(code().gte("300")), Alias::new("failed"))
                .expr_as(Func::min(Expr::col((t.clone(), Alias::new("id")))), Alias::new("min_id"))
                .from(t.clone())
                .and_where(Expr::col((t.clone(), Alias::new("method"))).eq("INVITE"))
                .and_where(Expr::col((t.clone(), Alias::new("time"))).gte(datetime_value(
                    self.backend,
                    lo,
                    self.zones.stored,
                )))
                .and_where(Expr::col((t.clone(), Alias::new("time"))).lt(datetime_value(
                    self.backend,
                    hi,
                    self.zones.stored,
                )))
                .add_group_by([Expr::cust("h")]);
            for r in self.conn.query_all(self.db_backend().build(&q)).await? {
                let Some(h) = read_i64(&r, "h").and_then(|h| figures.get_mut(h as usize)) else { continue };
                let n = |c: &str| read_i64(&r, c).unwrap_or(0);
                min_ids[ti] = min_of(min_ids[ti], read_i64(&r, "min_id"));
                if table == "acc" {
                    h.answered += n("answered");
                    h.failed += n("failed");
                    h.total = h.answered + h.failed;
                } else {
                    h.missed += n("n");
                }
            }
        }
        Ok(min_ids)
    }

    /// [`AccDb::hours_on`] where the reporting zone's hours are hours of the stored form:
    /// both tables in one statement, grouped by the stored time's hour (seconds since
    /// the epoch on SQLite, the naive DATETIME's hours since 1970-01-01 elsewhere).
    async fn hours_by_stored_hour(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        figures: &mut [HourFigures],
    ) -> Result<[Option<i64>; 2], DbError> {
        let mut min_ids = [None, None];
        let mut sql = RawSql::new(self.backend);
        let mut parts = Vec::new();
        for (i, name) in ["acc", "missed_calls"].into_iter().enumerate() {
            let t = quote(self.backend, name);
            let col = |c: &str| format!("{t}.{}", quote(self.backend, c));
            let time = col("time");
            let hour = match self.backend {
                // As sqlite_seconds: db_sqlite stores second `t` as `t - 0.5 s`.
                Backend::Sqlite => format!(
                    "CAST((((julianday({time}) - {}) * 86400.0 + 0.501) / 3600.0) AS INTEGER)",
                    crate::time::JULIAN_EPOCH
                ),
                Backend::Mysql => format!("TIMESTAMPDIFF(HOUR, '1970-01-01 00:00:00', {time})"),
                // date_part is double precision (EXTRACT is numeric: twice as slow here).
                Backend::Postgres => format!("CAST(FLOOR(date_part('epoch', {time}) / 3600) AS BIGINT)"),
            };
            // Bound in the order the text uses them (`?` is positional).
            let invite = sql.bind("INVITE".into());
            let (lo, hi) = (
                sql.bind(datetime_value(self.backend, from, self.zones.stored)),
                sql.bind(datetime_value(self.backend, to, self.zones.stored)),
            );
            let code = col("sip_code");
            // COUNT of a CASE without ELSE: BIGINT everywhere (MySQL's SUM is DECIMAL).
            parts.push(format!(
                "SELECT {i} AS tb, {hour} AS h, COUNT(*) AS n, COUNT(CASE WHEN {code} LIKE '2%' THEN 1 END) AS answered, \
                 COUNT(CASE WHEN {code} >= '300' THEN 1 END) AS failed, MIN({}) AS min_id FROM {t} \
                 WHERE {} = {invite} AND {time} >= {lo} AND {time} < {hi} GROUP BY h",
                col("id"),
                col("method")
            ));
        }
        sql.text = parts.join(" UNION ALL ");
        let epoch =
            chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date").and_hms_opt(0, 0, 0).expect("midnight");
        for r in self.conn.query_all(sql.statement(self.db_backend())).await? {
            let Some(h) = read_i64(&r, "h") else { continue };
            // The hour's start as a UTC instant, then the reporting zone's hour it is in.
            let start = match self.backend {
                Backend::Sqlite => Utc.timestamp_opt(h * 3600, 0).single(),
                _ => self
                    .zones
                    .stored
                    .from_local_datetime(&(epoch + chrono::Duration::hours(h)))
                    .earliest()
                    .map(|t| t.with_timezone(&Utc)),
            };
            let Some(start) = start else { continue };
            let i = figures.partition_point(|f| f.start <= start);
            let Some(f) = i.checked_sub(1).and_then(|i| figures.get_mut(i)) else { continue };
            let n = |c: &str| read_i64(&r, c).unwrap_or(0);
            let tb = read_i64(&r, "tb").unwrap_or(0) as usize;
            min_ids[tb.min(1)] = min_of(min_ids[tb.min(1)], read_i64(&r, "min_id"));
            if tb == 0 {
                f.answered += n("answered");
                f.failed += n("failed");
                f.total = f.answered + f.failed;
            } else {
                f.missed += n("n");
            }
        }
        Ok(min_ids)
    }

    async fn select_records(
        &self,
        table: AccTable,
        f: &CdrFilter,
        limit: Option<u64>,
        after: Option<CdrCursor>,
        call_ids: Option<&[String]>,
        lean: bool,
    ) -> Result<Vec<Cdr>, DbError> {
        let (stmt, decoder) = self.records_query(table, f, limit, after, call_ids, lean).await?;
        let rows = self.conn.query_all(stmt).await?;
        Ok(rows.iter().map(|r| decoder.cdr(r)).collect())
    }

    /// The SELECT of a filtered newest-first list, and how to read its rows.
    pub(crate) async fn records_query(
        &self,
        table: AccTable,
        f: &CdrFilter,
        limit: Option<u64>,
        after: Option<CdrCursor>,
        call_ids: Option<&[String]>,
        lean: bool,
    ) -> Result<(Statement, Decoder), DbError> {
        let name = table.name();
        let have = self.columns(name).await?;
        let mut needed = Vec::new();
        if f.caller.is_some() {
            needed.push("src_user");
        }
        if f.callee.is_some() {
            needed.push("dst_user");
        }
        if !needed.is_empty() {
            self.require_columns(name, &needed, DB_EXTRA_HINT).await?;
        }
        let t = Alias::new(name);
        let col = |c: &str| Expr::col((t.clone(), Alias::new(c)));
        let mut q = Query::select();
        q.from(t.clone());
        const LEAN: [&str; 8] = ["id", "callid", "from_tag", "to_tag", "method", "sip_code", "src_user", "dst_user"];
        let selected: Vec<&str> =
            have.iter().map(String::as_str).filter(|c| *c != "time" && (!lean || LEAN.contains(c))).collect();
        for c in &selected {
            q.column((t.clone(), Alias::new(*c)));
        }
        q.expr_as(select_datetime(self.backend, name, "time"), "time_at");
        let text = |v: &Option<String>| v.clone();
        if let Some(v) = text(&f.caller) {
            q.and_where(col("src_user").eq(v));
        }
        if let Some(v) = text(&f.callee) {
            q.and_where(col("dst_user").eq(v));
        }
        if let Some(v) = text(&f.call_id) {
            q.and_where(col("callid").eq(v));
        }
        if let Some(v) = text(&f.method) {
            q.and_where(col("method").eq(v));
        }
        if let Some(c) = f.sip_code {
            q.and_where(col("sip_code").eq(c.to_string()));
        }
        if f.answered_only {
            q.and_where(col("sip_code").like("2%"));
        }
        if let Some(ids) = call_ids {
            q.and_where(col("callid").is_in(ids.iter().cloned()));
        }
        newest_first(&mut q, self.backend, self.zones, name, "time", f.from, f.to, after.as_ref());
        if let Some(limit) = limit {
            q.limit(limit + 1);
        }
        let extras = if lean {
            Vec::new()
        } else {
            have.iter()
                .filter(|c| !STOCK.contains(&c.as_str()) && !NAMED_EXTRA.contains(&c.as_str()))
                .cloned()
                .collect()
        };
        Ok((self.db_backend().build(&q), Decoder::new(self.backend, self.zones, &selected, extras)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdb::{temp_sqlite, TempDb};
    use crate::time::JULIAN_EPOCH;
    use chrono::TimeZone;

    /// acc as acc-create.sql makes it, plus the lab's db_extra columns and one more.
    async fn db(extra_cols: bool) -> TempDb {
        db_in(extra_cols, chrono_tz::Asia::Shanghai).await
    }

    /// The same, reported in `shown`.
    async fn db_in(extra_cols: bool, shown: chrono_tz::Tz) -> TempDb {
        let db = temp_sqlite("acc", chrono_tz::UTC, shown).await;
        let extra = if extra_cols {
            ", src_user VARCHAR(64), dst_user VARCHAR(64), src_ip VARCHAR(64), custom_tag VARCHAR(32)"
        } else {
            ""
        };
        for t in ["acc", "missed_calls"] {
            db.conn
                .execute_unprepared(&format!(
                    "CREATE TABLE {t} (id INTEGER PRIMARY KEY NOT NULL, method VARCHAR(16) DEFAULT '' NOT NULL, from_tag VARCHAR(128) DEFAULT '' NOT NULL,
                     to_tag VARCHAR(128) DEFAULT '' NOT NULL, callid VARCHAR(255) DEFAULT '' NOT NULL, sip_code VARCHAR(3) DEFAULT '' NOT NULL,
                     sip_reason VARCHAR(128) DEFAULT '' NOT NULL, time TIMESTAMP WITHOUT TIME ZONE NOT NULL{extra})"
                ))
                .await
                .unwrap();
        }
        db
    }

    /// As db_sqlite writes second `t`: the Julian day of `t - 0.5 s`.
    fn julian(t: DateTime<Utc>) -> f64 {
        (t.timestamp() as f64 - 0.5) / 86400.0 + JULIAN_EPOCH
    }

    async fn insert(db: &KamailioDb, table: &str, method: &str, code: &str, t: DateTime<Utc>, caller: &str) {
        let cols = db.columns(table).await.unwrap();
        let (xc, xv) = if cols.contains("src_user") {
            (", src_user, dst_user, custom_tag", format!(", '{caller}', 'bob', 'x{code}'"))
        } else {
            ("", String::new())
        };
        let sql = format!(
            "INSERT INTO {table} (method, callid, sip_code, sip_reason, time{xc}) VALUES ('{method}', 'c-{caller}-{code}', '{code}', 'r', {}{xv})",
            julian(t)
        );
        db.conn.execute_unprepared(&sql).await.unwrap();
    }

    #[tokio::test]
    async fn newest_first_keyset_pages_with_equal_times_and_filters() {
        let db = db(true).await;
        let t0 = Utc.with_ymd_and_hms(2026, 11, 30, 15, 30, 0).unwrap(); // 23:30 in Shanghai
        for i in 0..7 {
            // Pairs of rows at the same second: the id breaks the tie.
            insert(
                &db,
                "acc",
                "INVITE",
                if i % 3 == 0 { "486" } else { "200" },
                t0 + chrono::Duration::minutes(i / 2 * 20),
                &format!("u{i}"),
            )
            .await;
        }
        let mut ids = vec![];
        let mut after = None;
        loop {
            let (page, next) = db.records(AccTable::Acc, &CdrFilter::default(), 3, after).await.unwrap();
            ids.extend(page.iter().map(|c| c.id));
            match next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        assert_eq!(ids, [7, 6, 5, 4, 3, 2, 1]);
        let (page, _) = db.records(AccTable::Acc, &CdrFilter::default(), 10, None).await.unwrap();
        // Written in UTC (Kamailio's zone), shown in the reporting zone.
        assert_eq!(page.last().unwrap().time.unwrap().to_rfc3339(), "2026-11-30T23:30:00+08:00");
        assert_eq!(page[0].extra.get("custom_tag").map(String::as_str), Some("x486"));
        let f = CdrFilter { sip_code: Some(486), ..Default::default() };
        assert_eq!(
            db.records(AccTable::Acc, &f, 10, None).await.unwrap().0.iter().map(|c| c.id).collect::<Vec<_>>(),
            [7, 4, 1]
        );
        let f = CdrFilter { caller: Some("u3".into()), ..Default::default() };
        assert_eq!(db.records(AccTable::Acc, &f, 10, None).await.unwrap().0.len(), 1);
        // From Shanghai midnight on: the rows at 16:10Z and 16:30Z.
        let f = CdrFilter { from: Some(Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap()), ..Default::default() };
        assert_eq!(
            db.records(AccTable::Acc, &f, 10, None).await.unwrap().0.iter().map(|c| c.id).collect::<Vec<_>>(),
            [7, 6, 5]
        );
        assert!(db.records(AccTable::MissedCalls, &CdrFilter::default(), 10, None).await.unwrap().0.is_empty());
    }

    #[tokio::test]
    async fn hours_and_days_count_in_the_reporting_zone() {
        // Shanghai's hours are UTC hours (one grouped query on the stored hour); Kolkata's
        // start half past (each hour's start compared): the same counts either way.
        for sh in [chrono_tz::Asia::Shanghai, chrono_tz::Asia::Kolkata] {
            hours_and_days_in(sh).await;
        }
    }

    async fn hours_and_days_in(sh: chrono_tz::Tz) {
        let db = db_in(true, sh).await;
        let at = |h: u32, m: u32| sh.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap().with_timezone(&Utc);
        insert(&db, "acc", "INVITE", "200", at(0, 0), "a").await; // the first second of the day
        insert(&db, "acc", "INVITE", "486", at(0, 59), "b").await;
        insert(&db, "acc", "BYE", "200", at(1, 5), "a").await; // not a call
        insert(&db, "acc", "INVITE", "200", at(23, 59), "c").await;
        insert(&db, "missed_calls", "INVITE", "486", at(0, 59), "b").await;
        // The day before in Shanghai, the same UTC date.
        insert(
            &db,
            "acc",
            "INVITE",
            "200",
            sh.with_ymd_and_hms(2026, 11, 30, 23, 59, 59).unwrap().with_timezone(&Utc),
            "d",
        )
        .await;
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let c = db.calls_on(day).await.unwrap();
        assert_eq!((c.total, c.answered, c.failed, c.missed, c.timezone.as_str()), (3, 2, 1, 1, sh.name()));
        let hours = db.hours_on(day).await.unwrap();
        assert_eq!(hours.len(), 24);
        assert_eq!(hours[0].start, sh.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap().fixed_offset());
        assert_eq!((hours[0].total, hours[0].answered, hours[0].failed, hours[0].missed), (2, 1, 1, 1));
        assert_eq!((hours[23].total, hours[23].answered), (1, 1));
        assert_eq!(hours.iter().map(|h| h.total).sum::<i64>(), c.total);
    }

    #[tokio::test]
    async fn streams_give_the_lists_rows_and_the_kpi_rows_by_call() {
        use futures::TryStreamExt;
        let db = db(true).await;
        let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap();
        for i in 0..6 {
            let method = if i % 2 == 0 { "INVITE" } else { "BYE" };
            insert(&db, "acc", method, "200", t0 + chrono::Duration::minutes(i * 10), &format!("u{}", i / 2)).await;
        }
        insert(&db, "missed_calls", "INVITE", "486", t0, "u9").await;
        insert(&db, "acc", "INVITE", "200", t0 - chrono::Duration::hours(5), "early").await; // before the range
        let f = CdrFilter { method: Some("INVITE".into()), ..Default::default() };
        let streamed: Vec<Cdr> = db.stream_records(AccTable::Acc, &f).await.unwrap().try_collect().await.unwrap();
        let (page, _) = db.records(AccTable::Acc, &f, 100, None).await.unwrap();
        assert_eq!(streamed, page);
        assert_eq!(streamed.len(), 4);
        let rows: Vec<Cdr> = db
            .kpi_rows(
                t0 - chrono::Duration::minutes(1),
                t0 + chrono::Duration::minutes(35),
                t0 + chrono::Duration::hours(1),
            )
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        // The range's INVITEs of both tables (not u2's at +40 min, nor the early call), every
        // BYE up to an hour on.
        let got: Vec<(String, String)> = rows.iter().map(|c| (c.call_id.clone(), c.method.clone())).collect();
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            [
                ("c-u0-200", "BYE"),
                ("c-u0-200", "INVITE"),
                ("c-u1-200", "BYE"),
                ("c-u1-200", "INVITE"),
                ("c-u2-200", "BYE"),
                ("c-u9-486", "INVITE")
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        // Each Call-ID's rows adjacent.
        let mut ids: Vec<&String> = got.iter().map(|(c, _)| c).collect();
        ids.dedup();
        assert_eq!(ids.len(), 4, "{got:?}");
        assert!(rows.iter().all(|c| c.time.is_some() && c.src_user.is_some()));
    }

    #[tokio::test]
    async fn a_stock_table_lists_and_caller_filters_name_db_extra() {
        let db = db(false).await;
        insert(&db, "acc", "INVITE", "200", Utc::now(), "a").await;
        let (page, _) = db.records(AccTable::Acc, &CdrFilter::default(), 10, None).await.unwrap();
        assert_eq!((page.len(), page[0].src_user.as_deref()), (1, None));
        let err = db
            .records(AccTable::Acc, &CdrFilter { callee: Some("bob".into()), ..Default::default() }, 10, None)
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`dst_user`") && text.contains("db_extra"), "{text}");
    }
}
