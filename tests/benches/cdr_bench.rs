//! The CDR page at scale: kamscope's `/cdrs`, `/missed-calls`, `/cdrs/stats`,
//! `/cdrs/kpis`, `/calls` and `format=csv` over `acc` and `missed_calls` seeded as
//! Kamailio writes them (1M + 200k rows over 30 days by default), next to the same SQL
//! run directly on the same run, first with Kamailio's stock indexes, then with the ones
//! `kamscope db indexes --apply` creates. Prints API ms, raw ms and their ratio, the CSV
//! export against the database's own CSV client, and kamscope's peak RSS during the
//! export. Numbers only: it fails on errors (a case that errs, rows that differ), never on
//! a goal missed.
//!
//! Run it with `scripts/bench.sh [--smoke] [sqlite|mysql|postgres]...` (it builds the
//! release binary and starts the databases). Env: BENCH_KAMSCOPE_BIN (the kamscope
//! binary), BENCH_BACKENDS (sqlite), BENCH_CDR_ACC (1000000), BENCH_CDR_MISSED (200000),
//! BENCH_CDR_DAYS (30), BENCH_ROUNDS (5), BENCH_CDR_DEADLINE_S (120: one request longer
//! than that is stopped and reported as such), BENCH_CDR_RESEED=1 (seed again even if a
//! seeded database of this size is cached in the lab run dir).
use std::fmt::Write as _;
use std::io::{BufWriter, Read, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use futures::TryStreamExt;
use kamscope_acceptance::bench::{base64url, env_num, unbase64url, BenchKamscope as Kamscope};
use kamscope_acceptance::{lab, lab_run, repo_root, Backend};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, StreamTrait, Value as SqlValue};
use serde_json::{json, Value};

/// Bumped when the seeded data changes shape: cached databases of another version are
/// seeded again (2: SQLite times as db_sqlite really writes them, `t - 0.5 s`).
fn seed_version(b: Backend) -> i64 {
    if b == Backend::Sqlite {
        2
    } else {
        1
    }
}
/// Kamailio's zone (its naive DATETIMEs) and the operators' (days and hours), as the
/// acceptance tests run them.
const KAMAILIO_TZ: chrono_tz::Tz = chrono_tz::UTC;
const REPORT_TZ: chrono_tz::Tz = chrono_tz::Asia::Shanghai;
const JULIAN_EPOCH: f64 = 2440587.5;
/// The first of the three ports this bench's kamscope may listen on (BENCH_CDR_PORT).
const PORT: u16 = 18097;
const LIMIT: usize = 50;
/// A case whose first round took longer than this gets no more rounds.
const SLOW_MS: f64 = 5000.0;
/// Cases whose runs all take less than this get up to FAST_RUNS runs, FAST_BUDGET_MS in all.
const FAST_MS: f64 = 10.0;
const FAST_RUNS: usize = 200;
const FAST_BUDGET_MS: f64 = 200.0;
/// acc and missed_calls as the lab's schema.sh makes them (acc-create.sql + db_extra).
const COLUMNS: [&str; 14] = [
    "id",
    "method",
    "from_tag",
    "to_tag",
    "callid",
    "sip_code",
    "sip_reason",
    "time",
    "src_user",
    "src_domain",
    "src_ip",
    "dst_ouser",
    "dst_user",
    "dst_domain",
];

struct Size {
    acc: usize,
    missed: usize,
    days: usize,
    rounds: usize,
    deadline: Duration,
}

impl Size {
    fn end(&self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
    }
    fn start(&self) -> DateTime<Utc> {
        self.end() - chrono::Duration::days(self.days as i64)
    }
    /// The reporting zone's day in the middle of the data.
    fn day(&self) -> NaiveDate {
        (self.start() + chrono::Duration::hours(self.days as i64 * 12)).with_timezone(&REPORT_TZ).date_naive()
    }
}

fn day_bounds(d: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let at =
        |d: NaiveDate| REPORT_TZ.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap()).unwrap().with_timezone(&Utc);
    (at(d), at(d.succ_opt().unwrap()))
}

// ---------------------------------------------------------------- the data

/// splitmix64: the same data on every run, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One row as Kamailio's acc writes it.
struct Rec {
    t: i64,
    method: &'static str,
    code: u16,
    callid: Arc<str>,
    from_tag: Arc<str>,
    to_tag: Arc<str>,
    src: u32,
    dst: u32,
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        404 => "Not Found",
        407 => "Proxy Authentication Required",
        480 => "Temporarily Unavailable",
        486 => "Busy Here",
        487 => "Request Terminated",
        603 => "Decline",
        _ => "",
    }
}

/// Call attempts over the range, busier in the reporting zone's working hours, until acc
/// has `size.acc` rows: 55% answered (INVITE 200, then a BYE from the caller or, 3 in 10,
/// the callee), 8% challenged 407 first, the rest failed 486/404/480/603/487 (also in
/// missed_calls, as many as `size.missed` asks for). Rows are numbered in time order, as
/// Kamailio inserts them.
fn generate(size: &Size) -> (Vec<Rec>, Vec<Rec>) {
    let mut r = Rng(0x6b61_6d73_636f_7065);
    let (t0, span) = (size.start().timestamp(), size.days as i64 * 86400);
    let users = 3000u32;
    // Expected acc rows per attempt: 0.55*2 + 0.08*3 + 0.37*1.
    let failed_expected = size.acc as f64 / 1.71 * 0.37;
    let p_missed = (size.missed as f64 / failed_expected).min(1.0);
    let (mut acc, mut missed) = (Vec::with_capacity(size.acc + 4), Vec::with_capacity(size.missed + 4));
    while acc.len() < size.acc {
        let t = loop {
            let t = t0 + r.below(span as u64) as i64;
            let hour = chrono::Timelike::hour(&Utc.timestamp_opt(t, 0).unwrap().with_timezone(&REPORT_TZ));
            let w = if (8..20).contains(&hour) { 1.0 } else { 0.25 };
            if r.unit() < w {
                break t;
            }
        };
        let callid: Arc<str> = format!("{:016x}{:08x}@192.0.2.{}", r.next(), r.next() as u32, 1 + r.below(254)).into();
        let ftag: Arc<str> = format!("{:08x}", r.next() as u32).into();
        let ttag: Arc<str> = format!("{:x}-{:04x}", r.next() as u32, r.below(0xffff)).into();
        let (src, mut dst) = (r.below(users as u64) as u32, r.below(users as u64) as u32);
        if dst == src {
            dst = (dst + 1) % users;
        }
        let rec = |t, method, code, f: &Arc<str>, to: &Arc<str>, src, dst| Rec {
            t,
            method,
            code,
            callid: callid.clone(),
            from_tag: f.clone(),
            to_tag: to.clone(),
            src,
            dst,
        };
        let ring = 1 + r.below(15) as i64;
        let hold = 5 + (-(r.unit().max(1e-9)).ln() * 120.0).min(3600.0) as i64;
        let roll = r.below(100);
        let answered = |at: i64, acc: &mut Vec<Rec>, r: &mut Rng| {
            acc.push(rec(at, "INVITE", 200, &ftag, &ttag, src, dst));
            if r.below(10) < 7 {
                acc.push(rec(at + hold, "BYE", 200, &ftag, &ttag, src, dst));
            } else {
                acc.push(rec(at + hold, "BYE", 200, &ttag, &ftag, dst, src));
            }
        };
        match roll {
            0..=54 => answered(t + ring, &mut acc, &mut r),
            55..=62 => {
                let challenge_tag: Arc<str> = format!("{:08x}.{:04x}", r.next() as u32, r.below(0xffff)).into();
                acc.push(rec(t, "INVITE", 407, &ftag, &challenge_tag, src, dst));
                answered(t + 1 + ring, &mut acc, &mut r);
            }
            _ => {
                let code = match roll {
                    63..=72 => 486,
                    73..=77 => 404,
                    78..=84 => 480,
                    85..=87 => 603,
                    _ => 487,
                };
                acc.push(rec(t + ring, "INVITE", code, &ftag, &ttag, src, dst));
                if r.unit() < p_missed {
                    missed.push(rec(t + ring, "INVITE", code, &ftag, &ttag, src, dst));
                }
            }
        }
    }
    for rows in [&mut acc, &mut missed] {
        rows.sort_by_key(|x| x.t);
    }
    acc.truncate(size.acc);
    missed.truncate(size.missed);
    (acc, missed)
}

fn user(n: u32) -> String {
    format!("{}", 7000 + n)
}

/// The backend's form of a `time` value, as Kamailio's db driver writes it.
fn time_text(b: Backend, t: i64) -> String {
    match b {
        // db_sqlite's timet_to_sqlite: the Julian day of `t - 0.5 s`.
        Backend::Sqlite => format!("{}", (t as f64 - 0.5) / 86400.0 + JULIAN_EPOCH),
        _ => Utc.timestamp_opt(t, 0).unwrap().with_timezone(&KAMAILIO_TZ).format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

fn time_value(b: Backend, t: DateTime<Utc>) -> SqlValue {
    match b {
        // kamscope's bound: a quarter second below what db_sqlite stores for second `t`.
        Backend::Sqlite => SqlValue::from((t.timestamp() as f64 - 0.75) / 86400.0 + JULIAN_EPOCH),
        _ => SqlValue::from(t.with_timezone(&KAMAILIO_TZ).naive_local()),
    }
}

/// One CSV file of rows in [`COLUMNS`] order (no value holds a comma or a quote).
fn write_csv(path: &Path, b: Backend, rows: &[Rec]) -> anyhow::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    for (i, x) in rows.iter().enumerate() {
        let (s, d) = (user(x.src), user(x.dst));
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{s},lab.example,198.51.100.{},{d},{d},lab.example",
            i + 1,
            x.method,
            x.from_tag,
            x.to_tag,
            x.callid,
            x.code,
            reason(x.code),
            time_text(b, x.t),
            1 + x.src % 250,
        )?;
    }
    w.flush()?;
    Ok(())
}

fn run(cmd: &mut Command, what: &str) -> anyhow::Result<String> {
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!("{what} failed: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).to_string())
}

fn lab_cmd(script: &str) -> Command {
    let mut c = Command::new("bash");
    c.arg(repo_root().join("lab").join(script)).current_dir(repo_root());
    c
}

/// Where a seeded database of this size lives: a file or a database name.
struct Target {
    backend: Backend,
    name: String,
    url: String,
}

async fn seeded(b: Backend, size: &Size) -> anyhow::Result<(Target, String)> {
    let dir = lab_run().join("cdr-bench");
    std::fs::create_dir_all(&dir)?;
    let name = format!("kscdr_{}_{}_{}_v{}", size.acc, size.missed, size.days, seed_version(b));
    let file = dir.join(format!("{name}.sqlite"));
    let url = match b {
        Backend::Sqlite => format!("sqlite://{}", file.display()),
        Backend::Mysql => lab("mariadb.sh", &["url", &name]).await?.trim().to_string(),
        Backend::Postgres => lab("postgres.sh", &["url", &name]).await?.trim().to_string(),
    };
    let target = Target { backend: b, name: name.clone(), url };
    let reseed = std::env::var("BENCH_CDR_RESEED").is_ok_and(|v| v == "1");
    if !reseed {
        if let Ok(db) = Database::connect(&target.url).await {
            let q = "SELECT acc_rows, missed_rows FROM kamscope_bench_seed";
            if let Ok(Some(r)) = db.query_one(Statement::from_string(db.get_database_backend(), q)).await {
                let n = |c: &str| r.try_get::<i64>("", c).or_else(|_| r.try_get::<i32>("", c).map(i64::from));
                if let (Ok(a), Ok(m)) = (n("acc_rows"), n("missed_rows")) {
                    db.close().await?;
                    drop_indexes(&target).await?;
                    return Ok((target, format!("cached ({a} acc, {m} missed_calls rows)")));
                }
            }
            db.close().await?;
        }
    }
    let t = Instant::now();
    let (acc, missed) = generate(size);
    let generated = t.elapsed().as_secs_f64();
    match b {
        Backend::Sqlite => lab("schema.sh", &["sqlite", file.to_str().unwrap()]).await?,
        Backend::Mysql => lab("schema.sh", &["mysql", &name]).await?,
        Backend::Postgres => lab("schema.sh", &["postgres", &name]).await?,
    };
    let db = Database::connect(&target.url).await?;
    if b == Backend::Sqlite {
        // .import fills columns in table order.
        for t in ["acc", "missed_calls"] {
            let rows = db
                .query_all(Statement::from_string(
                    DbBackend::Sqlite,
                    format!("SELECT name FROM pragma_table_info('{t}')"),
                ))
                .await?;
            let names: Vec<String> = rows.iter().filter_map(|r| r.try_get::<String>("", "name").ok()).collect();
            if names != COLUMNS {
                bail!("{t} columns {names:?}, expected {COLUMNS:?} (lab/schema.sh changed?)");
            }
        }
    }
    let cols = COLUMNS.join(", ");
    for (table, rows) in [("acc", &acc), ("missed_calls", &missed)] {
        let csv = dir.join(format!("{name}-{table}.csv"));
        write_csv(&csv, b, rows)?;
        let path = csv.display().to_string();
        match b {
            Backend::Sqlite => {
                run(
                    Command::new("sqlite3").arg(&file).arg(".mode csv").arg(format!(".import {path} {table}")),
                    "sqlite3 .import",
                )?;
            }
            Backend::Mysql => {
                let sql = format!(
                    "LOAD DATA LOCAL INFILE '{path}' INTO TABLE {table} FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n' ({cols}); ANALYZE TABLE {table};"
                );
                run(lab_cmd("mariadb.sh").args(["sql", &name, "--local-infile=1", "-e", &sql]), "LOAD DATA")?;
            }
            Backend::Postgres => {
                let copy = format!("\\copy {table} ({cols}) FROM '{path}' WITH (FORMAT csv)");
                run(lab_cmd("postgres.sh").args(["sql", &name, "-v", "ON_ERROR_STOP=1", "-c", &copy]), "COPY")?;
                // Separate -c: VACUUM cannot run inside the transaction one -c makes.
                let setval = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), {})", rows.len().max(1));
                let vacuum = format!("VACUUM (ANALYZE) {table}");
                run(
                    lab_cmd("postgres.sh").args([
                        "sql",
                        &name,
                        "-q",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-c",
                        &setval,
                        "-c",
                        &vacuum,
                    ]),
                    "ANALYZE",
                )?;
            }
        }
        std::fs::remove_file(&csv)?;
    }
    for t in ["acc", "missed_calls"] {
        let r = db
            .query_one(Statement::from_string(db.get_database_backend(), format!("SELECT COUNT(*) AS n FROM {t}")))
            .await?;
        let n = r.and_then(|r| r.try_get::<i64>("", "n").ok()).unwrap_or(-1);
        let want = if t == "acc" { acc.len() } else { missed.len() } as i64;
        if n != want {
            bail!("{t}: {n} rows loaded, {want} written");
        }
    }
    db.execute_unprepared(&format!(
        "CREATE TABLE kamscope_bench_seed (acc_rows BIGINT NOT NULL, missed_rows BIGINT NOT NULL); INSERT INTO kamscope_bench_seed VALUES ({}, {})",
        acc.len(),
        missed.len()
    ))
    .await?;
    db.close().await?;
    Ok((
        target,
        format!(
            "seeded {} acc + {} missed_calls rows in {:.1} s (generating {generated:.1} s, the rest the database's bulk loader)",
            acc.len(),
            missed.len(),
            t.elapsed().as_secs_f64()
        ),
    ))
}

/// The indexes `kamscope db indexes --apply` creates on these tables (db_extra's columns
/// included).
const RECOMMENDED: [(&str, &str); 6] = [
    ("acc", "kamscope_acc_time_idx"),
    ("acc", "kamscope_acc_src_user_idx"),
    ("acc", "kamscope_acc_dst_user_idx"),
    ("missed_calls", "kamscope_missed_calls_time_idx"),
    ("missed_calls", "kamscope_missed_calls_src_user_idx"),
    ("missed_calls", "kamscope_missed_calls_dst_user_idx"),
];

/// Back to Kamailio's stock indexes (a cached database had them applied last run).
async fn drop_indexes(t: &Target) -> anyhow::Result<()> {
    let db = Database::connect(&t.url).await?;
    for (table, idx) in RECOMMENDED {
        let sql = match t.backend {
            Backend::Mysql => format!("DROP INDEX IF EXISTS {idx} ON {table}"),
            _ => format!("DROP INDEX IF EXISTS {idx}"),
        };
        db.execute_unprepared(&sql).await?;
    }
    db.close().await?;
    Ok(())
}

// ---------------------------------------------------------------- kamscope

/// The configuration kamscope runs with here: this database, the zones of the tests.
fn kamscope_env(url: &str) -> [(&'static str, &str); 3] {
    [
        ("KAMSCOPE_DATABASE_URL", url),
        ("KAMSCOPE_TIMEZONE", KAMAILIO_TZ.name()),
        ("KAMSCOPE_REPORT_TIMEZONE", REPORT_TZ.name()),
    ]
}

fn kamscope_cmd(bin: &Path, url: &str) -> Command {
    kamscope_acceptance::bench::kamscope_cmd(bin, &kamscope_env(url))
}

/// The release binary as its own process, so its memory is its own. No Kamailio: these
/// endpoints read only the database.
async fn start_kamscope(bin: &Path, url: &str) -> anyhow::Result<Kamscope> {
    let first = std::env::var("BENCH_CDR_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(PORT);
    Kamscope::start(bin, first..first.saturating_add(3), &kamscope_env(url), false).await
}

#[derive(serde::Deserialize)]
struct Page {
    items: Vec<Item>,
    next_cursor: Option<String>,
}

/// Parsed as a client must (to find next_cursor), the rest of each item skipped without
/// building it: the time is kamscope's, not serde_json::Value's.
#[derive(serde::Deserialize)]
struct Item {
    id: Option<i64>,
}

/// The ids of a kamscope list page (first `limit` rows) and its cursor.
async fn api_page(ks: &Kamscope, path: &str, deadline: Duration) -> anyhow::Result<(Vec<i64>, Option<String>)> {
    let page: Page = serde_json::from_slice(ks.get(path, deadline).await?.as_ref())?;
    Ok((page.items.iter().map(|i| i.id.unwrap_or(-1)).collect(), page.next_cursor))
}

fn urlencode(s: &str) -> String {
    kamscope_acceptance::urlencode(s)
}

/// A cursor at the deep row, in the form kamscope gives out: page 1's `next_cursor` (one
/// row a page) decoded, its time and id replaced. Its time is the stored value as the
/// cursor carries it (a float, or on SQLite maybe the float's bits), found by comparing
/// page 1's cursor with the first row's stored time.
async fn deep_cursor(ks: &Kamscope, sql: &Sql, p: &Picks, deadline: Duration) -> anyhow::Result<String> {
    let (_, next) = api_page(ks, "/api/v1/cdrs?limit=1", deadline).await?;
    let mut c: Value = serde_json::from_slice(&unbase64url(&next.context("page 1 of acc has no next_cursor")?))?;
    let t = sql.t();
    let first = sql.rows(&format!("SELECT {t} AS t FROM acc ORDER BY {t} DESC, id DESC LIMIT 1"), vec![]).await?;
    let t = match &p.deep.0 {
        Value::Number(deep) if sql.b == Backend::Sqlite => {
            let (first, deep) = (first[0].try_get::<f64>("", "t")?, deep.as_f64().unwrap_or_default());
            if c["t"].as_u64() == Some(first.to_bits()) {
                json!(deep.to_bits())
            } else if c["t"].as_f64() == Some(first) {
                json!(deep)
            } else {
                bail!("page 1's cursor {c} does not carry the stored time {first} in a form this bench knows")
            }
        }
        v => v.clone(),
    };
    c["t"] = t;
    c["id"] = json!(p.deep.1);
    Ok(base64url(c.to_string().as_bytes()))
}

// ---------------------------------------------------------------- raw SQL

/// kamscope's SQL, written out: the same columns, predicates and order.
struct Sql {
    b: Backend,
    db: DatabaseConnection,
}

impl Sql {
    fn t(&self) -> &'static str {
        if self.b == Backend::Mysql {
            "`time`"
        } else {
            "\"time\""
        }
    }

    fn cols(&self, table: &str) -> String {
        let t = self.t();
        let at = match self.b {
            Backend::Sqlite => format!("((julianday(\"{table}\".\"time\") - {JULIAN_EPOCH}) * 86400.0)"),
            _ => t.to_string(),
        };
        format!(
            "id, method, from_tag, to_tag, callid, sip_code, sip_reason, src_user, src_domain, src_ip, dst_ouser, dst_user, dst_domain, {t} AS time_key, {at} AS time_at"
        )
    }

    fn stmt(&self, sql: &str, values: Vec<SqlValue>) -> Statement {
        let (db, sql) = match self.b {
            Backend::Sqlite => (DbBackend::Sqlite, sql.to_string()),
            Backend::Mysql => (DbBackend::MySql, sql.to_string()),
            Backend::Postgres => {
                let mut n = 0;
                let s = sql
                    .chars()
                    .map(|c| {
                        if c == '?' {
                            n += 1;
                            format!("${n}")
                        } else {
                            c.to_string()
                        }
                    })
                    .collect();
                (DbBackend::Postgres, s)
            }
        };
        Statement::from_sql_and_values(db, sql, values)
    }

    async fn rows(&self, sql: &str, values: Vec<SqlValue>) -> anyhow::Result<Vec<sea_orm::QueryResult>> {
        Ok(self.db.query_all(self.stmt(sql, values)).await?)
    }

    /// A newest-first select of `table` with `where_` (kamscope's filters) and an optional LIMIT.
    async fn records(
        &self,
        table: &str,
        where_: &str,
        values: Vec<SqlValue>,
        limit: Option<usize>,
    ) -> anyhow::Result<Vec<sea_orm::QueryResult>> {
        let w = if where_.is_empty() { String::new() } else { format!(" WHERE {where_}") };
        let l = limit.map(|l| format!(" LIMIT {}", l + 1)).unwrap_or_default();
        let sql = format!("SELECT {} FROM {table}{w} ORDER BY {} DESC, id DESC{l}", self.cols(table), self.t());
        self.rows(&sql, values).await
    }

    fn id(r: &sea_orm::QueryResult) -> i64 {
        r.try_get::<i64>("", "id")
            .or_else(|_| r.try_get::<u32>("", "id").map(i64::from))
            .or_else(|_| r.try_get::<i32>("", "id").map(i64::from))
            .unwrap_or(-1)
    }

    fn text(r: &sea_orm::QueryResult, c: &str) -> String {
        r.try_get::<Option<String>>("", c).ok().flatten().unwrap_or_default()
    }

    /// The first `LIMIT` ids of a newest-first select.
    async fn page(&self, table: &str, where_: &str, values: Vec<SqlValue>) -> anyhow::Result<Vec<i64>> {
        let rows = self.records(table, where_, values, Some(LIMIT)).await?;
        Ok(rows.iter().take(LIMIT).map(Sql::id).collect())
    }

    /// Every row of these Call-IDs, 500 a query (kamscope's `records_of_calls`).
    async fn of_calls(&self, table: &str, ids: &[String]) -> anyhow::Result<Vec<sea_orm::QueryResult>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let values = chunk.iter().map(|s| SqlValue::from(s.clone())).collect();
            out.extend(self.records(table, &format!("callid IN ({marks})"), values, None).await?);
        }
        Ok(out)
    }

    /// A table-qualified, quoted column, as kamscope writes it.
    fn col(&self, table: &str, c: &str) -> String {
        match self.b {
            Backend::Mysql => format!("`{table}`.`{c}`"),
            _ => format!("\"{table}\".\"{c}\""),
        }
    }

    /// `/cdrs/stats`: hours_on's one statement, both tables grouped by the stored hour.
    /// Gives the day's answered, failed and missed.
    async fn stats(&self, day: NaiveDate) -> anyhow::Result<[i64; 3]> {
        let (from, to) = day_bounds(day);
        let mut parts = Vec::new();
        let mut values = Vec::new();
        for (i, table) in ["acc", "missed_calls"].into_iter().enumerate() {
            let time = self.col(table, "time");
            let hour = match self.b {
                Backend::Sqlite => {
                    format!("CAST((((julianday({time}) - {JULIAN_EPOCH}) * 86400.0 + 0.501) / 3600.0) AS INTEGER)")
                }
                Backend::Mysql => format!("TIMESTAMPDIFF(HOUR, '1970-01-01 00:00:00', {time})"),
                Backend::Postgres => format!("CAST(FLOOR(date_part('epoch', {time}) / 3600) AS BIGINT)"),
            };
            let code = self.col(table, "sip_code");
            parts.push(format!(
                "SELECT {i} AS tb, {hour} AS h, COUNT(*) AS n, COUNT(CASE WHEN {code} LIKE '2%' THEN 1 END) AS answered, \
                 COUNT(CASE WHEN {code} >= '300' THEN 1 END) AS failed FROM \"{table}\" \
                 WHERE {} = ? AND {time} >= ? AND {time} < ? GROUP BY h",
                self.col(table, "method")
            ));
            values.extend([SqlValue::from("INVITE"), time_value(self.b, from), time_value(self.b, to)]);
        }
        let mut sql = parts.join(" UNION ALL ");
        if self.b == Backend::Mysql {
            sql = sql.replace("FROM \"acc\"", "FROM `acc`").replace("FROM \"missed_calls\"", "FROM `missed_calls`");
        }
        let n = |r: &sea_orm::QueryResult, c: &str| {
            r.try_get::<i64>("", c).or_else(|_| r.try_get::<i32>("", c).map(i64::from)).unwrap_or(0)
        };
        let mut sums = [0; 3];
        for r in self.rows(&sql, values).await? {
            if n(&r, "tb") == 0 {
                sums[0] += n(&r, "answered");
                sums[1] += n(&r, "failed");
            } else {
                sums[2] += n(&r, "n");
            }
        }
        Ok(sums)
    }

    /// `/cdrs/kpis`: kpi_rows' one statement (the range's INVITEs of both tables and the
    /// BYEs up to a day after, ordered by Call-ID), streamed, every row's values read as a
    /// client computing the figures must (Call-ID, tags, method, code, users, time), no more.
    async fn kpis(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> anyhow::Result<usize> {
        let mut parts = Vec::new();
        let mut values = Vec::new();
        for table in ["acc", "missed_calls"] {
            let c = |n: &str| self.col(table, n);
            let time = c("time");
            let at = match self.b {
                Backend::Sqlite => format!("((julianday({time}) - {JULIAN_EPOCH}) * 86400.0)"),
                _ => time.clone(),
            };
            let range = if table == "acc" {
                values.extend([
                    time_value(self.b, from),
                    time_value(self.b, to + chrono::Duration::days(1)),
                    SqlValue::from("INVITE"),
                    time_value(self.b, to),
                    SqlValue::from("BYE"),
                ]);
                format!("{time} >= ? AND {time} < ? AND (({m} = ? AND {time} < ?) OR {m} = ?)", m = c("method"))
            } else {
                values.extend([time_value(self.b, from), time_value(self.b, to), SqlValue::from("INVITE")]);
                format!("{time} >= ? AND {time} < ? AND {} = ?", c("method"))
            };
            let q = if self.b == Backend::Mysql { format!("`{table}`") } else { format!("\"{table}\"") };
            parts.push(format!(
                "SELECT {} AS id, {} AS callid, {} AS from_tag, {} AS to_tag, {} AS method, {} AS sip_code, {} AS src_user, {} AS dst_user, {at} AS time_at FROM {q} WHERE {range}",
                c("id"),
                c("callid"),
                c("from_tag"),
                c("to_tag"),
                c("method"),
                c("sip_code"),
                c("src_user"),
                c("dst_user"),
            ));
        }
        let sql = match self.b {
            Backend::Mysql => format!("SELECT * FROM ({}) AS k ORDER BY BINARY k.callid", parts.join(" UNION ALL ")),
            _ => format!("{} ORDER BY callid", parts.join(" UNION ALL ")),
        };
        let mut rows = self.db.stream(self.stmt(&sql, values)).await?;
        let (mut n, mut bytes) = (0, 0);
        while let Some(r) = rows.try_next().await? {
            let text = |c: &str| Sql::text(&r, c).len();
            bytes += text("callid") + text("from_tag") + text("to_tag") + text("method") + text("sip_code");
            bytes += text("src_user") + text("dst_user");
            let time = match self.b {
                Backend::Sqlite => r.try_get::<Option<f64>>("", "time_at")?.is_some(),
                _ => r.try_get::<Option<chrono::NaiveDateTime>>("", "time_at")?.is_some(),
            };
            std::hint::black_box((time, Sql::id(&r)));
            n += 1;
        }
        std::hint::black_box(bytes);
        Ok(n)
    }

    /// `/calls` page 1: the newest answered INVITEs, every row of their Call-IDs, and the
    /// `dialog` / `acc_cdrs` look-up of those with no BYE.
    async fn calls(&self) -> anyhow::Result<usize> {
        let answers =
            self.records("acc", "method = ? AND sip_code LIKE '2%'", vec!["INVITE".into()], Some(LIMIT)).await?;
        let ids: Vec<String> = answers.iter().take(LIMIT).map(|r| Sql::text(r, "callid")).collect();
        let related = self.of_calls("acc", &ids).await?;
        let open: Vec<String> = ids
            .iter()
            .filter(|id| !related.iter().any(|r| Sql::text(r, "method") == "BYE" && &Sql::text(r, "callid") == *id))
            .cloned()
            .collect();
        if !open.is_empty() {
            let marks = vec!["?"; open.len()].join(", ");
            let values: Vec<SqlValue> = open.iter().map(|s| SqlValue::from(s.clone())).collect();
            self.rows(&format!("SELECT callid FROM dialog WHERE callid IN ({marks})"), values.clone()).await?;
            self.rows(
                &format!("SELECT id, start_time, end_time, duration, src_user, dst_user, callid FROM acc_cdrs WHERE callid IN ({marks}) ORDER BY id DESC"),
                values,
            )
            .await?;
        }
        Ok(answers.len().min(LIMIT))
    }
}

// ---------------------------------------------------------------- timing

#[derive(Clone)]
enum Measure {
    /// Median ms over `rounds`.
    Ms {
        ms: f64,
        rounds: usize,
    },
    /// One request ran past the deadline.
    TimedOut(Duration),
    Failed(String),
}

impl Measure {
    /// The median of single runs; the first failure or timeout if any.
    fn median(runs: Vec<Measure>) -> Measure {
        let mut ms = Vec::new();
        for m in runs {
            match m {
                Measure::Ms { ms: v, .. } => ms.push(v),
                other => return other,
            }
        }
        if ms.is_empty() {
            return Measure::Failed("no run".into());
        }
        ms.sort_by(|a, b| a.total_cmp(b));
        Measure::Ms { ms: ms[ms.len() / 2], rounds: ms.len() }
    }
    fn ms(&self) -> Option<f64> {
        match self {
            Measure::Ms { ms, .. } => Some(*ms),
            _ => None,
        }
    }
    fn text(&self) -> String {
        match self {
            Measure::Ms { ms, rounds } if *rounds > 1 => fmt_ms(*ms),
            Measure::Ms { ms, .. } => format!("{} (1 run)", fmt_ms(*ms)),
            Measure::TimedOut(d) => format!("> {} s (stopped)", d.as_secs()),
            Measure::Failed(e) => format!("failed: {}", e.chars().take(100).collect::<String>()),
        }
    }
}

fn fmt_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.2}")
    } else if ms < 1000.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

/// The median of up to `rounds` runs of `f` (fewer when one is slow), each stopped at `deadline`.
/// Where every run is sub-millisecond-fast, more runs (up to [`FAST_RUNS`], ~[`FAST_BUDGET_MS`]
/// in all): five samples of 0.3 ms are mostly scheduler noise on a shared 2-core machine.
/// The API and its raw SQL are timed alike.
async fn timed<F, Fut, T>(rounds: usize, deadline: Duration, mut f: F) -> (Measure, Option<T>)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut times = Vec::new();
    let mut last = None;
    let mut spent = 0.0;
    for i in 0..FAST_RUNS {
        if i >= rounds && (rounds < 2 || spent > FAST_BUDGET_MS || times.iter().any(|ms| *ms > FAST_MS)) {
            break;
        }
        let t = Instant::now();
        match tokio::time::timeout(deadline, f()).await {
            Err(_) => return (Measure::TimedOut(deadline), last),
            Ok(Err(e)) if e.downcast_ref::<reqwest::Error>().is_some_and(|e| e.is_timeout()) => {
                return (Measure::TimedOut(deadline), last)
            }
            Ok(Err(e)) => return (Measure::Failed(format!("{e:#}")), last),
            Ok(Ok(v)) => last = Some(v),
        }
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        spent += ms;
        if ms > SLOW_MS {
            break;
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    (Measure::Ms { ms: times[times.len() / 2], rounds: times.len() }, last)
}

struct Row {
    case: String,
    rows: String,
    api: Measure,
    raw: Measure,
    /// A goal in ms the API time should meet here (with the index).
    abs_goal_ms: Option<f64>,
    raw_what: &'static str,
    /// Set when the API's rows are not the SQL's.
    mismatch: Option<String>,
}

struct Csv {
    api: Measure,
    api_rows: usize,
    api_bytes: usize,
    raw: Measure,
    raw_rows: usize,
    raw_bytes: usize,
    raw_what: String,
    peak_mib: f64,
    sampled_mib: f64,
}

/// Streams kamscope's `format=csv` to nowhere, counting rows and bytes, VmRSS sampled.
async fn api_csv(ks: &Kamscope, deadline: Duration) -> (Measure, usize, usize, f64, f64) {
    ks.reset_peak();
    let stop = Arc::new(AtomicBool::new(false));
    let max_kb = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (stop, max_kb, pid) = (stop.clone(), max_kb.clone(), ks.pid());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
                if let Some(kb) = s
                    .lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<u64>().ok())
                {
                    max_kb.fetch_max(kb, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let t = Instant::now();
    let (mut bytes, mut lines) = (0usize, 0usize);
    let result: anyhow::Result<bool> = async {
        let mut r = ks.client.get(format!("{}/api/v1/cdrs?format=csv", ks.address)).send().await?;
        if !r.status().is_success() {
            bail!("format=csv: {}", r.status());
        }
        while let Some(chunk) = r.chunk().await? {
            bytes += chunk.len();
            lines += chunk.iter().filter(|&&c| c == b'\n').count();
            if t.elapsed() > deadline {
                return Ok(false);
            }
        }
        Ok(true)
    }
    .await;
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    let peak = ks.status_kb("VmHWM:") / 1024.0;
    let sampled = max_kb.load(Ordering::Relaxed) as f64 / 1024.0;
    let m = match result {
        Ok(true) => Measure::Ms { ms, rounds: 1 },
        Ok(false) => Measure::TimedOut(deadline),
        Err(e) => Measure::Failed(format!("{e:#}")),
    };
    (m, lines.saturating_sub(1), bytes, peak, sampled)
}

/// The database's own CSV client on the same rows, to nowhere.
async fn raw_csv(t: &Target, deadline: Duration) -> (Measure, usize, usize, String) {
    let sql = "SELECT * FROM acc ORDER BY time DESC, id DESC";
    let (mut cmd, what) = match t.backend {
        Backend::Sqlite => {
            let mut c = Command::new("sqlite3");
            c.args(["-csv", "-header", t.url.trim_start_matches("sqlite://"), sql]);
            (c, "sqlite3 -csv")
        }
        Backend::Mysql => {
            let mut c = lab_cmd("mariadb.sh");
            c.args(["sql", &t.name, "--batch", "--quick", "-e", sql]);
            (c, "mariadb --batch --quick")
        }
        Backend::Postgres => {
            let mut c = lab_cmd("postgres.sh");
            c.args(["sql", &t.name, "--csv", "-c", sql]);
            (c, "psql --csv")
        }
    };
    let r = tokio::task::spawn_blocking(move || -> anyhow::Result<(bool, usize, usize, f64)> {
        let started = Instant::now();
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
        let mut out = child.stdout.take().unwrap();
        let mut buf = vec![0u8; 1 << 16];
        let (mut bytes, mut lines) = (0usize, 0usize);
        loop {
            let n = out.read(&mut buf)?;
            if n == 0 {
                break;
            }
            bytes += n;
            lines += buf[..n].iter().filter(|&&c| c == b'\n').count();
            if started.elapsed() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Ok((false, lines, bytes, 0.0));
            }
        }
        let ok = child.wait()?.success();
        if !ok {
            bail!("{what} failed");
        }
        Ok((true, lines, bytes, started.elapsed().as_secs_f64() * 1000.0))
    })
    .await;
    match r {
        Ok(Ok((true, lines, bytes, ms))) => {
            (Measure::Ms { ms, rounds: 1 }, lines.saturating_sub(1), bytes, what.into())
        }
        Ok(Ok((false, lines, bytes, _))) => (Measure::TimedOut(deadline), lines, bytes, what.into()),
        Ok(Err(e)) => (Measure::Failed(format!("{e:#}")), 0, 0, what.into()),
        Err(e) => (Measure::Failed(e.to_string()), 0, 0, what.into()),
    }
}

/// What the cases filter on, picked from the data.
struct Picks {
    caller: String,
    callee: String,
    call_id: String,
    /// (time as stored, id) of the row about halfway down the newest-first list.
    deep: (Value, i64),
    deep_depth: usize,
}

async fn picks(sql: &Sql, size: &Size) -> anyhow::Result<Picks> {
    let n = (size.acc / 3).max(1) as i64;
    let r = sql.rows("SELECT src_user, dst_user, callid FROM acc WHERE id = ?", vec![n.into()]).await?;
    let r = r.first().context("acc is empty")?;
    let depth = size.acc / 2;
    let t = sql.t();
    let d = sql
        .rows(&format!("SELECT id, {t} AS t FROM acc ORDER BY {t} DESC, id DESC LIMIT 1 OFFSET {depth}"), vec![])
        .await?;
    let d = d.first().context("no row at the deep page's depth")?;
    let time = match sql.b {
        Backend::Sqlite => json!(d.try_get::<f64>("", "t")?),
        _ => serde_json::to_value(d.try_get::<chrono::NaiveDateTime>("", "t")?)?,
    };
    Ok(Picks {
        caller: Sql::text(r, "src_user"),
        callee: Sql::text(r, "dst_user"),
        call_id: Sql::text(r, "callid"),
        deep: (time, Sql::id(d)),
        deep_depth: depth,
    })
}

async fn phase(
    bin: &Path,
    target: &Target,
    size: &Size,
    indexed: bool,
    out: &mut String,
) -> anyhow::Result<Vec<String>> {
    let (rounds, deadline) = (size.rounds, size.deadline);
    let sql = Sql { b: target.backend, db: Database::connect(&target.url).await? };
    let p = picks(&sql, size).await?;
    let ks = start_kamscope(bin, &target.url).await?;
    let idle_mib = ks.status_kb("VmRSS:") / 1024.0;
    // What any request costs through HTTP with no database work: `limit=0` is refused by
    // the query's checks (a 400 problem) before the service runs.
    let (floor, _) = timed(rounds.max(5), deadline, || async {
        let r = ks.client.get(format!("{}/api/v1/cdrs?limit=0", ks.address)).send().await?;
        if r.status() != reqwest::StatusCode::BAD_REQUEST {
            bail!("limit=0: {}", r.status());
        }
        Ok(r.bytes().await?.len())
    })
    .await;
    let mut rows: Vec<Row> = Vec::new();
    let t = sql.t();
    let abs = |g: f64| if indexed { Some(g) } else { None };

    // Lists: the API's page next to the same SELECT; the ids must agree.
    let (day_from, day_to) = day_bounds(size.day());
    let rfc = |d: DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let cursor = deep_cursor(&ks, &sql, &p, deadline).await?;
    type Case = (String, &'static str, String, String, Vec<SqlValue>, Option<f64>);
    let lists: Vec<Case> = vec![
        ("/cdrs page 1".into(), "acc", String::new(), String::new(), vec![], abs(5.0)),
        (
            format!("/cdrs deep page (cursor at row {})", p.deep_depth),
            "acc",
            format!("cursor={}", urlencode(&cursor)),
            format!("{t} <= ? AND ({t} < ? OR id < ?)"),
            {
                let tv = match &p.deep.0 {
                    Value::Number(n) => SqlValue::from(n.as_f64().unwrap_or_default()),
                    v => SqlValue::from(serde_json::from_value::<chrono::NaiveDateTime>(v.clone())?),
                };
                vec![tv.clone(), tv, p.deep.1.into()]
            },
            None,
        ),
        (
            format!("caller={}", p.caller),
            "acc",
            format!("caller={}", p.caller),
            "src_user = ?".into(),
            vec![p.caller.clone().into()],
            None,
        ),
        (
            format!("callee={}", p.callee),
            "acc",
            format!("callee={}", p.callee),
            "dst_user = ?".into(),
            vec![p.callee.clone().into()],
            None,
        ),
        (
            "call_id=…".into(),
            "acc",
            format!("call_id={}", urlencode(&p.call_id)),
            "callid = ?".into(),
            vec![p.call_id.clone().into()],
            None,
        ),
        ("sip_code=486".into(), "acc", "sip_code=486".into(), "sip_code = ?".into(), vec!["486".into()], None),
        ("method=BYE".into(), "acc", "method=BYE".into(), "method = ?".into(), vec!["BYE".into()], None),
        (
            format!("one day from/to ({})", size.day()),
            "acc",
            format!("from={}&to={}", urlencode(&rfc(day_from)), urlencode(&rfc(day_to))),
            format!("{t} >= ? AND {t} < ?"),
            vec![time_value(sql.b, day_from), time_value(sql.b, day_to)],
            None,
        ),
        ("/missed-calls page 1".into(), "missed_calls", String::new(), String::new(), vec![], abs(5.0)),
    ];
    for (case, table, query, where_, values, goal) in lists {
        let path = format!(
            "/api/v1/{}?limit={LIMIT}{}{query}",
            if table == "acc" { "cdrs" } else { "missed-calls" },
            if query.is_empty() { "" } else { "&" }
        );
        eprintln!("[cdr-bench {}] {case}", target.backend.name());
        let (raw, raw_ids) = timed(rounds, deadline, || sql.page(table, &where_, values.clone())).await;
        let (api, api_ids) = timed(rounds, deadline, || async { Ok(api_page(&ks, &path, deadline).await?.0) }).await;
        let mismatch = match (&api_ids, &raw_ids) {
            (Some(a), Some(r)) if a != r => {
                Some(format!("API ids {:?}… vs SQL {:?}…", &a[..a.len().min(3)], &r[..r.len().min(3)]))
            }
            _ => None,
        };
        let n = api_ids.as_ref().or(raw_ids.as_ref()).map(Vec::len).unwrap_or(0);
        rows.push(Row {
            case,
            rows: n.to_string(),
            api,
            raw,
            abs_goal_ms: goal,
            raw_what: "the same SELECT … ORDER BY time DESC, id DESC LIMIT 51",
            mismatch,
        });
    }

    eprintln!("[cdr-bench {}] stats, kpis, calls", target.backend.name());
    let day = size.day();
    // kamscope keeps a day's settled hours (checked against both tables on every call):
    // the first request of a day counts it, the next ones check and count the open hours.
    // The first is measured on days not asked before, one a round, each next to the SQL.
    let figures =
        |v: &Value| [v["answered"].as_i64(), v["failed"].as_i64(), v["missed"].as_i64()].map(|n| n.unwrap_or(-1));
    let fresh_days: Vec<NaiveDate> =
        (1..=rounds as u64).filter_map(|i| day.checked_sub_days(chrono::Days::new(i))).collect();
    let (mut raw_first, mut api_first, mut first_mismatch) = (Vec::new(), Vec::new(), None);
    for d in &fresh_days {
        let (raw, want) = timed(1, deadline, || sql.stats(*d)).await;
        let (api, got) = timed(1, deadline, || async {
            Ok(serde_json::from_slice::<Value>(
                ks.get(&format!("/api/v1/cdrs/stats?date={d}"), deadline).await?.as_ref(),
            )?)
        })
        .await;
        if let (Some(want), Some(got)) = (want, got.as_ref().map(figures)) {
            if want != got && first_mismatch.is_none() {
                first_mismatch = Some(format!("{d}: API answered/failed/missed {got:?} vs SQL {want:?}"));
            }
        }
        raw_first.push(raw);
        api_first.push(api);
    }
    let (raw, want) = timed(rounds, deadline, || sql.stats(day)).await;
    let (api, stats) = timed(rounds, deadline, || async {
        Ok(serde_json::from_slice::<Value>(
            ks.get(&format!("/api/v1/cdrs/stats?date={day}"), deadline).await?.as_ref(),
        )?)
    })
    .await;
    let mismatch = match (want, stats.as_ref().map(figures)) {
        (Some(want), Some(got)) if want != got => Some(format!("API answered/failed/missed {got:?} vs SQL {want:?}")),
        _ => None,
    };
    let calls = stats.map(|s| format!("{} calls", s["total"])).unwrap_or_default();
    rows.push(Row {
        case: format!("/cdrs/stats, first request of a day ({} days)", fresh_days.len()),
        rows: String::new(),
        api: Measure::median(api_first),
        raw: Measure::median(raw_first),
        abs_goal_ms: None,
        raw_what: "the same SELECT: both tables grouped by the stored hour (UNION ALL)",
        mismatch: first_mismatch,
    });
    rows.push(Row {
        case: format!("/cdrs/stats?date={day} (asked again: settled hours kept)"),
        rows: calls,
        api,
        raw,
        abs_goal_ms: abs(5.0),
        raw_what: "the same SELECT: both tables grouped by the stored hour (UNION ALL)",
        mismatch,
    });

    let kpi_case = |from: DateTime<Utc>, to: DateTime<Utc>| {
        format!("/api/v1/cdrs/kpis?from={}&to={}", urlencode(&rfc(from)), urlencode(&rfc(to)))
    };
    let (raw, raw_n) = timed(rounds, deadline, || sql.kpis(day_from, day_to)).await;
    let path = kpi_case(day_from, day_to);
    let (api, k) = timed(rounds, deadline, || async {
        Ok(serde_json::from_slice::<Value>(ks.get(&path, deadline).await?.as_ref())?)
    })
    .await;
    let seizures = k.map(|k| format!("{} seizures", k["total"]["seizures"])).unwrap_or_default();
    rows.push(Row {
        case: format!("/cdrs/kpis one day ({day})"),
        rows: seizures,
        api,
        raw,
        abs_goal_ms: None,
        raw_what: if raw_n.is_some() {
            "the same SELECT: the day's INVITEs of both tables + BYEs, by Call-ID, every row read"
        } else {
            ""
        },
        mismatch: None,
    });

    let (raw, _) = timed(rounds, deadline, || sql.calls()).await;
    let (api, n) = timed(rounds, deadline, || async {
        let page: Page =
            serde_json::from_slice(ks.get(&format!("/api/v1/calls?limit={LIMIT}"), deadline).await?.as_ref())?;
        Ok(page.items.len())
    })
    .await;
    rows.push(Row {
        case: "/calls page 1".into(),
        rows: n.map(|n| n.to_string()).unwrap_or_default(),
        api,
        raw,
        abs_goal_ms: None,
        raw_what: "the same SELECTs: newest answered INVITEs + rows of their Call-IDs (+ dialog/acc_cdrs for those without BYE)",
        mismatch: None,
    });

    eprintln!("[cdr-bench {}] format=csv", target.backend.name());
    let (raw, raw_rows, raw_bytes, raw_what) = raw_csv(target, deadline).await;
    let (api, api_rows, api_bytes, peak_mib, sampled_mib) = api_csv(&ks, deadline).await;
    let csv = Csv { api, api_rows, api_bytes, raw, raw_rows, raw_bytes, raw_what, peak_mib, sampled_mib };

    // Last: a 30-day KPI that runs past the deadline keeps a worker busy until kamscope stops.
    eprintln!("[cdr-bench {}] /cdrs/kpis 30 days", target.backend.name());
    let (start, end) = (size.start(), size.end());
    let (raw, _) = timed(rounds, deadline, || sql.kpis(start, end)).await;
    ks.reset_peak();
    let path = kpi_case(start, end);
    let (api, k) = timed(rounds, deadline, || async {
        Ok(serde_json::from_slice::<Value>(ks.get(&path, deadline).await?.as_ref())?)
    })
    .await;
    let kpi_peak = ks.status_kb("VmHWM:") / 1024.0;
    let seizures = k.map(|k| format!("{} seizures", k["total"]["seizures"])).unwrap_or_default();
    rows.push(Row {
        case: format!("/cdrs/kpis {} days", size.days),
        rows: seizures,
        api,
        raw,
        abs_goal_ms: None,
        raw_what: "the same SELECT over the whole range, every row read",
        mismatch: None,
    });
    drop(ks);
    sql.db.close().await?;
    let mark = out.len();

    let _ = writeln!(
        out,
        "\n### {} — {} (median of up to {rounds} runs, up to {FAST_RUNS} where they all take under {FAST_MS} ms; a run over {} s stops)\n",
        target.backend.name(),
        if indexed { "with kamscope's recommended indexes" } else { "Kamailio's stock indexes (callid only)" },
        deadline.as_secs()
    );
    let _ = writeln!(out, "| case | rows | kamscope ms | raw SQL ms | kamscope/raw | goal | raw SQL |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---|---|");
    let mut errors = Vec::new();
    for r in &rows {
        let ratio = match (r.api.ms(), r.raw.ms()) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        };
        let mut goal = Vec::new();
        match ratio {
            Some(x) => {
                goal.push(if x <= 1.2 { "≤1.2× ok".to_string() } else { format!("≤1.2× missed ({x:.1}×)") })
            }
            None if matches!(r.api, Measure::TimedOut(_)) => goal.push("≤1.2× missed (timed out)".into()),
            None => {}
        }
        if let Some(g) = r.abs_goal_ms {
            goal.push(match r.api.ms() {
                Some(ms) if ms <= g => format!("≤{g} ms ok"),
                Some(ms) => format!("≤{g} ms missed (+{:.1} ms)", ms - g),
                None => format!("≤{g} ms missed"),
            });
        }
        let mut api = r.api.text();
        if let Some(m) = &r.mismatch {
            api += &format!(" **rows differ: {m}**");
            errors.push(format!("{} {}: {m}", target.backend.name(), r.case));
        }
        if let Measure::Failed(e) = &r.api {
            errors.push(format!("{} {}: kamscope: {e}", target.backend.name(), r.case));
        }
        if let Measure::Failed(e) = &r.raw {
            errors.push(format!("{} {}: raw SQL: {e}", target.backend.name(), r.case));
        }
        let _ = writeln!(
            out,
            "| {} | {} | {api} | {} | {} | {} | {} |",
            r.case,
            r.rows,
            r.raw.text(),
            ratio.map(|x| format!("{x:.2}")).unwrap_or("n/a".into()),
            goal.join(", "),
            r.raw_what
        );
    }
    let mb = |b: usize| b as f64 / 1e6;
    let speed = |m: &Measure, rows: usize| match m {
        Measure::Ms { ms, .. } => format!("{:.0} rows/s", rows as f64 / (ms / 1000.0)),
        Measure::TimedOut(d) => format!("{:.0} rows/s (partial)", rows as f64 / d.as_secs_f64()),
        _ => "n/a".into(),
    };
    let _ = writeln!(
        out,
        "\nCSV of all acc rows: kamscope {} for {} rows / {:.0} MB ({}); {} {} for {} rows / {:.0} MB ({}).",
        csv.api.text(),
        csv.api_rows,
        mb(csv.api_bytes),
        speed(&csv.api, csv.api_rows),
        csv.raw_what,
        csv.raw.text(),
        csv.raw_rows,
        mb(csv.raw_bytes),
        speed(&csv.raw, csv.raw_rows),
    );
    let rel = match (&csv.api, &csv.raw) {
        (Measure::Ms { ms: a, .. }, Measure::Ms { ms: b, .. }) => {
            let x = (csv.api_rows as f64 / a) / (csv.raw_rows as f64 / b);
            format!(
                "kamscope at {:.0}% of the database client's rows/s (goal ≥ 50%: {})",
                x * 100.0,
                if x >= 0.5 { "ok" } else { "missed" }
            )
        }
        (Measure::TimedOut(d), Measure::Ms { ms: b, .. }) => {
            let rate = csv.api_rows as f64 / d.as_secs_f64();
            format!(
                "kamscope stopped after {} s at {} rows: about {:.0} s for all {} at that rate, {:.1}% of the client's rows/s (goal ≥ 50%: missed)",
                d.as_secs(),
                csv.api_rows,
                size.acc as f64 / rate.max(1e-9),
                size.acc,
                rate / (csv.raw_rows as f64 / (b / 1000.0)) * 100.0
            )
        }
        _ => "no comparison".into(),
    };
    let _ = writeln!(out, "{rel}.");
    let _ = writeln!(
        out,
        "kamscope RSS: {idle_mib:.1} MiB idle; peak during the CSV export {:.1} MiB (VmHWM; sampled VmRSS max {:.1} MiB; goal < 64 MiB: {}); peak during the {}-day KPIs {kpi_peak:.1} MiB.",
        csv.peak_mib,
        csv.sampled_mib,
        if csv.peak_mib < 64.0 { "ok" } else { "missed" },
        size.days
    );
    let _ = writeln!(
        out,
        "HTTP floor: a request kamscope answers without the database (`/cdrs?limit=0`, a 400 problem) takes {} ms with this client; where the raw SQL takes less than 5× that, ≤1.2× cannot be met over HTTP.",
        floor.text()
    );
    if let Measure::Failed(e) = &csv.api {
        errors.push(format!("{} CSV: kamscope: {e}", target.backend.name()));
    }
    if let Measure::Failed(e) = &csv.raw {
        errors.push(format!("{} CSV: {e}", target.backend.name()));
    }
    if matches!(csv.api, Measure::Ms { .. }) && csv.api_rows != size.acc {
        errors.push(format!("{} CSV: kamscope exported {} rows of {}", target.backend.name(), csv.api_rows, size.acc));
    }
    // As it goes: a full run takes a while.
    eprint!("{}", &out[mark..]);
    Ok(errors)
}

async fn bench_backend(b: Backend, bin: &Path, size: &Size, out: &mut String) -> anyhow::Result<Vec<String>> {
    eprintln!("[cdr-bench {}] seeding {} acc + {} missed_calls rows", b.name(), size.acc, size.missed);
    let t = Instant::now();
    let (target, how) = seeded(b, size).await?;
    let seed_s = t.elapsed().as_secs_f64();
    let _ = writeln!(
        out,
        "\n## {} — {} acc + {} missed_calls rows over {} days\n",
        b.name(),
        size.acc,
        size.missed,
        size.days
    );
    let _ = writeln!(out, "Data: {how}; ready in {seed_s:.1} s.");
    let mut errors = phase(bin, &target, size, false, out).await?;

    eprintln!("[cdr-bench {}] kamscope db indexes --apply", b.name());
    let t = Instant::now();
    let text = run(kamscope_cmd(bin, &target.url).args(["db", "indexes", "--apply"]), "kamscope db indexes --apply")?;
    let apply_s = t.elapsed().as_secs_f64();
    // Only acc's and missed_calls' (other areas' tables are not seeded here).
    let created: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("created") && RECOMMENDED.iter().any(|(_, n)| l.contains(n)))
        .map(str::trim)
        .collect();
    if created.len() != RECOMMENDED.len() {
        errors.push(format!(
            "{}: db indexes --apply created {} of the {} acc/missed_calls indexes:\n{text}",
            b.name(),
            created.len(),
            RECOMMENDED.len()
        ));
    }
    let _ = writeln!(out, "\n`kamscope db indexes --apply`: {apply_s:.1} s in all ({}).", created.join("; "));
    errors.extend(phase(bin, &target, size, true, out).await?);
    Ok(errors)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `cargo bench` passes --bench; a filter or --list is not meaningful here.
    if kamscope_acceptance::bench::listing_only() {
        return Ok(());
    }
    let bin = kamscope_acceptance::bench::kamscope_bin()?;
    let size = Size {
        acc: env_num("BENCH_CDR_ACC", 1_000_000).max(100),
        missed: env_num("BENCH_CDR_MISSED", 200_000),
        days: env_num("BENCH_CDR_DAYS", 30).max(2),
        rounds: env_num("BENCH_ROUNDS", 5).max(1),
        deadline: Duration::from_secs(env_num("BENCH_CDR_DEADLINE_S", 120) as u64),
    };
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite".into());
    let mut out = String::from("# kamscope CDRs vs the same SQL run directly\n");
    let _ = writeln!(
        out,
        "\nKamailio's zone {}, reporting zone {}; pages of {LIMIT}; release build, this machine (2 cores). Goals: kamscope/raw ≤ 1.2×; with the index page 1 and the day's figures ≤ 5 ms; CSV at least half the database client's speed; RSS during the export < 64 MiB.",
        KAMAILIO_TZ.name(),
        REPORT_TZ.name()
    );
    let mut errors = Vec::new();
    let started = Instant::now();
    for name in backends.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let b = match name {
            "sqlite" => Backend::Sqlite,
            "mysql" | "mariadb" => Backend::Mysql,
            "postgres" | "postgresql" => Backend::Postgres,
            other => bail!("unknown backend {other:?} (sqlite, mysql, postgres)"),
        };
        let t = Instant::now();
        errors.extend(bench_backend(b, &bin, &size, &mut out).await.with_context(|| format!("cdr bench on {name}"))?);
        let _ = writeln!(out, "\n{name}: {:.0} s for this backend.", t.elapsed().as_secs_f64());
    }
    let _ = writeln!(out, "\nWhole run: {:.0} s.", started.elapsed().as_secs_f64());
    kamscope_acceptance::bench::finish("bench-cdr.md", &out, &errors)
}
