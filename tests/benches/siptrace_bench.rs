//! The SIP trace page at scale (issue 9): kamscope's `GET /traces` (page 1, a page at
//! depth 1M through the keyset cursor kamscope gives out, each filter), one message, a
//! call's flow and its PCAP, on sip_trace seeded as Kamailio writes it (5M rows over 45
//! days by default; tests/benches/trace_seed, shared with the cleanup bench), each next
//! to the same SQL run directly on the same run: Kamailio's stock indexes, then, when
//! `kamscope db indexes --apply` recommends any for sip_trace, with them. Prints API ms,
//! raw ms and their ratio (goal ≤ 1.2×), the deep page against page 1 (≤ 1.5×) and the
//! flow's p50 (≤ 5 ms). Fails on errors and on rows that differ, not on a goal missed.
//!
//! Run it with `scripts/bench.sh [--smoke] [sqlite|mysql|postgres]...`. Env:
//! BENCH_KAMSCOPE_BIN, BENCH_BACKENDS (sqlite), BENCH_TRACE_ROWS (5000000),
//! BENCH_TRACE_DAYS (45), BENCH_ROUNDS (5), BENCH_TRACE_RESEED=1.
mod trace_seed;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use kamscope_acceptance::bench::{base64url, unbase64url};
use kamscope_acceptance::{urlencode, Backend};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, QueryResult, Value as SqlValue};
use serde_json::{json, Value};
use trace_seed::*;

const LIMIT: usize = 50;
const DEADLINE: Duration = Duration::from_secs(60);
/// A case slower than this gets one timed run (after its warm-up).
const SLOW_MS: f64 = 3000.0;
/// kamscope's cap on a flow's messages.
const FLOW_CAP: u64 = 10_000;

// ---------------------------------------------------------------- timing

#[derive(Clone)]
enum Measure {
    Ms { ms: f64, rounds: usize },
    TimedOut,
    Failed(String),
}

impl Measure {
    fn ms(&self) -> Option<f64> {
        match self {
            Measure::Ms { ms, .. } => Some(*ms),
            _ => None,
        }
    }
    fn text(&self) -> String {
        match self {
            Measure::Ms { ms, rounds: 1 } => format!("{ms:.1} (1 run)"),
            Measure::Ms { ms, .. } if *ms < 10.0 => format!("{ms:.2}"),
            Measure::Ms { ms, .. } => format!("{ms:.1}"),
            Measure::TimedOut => format!("> {} s", DEADLINE.as_secs()),
            Measure::Failed(e) => format!("failed: {}", e.chars().take(120).collect::<String>()),
        }
    }
}

/// The median of `rounds` runs of `f` (one when slow), after one warm-up run (the page cache decides
/// the first run; every later one is what an operator clicking again sees).
async fn timed<F, Fut, T>(rounds: usize, mut f: F) -> (Measure, Option<T>)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut times = Vec::new();
    let mut last = None;
    for i in 0..=rounds {
        let t = Instant::now();
        match tokio::time::timeout(DEADLINE, f()).await {
            Err(_) => return (Measure::TimedOut, last),
            Ok(Err(e)) => return (Measure::Failed(format!("{e:#}")), last),
            Ok(Ok(v)) => last = Some(v),
        }
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if i > 0 {
            times.push(ms);
        }
        // A slow case: one timed run after the warm-up is enough.
        if ms > SLOW_MS && i > 0 {
            break;
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    (Measure::Ms { ms: times[times.len() / 2], rounds: times.len() }, last)
}

// ---------------------------------------------------------------- raw SQL

/// kamscope's SQL (crates/db/src/siptrace.rs), written out: the same columns,
/// predicates, order and limit; on SQLite the REAL and the TEXT times as two queries, on
/// MariaDB the newest rows by `time_stamp` alone, then the whole last second they reached.
struct Sql {
    b: Backend,
    db: DatabaseConnection,
}

/// A predicate with its values.
#[derive(Clone, Default)]
struct Where {
    sql: Vec<String>,
    values: Vec<SqlValue>,
}

impl Where {
    fn and(mut self, sql: &str, values: Vec<SqlValue>) -> Self {
        self.sql.push(sql.to_string());
        self.values.extend(values);
        self
    }
}

impl Sql {
    fn cols(&self) -> String {
        let at = match self.b {
            Backend::Sqlite => format!("((julianday(\"sip_trace\".\"time_stamp\") - {JULIAN_EPOCH}) * 86400.0)"),
            _ => "time_stamp".into(),
        };
        format!("id, time_us, callid, traced_user, msg, method, status, fromip, toip, fromtag, totag, direction, {at} AS ts_at")
    }

    /// Second `t` as a time_stamp of this kind compares (kamscope's `time_bound`).
    fn bound(&self, text: bool, t: DateTime<Utc>) -> SqlValue {
        if text {
            SqlValue::from(t.format("%Y-%m-%d %H:%M:%S").to_string())
        } else {
            bound_value(self.b, t)
        }
    }

    /// kamscope's page predicates for one kind of time_stamp (the kind's own split left
    /// out where a bound of its type implies it, as kamscope does).
    fn page_where(&self, text: Option<bool>, w: &Where, win: Window, after: Option<Key>) -> Where {
        let mut sql = w.sql.clone();
        let mut values = w.values.clone();
        match text {
            Some(false) if after.is_none() && win.1.is_none() => sql.insert(0, "time_stamp < ''".into()),
            Some(true) if win.0.is_none() => sql.insert(0, "time_stamp >= ''".into()),
            _ => {}
        }
        let t = text.unwrap_or(false);
        if let Some(from) = win.0 {
            sql.push("time_stamp >= ?".into());
            values.push(self.bound(t, from));
        }
        if let Some(to) = win.1 {
            sql.push("time_stamp < ?".into());
            values.push(self.bound(t, to));
        }
        if let Some(k) = after {
            let at = Utc.timestamp_opt(k.secs, 0).unwrap();
            sql.push("time_stamp < ?".into());
            values.push(self.bound(t, at + chrono::Duration::seconds(1)));
            sql.push("(time_stamp < ? OR time_us < ? OR (time_us = ? AND id < ?))".into());
            values.extend([self.bound(t, at), k.us.into(), k.us.into(), k.id.into()]);
        }
        Where { sql, values }
    }

    /// kamscope's page query for one kind of time_stamp: ordered by (time_stamp,
    /// time_us, id), or on MariaDB's first step by time_stamp alone.
    fn page_sql(&self, w: &Where, by_second: bool) -> String {
        let w = if w.sql.is_empty() { String::new() } else { format!(" WHERE {}", w.sql.join(" AND ")) };
        let order = if by_second { "time_stamp DESC" } else { "time_stamp DESC, time_us DESC, id DESC" };
        format!("SELECT {} FROM sip_trace{w} ORDER BY {order} LIMIT {}", self.cols(), LIMIT + 1)
    }

    async fn rows(&self, sql: &str, values: Vec<SqlValue>) -> anyhow::Result<Vec<QueryResult>> {
        Ok(self.db.query_all(stmt(self.db.get_database_backend(), sql, values)).await?)
    }

    fn key(&self, r: &QueryResult) -> (f64, i64, i64) {
        let at = match self.b {
            Backend::Sqlite => r.try_get::<f64>("", "ts_at").unwrap_or_default(),
            _ => r.try_get::<NaiveDateTime>("", "ts_at").map(|t| t.and_utc().timestamp() as f64).unwrap_or_default(),
        };
        (at, n(r, "time_us").unwrap_or(-1), n(r, "id").unwrap_or(-1))
    }

    /// A page's ids, newest first, as kamscope's `traces` returns them.
    async fn page(&self, w: &Where, win: Window, after: Option<Key>) -> anyhow::Result<Vec<i64>> {
        let mut keys = Vec::new();
        let kinds: &[Option<bool>] = if self.b == Backend::Sqlite { &[Some(false), Some(true)] } else { &[None] };
        for kind in kinds {
            let w = self.page_where(*kind, w, win, after);
            if self.b != Backend::Mysql {
                keys.extend(self.rows(&self.page_sql(&w, false), w.values.clone()).await?.iter().map(|r| self.key(r)));
                continue;
            }
            // kamscope's MariaDB page: the newest rows by time_stamp alone, then the
            // whole last second they reached.
            let rows = self.rows(&self.page_sql(&w, true), w.values.clone()).await?;
            let raw = |r: &QueryResult| r.try_get::<NaiveDateTime>("", "ts_at").ok();
            let Some(floor) = rows.get(LIMIT).map(raw) else {
                keys.extend(rows.iter().map(|r| self.key(r)));
                continue;
            };
            let floor = floor.context("a time_stamp that does not decode")?;
            keys.extend(rows.iter().filter(|r| raw(r) != Some(floor)).map(|r| self.key(r)));
            let w = w.and("time_stamp = ?", vec![floor.into()]);
            keys.extend(self.rows(&self.page_sql(&w, false), w.values).await?.iter().map(|r| self.key(r)));
        }
        keys.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
        Ok(keys.into_iter().take(LIMIT).map(|k| k.2).collect())
    }

    /// A call's rows oldest first (kamscope's `trace_calls`).
    async fn call(&self, call_id: &str) -> anyhow::Result<usize> {
        let sql = format!(
            "SELECT {} FROM sip_trace WHERE callid IN (?) ORDER BY time_stamp ASC, time_us ASC, id ASC LIMIT {FLOW_CAP}",
            self.cols()
        );
        Ok(self.rows(&sql, vec![call_id.into()]).await?.len())
    }

    async fn one(&self, id: i64) -> anyhow::Result<usize> {
        Ok(self.rows(&format!("SELECT {} FROM sip_trace WHERE id = ?", self.cols()), vec![id.into()]).await?.len())
    }
}

/// (from, to) of a search.
type Window = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// A row's place in the order, as kamscope's cursor carries it.
#[derive(Clone, Copy, Debug)]
struct Key {
    secs: i64,
    us: i64,
    id: i64,
}

// ---------------------------------------------------------------- the API side

#[derive(serde::Deserialize)]
struct Page {
    items: Vec<Item>,
    next_cursor: Option<String>,
    window: Value,
}

#[derive(serde::Deserialize)]
struct Item {
    id: i64,
}

async fn api_page(ks: &Kamscope, limit: usize, query: &str) -> anyhow::Result<Page> {
    Ok(serde_json::from_slice(&ks.get(&format!("/api/v1/traces?limit={limit}{query}"), DEADLINE).await?)?)
}

fn window_of(p: &Page) -> anyhow::Result<Window> {
    let t = |v: &Value| -> anyhow::Result<Option<DateTime<Utc>>> {
        Ok(match v {
            Value::Null => None,
            v => Some(serde_json::from_value::<DateTime<FixedOffset>>(v.clone())?.with_timezone(&Utc)),
        })
    };
    Ok((t(&p.window["from"])?, t(&p.window["to"])?))
}

/// The cursor kamscope would give out after the row `k`: page 1's `next_cursor` (one row
/// a page) decoded, its key replaced. Fails when page 1's cursor does not carry page 1's
/// last row's key in a form this bench knows (then kamscope's cursor changed shape).
fn deep_cursor(first: &str, first_key: Key, k: Key) -> anyhow::Result<String> {
    let mut c: Value = serde_json::from_slice(&unbase64url(first))?;
    let have = (c["secs"].as_i64(), c["us"].as_i64(), c["id"].as_i64());
    if have != (Some(first_key.secs), Some(first_key.us), Some(first_key.id)) {
        bail!("page 1's cursor {c} does not carry the newest row's key {first_key:?} as secs/us/id");
    }
    c["secs"] = json!(k.secs);
    c["us"] = json!(k.us);
    c["id"] = json!(k.id);
    Ok(base64url(c.to_string().as_bytes()))
}

// ---------------------------------------------------------------- the cases

/// What the cases filter on, picked from the data.
struct Picks {
    call_id: String,
    call_rows: i64,
    msg_id: i64,
    ua_ip: String,
    gw: String,
    newest: Key,
    deep: Key,
    depth: usize,
    day: (DateTime<Utc>, DateTime<Utc>),
}

async fn key_at(sql: &Sql, offset: usize) -> anyhow::Result<Key> {
    let r = sql
        .rows(
            &format!(
                "SELECT {} FROM sip_trace ORDER BY time_stamp DESC, time_us DESC, id DESC LIMIT 1 OFFSET {offset}",
                sql.cols()
            ),
            vec![],
        )
        .await?;
    let r = r.first().context("no row at that depth")?;
    let (at, us, id) = sql.key(r);
    let secs = if sql.b == Backend::Sqlite { (at + 0.501).floor() as i64 } else { at as i64 };
    Ok(Key { secs, us, id })
}

async fn picks(sql: &Sql, s: &Seeded) -> anyhow::Result<Picks> {
    // An answered call about a third of the way in: its INVITE and its caller.
    let r = sql
        .rows(
            "SELECT id, callid, fromip FROM sip_trace WHERE id >= ? AND method = 'INVITE' AND status = '' AND fromip LIKE 'udp:198.51.100.%:5060' AND direction = 'in' ORDER BY id LIMIT 1",
            vec![(s.rows as i64 / 3).into()],
        )
        .await?;
    let r = r.first().context("no UDP INVITE from port 5060 found")?;
    let call_id: String = r.try_get("", "callid")?;
    let fromip: String = r.try_get("", "fromip")?;
    let ua_ip = fromip.trim_start_matches("udp:").trim_end_matches(":5060").to_string();
    let call_rows =
        count(&sql.db, "SELECT COUNT(*) AS n FROM sip_trace WHERE callid = ?", vec![call_id.clone().into()]).await?;
    let depth = (s.rows / 5).min(1_000_000);
    // The reporting day 10 days before the data's end: inside the last 30 days.
    let day_from = Utc.timestamp_opt((s.end.timestamp() / 86400 - 10) * 86400, 0).unwrap();
    Ok(Picks {
        call_id,
        call_rows,
        msg_id: n(r, "id").context("id")?,
        ua_ip,
        gw: "udp:203.0.113.3:5060".into(),
        newest: key_at(sql, 0).await?,
        deep: key_at(sql, depth).await?,
        depth,
        day: (day_from, day_from + chrono::Duration::days(1)),
    })
}

struct Row {
    case: String,
    rows: String,
    api: Measure,
    raw: Measure,
    goal: String,
    mismatch: Option<String>,
}

fn ratio(a: &Measure, b: &Measure) -> Option<f64> {
    match (a.ms(), b.ms()) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

async fn phase(bin: &Path, s: &Seeded, rounds: usize, indexed: bool, out: &mut String) -> anyhow::Result<Vec<String>> {
    let sql = Sql { b: s.backend, db: Database::connect(&s.url).await? };
    let p = picks(&sql, s).await?;
    let ks = start_kamscope(bin, &s.url).await?;
    let rfc = |d: DateTime<Utc>| urlencode(&d.to_rfc3339_opts(SecondsFormat::Secs, true));
    let day = format!("&from={}&to={}", rfc(p.day.0), rfc(p.day.1));
    let first = api_page(&ks, 1, "").await?;
    let cursor = deep_cursor(first.next_cursor.as_deref().context("page 1 has no next_cursor")?, p.newest, p.deep)?;
    let w = Where::default;
    let ip = |c: &str, filter: &str| -> anyhow::Result<Where> {
        let f = kamscope_trace_format::parse_filter(filter).map_err(|e| anyhow::anyhow!(e))?;
        if f.port.is_some() {
            let forms = f.stored_forms();
            let marks = vec!["?"; forms.len()].join(", ");
            Ok(w().and(&format!("{c} IN ({marks})"), forms.into_iter().map(SqlValue::from).collect()))
        } else {
            let with_port = kamscope_trace_format::AddrFilter { port: Some(1), ..f };
            let prefixes: Vec<String> =
                with_port.stored_forms().into_iter().filter_map(|s| s.strip_suffix('1').map(String::from)).collect();
            let any: Vec<String> = prefixes.iter().map(|_| format!("({c} LIKE ? AND {c} NOT LIKE ?)")).collect();
            let values = prefixes
                .iter()
                .flat_map(|p| [SqlValue::from(format!("{p}%")), SqlValue::from(format!("{p}%:%"))])
                .collect();
            Ok(w().and(&format!("({})", any.join(" OR ")), values))
        }
    };
    let (ua, ua_port) = (p.ua_ip.clone(), format!("{}:5060", p.ua_ip));
    type Case = (String, String, Where, Option<Key>);
    let cases: Vec<Case> = vec![
        ("page 1".into(), String::new(), w(), None),
        (format!("deep page (cursor at row {})", p.depth), format!("&cursor={cursor}"), w(), Some(p.deep)),
        (
            "call_id=…".into(),
            format!("&call_id={}", urlencode(&p.call_id)),
            w().and("callid = ?", vec![p.call_id.clone().into()]),
            None,
        ),
        (
            "traced_user=1001 (none set)".into(),
            "&traced_user=1001".into(),
            w().and("traced_user = ?", vec!["1001".into()]),
            None,
        ),
        (
            format!("from_ip=udp:{ua_port} + 1 day"),
            format!("&from_ip={}{day}", urlencode(&format!("udp:{ua_port}"))),
            ip("fromip", &format!("udp:{ua_port}"))?,
            None,
        ),
        (
            format!("from_ip={ua_port} (any proto) + 1 day"),
            format!("&from_ip={}{day}", urlencode(&ua_port)),
            ip("fromip", &ua_port)?,
            None,
        ),
        (
            format!("from_ip={ua} (any port) + 1 day"),
            format!("&from_ip={}{day}", urlencode(&ua)),
            ip("fromip", &ua)?,
            None,
        ),
        (format!("to_ip={} + 1 day", p.gw), format!("&to_ip={}{day}", urlencode(&p.gw)), ip("toip", &p.gw)?, None),
        ("method=BYE + 1 day".into(), format!("&method=BYE{day}"), w().and("method = ?", vec!["BYE".into()]), None),
        ("status=486 + 1 day".into(), format!("&status=486{day}"), w().and("status = ?", vec!["486".into()]), None),
        (
            "direction=out + 1 day".into(),
            format!("&direction=out{day}"),
            w().and("direction = ?", vec!["out".into()]),
            None,
        ),
        ("from/to 1 day only".into(), day.clone(), w(), None),
        ("method=BYE, default window".into(), "&method=BYE".into(), w().and("method = ?", vec!["BYE".into()]), None),
    ];
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut page1 = None;
    for (case, query, wh, after) in cases {
        eprintln!("[siptrace-bench {}] {case}", s.backend.name());
        // The window the API used (stated in its reply) is the SQL's too.
        let (api, page) = timed(rounds, || api_page(&ks, LIMIT, &query)).await;
        let win = match &page {
            Some(pg) => window_of(pg)?,
            None => (None, None),
        };
        let (raw, raw_ids) = timed(rounds, || sql.page(&wh, win, after)).await;
        let api_ids: Option<Vec<i64>> = page.as_ref().map(|pg| pg.items.iter().map(|i| i.id).collect());
        let mismatch = match (&api_ids, &raw_ids) {
            (Some(a), Some(r)) if a != r => Some(format!(
                "API ids {:?}… ({}) vs SQL {:?}… ({})",
                &a[..a.len().min(3)],
                a.len(),
                &r[..r.len().min(3)],
                r.len()
            )),
            _ => None,
        };
        if let Some(m) = &mismatch {
            errors.push(format!("{} {case}: {m}", s.backend.name()));
        }
        for (who, m) in [("kamscope", &api), ("raw SQL", &raw)] {
            if let Measure::Failed(e) = m {
                errors.push(format!("{} {case}: {who}: {e}", s.backend.name()));
            }
        }
        let mut goal = match ratio(&api, &raw) {
            Some(x) if x <= 1.2 => "≤1.2× ok".to_string(),
            Some(x) => format!("≤1.2× missed ({x:.1}×)"),
            None => String::new(),
        };
        if after.is_some() {
            if let (Some(d), Some(p1)) = (api.ms(), page1) {
                let x = d / p1;
                goal += &format!("; vs page 1 {x:.2}× (≤1.5× {})", if x <= 1.5 { "ok" } else { "missed" });
            }
        }
        if case == "page 1" {
            page1 = api.ms();
        }
        let win_text = page.as_ref().map(|pg| {
            if pg.window["defaulted"] == true {
                " (window defaulted: last hour)".to_string()
            } else {
                String::new()
            }
        });
        rows.push(Row {
            case: format!("{case}{}", win_text.unwrap_or_default()),
            rows: api_ids.or(raw_ids).map(|v| v.len().to_string()).unwrap_or_default(),
            api,
            raw,
            goal,
            mismatch,
        });
    }

    // One message, a call's flow, its PCAP.
    let id = p.msg_id;
    let one_path = format!("/api/v1/traces/{id}");
    let (api, _) = timed(rounds, || ks.get(&one_path, DEADLINE)).await;
    let (raw, _) = timed(rounds, || sql.one(id)).await;
    rows.push(Row { case: "/traces/{id}".into(), rows: "1".into(), api, raw, goal: String::new(), mismatch: None });
    let flow_path = format!("/api/v1/traces/calls/{}", urlencode(&p.call_id));
    let flow_rounds = rounds.max(20);
    let (api, flow) =
        timed(flow_rounds, || async { Ok(serde_json::from_slice::<Value>(&ks.get(&flow_path, DEADLINE).await?)?) })
            .await;
    let (raw, raw_n) = timed(flow_rounds, || sql.call(&p.call_id)).await;
    let shown = flow.as_ref().and_then(|f| f["messages"].as_array().map(|m| m.len()));
    let stored: usize = flow
        .as_ref()
        .and_then(|f| f["messages"].as_array())
        .map(|m| m.iter().map(|x| 1 + x["also_ids"].as_array().map_or(0, |a| a.len())).sum())
        .unwrap_or(0);
    if flow.is_some() && stored as i64 != p.call_rows {
        errors.push(format!(
            "{}: the flow holds {stored} rows, the table {} for that Call-ID",
            s.backend.name(),
            p.call_rows
        ));
    }
    let _ = raw_n;
    let goal = match api.ms() {
        Some(ms) if ms <= 5.0 => "p50 ≤5 ms ok".into(),
        Some(ms) => format!("p50 ≤5 ms missed (+{:.1} ms)", ms - 5.0),
        None => "p50 ≤5 ms missed".into(),
    };
    rows.push(Row {
        case: format!("/traces/calls/{{call_id}} (p50 of {flow_rounds})"),
        rows: shown.map(|n| format!("{n} messages")).unwrap_or_default(),
        api,
        raw,
        goal,
        mismatch: None,
    });
    let pcap_path = format!("{flow_path}/pcap");
    let (api, pcap) = timed(rounds, || ks.get(&pcap_path, DEADLINE)).await;
    let magic_ok = pcap
        .as_ref()
        .is_some_and(|b| b.len() > 24 && (b[..4] == [0xd4, 0xc3, 0xb2, 0xa1] || b[..4] == [0xa1, 0xb2, 0xc3, 0xd4]));
    if pcap.is_some() && !magic_ok {
        errors.push(format!("{}: the PCAP does not start with the pcap magic", s.backend.name()));
    }
    rows.push(Row {
        case: "/traces/calls/{call_id}/pcap".into(),
        rows: pcap.as_ref().map(|b| format!("{} bytes", b.len())).unwrap_or_default(),
        api,
        raw: Measure::Failed("n/a".into()),
        goal: String::new(),
        mismatch: None,
    });
    drop(ks);
    sql.db.close().await?;

    let _ = writeln!(
        out,
        "\n### {} — {} (median of {rounds} runs after a warm-up)\n",
        s.backend.name(),
        if indexed {
            "with kamscope's recommended indexes"
        } else {
            "Kamailio's stock indexes (traced_user, time_stamp, fromip, callid)"
        }
    );
    let _ = writeln!(out, "| case | rows | kamscope ms | raw SQL ms | kamscope/raw | goal |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---|");
    for r in &rows {
        let raw = if matches!(&r.raw, Measure::Failed(e) if e == "n/a") { "—".into() } else { r.raw.text() };
        let mut api = r.api.text();
        if let Some(m) = &r.mismatch {
            api += &format!(" **rows differ: {m}**");
        }
        let _ = writeln!(
            out,
            "| {} | {} | {api} | {raw} | {} | {} |",
            r.case,
            r.rows,
            ratio(&r.api, &r.raw).map(|x| format!("{x:.2}")).unwrap_or("n/a".into()),
            r.goal
        );
    }
    Ok(errors)
}

async fn bench_backend(
    b: Backend,
    bin: &Path,
    size: TraceSize,
    rounds: usize,
    out: &mut String,
) -> anyhow::Result<Vec<String>> {
    eprintln!("[siptrace-bench {}] seeding {} sip_trace rows over {} days", b.name(), size.rows, size.days);
    let t = Instant::now();
    let s = seeded(b, size).await?;
    let _ = writeln!(out, "\n## {} — {} sip_trace rows over {} days\n", b.name(), s.rows, size.days);
    let _ = writeln!(out, "Data: {}; ready in {:.0} s.", s.how, t.elapsed().as_secs_f64());
    let mut errors = phase(bin, &s, rounds, false, out).await?;
    eprintln!("[siptrace-bench {}] kamscope db indexes --apply", b.name());
    let t = Instant::now();
    let mut cmd = Command::new(bin);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("KAMSCOPE_")) {
        cmd.env_remove(k);
    }
    let text = run(
        cmd.args(["db", "indexes", "--apply"])
            .env("KAMSCOPE_DATABASE_URL", &s.url)
            .env("KAMSCOPE_TIMEZONE", KAMAILIO_TZ.name())
            .env("KAMSCOPE_REPORT_TIMEZONE", "Asia/Shanghai"),
        "kamscope db indexes --apply",
    )?;
    let created: Vec<&str> =
        text.lines().map(str::trim).filter(|l| l.starts_with("created") && l.contains("sip_trace")).collect();
    if created.is_empty() {
        let _ = writeln!(out, "\n`kamscope db indexes` recommends no index on sip_trace: no second phase.");
    } else {
        let _ = writeln!(
            out,
            "\n`kamscope db indexes --apply`: {:.1} s ({}).",
            t.elapsed().as_secs_f64(),
            created.join("; ")
        );
        errors.extend(phase(bin, &s, rounds, true, out).await?);
        // Back to the stock indexes: the cleanup bench measures what a stock Kamailio has.
        let db = Database::connect(&s.url).await?;
        drop_extra_indexes(b, &db).await?;
        db.close().await?;
    }
    Ok(errors)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `cargo bench` passes --bench; a filter or --list is not meaningful here.
    if kamscope_acceptance::bench::listing_only() {
        return Ok(());
    }
    let bin = kamscope_acceptance::bench::kamscope_bin()?;
    let size = TraceSize::from_env();
    let rounds = env_num("BENCH_ROUNDS", 5).max(1);
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite".into());
    let mut out = String::from("# kamscope's SIP trace vs the same SQL run directly\n");
    let _ = writeln!(
        out,
        "\nPages of {LIMIT}; release build, this machine (2 cores, shared). Goals: kamscope/raw ≤ 1.2×; the deep page ≤ 1.5× page 1; a call's flow p50 ≤ 5 ms. Unindexed filters carry a one-day window (kamscope requires one); the SQL uses the window kamscope's reply states."
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
        errors.extend(
            bench_backend(b, &bin, size, rounds, &mut out)
                .await
                .with_context(|| format!("siptrace bench on {name}"))?,
        );
        let _ = writeln!(out, "\n{name}: {:.0} s for this backend.", t.elapsed().as_secs_f64());
    }
    let _ = writeln!(out, "\nWhole run: {:.0} s.", started.elapsed().as_secs_f64());
    kamscope_acceptance::bench::finish("bench-siptrace.md", &out, &errors)
}
