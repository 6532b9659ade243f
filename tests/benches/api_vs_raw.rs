//! kamscope against the raw sources it wraps, on the same run, same Kamailio, same data:
//! each list or dashboard read through kamscope's API next to the plain SQL query or
//! plain JSON-RPC call an operator could make instead. Prints times, the ratio
//! kamscope/raw and kamscope's memory (RSS of the release binary).
//!
//! Run it with `scripts/bench.sh [sqlite|mysql|postgres]...` (it builds the release
//! binary and starts the databases). Env: BENCH_KAMSCOPE_BIN (the kamscope binary),
//! BENCH_BACKENDS (sqlite), BENCH_USERS (5000),
//! BENCH_CALLS (500), BENCH_ROUNDS (5).
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use kamscope_acceptance::bench::{env_num, BenchKamscope};
use kamscope_acceptance::*;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, Value as SqlValue};
use serde_json::{json, Value};

/// kamscope's release binary as its own process, so its memory is its own, and the
/// harness's client for it.
struct Kamscope {
    process: BenchKamscope,
    app: TestApp,
}

impl Kamscope {
    async fn start(bin: &std::path::Path, k: &Kamailio) -> anyhow::Result<Self> {
        let port = free_port();
        let rpc = k.rpc_url();
        let env = [
            ("KAMSCOPE_DATABASE_URL", k.db_url.as_str()),
            ("KAMSCOPE_KAMAILIO_RPC_URL", rpc.as_str()),
            ("KAMSCOPE_TIMEZONE", LAB_TZ),
            // Every dashboard request makes its own round: the cost of one round is measured.
            ("KAMSCOPE_CACHE_TTL_MS", "0"),
            ("KAMSCOPE_RPC_TIMEOUT_MS", "30000"),
        ];
        let process = BenchKamscope::start(bin, port..port + 1, &env, true).await?;
        let app = TestApp { address: process.address.clone(), client: process.client.clone() };
        Ok(Kamscope { process, app })
    }

    /// (VmRSS, VmHWM) in MiB, from /proc.
    fn memory(&self) -> (f64, f64) {
        self.process.memory()
    }
}

/// The median of `rounds` runs of `f`, in milliseconds; `f` returns how many items it read.
async fn median_ms<F, Fut>(rounds: usize, mut f: F) -> anyhow::Result<(f64, usize)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>>,
{
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        n = f().await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    Ok((times[times.len() / 2], n))
}

#[derive(serde::Deserialize)]
struct Page {
    items: Vec<serde::de::IgnoredAny>,
    next_cursor: Option<String>,
}

/// Every page of a kamscope list; returns the number of items.
async fn api_pages(app: &TestApp, path: &str) -> anyhow::Result<usize> {
    let mut cursor: Option<String> = None;
    let mut n = 0;
    loop {
        let url = match &cursor {
            Some(c) => format!("{}{path}&cursor={}", app.address, urlencode(c)),
            None => format!("{}{path}", app.address),
        };
        let r = app.client.get(&url).send().await?;
        if !r.status().is_success() {
            bail!("GET {url}: {} {}", r.status(), r.text().await.unwrap_or_default());
        }
        // Parsed as a client must (to find next_cursor), items skipped without building
        // them: the time is kamscope's, not serde_json::Value's.
        let page: Page = serde_json::from_slice(&r.bytes().await?)?;
        n += page.items.len();
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(n),
        }
    }
}

async fn api_get(app: &TestApp, path: &str) -> anyhow::Result<Value> {
    let r = app.client.get(format!("{}{path}", app.address)).send().await?;
    if !r.status().is_success() {
        bail!("GET {path}: {}", r.status());
    }
    Ok(r.json().await?)
}

/// The same keyset pages as kamscope's DB lists, as plain SQL: every column, 1,000 rows
/// a page, ordered by `key` then id (or id alone), with kamscope's expanded predicate.
async fn sql_pages(db: &DatabaseConnection, table: &str, key: Option<&str>) -> anyhow::Result<usize> {
    let b = db.get_database_backend();
    let p = |i: usize| {
        if b == DbBackend::Postgres {
            format!("${i}")
        } else {
            "?".to_string()
        }
    };
    let order = match key {
        Some(k) => format!("{k}, id"),
        None => "id".into(),
    };
    let mut last: Option<(Option<String>, i64)> = None;
    let mut n = 0;
    loop {
        let stmt = match (&last, key) {
            (None, _) => Statement::from_string(b, format!("SELECT * FROM {table} ORDER BY {order} LIMIT 1000")),
            (Some((Some(kv), id)), Some(k)) => Statement::from_sql_and_values(
                b,
                format!(
                    "SELECT * FROM {table} WHERE {k} >= {} AND ({k} > {} OR id > {}) ORDER BY {order} LIMIT 1000",
                    p(1),
                    p(2),
                    p(3)
                ),
                [SqlValue::from(kv.clone()), SqlValue::from(kv.clone()), SqlValue::from(*id)],
            ),
            (Some((_, id)), _) => Statement::from_sql_and_values(
                b,
                format!("SELECT * FROM {table} WHERE id > {} ORDER BY id LIMIT 1000", p(1)),
                [SqlValue::from(*id)],
            ),
        };
        let rows = db.query_all(stmt).await?;
        n += rows.len();
        match rows.last() {
            Some(r) if rows.len() == 1000 => {
                // INT UNSIGNED on MySQL, INTEGER on SQLite/PostgreSQL.
                let id: i64 = r
                    .try_get::<i64>("", "id")
                    .or_else(|_| r.try_get::<u32>("", "id").map(i64::from))
                    .or_else(|_| r.try_get::<i32>("", "id").map(i64::from))?;
                let kv = match key {
                    Some(k) => Some(r.try_get::<String>("", k)?),
                    None => None,
                };
                last = Some((kv, id));
            }
            _ => return Ok(n),
        }
    }
}

/// One raw JSON-RPC call, the reply parsed; returns the reply and its size in bytes.
async fn rpc_raw(client: &reqwest::Client, url: &str, method: &str, params: Value) -> anyhow::Result<(Value, usize)> {
    let body = json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 1});
    let bytes = client.post(url).json(&body).timeout(Duration::from_secs(60)).send().await?.bytes().await?;
    let v: Value =
        serde_json::from_slice(&bytes).with_context(|| format!("{method}: {} bytes, not JSON", bytes.len()))?;
    if v.get("error").is_some() {
        bail!("{method}: {}", v["error"]);
    }
    Ok((v, bytes.len()))
}

/// The median time of one raw RPC call and how many items `count` finds in its reply;
/// also the reply's size in bytes.
async fn rpc_median(
    rounds: usize,
    client: &reqwest::Client,
    url: &str,
    method: &str,
    count: fn(&Value) -> usize,
) -> (Result<(f64, usize), String>, usize) {
    let bytes = std::cell::Cell::new(0);
    let r = median_ms(rounds, || async {
        let (v, size) = rpc_raw(client, url, method, json!([])).await?;
        bytes.set(size);
        Ok(count(&v))
    })
    .await;
    (r.map_err(|e| e.to_string()), bytes.get())
}

struct Row {
    case: String,
    n: usize,
    api_ms: f64,
    raw: Result<(f64, usize), String>,
    raw_what: String,
}

async fn bench_backend(backend: Backend, bin: &std::path::Path, out: &mut String) -> anyhow::Result<()> {
    let (users, calls, rounds) =
        (env_num("BENCH_USERS", 5000), env_num("BENCH_CALLS", 500), env_num("BENCH_ROUNDS", 5));
    eprintln!("[bench {}] Kamailio + {users} SIPp registrations + {calls} long calls", backend.name());
    let k = Kamailio::start(backend, false).await?;
    k.register(users, "bu", 5999, None).await?;
    let sip = k.sip_port.to_string();
    let uas_port = free_port();
    let _uas = lab_spawn("sipp.sh", &["uas", &sip, "answer", &uas_port.to_string(), "bob"], &[]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    k.register_one("bob", uas_port, None).await?;
    let _uac = lab_spawn(
        "sipp.sh",
        &["longcall", &sip, &calls.to_string(), "900", "alice", "bob"],
        &[("LAB_UAS", "0"), ("LAB_CALL_RATE", "50")],
    );
    let t = Instant::now();
    loop {
        let v = k.rpc("dlg.stats_active", json!([])).await?;
        if v["result"]["ongoing"].as_u64() == Some(calls as u64) {
            break;
        }
        if t.elapsed() > Duration::from_secs(120) {
            bail!("{calls} calls not up after 120 s: {v}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let ks = Kamscope::start(bin, &k).await?;
    let idle = ks.memory();
    let db = Database::connect(&k.db_url).await?;
    let client = reqwest::Client::new();
    let url = k.rpc_url();
    let app = &ks.app;
    let mut rows = Vec::new();

    let (api_ms, n) = median_ms(rounds, || api_pages(app, "/api/v1/registrations?source=db&limit=1000")).await?;
    let raw = median_ms(rounds, || sql_pages(&db, "location", Some("username"))).await.map_err(|e| e.to_string());
    rows.push(Row {
        case: "registrations, db, pages of 1000".into(),
        n,
        api_ms,
        raw,
        raw_what: "SELECT * FROM location, same keyset pages".into(),
    });

    let (api_ms, n) = median_ms(rounds, || api_pages(app, "/api/v1/registrations?source=memory&limit=1000")).await?;
    let (raw, dump_bytes) = rpc_median(rounds, &client, &url, "ul.dump", |v| {
        // One item per contact, as kamscope lists them.
        let aors = v["result"]["Domains"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|d| d["Domain"]["AoRs"].as_array().into_iter().flatten());
        aors.map(|a| a["Info"]["Contacts"].as_array().map(Vec::len).unwrap_or(0)).sum()
    })
    .await;
    rows.push(Row {
        case: "registrations, memory, pages of 1000".into(),
        n,
        api_ms,
        raw,
        raw_what: "one full ul.dump".into(),
    });

    let (api_ms, n) = median_ms(rounds, || api_pages(app, "/api/v1/dialogs?source=memory&limit=1000")).await?;
    let (raw, list_bytes) =
        rpc_median(rounds, &client, &url, "dlg.list", |v| v["result"].as_array().map(Vec::len).unwrap_or(0)).await;
    rows.push(Row { case: "dialogs, memory, page of 1000".into(), n, api_ms, raw, raw_what: "one dlg.list".into() });

    let (api_ms, n) = median_ms(rounds, || api_pages(app, "/api/v1/dialogs?source=db&limit=1000")).await?;
    let raw = median_ms(rounds, || sql_pages(&db, "dialog", None)).await.map_err(|e| e.to_string());
    rows.push(Row {
        case: "dialogs, db, pages of 1000".into(),
        n,
        api_ms,
        raw,
        raw_what: "SELECT * FROM dialog, same keyset pages (by id)".into(),
    });

    let (api_ms, _) = median_ms(rounds, || async {
        let d = api_get(app, "/api/v1/dashboard").await?;
        if d["nodes"][0]["status"] != "ok" {
            bail!("dashboard node not ok: {d}");
        }
        Ok(1)
    })
    .await?;
    let raw = median_ms(rounds, || {
        let (client, url) = (&client, &url);
        async move {
            let (a, b, c, d) = tokio::join!(
                rpc_raw(client, url, "core.version", json!([])),
                rpc_raw(client, url, "core.uptime", json!([])),
                rpc_raw(client, url, "core.psx", json!([])),
                rpc_raw(client, url, "stats.fetchn", json!(["usrloc:", "dialog:", "core:", "tmx:"])),
            );
            for r in [a, b, c, d] {
                r?;
            }
            Ok(1)
        }
    })
    .await
    .map_err(|e| e.to_string());
    rows.push(Row {
        case: "dashboard, one uncached round".into(),
        n: 1,
        api_ms,
        raw,
        raw_what: "the 4 RPC calls at once (kamscope also counts today's calls in SQL)".into(),
    });

    // Many viewers: the dashboard as served (shared rounds within the default 2 s TTL is
    // not in force here, TTL 0), 50 at once.
    let t = Instant::now();
    let all = futures::future::join_all((0..50).map(|_| api_get(app, "/api/v1/dashboard"))).await;
    let burst_ms = t.elapsed().as_secs_f64() * 1000.0;
    let burst_ok = all.iter().filter(|r| r.is_ok()).count();

    let peak = ks.memory();
    let _ = writeln!(
        out,
        "\n## {} — {users} registrations, {calls} active calls, median of {rounds} runs (release build)\n",
        backend.name()
    );
    let _ = writeln!(out, "| case | items | kamscope ms | raw ms | kamscope/raw | raw reference |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---|");
    for r in &rows {
        let (raw_ms, ratio) = match &r.raw {
            Ok((ms, raw_n)) if *raw_n == r.n || r.n == 1 => (format!("{ms:.1}"), format!("{:.2}", r.api_ms / ms)),
            Ok((ms, raw_n)) => (format!("{ms:.1} ({raw_n} items!)"), "n/a".into()),
            Err(e) => (format!("failed: {}", e.chars().take(80).collect::<String>()), "n/a".into()),
        };
        let _ = writeln!(out, "| {} | {} | {:.1} | {raw_ms} | {ratio} | {} |", r.case, r.n, r.api_ms, r.raw_what);
    }
    let _ = writeln!(
        out,
        "\nraw reply sizes: ul.dump {:.1} MB, dlg.list {:.1} MB",
        dump_bytes as f64 / 1e6,
        list_bytes as f64 / 1e6
    );
    let _ = writeln!(out, "50 concurrent dashboard requests (no sharing): {burst_ok}/50 ok in {burst_ms:.0} ms");
    let _ = writeln!(
        out,
        "kamscope memory: RSS {:.1} MiB idle after start, RSS {:.1} MiB / peak {:.1} MiB after the runs",
        idle.0, peak.0, peak.1
    );
    for r in &rows {
        if r.n == 0 {
            bail!("{}: kamscope listed nothing", r.case);
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `cargo bench` passes --bench; a filter or --list is not meaningful here.
    if kamscope_acceptance::bench::listing_only() {
        return Ok(());
    }
    let bin = kamscope_acceptance::bench::kamscope_bin()?;
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite".into());
    let mut out = String::from("# kamscope vs raw SQL / raw JSON-RPC\n");
    for name in backends.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let backend = match name {
            "sqlite" => Backend::Sqlite,
            "mysql" | "mariadb" => Backend::Mysql,
            "postgres" | "postgresql" => Backend::Postgres,
            other => bail!("unknown backend {other:?} (sqlite, mysql, postgres)"),
        };
        bench_backend(backend, &bin, &mut out).await.with_context(|| format!("bench on {name}"))?;
    }
    kamscope_acceptance::bench::finish("bench.md", &out, &[])
}
