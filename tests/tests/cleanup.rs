//! Cleanups (SIP trace 30 days, topology hiding 7 days) and the topos lists: real
//! Kamailio, SIPp traffic that keeps inserting while rows go, on SQLite, MariaDB and
//! PostgreSQL. Back-dated rows are copies of Kamailio's own rows with the time as this
//! backend's Kamailio writes it (and, on SQLite, also as TEXT); every count is checked
//! in the table itself.
use std::time::Duration;

use chrono::Utc;
use kamscope_acceptance::*;
use serde_json::{json, Value};

const SIP_TRACE: &[&str] = &[
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
const TOPOS_D: &[&str] = &[
    "rectime",
    "x_context",
    "s_method",
    "s_cseq",
    "a_callid",
    "a_uuid",
    "b_uuid",
    "a_contact",
    "b_contact",
    "as_contact",
    "bs_contact",
    "a_tag",
    "b_tag",
    "a_rr",
    "b_rr",
    "s_rr",
    "iflags",
    "a_uri",
    "b_uri",
    "r_uri",
    "a_srcaddr",
    "b_srcaddr",
    "a_socket",
    "b_socket",
];
const TOPOS_T: &[&str] = &[
    "rectime",
    "x_context",
    "s_method",
    "s_cseq",
    "a_callid",
    "a_uuid",
    "b_uuid",
    "direction",
    "x_via",
    "x_vbranch",
    "x_rr",
    "y_rr",
    "s_rr",
    "x_uri",
    "a_contact",
    "b_contact",
    "as_contact",
    "bs_contact",
    "x_tag",
    "a_tag",
    "b_tag",
    "a_srcaddr",
    "b_srcaddr",
    "a_socket",
    "b_socket",
];

async fn count(k: &Kamailio, sql: &str) -> u64 {
    k.sql(sql).await.unwrap()[0][0].clone().unwrap_or_default().parse().unwrap()
}

fn prefixed(k: &Kamailio, prefix: &str) -> String {
    match k.backend {
        Backend::Sqlite => format!("'{prefix}' || id"),
        _ => format!("CONCAT('{prefix}', id)"),
    }
}

/// Copies `table`'s real rows (`callid_col` not starting with `old-`/`keep-`) with the time
/// `time` (an SQL literal) and Call-IDs `<prefix><id>`, then doubles the copies until
/// there are at least `at_least`. Returns how many copies there are.
async fn copies(
    k: &Kamailio,
    table: &str,
    cols: &[&str],
    callid_col: &str,
    time: &str,
    prefix: &str,
    at_least: u64,
) -> u64 {
    let list = cols.join(", ");
    let select: Vec<String> = cols
        .iter()
        .map(|c| match *c {
            c if c == cols[0] => time.to_string(),
            c if c == callid_col => prefixed(k, prefix),
            c => c.to_string(),
        })
        .collect();
    let real = format!("{callid_col} NOT LIKE 'old-%' AND {callid_col} NOT LIKE 'keep-%'");
    k.sql_exec(&format!("INSERT INTO {table} ({list}) SELECT {} FROM {table} WHERE {real}", select.join(", ")))
        .await
        .unwrap();
    let mine = format!("{callid_col} LIKE '{prefix}%'");
    loop {
        let n = count(k, &format!("SELECT COUNT(*) FROM {table} WHERE {mine}")).await;
        if n >= at_least {
            return n;
        }
        k.sql_exec(&format!("INSERT INTO {table} ({list}) SELECT {list} FROM {table} WHERE {mine}")).await.unwrap();
    }
}

async fn post_json(app: &TestApp, path: &str, body: Value) -> Reply {
    let resp = app.client.post(format!("{}{path}", app.address)).json(&body).send().await.unwrap();
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    let content_type = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let mut body: Value = resp.json().await.unwrap_or(Value::Null);
    if let Some(l) = location {
        body["__location"] = json!(l);
    }
    Reply { status, content_type, body }
}

/// Polls the job until it ends; progress must never go back.
async fn follow(app: &TestApp, location: &str) -> Value {
    let mut last = 0;
    for _ in 0..600 {
        let j = app.get(location).await.body;
        let done = j["progress"]["done"].as_u64().unwrap();
        assert!(done >= last, "progress went back from {last} to {done}: {j}");
        last = done;
        if j["state"] != "running" {
            return j;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the job did not end in 12 s");
}

async fn cleanup_end_to_end(backend: Backend) {
    // topos' own cleaner would remove back-dated rows within a minute: slowed, so the
    // test decides what goes.
    let k = Kamailio::start_with(backend, Options { topos_clean_interval: 3600, ..Options::default() }).await.unwrap();
    let app = spawn_app(settings_for(&k)).await.unwrap();
    k.sipp("calls", &["3"], &[("LAB_CALL_HOLD_MS", "300")]).await.unwrap();
    for t in ["sip_trace", "topos_d", "topos_t"] {
        assert!(count(&k, &format!("SELECT COUNT(*) FROM {t}")).await > 0, "the calls wrote no {t} rows");
    }
    let now = Utc::now();
    let old_trace = k.time_literal(now - chrono::Duration::days(40));
    let old = copies(&k, "sip_trace", SIP_TRACE, "callid", &old_trace, "old-", 60_000).await;
    let keep =
        copies(&k, "sip_trace", SIP_TRACE, "callid", &k.time_literal(now - chrono::Duration::days(29)), "keep-", 1)
            .await;
    let mut old = old;
    if backend == Backend::Sqlite {
        // Rows other tools write as TEXT: one old, one recent (a plain REAL comparison
        // would take the recent one for older than any cutoff).
        let text = |t: chrono::DateTime<Utc>| t.format("'%Y-%m-%d %H:%M:%S'").to_string();
        let cols = SIP_TRACE.join(", ");
        for (t, id) in
            [(text(now - chrono::Duration::days(45)), "old-text"), (text(now - chrono::Duration::days(1)), "keep-text")]
        {
            k.sql_exec(&format!(
                "INSERT INTO sip_trace ({cols}) SELECT {t}, time_us, '{id}', traced_user, msg, method, status, fromip, toip, fromtag, totag, direction FROM sip_trace LIMIT 1"
            ))
            .await
            .unwrap();
        }
        old += 1;
    }
    let keep_all = count(&k, "SELECT COUNT(*) FROM sip_trace WHERE callid LIKE 'keep-%'").await;
    assert!(keep >= 1 && keep_all >= keep);

    // Bad input: 400 naming the field, and nothing starts.
    for (body, field) in [
        (json!({"older_than_days": 0}), "older_than_days"),
        (json!({"older_than_days": -5}), "older_than_days"),
        (json!({"older_than_days": 100000}), "older_than_days"),
        (json!({"older_than_days": "thirty"}), "older_than_days"),
        (json!({"older_than_days": 30, "vacuum": true}), "vacuum"),
    ] {
        assert_problem(&post_json(&app, "/api/v1/traces/cleanup", body).await, 400, &format!("`{field}`"));
    }
    assert!(app.get("/api/v1/jobs").await.body["items"].as_array().unwrap().is_empty());

    // The dry run counts exactly the old rows.
    let dry = post_json(&app, "/api/v1/traces/cleanup", json!({"older_than_days": 30, "dry_run": true})).await;
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert_eq!(dry.body["tables"][0]["rows"].as_u64(), Some(old), "{}", dry.body);

    // The cleanup, while SIPp keeps calling (and Kamailio keeps writing sip_trace).
    let mut traffic =
        lab_spawn("sipp.sh", &["calls", &k.sip_port.to_string(), "20", "alice", "bob"], &[("LAB_CALL_HOLD_MS", "100")]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = post_json(&app, "/api/v1/traces/cleanup", json!({"older_than_days": 30})).await;
    assert_eq!(started.status, 202, "{}", started.body);
    let location = started.body["__location"].as_str().unwrap().to_string();
    assert_eq!(location, format!("/api/v1/jobs/{}", started.body["id"].as_str().unwrap()));
    let second = post_json(&app, "/api/v1/traces/cleanup", json!({})).await;
    assert_problem(&second, 409, started.body["id"].as_str().unwrap());
    let job = follow(&app, &location).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["progress"]["done"].as_u64(), Some(old), "{job}");
    assert_eq!(job["result"]["tables"][0]["rows"].as_u64(), Some(old), "{job}");
    assert_eq!(count(&k, "SELECT COUNT(*) FROM sip_trace WHERE callid LIKE 'old-%'").await, 0);
    assert_eq!(
        count(&k, "SELECT COUNT(*) FROM sip_trace WHERE callid LIKE 'keep-%'").await,
        keep_all,
        "a newer row went"
    );
    let status = tokio::time::timeout(Duration::from_secs(60), traffic.wait()).await.expect("SIPp ends").unwrap();
    assert!(status.success(), "SIPp's calls failed while the cleanup ran");

    // Cancel: what was removed is reported, the rest stays.
    let again = copies(&k, "sip_trace", SIP_TRACE, "callid", &old_trace, "old-", 100_000).await;
    let started = post_json(&app, "/api/v1/traces/cleanup", json!({"older_than_days": 30})).await;
    assert_eq!(started.status, 202, "{}", started.body);
    let location = started.body["__location"].as_str().unwrap().to_string();
    let cancel = app.delete(&location).await;
    assert_eq!(cancel.status, 202, "{}", cancel.body);
    let job = follow(&app, &location).await;
    assert_eq!((job["state"].as_str(), job["result"]["cancelled"].as_bool()), (Some("cancelled"), Some(true)), "{job}");
    let removed = job["result"]["tables"][0]["rows"].as_u64().unwrap();
    assert!(removed < again, "{job}");
    assert_eq!(count(&k, "SELECT COUNT(*) FROM sip_trace WHERE callid LIKE 'old-%'").await, again - removed);

    // Topology hiding: 7 days, both tables.
    let old_topos = k.time_literal(now - chrono::Duration::days(10));
    let old_d = copies(&k, "topos_d", TOPOS_D, "a_callid", &old_topos, "old-", 500).await;
    let old_t = copies(&k, "topos_t", TOPOS_T, "a_callid", &old_topos, "old-", 500).await;
    let keep_d =
        copies(&k, "topos_d", TOPOS_D, "a_callid", &k.time_literal(now - chrono::Duration::days(6)), "keep-", 1).await;
    let dry = post_json(&app, "/api/v1/topos/cleanup", json!({"dry_run": true})).await;
    assert_eq!(dry.status, 200, "{}", dry.body);
    let rows = |b: &Value, t: &str| {
        b["tables"].as_array().unwrap().iter().find(|x| x["table"] == t).unwrap()["rows"].as_u64().unwrap()
    };
    assert_eq!((rows(&dry.body, "topos_d"), rows(&dry.body, "topos_t")), (old_d, old_t));
    let started = post_json(&app, "/api/v1/topos/cleanup", json!({"older_than_days": 7})).await;
    assert_eq!(started.status, 202, "{}", started.body);
    let job = follow(&app, started.body["__location"].as_str().unwrap()).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!((rows(&job["result"], "topos_d"), rows(&job["result"], "topos_t")), (old_d, old_t));
    assert_eq!(count(&k, "SELECT COUNT(*) FROM topos_d WHERE a_callid LIKE 'old-%'").await, 0);
    assert_eq!(count(&k, "SELECT COUNT(*) FROM topos_t WHERE a_callid LIKE 'old-%'").await, 0);
    assert_eq!(count(&k, "SELECT COUNT(*) FROM topos_d WHERE a_callid LIKE 'keep-%'").await, keep_d);

    // The topos lists: a call's rows, newest first, with its trace link.
    let call = k.sql("SELECT a_callid FROM topos_d WHERE a_callid LIKE 'calls-%' ORDER BY id LIMIT 1").await.unwrap()
        [0][0]
        .clone()
        .unwrap();
    let ids: Vec<i64> = k
        .sql(&format!("SELECT id FROM topos_d WHERE a_callid = '{call}' ORDER BY rectime DESC, id DESC"))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r[0].as_deref().unwrap().parse().unwrap())
        .collect();
    let (items, _) = app.all_pages(&format!("/api/v1/topos/dialogs?call_id={}&limit=1", urlencode(&call))).await;
    assert_eq!(items.iter().map(|i| i["id"].as_i64().unwrap()).collect::<Vec<_>>(), ids);
    assert!(items[0]["as_contact"].as_str().unwrap().contains("atpsh-"), "{}", items[0]);
    assert_eq!(items[0]["trace_link"].as_str().unwrap(), format!("/kamailio/siptrace?flow={}", urlencode(&call)));
    let n_t = count(&k, "SELECT COUNT(*) FROM topos_t").await as usize;
    let (all_t, _) = app.all_pages("/api/v1/topos/transactions?limit=7").await;
    assert_eq!(all_t.len(), n_t);
    assert_problem(
        &app.get("/api/v1/topos/transactions?from=2026-12-01T00:00:00%2B08:00&to=2026-11-01T00:00:00%2B08:00").await,
        400,
        "`to`",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cleanup_sqlite() {
    cleanup_end_to_end(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cleanup_mariadb() {
    cleanup_end_to_end(Backend::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cleanup_postgres() {
    cleanup_end_to_end(Backend::Postgres).await;
}
