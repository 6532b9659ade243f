//! The SIP trace cleanup at scale (issue 10): `POST /api/v1/traces/cleanup`
//! (older_than_days 30) on sip_trace seeded as Kamailio writes it (5M rows over 45 days by
//! default, so ~1.7M are older than 30 days; tests/benches/trace_seed), while a writer
//! inserts a sip_trace row every 10 ms as Kamailio's siptrace does (its own connection;
//! on SQLite a 5 s busy timeout and synchronous=NORMAL, what lab/sqlite_busy.c gives the
//! lab's Kamailio, since db_sqlite 5.6 sets none). The job is polled until done. Prints
//! rows removed, rows/s, the writer's p99 and worst insert time against the goals (≤ 150
//! ms SQLite, ≤ 100 ms MariaDB/PostgreSQL), and checks at the source that exactly the
//! rows older than the job's cutoff went (none older left, every newer row and every
//! inserted one still there). Fails on errors and on a wrong count, not on a goal missed.
//!
//! Each run removes the old rows, so it runs on a copy of the seeded data: on SQLite a
//! copy of the seeded file, on PostgreSQL `CREATE DATABASE … TEMPLATE` the seeded one,
//! on MariaDB (no cheap database copy) the seeded database itself, its old rows put back
//! afterwards from a kept copy table (`INSERT IGNORE … SELECT`).
//!
//! Run it with `scripts/bench.sh [--smoke] [sqlite|mysql|postgres]...`. Env:
//! BENCH_KAMSCOPE_BIN, BENCH_BACKENDS (sqlite), BENCH_TRACE_ROWS (5000000),
//! BENCH_TRACE_DAYS (45), BENCH_TRACE_RESEED=1, BENCH_TRACE_MAX_AGE_H (48).
mod trace_seed;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use kamscope_acceptance::Backend;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement, Value as SqlValue};
use serde_json::{json, Value};
use trace_seed::*;

/// The writer's interval and the goals for its worst insert.
const EVERY: Duration = Duration::from_millis(10);
fn goal_ms(b: Backend) -> f64 {
    if b == Backend::Sqlite {
        150.0
    } else {
        100.0
    }
}
const DAYS: i64 = 30;
const WORK: &str = "ksbench_trace_clean";

// ---------------------------------------------------------------- the writer

#[derive(Default)]
struct Writes {
    /// Insert times, ms, in order.
    ms: Vec<f64>,
    /// When each began, since the writer started (s).
    at: Vec<f64>,
    /// Warm-up inserts (rows too, not timed).
    warm: usize,
    failed: usize,
    first_error: Option<String>,
}

impl Writes {
    fn inserted(&self) -> usize {
        self.ms.len() + self.warm
    }
    fn pct(&self, p: f64) -> f64 {
        let mut v = self.ms.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        if v.is_empty() {
            return f64::NAN;
        }
        v[((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1]
    }
    /// The `k` slowest inserts: "ms at s".
    fn slowest(&self, k: usize, since: f64) -> String {
        let mut v: Vec<(f64, f64)> = self.ms.iter().cloned().zip(self.at.iter().cloned()).collect();
        v.sort_by(|a, b| b.0.total_cmp(&a.0));
        v.iter().take(k).map(|(ms, at)| format!("{ms:.0} ms at {:+.1} s", at - since)).collect::<Vec<_>>().join(", ")
    }
    fn worst(&self) -> f64 {
        self.ms.iter().cloned().fold(f64::NAN, f64::max)
    }
}

/// Kamailio's siptrace insert: one row, autocommit, on its own connection.
async fn writer_conn(b: Backend, url: &str) -> anyhow::Result<DatabaseConnection> {
    let u = if b == Backend::Sqlite { format!("{url}?mode=rw") } else { url.to_string() };
    let mut o = ConnectOptions::new(u.replacen("mariadb://", "mysql://", 1));
    o.max_connections(1).min_connections(1).sqlx_logging(false);
    let db = Database::connect(o).await?;
    if b == Backend::Sqlite {
        db.execute_unprepared("PRAGMA busy_timeout = 5000").await?;
        db.execute_unprepared("PRAGMA synchronous = NORMAL").await?;
    }
    Ok(db)
}

fn insert_stmt(b: Backend, r: &Row) -> Statement {
    let secs = r.t_us.div_euclid(1_000_000);
    let t = match b {
        Backend::Sqlite => SqlValue::from(sqlite_time(secs)),
        _ => {
            SqlValue::from(chrono::DateTime::from_timestamp(secs, 0).unwrap().with_timezone(&KAMAILIO_TZ).naive_local())
        }
    };
    let totag = if b == Backend::Sqlite && r.totag.is_empty() {
        SqlValue::String(None)
    } else {
        SqlValue::from(r.totag.clone())
    };
    stmt(
        trace_seed_db(b),
        "INSERT INTO sip_trace (time_stamp, time_us, callid, traced_user, msg, method, status, fromip, toip, fromtag, totag, direction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            t,
            SqlValue::from(r.t_us.rem_euclid(1_000_000) as i32),
            r.call_id.clone().into(),
            "".into(),
            r.msg.clone().into(),
            r.method.into(),
            r.status.clone().into(),
            r.fromip.clone().into(),
            r.toip.clone().into(),
            r.fromtag.clone().into(),
            totag,
            r.direction.into(),
        ],
    )
}

fn trace_seed_db(b: Backend) -> sea_orm::DbBackend {
    match b {
        Backend::Sqlite => sea_orm::DbBackend::Sqlite,
        Backend::Mysql => sea_orm::DbBackend::MySql,
        Backend::Postgres => sea_orm::DbBackend::Postgres,
    }
}

/// Inserts a call's messages one every 10 ms until `stop`, on its own thread and runtime
/// (so kamscope's polling never delays it); `mark` moves the samples so far to the
/// returned "before" part.
fn spawn_writer(
    b: Backend,
    url: String,
    stop: Arc<AtomicBool>,
    phase: Arc<AtomicBool>,
) -> std::thread::JoinHandle<anyhow::Result<(Writes, Writes)>> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        rt.block_on(async move {
            let db = writer_conn(b, &url).await?;
            let mut r = Rng(0x7772_6974_6572);
            let (mut before, mut during) = (Writes::default(), Writes::default());
            let mut tick = tokio::time::interval(EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            let (mut call, mut steps_left) = (None, Vec::new());
            // Warm-up inserts, not counted: a new connection's first ones read the
            // indexes' pages; Kamailio's connections are long-lived.
            let mut warm = 50;
            let t0 = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                if steps_left.is_empty() {
                    let now = Utc::now().timestamp();
                    let c = new_call(&mut r, now);
                    steps(&c, &mut r, 0, 0, &mut steps_left);
                    steps_left.reverse();
                    call = Some(c);
                }
                let s = steps_left.pop().unwrap();
                let now_us = Utc::now().timestamp_micros();
                let row = row(call.as_ref().unwrap(), Step { t_us: now_us, ..s });
                let st = insert_stmt(b, &row);
                let t = Instant::now();
                let res = db.execute(st).await;
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                if warm > 0 {
                    warm -= 1;
                    res?;
                    before.warm += 1;
                    continue;
                }
                let w = if phase.load(Ordering::Relaxed) { &mut during } else { &mut before };
                match res {
                    Ok(_) => {
                        w.ms.push(ms);
                        w.at.push(t0.elapsed().as_secs_f64() - ms / 1000.0);
                    }
                    Err(e) => {
                        w.failed += 1;
                        w.first_error.get_or_insert_with(|| format!("after {ms:.0} ms: {e}"));
                    }
                }
            }
            db.close().await?;
            Ok((before, during))
        })
    })
}

// ---------------------------------------------------------------- a fresh copy

/// The database the cleanup runs on, holding the seeded rows again; how long that took.
async fn fresh_copy(s: &Seeded) -> anyhow::Result<(String, String)> {
    let t = Instant::now();
    match s.backend {
        Backend::Sqlite => {
            let tmpl = s.file.as_ref().unwrap();
            // Everything of the template in its main file (a reader may have left a WAL).
            run(
                Command::new("sqlite3")
                    .args(["-cmd", ".timeout 10000"])
                    .arg(tmpl)
                    .arg("PRAGMA wal_checkpoint(TRUNCATE);"),
                "checkpoint",
            )?;
            let work = dir().join(format!("{WORK}.sqlite"));
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", work.display()));
            }
            std::fs::copy(tmpl, &work)?;
            // On disk before the run: else the first checkpoint's fsync writes the whole
            // copy out, and the writer waiting behind it measures the copy.
            std::fs::File::open(&work)?.sync_all()?;
            let bytes = std::fs::metadata(&work)?.len();
            Ok((
                format!("sqlite://{}", work.display()),
                format!(
                    "a copy of the seeded file ({:.1} GB) in {:.1} s",
                    bytes as f64 / 1e9,
                    t.elapsed().as_secs_f64()
                ),
            ))
        }
        Backend::Postgres => {
            run(
                lab_cmd("postgres.sh").args([
                    "sql",
                    "postgres",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-c",
                    &format!("DROP DATABASE IF EXISTS {WORK} WITH (FORCE)"),
                    "-c",
                    &format!("CREATE DATABASE {WORK} TEMPLATE {}", s.name),
                ]),
                "CREATE DATABASE … TEMPLATE",
            )?;
            Ok((
                url_of(Backend::Postgres, WORK).await?,
                format!("CREATE DATABASE … TEMPLATE {} in {:.1} s", s.name, t.elapsed().as_secs_f64()),
            ))
        }
        Backend::Mysql => {
            let db = Database::connect(&s.url).await?;
            let how = mysql_restore(&db, s).await?;
            db.execute_unprepared("CREATE TABLE ksbench_dirty (x INT)").await?;
            db.close().await?;
            Ok((s.url.clone(), how))
        }
    }
}

async fn table_exists(db: &DatabaseConnection, t: &str) -> anyhow::Result<bool> {
    Ok(count(
        db,
        "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
        vec![t.into()],
    )
    .await?
        > 0)
}

/// MariaDB: the old rows kept aside once (every row a cleanup within the cache's age can
/// remove); after a cleanup they go back with their ids and the writer's rows go.
async fn mysql_restore(db: &DatabaseConnection, s: &Seeded) -> anyhow::Result<String> {
    let t = Instant::now();
    if !table_exists(db, "ksbench_seed_old").await? {
        let keep_before = s.end - chrono::Duration::days(DAYS - 3);
        db.execute(stmt(
            db.get_database_backend(),
            "CREATE TABLE ksbench_seed_old ENGINE=InnoDB AS SELECT * FROM sip_trace WHERE time_stamp < ?",
            vec![bound_value(Backend::Mysql, keep_before)],
        ))
        .await?;
        return Ok(format!("the old rows kept aside (copy table) in {:.1} s, first run", t.elapsed().as_secs_f64()));
    }
    if !table_exists(db, "ksbench_dirty").await? {
        return Ok("the seeded database, untouched since the last restore".into());
    }
    let back = db.execute_unprepared("INSERT IGNORE INTO sip_trace SELECT * FROM ksbench_seed_old").await?;
    let gone = db.execute_unprepared(&format!("DELETE FROM sip_trace WHERE id > {}", s.rows)).await?;
    db.execute_unprepared("DROP TABLE ksbench_dirty").await?;
    Ok(format!(
        "the last run's removed rows put back (INSERT IGNORE … SELECT from the kept copy: {} rows) and its {} inserted rows removed, in {:.1} s",
        back.rows_affected(),
        gone.rows_affected(),
        t.elapsed().as_secs_f64()
    ))
}

// ---------------------------------------------------------------- one backend

/// A stored time as the bench compares it with the cutoff (as the database would).
#[derive(Clone, Copy)]
enum Stored {
    Real(f64),
    Naive(NaiveDateTime),
}

fn read_stored(b: Backend, r: &sea_orm::QueryResult) -> anyhow::Result<Stored> {
    Ok(match b {
        Backend::Sqlite => Stored::Real(r.try_get::<f64>("", "t")?),
        _ => Stored::Naive(r.try_get::<NaiveDateTime>("", "t")?),
    })
}

fn older(s: Stored, cutoff: DateTime<Utc>) -> bool {
    match (s, bound_value(Backend::Sqlite, cutoff)) {
        (Stored::Real(x), SqlValue::Double(Some(v))) => x < v,
        (Stored::Naive(x), _) => x < cutoff.with_timezone(&KAMAILIO_TZ).naive_local(),
        _ => false,
    }
}

/// The plan of kamscope's DELETE (crates/db/src/cleanup.rs) at this cutoff: does it
/// use the time_stamp index, and how does it find the oldest ids?
fn explain(b: Backend, url: &str, cutoff: DateTime<Utc>) -> anyhow::Result<String> {
    let naive = cutoff.with_timezone(&KAMAILIO_TZ).format("%Y-%m-%d %H:%M:%S");
    let text = match b {
        Backend::Sqlite => {
            let v = match bound_value(b, cutoff) {
                SqlValue::Double(Some(v)) => v,
                _ => 0.0,
            };
            let sql = format!(
                "EXPLAIN QUERY PLAN DELETE FROM sip_trace WHERE id IN (SELECT id FROM sip_trace WHERE (time_stamp < {v} OR (time_stamp >= '' AND julianday(time_stamp) < {v})) ORDER BY id ASC LIMIT 5000);"
            );
            run(Command::new("sqlite3").arg(url.trim_start_matches("sqlite://")).arg(sql), "EXPLAIN")?
        }
        Backend::Mysql => {
            let db = url.rsplit('/').next().unwrap_or_default().to_string();
            let sql = format!(
                "EXPLAIN SELECT MIN(id) AS lo, MAX(id) AS hi FROM (SELECT id FROM sip_trace WHERE time_stamp < '{naive}' ORDER BY id ASC LIMIT 5000) AS batch; EXPLAIN DELETE FROM sip_trace WHERE id >= 1 AND id <= 5000 AND time_stamp < '{naive}'"
            );
            run(lab_cmd("mariadb.sh").args(["sql", &db, "--batch", "--skip-column-names", "-e", &sql]), "EXPLAIN")?
        }
        Backend::Postgres => {
            let db = url.rsplit('/').next().unwrap_or_default().to_string();
            let sql = format!("EXPLAIN DELETE FROM sip_trace WHERE id IN (SELECT id FROM sip_trace WHERE time_stamp < '{naive}' ORDER BY id ASC LIMIT 5000)");
            run(lab_cmd("postgres.sh").args(["sql", &db, "-At", "-c", &sql]), "EXPLAIN")?
        }
    };
    Ok(format!("`{}`", text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" / ")))
}

struct Outcome {
    line: String,
    errors: Vec<String>,
    notes: Vec<String>,
}

async fn bench_backend(b: Backend, bin: &Path, size: TraceSize) -> anyhow::Result<Outcome> {
    let t = Instant::now();
    eprintln!("[cleanup-bench {}] seeding {} sip_trace rows over {} days", b.name(), size.rows, size.days);
    let seed = seeded(b, size).await?;
    let seed_s = t.elapsed().as_secs_f64();
    eprintln!("[cleanup-bench {}] {}; a fresh copy", b.name(), seed.how);
    if b == Backend::Mysql {
        // A run that stopped half-way left the seeded database without its old rows.
        let db = Database::connect(&seed.url).await?;
        if table_exists(&db, "ksbench_dirty").await? {
            eprintln!("[cleanup-bench mysql] {}", mysql_restore(&db, &seed).await?);
        }
        db.close().await?;
    }
    let (url, copy_how) = fresh_copy(&seed).await?;
    let mut notes = vec![format!("{}: data {} (ready in {seed_s:.0} s); copy: {copy_how}", b.name(), seed.how)];
    eprintln!("[cleanup-bench {}] {copy_how}", b.name());

    // What is there before: rows surely older than any cutoff the job can fix, and the
    // few around it with their stored times (compared with the job's cutoff afterwards).
    let db = Database::connect(&url).await?;
    let dbb = db.get_database_backend();
    let now = Utc::now();
    let edge = now - chrono::Duration::days(DAYS);
    let (lo, hi) = (edge - chrono::Duration::seconds(5), edge + chrono::Duration::seconds(120));
    let total_before = count(&db, "SELECT COUNT(*) AS n FROM sip_trace", vec![]).await?;
    let surely_old =
        count(&db, "SELECT COUNT(*) AS n FROM sip_trace WHERE time_stamp < ?", vec![bound_value(b, lo)]).await?;
    let near: Vec<(i64, Stored)> = db
        .query_all(stmt(
            dbb,
            "SELECT id, time_stamp AS t FROM sip_trace WHERE time_stamp >= ? AND time_stamp < ? ORDER BY id",
            vec![bound_value(b, lo), bound_value(b, hi)],
        ))
        .await?
        .iter()
        .map(|r| Ok((n(r, "id").context("id")?, read_stored(b, r)?)))
        .collect::<anyhow::Result<_>>()?;
    db.close().await?;

    notes.push(format!("{}: the plan of kamscope's statements (5,000 rows): {}", b.name(), explain(b, &url, edge)?));

    let ks = start_kamscope(bin, &url).await?;
    let (stop, during) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let writer = spawn_writer(b, url.clone(), stop.clone(), during.clone());
    let writer_started = Instant::now();
    // A baseline: the writer alone, so a stall can be told from this machine's noise.
    tokio::time::sleep(Duration::from_secs(3)).await;
    during.store(true, Ordering::Relaxed);
    eprintln!("[cleanup-bench {}] POST /traces/cleanup (older_than_days {DAYS})", b.name());
    let started = Instant::now();
    let job_at = writer_started.elapsed().as_secs_f64();
    let r = ks
        .client
        .post(format!("{}/api/v1/traces/cleanup", ks.address))
        .json(&json!({"older_than_days": DAYS, "dry_run": false}))
        .send()
        .await?;
    let status = r.status();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
    let job: Value = r.json().await?;
    if status.as_u16() != 202 {
        bail!("POST /traces/cleanup: {status} {job}");
    }
    let path = location.context("202 without Location")?;
    let (mut last_done, mut polls, mut monotonic, mut seen_total) = (0u64, 0usize, true, None);
    let job = loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let j: Value = ks.client.get(format!("{}{path}", ks.address)).send().await?.json().await?;
        polls += 1;
        let done = j["progress"]["done"].as_u64().unwrap_or(0);
        monotonic &= done >= last_done;
        last_done = done;
        seen_total = j["progress"]["total"].as_u64().or(seen_total);
        if j["state"] != "running" {
            break j;
        }
        if started.elapsed() > Duration::from_secs(3600) {
            bail!("the cleanup job ran over an hour: {j}");
        }
    };
    let job_s = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let (base, w) = writer.join().map_err(|_| anyhow::anyhow!("the writer panicked"))??;
    drop(ks);

    let mut errors = Vec::new();
    if job["state"] != "succeeded" {
        bail!("{}: the cleanup job ended {}: {}", b.name(), job["state"], job["error"]);
    }
    let table = &job["result"]["tables"][0];
    let removed = table["rows"].as_u64().context("job result without rows")?;
    let cutoff: DateTime<FixedOffset> =
        serde_json::from_value(table["cutoff"].clone()).context("job result without cutoff")?;
    let cutoff = cutoff.with_timezone(&Utc);
    let near_old: Vec<i64> = near.iter().filter(|(_, s)| older(*s, cutoff)).map(|(id, _)| *id).collect();
    let near_new: Vec<i64> = near.iter().filter(|(_, s)| !older(*s, cutoff)).map(|(id, _)| *id).collect();
    let expected = surely_old as u64 + near_old.len() as u64;

    // At the source.
    let db = Database::connect(&url).await?;
    let left_old =
        count(&db, "SELECT COUNT(*) AS n FROM sip_trace WHERE time_stamp < ?", vec![bound_value(b, cutoff)]).await?;
    let newer =
        count(&db, "SELECT COUNT(*) AS n FROM sip_trace WHERE time_stamp >= ?", vec![bound_value(b, cutoff)]).await?;
    let kept_near = if near_new.is_empty() {
        0
    } else {
        let ids = near_new.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        count(&db, &format!("SELECT COUNT(*) AS n FROM sip_trace WHERE id IN ({ids})"), vec![]).await?
    };
    let inserted = (base.inserted() + w.inserted()) as i64;
    let newer_want = total_before - expected as i64 + inserted;
    db.close().await?;
    if b == Backend::Mysql {
        let db = Database::connect(&seed.url).await?;
        let how = mysql_restore(&db, &seed).await?;
        notes.push(format!("mysql: after the run, {how}"));
        db.close().await?;
    }
    let exact = left_old == 0 && removed == expected && newer == newer_want && kept_near == near_new.len() as i64;
    if !exact {
        errors.push(format!(
            "{}: not exact: removed {removed}, expected {expected} ({surely_old} + {} near the cutoff); {left_old} older rows left; {newer} newer rows, expected {newer_want} ({total_before} − {expected} + {inserted} inserted); {kept_near} of {} rows just after the cutoff kept",
            b.name(),
            near_old.len(),
            near_new.len()
        ));
    }
    if seen_total.is_some_and(|t| t != expected) {
        errors.push(format!("{}: the job's progress total {seen_total:?} is not the {expected} old rows", b.name()));
    }
    if !monotonic || last_done != removed {
        errors.push(format!("{}: progress not monotonic or not ending at {removed} (last {last_done})", b.name()));
    }
    let failed = base.failed + w.failed;
    if let Some(e) = w.first_error.as_ref().or(base.first_error.as_ref()) {
        notes.push(format!("{}: the writer's first failed insert: {e}", b.name()));
    }
    let worst = w.worst();
    let g = goal_ms(b);
    let over = w.ms.iter().filter(|ms| **ms > g).count();
    notes.push(format!(
        "{}: the slowest inserts (time from the POST): before {}; during {}",
        b.name(),
        base.slowest(3, job_at),
        w.slowest(6, job_at)
    ));
    notes.push(format!(
        "{}: during the cleanup {over} of {} inserts over {g:.0} ms, {} over 50 ms; {} of the 10 ms ticks taken ({:.0} s)",
        b.name(),
        w.inserted(),
        w.ms.iter().filter(|ms| **ms > 50.0).count(),
        w.inserted() + w.failed,
        job_s + 1.0
    ));
    let verdict = if failed > 0 {
        format!("missed ({failed} inserts failed)")
    } else if worst <= g {
        "ok".to_string()
    } else {
        format!("missed (+{:.0} ms)", worst - g)
    };
    let line = format!(
        "| {} | {total_before} | {removed} | {job_s:.1} | {:.0} | {} ({polls} polls) | {} | {failed} | {:.1} / {:.1} | {:.1} | {:.1} | ≤{g:.0} ms {verdict} | {} |",
        b.name(),
        removed as f64 / job_s,
        if monotonic { "monotonic" } else { "NOT monotonic" },
        w.inserted(),
        base.pct(0.99),
        base.worst(),
        w.pct(0.99),
        worst,
        if exact { format!("yes (0 older left, {newer} newer = {total_before} − {expected} + {inserted})") } else { "**no**".into() },
    );
    eprintln!("{line}");
    Ok(Outcome { line, errors, notes })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `cargo bench` passes --bench; a filter or --list is not meaningful here.
    if kamscope_acceptance::bench::listing_only() {
        return Ok(());
    }
    let bin = kamscope_acceptance::bench::kamscope_bin()?;
    let size = TraceSize::from_env();
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite".into());
    let mut out = String::from("# kamscope's SIP trace cleanup with Kamailio writing\n");
    let _ = writeln!(
        out,
        "\n{} sip_trace rows over {} days (as Kamailio writes them), cleanup `older_than_days` {DAYS} through the API (a job, polled every 250 ms) while a writer inserts a row every {} ms on its own connection. Insert times: p99 / worst in the 3 s before the cleanup (the machine's noise), then during it. Release build, this machine (2 cores, shared). Goals: the writer's worst insert ≤ 150 ms on SQLite, ≤ 100 ms on MariaDB/PostgreSQL.\n",
        size.rows,
        size.days,
        EVERY.as_millis()
    );
    let _ = writeln!(out, "| backend | rows before | removed | job s | rows/s | progress | inserts during | failed | before: p99 / worst ms | p99 ms | worst ms | goal | exact |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|");
    let (mut errors, mut notes) = (Vec::new(), Vec::new());
    let started = Instant::now();
    for name in backends.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let b = match name {
            "sqlite" => Backend::Sqlite,
            "mysql" | "mariadb" => Backend::Mysql,
            "postgres" | "postgresql" => Backend::Postgres,
            other => bail!("unknown backend {other:?} (sqlite, mysql, postgres)"),
        };
        let o = bench_backend(b, &bin, size).await.with_context(|| format!("cleanup bench on {name}"))?;
        let _ = writeln!(out, "{}", o.line);
        errors.extend(o.errors);
        notes.extend(o.notes);
    }
    out.push('\n');
    for n in &notes {
        let _ = writeln!(out, "- {n}");
    }
    let _ = writeln!(out, "\nWhole run: {:.0} s.", started.elapsed().as_secs_f64());
    kamscope_acceptance::bench::finish("bench-cleanup.md", &out, &errors)
}
