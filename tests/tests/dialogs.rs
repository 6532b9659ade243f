//! Manual pages 2 and 8 end to end: SIPp long calls through a real Kamailio on each
//! backend; kamscope lists them from memory and from the `dialog` table, ends them
//! (both SIPp parties get a BYE), and the dashboard counts what the traffic produced.
use std::time::Duration;

use chrono::{DateTime, Utc};
use kamscope_acceptance::*;
use serde_json::Value;

fn items(r: &Reply) -> Vec<Value> {
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["items"].as_array().unwrap().clone()
}

/// Waits for a SIPp process to end by itself and returns whether it succeeded.
async fn ends_ok(child: &mut tokio::process::Child, secs: u64, what: &str, k: &Kamailio) {
    let waited = tokio::time::timeout(Duration::from_secs(secs), child.wait()).await;
    let status = match waited {
        Ok(s) => s.unwrap(),
        Err(_) => {
            let _ = child.kill().await;
            let out = child.wait_with_output_ref().await;
            let log = std::fs::read_to_string(k.dir.join("kamailio.log")).unwrap_or_default();
            panic!("{what} did not end within {secs}s: it got no BYE.\nlab output: {out}\nKamailio log:\n{log}");
        }
    };
    assert!(status.success(), "{what} failed: {status}");
}

trait StderrText {
    async fn wait_with_output_ref(&mut self) -> String;
}

impl StderrText for tokio::process::Child {
    async fn wait_with_output_ref(&mut self) -> String {
        use tokio::io::AsyncReadExt;
        let mut s = String::new();
        if let Some(mut e) = self.stderr.take() {
            let _ = e.read_to_string(&mut s).await;
        }
        s
    }
}

async fn dialogs_end_to_end(backend: Backend) {
    let k = Kamailio::start(backend, false).await.unwrap();
    let app = spawn_app(settings_for(&k)).await.unwrap();
    let sip = k.sip_port.to_string();
    let uas_port = free_port();
    let up = uas_port.to_string();
    // bob answers (and hangs up only on BYE); alice makes two calls held for 10 minutes.
    let mut uas = lab_spawn("sipp.sh", &["uas", &sip, "answer", &up, "bob", "2"], &[]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    k.register_one("bob", uas_port, None).await.unwrap();
    let mut uac = lab_spawn("sipp.sh", &["longcall", &sip, "2", "600", "alice", "bob"], &[("LAB_UAS", "0")]);

    let mem = eventually(30, "two confirmed dialogs in memory", || async {
        let it = items(&app.get("/api/v1/dialogs").await);
        (it.len() == 2 && it.iter().all(|d| d["state"] == 4)).then_some(it)
    })
    .await;
    for d in &mem {
        assert_eq!(d["state_label"], "confirmed");
        assert_eq!(d["source"], "memory");
        assert_eq!(d["node"], "kamailio");
        assert!(d["from_uri"].as_str().unwrap().contains("alice"), "{d}");
        assert!(d["to_uri"].as_str().unwrap().contains("bob"), "{d}");
        assert!(d["caller"]["tag"].is_string() && d["callee"]["tag"].is_string(), "{d}");
        let start = d["start"].as_str().unwrap();
        assert!(start.ends_with("+08:00"), "{start}");
        let start: DateTime<Utc> = DateTime::parse_from_rfc3339(start).unwrap().into();
        assert!((Utc::now() - start).num_seconds().abs() < 120, "{d}");
    }
    // The dialog table (db_mode realtime) holds the same calls, same state.
    let db = eventually(15, "two confirmed rows in the dialog table", || async {
        let it = items(&app.get("/api/v1/dialogs?source=db").await);
        (it.len() == 2 && it.iter().all(|d| d["state"] == 4)).then_some(it)
    })
    .await;
    let ids = |v: &[Value]| {
        let mut x: Vec<(u64, u64, String)> = v
            .iter()
            .map(|d| {
                (
                    d["h_entry"].as_u64().unwrap(),
                    d["h_id"].as_u64().unwrap(),
                    d["call_id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        x.sort();
        x
    };
    assert_eq!(ids(&mem), ids(&db));
    assert!(db.iter().all(|d| d["source"] == "db" && d["state_label"] == "confirmed"));

    // Filters narrow in both sources; pages of 1 cover both.
    let call_id = mem[0]["call_id"].as_str().unwrap().to_string();
    for source in ["memory", "db"] {
        let one = items(&app.get(&format!("/api/v1/dialogs?source={source}&call_id={}", urlencode(&call_id))).await);
        assert_eq!(one.len(), 1, "{source}");
        assert_eq!(items(&app.get(&format!("/api/v1/dialogs?source={source}&state=2")).await).len(), 0);
        assert_eq!(items(&app.get(&format!("/api/v1/dialogs?source={source}&from_uri=alice")).await).len(), 2);
        let (all, pages) = app.all_pages(&format!("/api/v1/dialogs?source={source}&limit=1")).await;
        assert_eq!((all.len(), pages), (2, 2), "{source}");
    }
    let (e, i) = (mem[0]["h_entry"].as_u64().unwrap(), mem[0]["h_id"].as_u64().unwrap());
    let detail = app.get(&format!("/api/v1/dialogs/{e}/{i}")).await;
    assert_eq!(detail.status, 200, "{}", detail.body);
    assert_eq!(detail.body["call_id"], call_id.as_str());
    let stats = app.get("/api/v1/dialogs/stats").await;
    assert_eq!(stats.status, 200, "{}", stats.body);
    assert_eq!(stats.body["active"], 2);
    assert_eq!(stats.body["all"], 2);
    assert!(stats.body["processed"].as_i64().unwrap() >= 2);
    let dash = app.get("/api/v1/dashboard").await;
    assert_eq!(dash.body["nodes"][0]["active_dialogs"], 2, "{}", dash.body);

    // Bad input changes nothing.
    assert_problem(&app.post("/api/v1/dialogs/abc/1/end").await, 400, "h_entry");
    assert_problem(&app.post(&format!("/api/v1/dialogs/{e}/x/end")).await, 400, "h_id");
    assert_problem(&app.get("/api/v1/dialogs?state=9").await, 400, "state");
    assert_problem(&app.get("/api/v1/dialogs?source=disk").await, 400, "source");
    assert_problem(&app.get("/api/v1/dialogs?node=nope").await, 400, "node");
    assert_problem(&app.post("/api/v1/dialogs/1/1/end").await, 404, "1:1");
    assert_problem(&app.get("/api/v1/dialogs/1/1").await, 404, "1:1");
    assert_eq!(items(&app.get("/api/v1/dialogs").await).len(), 2);

    // End one: gone from memory and from the table; the other stays.
    let history_before = app.all_pages("/api/v1/dialogs/history?limit=1000").await.0.len();
    assert_eq!(app.post(&format!("/api/v1/dialogs/{e}/{i}/end")).await.status, 204);
    eventually(15, "the ended dialog gone from memory and table", || async {
        let m = items(&app.get("/api/v1/dialogs").await);
        let d = items(&app.get("/api/v1/dialogs?source=db").await);
        (m.len() == 1 && d.len() == 1 && m[0]["call_id"] != call_id.as_str() && d[0]["call_id"] != call_id.as_str())
            .then_some(())
    })
    .await;
    assert_problem(&app.post(&format!("/api/v1/dialogs/{e}/{i}/end")).await, 404, &format!("{e}:{i}"));
    // End the other: both SIPp parties got their BYEs (the UAS ends after 2 answered-
    // and-BYEd calls; the UAC would otherwise hold its calls for 10 minutes).
    let other = &items(&app.get("/api/v1/dialogs").await)[0];
    let r = app.post(&format!("/api/v1/dialogs/{}/{}/end", other["h_entry"], other["h_id"])).await;
    assert_eq!(r.status, 204, "{}", r.body);
    ends_ok(&mut uac, 30, "the SIPp caller (alice)", &k).await;
    ends_ok(&mut uas, 30, "the SIPp callee (bob)", &k).await;
    assert!(items(&app.get("/api/v1/dialogs").await).is_empty());
    // Ended calls show in the history (acc_cdrs), newest first.
    let history = eventually(15, "two more CDRs", || async {
        let (h, _) = app.all_pages("/api/v1/dialogs/history?limit=1000").await;
        (h.len() >= history_before + 2).then_some(h)
    })
    .await;
    let ids: Vec<i64> = history.iter().map(|h| h["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn dialogs_sqlite() {
    dialogs_end_to_end(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dialogs_mariadb() {
    dialogs_end_to_end(Backend::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dialogs_postgres() {
    dialogs_end_to_end(Backend::Postgres).await;
}

/// The dashboard's figures equal what the SIP scenarios produced, counted from the
/// scenarios themselves; Kamailio down turns it red with a reason while DB figures
/// stay; back up turns it green without restarting kamscope.
async fn dashboard_end_to_end(backend: Backend) {
    let k = Kamailio::start(backend, false).await.unwrap();
    let app = spawn_app(settings_for(&k)).await.unwrap();
    let sip = k.sip_port.to_string();
    const USERS: i64 = 7;
    const ANSWERED: i64 = 3;
    const BUSY: i64 = 2;
    const UNKNOWN: i64 = 1;
    k.register(USERS as usize, "dash", 5999, None).await.unwrap();
    lab("sipp.sh", &["calls", &sip, &ANSWERED.to_string()]).await.unwrap();
    lab("sipp.sh", &["failed", &sip, "busy", &BUSY.to_string()]).await.unwrap();
    lab("sipp.sh", &["failed", &sip, "unknown", &UNKNOWN.to_string()]).await.unwrap();

    let d = eventually(20, "today's calls on the dashboard", || async {
        let d = app.get("/api/v1/dashboard").await;
        assert_eq!(d.status, 200, "{}", d.body);
        (d.body["calls_today"]["total"] == ANSWERED + BUSY + UNKNOWN).then_some(d.body)
    })
    .await;
    let today = &d["calls_today"];
    assert_eq!(today["answered"], ANSWERED, "{d}");
    assert_eq!(today["failed"], BUSY + UNKNOWN, "{d}");
    assert_eq!(today["missed"], BUSY + UNKNOWN, "{d}");
    assert_eq!(today["timezone"], LAB_TZ);
    assert_eq!(today["date"], Utc::now().with_timezone(&chrono_tz_shanghai()).date_naive().to_string());
    let node = &d["nodes"][0];
    assert_eq!(node["status"], "ok");
    assert!(node["version"].as_str().unwrap().contains("5.6"));
    assert!(node["processes"].as_i64().unwrap() > 1);
    // The callees' UAS contacts were removed after the calls: only the SIPp users remain.
    assert_eq!(node["registered_users"], USERS, "{d}");
    assert_eq!(node["contacts"], USERS, "{d}");
    assert_eq!(node["active_dialogs"], 0);
    let c = &node["counters"];
    assert!(c["invites_received"].as_i64().unwrap() >= ANSWERED + BUSY + UNKNOWN, "{c}");
    assert!(c["registers_received"].as_i64().unwrap() >= USERS, "{c}");
    assert!(c["replies_4xx"].as_i64().unwrap() >= BUSY + UNKNOWN, "{c}");

    // kamscope's own polling is not SIP traffic: with no calls in between, fresh rounds
    // of RPC calls leave the SIP counters as they were.
    let sip_requests = c["requests_received"].as_i64().unwrap();
    assert!(sip_requests >= USERS + ANSWERED + BUSY + UNKNOWN, "{c}");
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let again = app.get("/api/v1/dashboard").await.body;
        assert_eq!(again["nodes"][0]["counters"]["requests_received"], sip_requests, "{again}");
    }

    k.stop().await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let d = app.get("/api/v1/dashboard").await.body;
    assert_eq!(d["nodes"][0]["status"], "down", "{d}");
    assert!(d["nodes"][0]["error"].as_str().unwrap().contains("unreachable"), "{d}");
    assert_eq!(d["calls_today"]["total"], ANSWERED + BUSY + UNKNOWN, "DB figures stay: {d}");
    let h = app.get("/api/v1/health").await;
    assert_eq!(h.body["status"], "degraded");
    let procs =
        h.body["checks"].as_array().unwrap().iter().find(|c| c["name"] == "kamailio_processes").unwrap().clone();
    assert_eq!(procs["status"], "down");

    k.start_again().await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let d = app.get("/api/v1/dashboard").await.body;
    assert_eq!(d["nodes"][0]["status"], "ok", "{d}");
    let h = app.get("/api/v1/health").await.body;
    assert_eq!(h["status"], "ok", "{h}");
    let procs = h["checks"].as_array().unwrap().iter().find(|c| c["name"] == "kamailio_processes").unwrap().clone();
    assert!(procs["processes"].as_i64().unwrap() > 1, "{procs}");
}

fn chrono_tz_shanghai() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn dashboard_sqlite() {
    dashboard_end_to_end(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dashboard_mariadb() {
    dashboard_end_to_end(Backend::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dashboard_postgres() {
    dashboard_end_to_end(Backend::Postgres).await;
}
