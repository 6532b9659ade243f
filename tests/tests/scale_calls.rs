//! Operator scale for dialogs, alone in its test binary so it has the machine to itself:
//! 1,000 concurrent SIPp calls through a real Kamailio on MariaDB.
use std::time::Duration;

use kamscope_acceptance::*;
use serde_json::Value;

fn items(r: &Reply) -> Vec<Value> {
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["items"].as_array().unwrap().clone()
}

/// 1,000 concurrent SIPp calls: memory and table list every one (one page of 1,000),
/// and the dashboard counts them. Prints how long listing took.
#[tokio::test(flavor = "multi_thread")]
async fn thousand_concurrent_calls_mariadb() {
    const CALLS: usize = 1000;
    let k = Kamailio::start(Backend::Mysql, false).await.unwrap();
    let app = spawn_app(settings_for(&k)).await.unwrap();
    let sip = k.sip_port.to_string();
    let uas_port = free_port();
    let _uas = lab_spawn("sipp.sh", &["uas", &sip, "answer", &uas_port.to_string(), "bob"], &[]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    k.register_one("bob", uas_port, None).await.unwrap();
    let _uac = lab_spawn(
        "sipp.sh",
        &["longcall", &sip, &CALLS.to_string(), "600", "alice", "bob"],
        &[("LAB_UAS", "0"), ("LAB_CALL_RATE", "50")],
    );
    let t = std::time::Instant::now();
    let mem = eventually(180, "1,000 confirmed dialogs in memory", || async {
        let r = app.get("/api/v1/dialogs?limit=1000").await;
        let it = items(&r);
        (it.len() == CALLS && it.iter().all(|d| d["state"] == 4)).then_some(r)
    })
    .await;
    eprintln!("1,000 calls up after {:?}", t.elapsed());
    assert!(mem.body["next_cursor"].is_null());
    let t = std::time::Instant::now();
    let (db, pages) = app.all_pages("/api/v1/dialogs?source=db&limit=1000").await;
    eprintln!("dialog table: {} rows in {pages} page(s), {:?}", db.len(), t.elapsed());
    assert_eq!(db.len(), CALLS);
    let t = std::time::Instant::now();
    let (m, pages) = app.all_pages("/api/v1/dialogs?limit=100").await;
    eprintln!("memory: {} dialogs in {pages} pages of 100, {:?}", m.len(), t.elapsed());
    assert_eq!(m.len(), CALLS);
    let mut call_ids: Vec<&str> = m.iter().map(|d| d["call_id"].as_str().unwrap()).collect();
    call_ids.sort();
    call_ids.dedup();
    assert_eq!(call_ids.len(), CALLS, "every dialog once");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let d = app.get("/api/v1/dashboard").await.body;
    assert_eq!(d["nodes"][0]["active_dialogs"], CALLS as i64, "{d}");
    let s = app.get("/api/v1/dialogs/stats").await.body;
    assert_eq!(s["ongoing"], CALLS as i64, "{s}");
}
