//! The fast tier: the real routes and services over fake Kamailio nodes and a fake
//! database, through actix's test server. Runs in seconds without the lab.
use actix_web::{test, web, App};
use serde_json::{json, Value};

use crate::routes::{self, KnownPaths};
use crate::services::Actor;
use crate::state::tests::{fake_state, FakeDb, FakeNode};
use crate::state::AppState;

async fn call(state: &AppState, req: test::TestRequest) -> (u16, Value, actix_web::http::header::HeaderMap, String) {
    let known = web::Data::new(KnownPaths::from_doc(&crate::openapi::document()));
    let s = state.clone();
    let app = test::init_service(
        App::new().app_data(known).app_data(web::Data::new(state.tz)).service(
            web::scope("/api/v1")
                .configure(move |cfg| routes::configure(cfg, &s))
                .default_service(web::to(routes::api_not_found)),
        ),
    )
    .await;
    let resp = test::call_service(&app, req.to_request()).await;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = test::read_body(resp).await;
    let text = String::from_utf8_lossy(&body).to_string();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null), headers, text)
}

fn get(uri: &str) -> test::TestRequest {
    test::TestRequest::get().uri(uri)
}

fn users() -> FakeNode {
    FakeNode::with_users(&[
        ("alice", &["sip:alice@10.0.0.1", "sip:alice@10.0.0.2"]),
        ("bob", &["sip:bob@10.0.0.3"]),
        ("carol", &["sip:carol@10.0.0.4"]),
    ])
}

fn dialog(e: u32, i: u32) -> Value {
    json!({"h_entry": e, "h_id": i, "call-id": format!("c{e}-{i}"), "from_uri": "sip:alice@x", "to_uri": "sip:bob@x", "state": 4})
}

#[actix_web::test]
async fn memory_registrations_merge_nodes_page_by_page() {
    let state = fake_state(
        FakeDb::default(),
        &[("edge1", users()), ("edge2", FakeNode::with_users(&[("dave", &["sip:dave@10.0.0.5"])]))],
    );
    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let uri = match &cursor {
            Some(c) => format!("/api/v1/registrations?source=memory&node=all&limit=2&cursor={c}"),
            None => "/api/v1/registrations?source=memory&node=all&limit=2".into(),
        };
        let (status, body, ..) = call(&state, get(&uri)).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["items"].as_array().unwrap().len() <= 2);
        for it in body["items"].as_array().unwrap() {
            seen.push(format!("{}/{}", it["node"].as_str().unwrap(), it["contact"].as_str().unwrap()));
        }
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "edge1/sip:alice@10.0.0.1",
            "edge1/sip:alice@10.0.0.2",
            "edge1/sip:bob@10.0.0.3",
            "edge1/sip:carol@10.0.0.4",
            "edge2/sip:dave@10.0.0.5"
        ]
    );
}

#[actix_web::test]
async fn csv_downloads_the_whole_filtered_list() {
    let state = fake_state(FakeDb::default(), &[("kamailio", users())]);
    let (status, _, headers, text) = call(&state, get("/api/v1/registrations?source=memory&q=al&format=csv")).await;
    assert_eq!(status, 200);
    assert!(headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/csv"));
    let disposition = headers.get("content-disposition").unwrap().to_str().unwrap();
    assert!(disposition.contains("kamscope-registrations-memory-") && disposition.ends_with(".csv\""), "{disposition}");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let contact = header.iter().position(|h| h == "contact").unwrap();
    let contacts: Vec<String> = r.records().map(|rec| rec.unwrap()[contact].to_string()).collect();
    assert_eq!(contacts, ["sip:alice@10.0.0.1", "sip:alice@10.0.0.2"]);
}

#[actix_web::test]
async fn bad_input_is_a_400_naming_it_and_changes_nothing() {
    let node = users();
    let state = fake_state(
        FakeDb::default(),
        &[("kamailio", node.clone()), ("other", FakeNode::with_dialogs(vec![dialog(1, 2)]))],
    );
    for (uri, param) in [
        ("/api/v1/registrations?limit=0", "Query parameter `limit`"),
        ("/api/v1/registrations?source=disk", "Query parameter `source`"),
        ("/api/v1/registrations?cursor=", "Query parameter `cursor`"),
        ("/api/v1/registrations?source=memory&node=nosuch", "Query parameter `node`"),
        ("/api/v1/dialogs?state=7", "Query parameter `state`"),
        ("/api/v1/dialogs/x/1", "Path parameter `h_entry`"),
        ("/api/v1/dialogs/1/y", "Path parameter `h_id`"),
        ("/api/v1/jobs?limit=abc", "Query parameter `limit`"),
    ] {
        let (status, body, headers, _) = call(&state, get(uri)).await;
        assert_eq!(status, 400, "{uri}: {body}");
        assert_eq!(headers.get("content-type").unwrap(), "application/problem+json");
        assert!(body["detail"].as_str().unwrap().starts_with(param), "{uri}: {body}");
    }
    let (status, body, ..) =
        call(&state, test::TestRequest::delete().uri("/api/v1/registrations/alice/contacts")).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("`contact`"));
    assert!(node.removed().is_empty());
}

#[actix_web::test]
async fn a_cursor_naming_another_node_is_a_400_for_every_memory_list() {
    let state = fake_state(
        FakeDb::default(),
        &[("a", FakeNode::with_dialogs(vec![dialog(1, 1), dialog(1, 2)])), ("b", users())],
    );
    let (_, page, ..) = call(&state, get("/api/v1/dialogs?node=a&limit=1")).await;
    let c = page["next_cursor"].as_str().unwrap().to_string();
    let (status, body, ..) = call(&state, get(&format!("/api/v1/dialogs?node=b&cursor={c}"))).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("`cursor`"));
    let (_, page, ..) = call(&state, get("/api/v1/registrations?source=memory&node=b&limit=1")).await;
    let c = page["next_cursor"].as_str().unwrap().to_string();
    let (status, ..) = call(&state, get(&format!("/api/v1/registrations?source=memory&node=a&cursor={c}"))).await;
    assert_eq!(status, 400);
}

#[actix_web::test]
async fn undeclared_methods_are_405_with_allow_and_unknown_paths_404() {
    let state = fake_state(FakeDb::default(), &[("kamailio", users())]);
    let (status, body, headers, _) =
        call(&state, test::TestRequest::default().method(actix_web::http::Method::TRACE).uri("/api/v1/registrations"))
            .await;
    assert_eq!(status, 405, "{body}");
    assert_eq!(headers.get("allow").unwrap(), "GET");
    let (status, _, headers, _) = call(&state, test::TestRequest::put().uri("/api/v1/registrations/alice")).await;
    assert_eq!(status, 405);
    assert_eq!(headers.get("allow").unwrap(), "GET, DELETE");
    let (status, body, ..) = call(&state, get("/api/v1/nosuchthing")).await;
    assert_eq!(status, 404);
    assert!(body["detail"].as_str().unwrap().contains("/api/v1/nosuchthing"));
}

#[actix_web::test]
async fn ending_a_dialog_reaches_kamailio_once() {
    let node = FakeNode::with_dialogs(vec![dialog(3, 4)]);
    let state = fake_state(FakeDb::default(), &[("kamailio", node.clone())]);
    let (status, ..) = call(&state, test::TestRequest::post().uri("/api/v1/dialogs/3/4/end")).await;
    assert_eq!(status, 204);
    assert_eq!(node.removed(), ["dialog 3:4"]);
    let (status, body, ..) = call(&state, test::TestRequest::post().uri("/api/v1/dialogs/3/4/end")).await;
    assert_eq!(status, 404, "{body}");
}

#[actix_web::test]
async fn health_is_degraded_with_a_node_down_and_503_when_all_are() {
    let node = users();
    node.set_down(true);
    let state = fake_state(FakeDb::default(), &[("kamailio", node.clone())]);
    let (status, body, ..) = call(&state, get("/api/v1/health")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("degraded")), "{body}");
    let state = fake_state(FakeDb { down: true, ..Default::default() }, &[("kamailio", node)]);
    let (status, body, ..) = call(&state, get("/api/v1/health")).await;
    assert_eq!((status, body["status"].as_str()), (503, Some("down")), "{body}");
    let (status, body, ..) = call(&state, get("/api/v1/registrations")).await;
    assert_eq!(status, 503, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("database"));
}

#[actix_web::test]
async fn jobs_are_followed_and_cancelled_over_http() {
    let state = fake_state(FakeDb::default(), &[("kamailio", users())]);
    let (status, ..) = call(&state, get("/api/v1/jobs/1")).await;
    assert_eq!(status, 404);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let job = state
        .jobs
        .start("test.wait", "some_table", &Actor::default(), move |ctx| async move {
            let _ = rx.await;
            (ctx, Ok(json!({"rows": 0})))
        })
        .unwrap();
    let (status, body, ..) = call(&state, get(&format!("/api/v1/jobs/{}", job.id))).await;
    assert_eq!((status, body["state"].as_str()), (200, Some("running")));
    let (status, body, ..) = call(&state, test::TestRequest::delete().uri(&format!("/api/v1/jobs/{}", job.id))).await;
    assert_eq!((status, body["cancel_requested"].as_bool()), (202, Some(true)), "{body}");
    tx.send(()).unwrap();
    for _ in 0..100 {
        let (_, body, ..) = call(&state, get(&format!("/api/v1/jobs/{}", job.id))).await;
        if body["state"] == "cancelled" {
            let (status, ..) = call(&state, test::TestRequest::delete().uri(&format!("/api/v1/jobs/{}", job.id))).await;
            assert_eq!(status, 409);
            let (_, list, ..) = call(&state, get("/api/v1/jobs")).await;
            assert_eq!(list["items"][0]["id"], json!(job.id));
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the job never ended as cancelled");
}

#[actix_web::test]
async fn cleanups_dry_run_then_a_job_that_removes_exactly_the_old_rows() {
    let db = FakeDb::default();
    db.old_rows.lock().unwrap().extend([("topos_d".to_string(), 25_000u64), ("topos_t".to_string(), 3)]);
    let state = fake_state(db, &[("kamailio", users())]);
    let post = |uri: &str, body: &str| {
        test::TestRequest::post()
            .uri(uri)
            .insert_header(("content-type", "application/json"))
            .set_payload(body.to_string())
    };
    let (status, body, ..) =
        call(&state, post("/api/v1/topos/cleanup", r#"{"older_than_days": 7, "dry_run": true}"#)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tables"][0]["rows"], 25_000);
    assert_eq!(body["tables"][1]["rows"], 3);
    let (status, job, headers, _) = call(&state, post("/api/v1/topos/cleanup", "")).await;
    assert_eq!(status, 202, "{job}");
    let location = headers.get("location").unwrap().to_str().unwrap().to_string();
    assert_eq!(location, format!("/api/v1/jobs/{}", job["id"].as_str().unwrap()));
    // A second one while it runs: 409 naming the running job.
    let (status, body, ..) = call(&state, post("/api/v1/topos/cleanup", "{}")).await;
    assert_eq!(status, 409, "{body}");
    assert!(body["detail"].as_str().unwrap().contains(job["id"].as_str().unwrap()));
    let mut seen = vec![];
    let done = loop {
        let (_, j, ..) = call(&state, get(&location)).await;
        seen.push(j["progress"]["done"].as_u64().unwrap());
        if j["state"] != "running" {
            break j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "progress went back: {seen:?}");
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!((done["progress"]["done"].as_u64(), done["progress"]["total"].as_u64()), (Some(25_003), Some(25_003)));
    assert_eq!(done["result"]["tables"][0]["rows"], 25_000);
    assert_eq!(done["result"]["tables"][1]["rows"], 3);
    // The SIP trace has nothing old: its job removes nothing.
    let (status, job, ..) = call(&state, post("/api/v1/traces/cleanup", r#"{"older_than_days": 30}"#)).await;
    assert_eq!(status, 202, "{job}");
}

#[actix_web::test]
async fn a_cancelled_cleanup_leaves_the_rest() {
    let db = FakeDb::default();
    db.old_rows.lock().unwrap().insert("sip_trace".into(), 1_000_000);
    let state = fake_state(db, &[("kamailio", users())]);
    let (_, job, ..) = call(&state, test::TestRequest::post().uri("/api/v1/traces/cleanup")).await;
    let id = job["id"].as_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let (status, ..) = call(&state, test::TestRequest::delete().uri(&format!("/api/v1/jobs/{id}"))).await;
    assert_eq!(status, 202);
    let done = loop {
        let (_, j, ..) = call(&state, get(&format!("/api/v1/jobs/{id}"))).await;
        if j["state"] != "running" {
            break j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    assert_eq!(
        (done["state"].as_str(), done["result"]["cancelled"].as_bool()),
        (Some("cancelled"), Some(true)),
        "{done}"
    );
    let removed = done["result"]["tables"][0]["rows"].as_u64().unwrap();
    assert!(removed > 0 && removed < 1_000_000 && removed % 10_000 == 0, "whole batches only: {removed}");
    // What is left is exactly what was not removed.
    let (_, preview, ..) = call(
        &state,
        test::TestRequest::post()
            .uri("/api/v1/traces/cleanup")
            .insert_header(("content-type", "application/json"))
            .set_payload(r#"{"dry_run": true}"#),
    )
    .await;
    assert_eq!(preview["tables"][0]["rows"].as_u64().unwrap(), 1_000_000 - removed);
}

#[actix_web::test]
async fn bad_cleanup_bodies_are_400s_naming_the_field() {
    let state = fake_state(FakeDb::default(), &[("kamailio", users())]);
    for (body, field) in [
        (r#"{"older_than_days": 0}"#, "older_than_days"),
        (r#"{"older_than_days": -1}"#, "older_than_days"),
        (r#"{"older_than_days": 4000}"#, "older_than_days"),
        (r#"{"older_than_days": "x"}"#, "older_than_days"),
        (r#"{"days": 3}"#, "days"),
        ("not json", "body"),
    ] {
        let req = test::TestRequest::post()
            .uri("/api/v1/topos/cleanup")
            .insert_header(("content-type", "application/json"))
            .set_payload(body);
        let (status, p, ..) = call(&state, req).await;
        assert_eq!(status, 400, "{body}: {p}");
        assert!(p["detail"].as_str().unwrap().starts_with(&format!("Body field `{field}`")), "{body}: {p}");
    }
    let (_, jobs, ..) = call(&state, get("/api/v1/jobs")).await;
    assert!(jobs["items"].as_array().unwrap().is_empty(), "nothing started: {jobs}");
}

fn json_post(uri: &str, body: &str) -> test::TestRequest {
    test::TestRequest::post().uri(uri).insert_header(("content-type", "application/json")).set_payload(body.to_string())
}

#[actix_web::test]
async fn bad_presence_and_msilo_input_is_a_400_naming_it() {
    let node = users();
    let state = fake_state(FakeDb::default(), &[("kamailio", node.clone())]);
    for (uri, param) in [
        ("/api/v1/presence/watchers?status=9", "Query parameter `status`"),
        ("/api/v1/presence/watchers?status=x", "Query parameter `status`"),
        ("/api/v1/presence/watchers?event=", "Query parameter `event`"),
        ("/api/v1/presence/presentities?limit=0", "Query parameter `limit`"),
        ("/api/v1/presence/presentities?cursor=zz", "Query parameter `cursor`"),
        ("/api/v1/presence/presentities/abc", "Path parameter `id`"),
        ("/api/v1/offline-messages?dst=", "Query parameter `dst`"),
        ("/api/v1/offline-messages/-4", "Path parameter `id`"),
    ] {
        let (status, body, headers, _) = call(&state, get(uri)).await;
        assert_eq!(status, 400, "{uri}: {body}");
        assert_eq!(headers.get("content-type").unwrap(), "application/problem+json");
        assert!(body["detail"].as_str().unwrap().starts_with(param), "{uri}: {body}");
    }
    for (body, field) in [
        ("", "presentity_uri"),
        (r#"{"type": 1}"#, "presentity_uri"),
        (r#"{"presentity_uri": "alice", "type": 1}"#, "presentity_uri"),
        (r#"{"presentity_uri": "sip:alice@h"}"#, "type"),
        (r#"{"presentity_uri": "sip:alice@h", "type": 3}"#, "type"),
        (r#"{"presentity_uri": "sip:alice@h", "type": "0"}"#, "type"),
        (r#"{"presentity_uri": "sip:alice@h", "type": 2}"#, "file_uri"),
        (r#"{"presentity_uri": "sip:alice@h", "type": 1, "event": ""}"#, "event"),
        (r#"{"presentity_uri": "sip:alice@h", "type": 1, "force": true}"#, "force"),
    ] {
        let (status, p, ..) = call(&state, json_post("/api/v1/presence/refresh-watchers", body)).await;
        assert_eq!(status, 400, "{body}: {p}");
        assert!(p["detail"].as_str().unwrap().starts_with(&format!("Body field `{field}`")), "{body}: {p}");
    }
    let (status, p, ..) = call(&state, json_post("/api/v1/presence/cleanup", r#"{"node": "nosuch"}"#)).await;
    assert_eq!(status, 400, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("`node`"), "{p}");
    assert!(node.removed().is_empty(), "nothing reached Kamailio: {:?}", node.removed());
}

#[actix_web::test]
async fn refresh_watchers_type_0_without_pres_rules_is_a_clear_422() {
    let node = users();
    let state = fake_state(FakeDb::default(), &[("kamailio", node.clone())]);
    let req = r#"{"presentity_uri": "sip:alice@127.0.0.1", "type": 0}"#;
    let (status, p, headers, _) = call(&state, json_post("/api/v1/presence/refresh-watchers", req)).await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(headers.get("content-type").unwrap(), "application/problem+json");
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("pres-rules") && detail.contains("xcap") && detail.contains("sip:alice@127.0.0.1"), "{p}");
    // Type 1 needs no document.
    let (status, r, ..) =
        call(&state, json_post("/api/v1/presence/refresh-watchers", r#"{"presentity_uri": "sip:alice@h", "type": 1}"#))
            .await;
    assert_eq!((status, r["event"].as_str()), (200, Some("presence")), "{r}");
    // With a document Kamailio refreshes.
    node.set_pres_rules(true);
    let state = fake_state(FakeDb { pres_rules: true, ..Default::default() }, &[("kamailio", node.clone())]);
    let (status, r, ..) = call(&state, json_post("/api/v1/presence/refresh-watchers", req)).await;
    assert_eq!((status, r["type"].as_u64()), (200, Some(0)), "{r}");
    assert_eq!(node.removed(), ["refresh sip:alice@h presence 1", "refresh sip:alice@127.0.0.1 presence 0"]);
    let (status, r, ..) = call(&state, json_post("/api/v1/presence/cleanup", "")).await;
    assert_eq!((status, r["kamailio"].as_str()), (200, Some("Reload OK")), "{r}");
    let tables: Vec<&str> = r["tables"].as_array().unwrap().iter().map(|t| t["table"].as_str().unwrap()).collect();
    assert_eq!(tables, ["presentity", "active_watchers", "watchers"]);
}

fn silo_message(id: i64, expired: bool) -> kamscope_api_types::msilo::OfflineMessage {
    kamscope_api_types::msilo::OfflineMessage {
        id,
        src_addr: "sip:alice@h".into(),
        dst_addr: "sip:dave@h".into(),
        username: "dave".into(),
        domain: "h".into(),
        inc_time: None,
        exp_time: None,
        expired,
        snd_time: None,
        ctype: "text/html".into(),
        body_size: 29,
        body_preview: "<script>alert(1)</script>".into(),
        body: Some(format!("<script>alert({id})</script>")),
        extra_hdrs: None,
        callid: String::new(),
        status: 0,
    }
}

#[actix_web::test]
async fn offline_messages_page_delete_and_only_expired_ones_are_cleaned() {
    let db = FakeDb::default();
    db.silo.lock().unwrap().extend([silo_message(1, false), silo_message(2, true), silo_message(3, false)]);
    let state = fake_state(db, &[("kamailio", users())]);
    let (status, page, ..) = call(&state, get("/api/v1/offline-messages?limit=2")).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["items"][0]["body"].is_null());
    let c = page["next_cursor"].as_str().unwrap().to_string();
    let (_, rest, ..) = call(&state, get(&format!("/api/v1/offline-messages?limit=2&cursor={c}"))).await;
    assert_eq!((rest["items"][0]["id"].as_i64(), rest["next_cursor"].is_null()), (Some(3), true), "{rest}");
    let (status, one, _, text) = call(&state, get("/api/v1/offline-messages/3")).await;
    assert_eq!((status, one["body"].as_str()), (200, Some("<script>alert(3)</script>")), "{one}");
    assert!(text.contains(r#""body":"<script>alert(3)</script>""#), "a JSON string, as sent: {text}");
    let (status, ..) = call(&state, test::TestRequest::delete().uri("/api/v1/offline-messages/3")).await;
    assert_eq!(status, 204);
    let (status, p, ..) = call(&state, test::TestRequest::delete().uri("/api/v1/offline-messages/3")).await;
    assert_eq!(status, 404, "{p}");
    let (status, r, ..) = call(&state, test::TestRequest::post().uri("/api/v1/offline-messages/cleanup")).await;
    assert_eq!(
        (status, r["tables"][0]["table"].as_str(), r["tables"][0]["rows"].as_u64()),
        (200, Some("silo"), Some(1))
    );
    let (_, left, ..) = call(&state, get("/api/v1/offline-messages")).await;
    let ids: Vec<i64> = left["items"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1]);
}

/// A `sip_trace` row `secs_ago` seconds before now, as the fake database holds it.
#[allow(clippy::too_many_arguments)]
fn trace_row(
    id: i64,
    secs_ago: i64,
    us: i64,
    callid: &str,
    from: &str,
    to: &str,
    dir: &str,
    msg: &str,
) -> kamscope_db::TraceRow {
    let secs = chrono::Utc::now().timestamp() - secs_ago;
    let time = chrono::DateTime::from_timestamp(secs, 0).unwrap().fixed_offset() + chrono::Duration::microseconds(us);
    let status = msg.strip_prefix("SIP/2.0 ").map(|s| s[..3].to_string()).unwrap_or_default();
    kamscope_db::TraceRow {
        key: kamscope_db::TraceKey { secs, us, id },
        time,
        callid: callid.into(),
        traced_user: String::new(),
        msg: msg.into(),
        method: "INVITE".into(),
        status,
        fromip: from.into(),
        toip: to.into(),
        fromtag: "ft".into(),
        totag: String::new(),
        direction: dir.into(),
    }
}

const T_INVITE: &str =
    "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nv: SIP/2.0/UDP 192.0.2.1:5060\r\nCall-ID: x\r\nc: application/sdp\r\n\r\nv=0\r\n";
const T_RINGING: &str = "SIP/2.0 180 Ringing\r\nCall-ID: x\r\n\r\n";

fn trace_db(rows: Vec<kamscope_db::TraceRow>) -> FakeDb {
    let db = FakeDb::default();
    *db.traces.lock().unwrap() = rows;
    db
}

fn detail(p: &Value) -> String {
    p["detail"].as_str().unwrap_or_default().to_string()
}

#[actix_web::test]
async fn trace_searches_on_unindexed_columns_get_the_last_hour_and_say_so() {
    let (a, k) = ("udp:192.0.2.1:5060", "udp:127.0.0.1:5060");
    let db = trace_db(vec![
        trace_row(1, 7200, 0, "old", a, k, "in", T_INVITE),
        trace_row(2, 60, 0, "new", a, k, "in", T_INVITE),
        trace_row(3, 30, 5, "new", k, a, "out", T_RINGING),
    ]);
    let filters = db.trace_filters.clone();
    let state = fake_state(db, &[("kamailio", users())]);
    let (status, page, ..) = call(&state, get("/api/v1/traces?method=invite&limit=1")).await;
    assert_eq!(status, 200, "{page}");
    let w = &page["window"];
    assert_eq!((w["defaulted"].as_bool(), w["max_seconds"].as_u64()), (Some(true), Some(7 * 86400)), "{w}");
    let from = chrono::DateTime::parse_from_rfc3339(w["from"].as_str().unwrap()).unwrap();
    let to = chrono::DateTime::parse_from_rfc3339(w["to"].as_str().unwrap()).unwrap();
    assert_eq!(to - from, chrono::Duration::hours(1));
    assert!((chrono::Utc::now() - to.to_utc()).num_seconds().abs() < 5, "to is now: {to}");
    assert!(w["reason"].as_str().unwrap().contains("method"), "{w}");
    assert_eq!(page["items"][0]["id"], 3);
    assert_eq!(page["items"][0]["status"], 180);
    assert_eq!(page["items"][0]["first_line"], "SIP/2.0 180 Ringing");
    assert_eq!(page["items"][0]["from_ip"], json!({"proto": "udp", "address": "127.0.0.1", "port": 5060, "raw": k}));
    let c = page["next_cursor"].as_str().unwrap().to_string();
    let (_, rest, ..) = call(&state, get(&format!("/api/v1/traces?method=invite&limit=1&cursor={c}"))).await;
    // The two-hour-old row is outside the window.
    assert_eq!((rest["items"][0]["id"].as_i64(), rest["next_cursor"].is_null()), (Some(2), true), "{rest}");
    let f = filters.lock().unwrap().last().cloned().unwrap();
    assert_eq!(f.method.as_deref(), Some("INVITE"));
    assert_eq!(f.to.unwrap() - f.from.unwrap(), chrono::Duration::hours(1));

    // Indexed searches and the plain list need no window.
    for q in ["call_id=old&method=INVITE", "traced_user=alice&to_ip=127.0.0.1", ""] {
        let (status, page, ..) = call(&state, get(&format!("/api/v1/traces?{q}"))).await;
        assert_eq!(status, 200, "{q}: {page}");
        assert!(page["window"]["from"].is_null() && !page["window"]["defaulted"].as_bool().unwrap(), "{q}: {page}");
        assert!(page["window"]["reason"].as_str().unwrap().starts_with("No window needed"), "{page}");
    }
    let (_, page, ..) = call(&state, get("/api/v1/traces?call_id=old&method=INVITE")).await;
    assert_eq!(page["items"][0]["id"], 1, "{page}");
}

#[actix_web::test]
async fn trace_windows_reach_the_database_to_the_microsecond() {
    let db = FakeDb::default();
    let filters = db.trace_filters.clone();
    let state = fake_state(db, &[("kamailio", users())]);
    let (from, to) = ("2026-12-01T13:40:04.986135Z", "2026-12-01T21:40:05.599867%2B08:00");
    for q in [format!("from={from}&to={to}"), format!("method=BYE&from={from}&to={to}")] {
        let (status, p, ..) = call(&state, get(&format!("/api/v1/traces?{q}"))).await;
        assert_eq!(status, 200, "{q}: {p}");
        let f = filters.lock().unwrap().last().cloned().unwrap();
        let us = |t: Option<chrono::DateTime<chrono::Utc>>| t.unwrap().timestamp_micros();
        assert_eq!((us(f.from), us(f.to)), (1_796_132_404_986_135, 1_796_132_405_599_867), "{q}");
        // The window states what was searched, microseconds included.
        let w = &p["window"];
        let at = |k: &str| chrono::DateTime::parse_from_rfc3339(w[k].as_str().unwrap()).unwrap().timestamp_micros();
        assert_eq!((at("from"), at("to")), (1_796_132_404_986_135, 1_796_132_405_599_867), "{q}: {w}");
    }
}

#[actix_web::test]
async fn trace_search_filters_reach_the_database_as_stored_forms() {
    let db = FakeDb::default();
    let filters = db.trace_filters.clone();
    let state = fake_state(db, &[("kamailio", users())]);
    let last = || filters.lock().unwrap().last().cloned().unwrap();
    let (status, p, ..) =
        call(&state, get("/api/v1/traces?from_ip=%5B2001:db8::1%5D:5060&status=486&direction=out")).await;
    assert_eq!(status, 200, "{p}");
    let f = last();
    let Some(kamscope_db::AddrMatch::Exact(forms)) = &f.from_ip else { panic!("{f:?}") };
    assert!(
        forms.contains(&"udp:2001:db8::1:5060".to_string()) && forms.contains(&"tcp:[2001:db8::1]:5060".to_string())
    );
    assert_eq!((f.status.as_deref(), f.direction.as_deref()), (Some("486"), Some("out")));
    // Even with a port an address search is windowed (fromip's index is not in time order).
    assert_eq!(f.to.unwrap() - f.from.unwrap(), chrono::Duration::hours(1));
    let (status, p, ..) = call(&state, get("/api/v1/traces?to_ip=udp:192.0.2.7:5070")).await;
    assert_eq!(status, 200, "{p}");
    let f = last();
    assert_eq!(f.to_ip, Some(kamscope_db::AddrMatch::Exact(vec!["udp:192.0.2.7:5070".into()])));
    assert!(f.from.is_some(), "to_ip is unindexed: windowed");
    let (_, p, ..) = call(&state, get("/api/v1/traces?from_ip=::1")).await;
    let f = last();
    let Some(kamscope_db::AddrMatch::Prefix(prefixes)) = &f.from_ip else { panic!("{f:?}") };
    assert!(prefixes.contains(&"udp:::1:".to_string()), "{prefixes:?}");
    assert_eq!(p["window"]["defaulted"], true, "{p}");
}

#[actix_web::test]
async fn trace_search_errors_name_the_parameter() {
    let state = fake_state(FakeDb::default(), &[("kamailio", users())]);
    let now = chrono::Utc::now();
    let ago = |d: chrono::Duration| (now - d).to_rfc3339_opts(chrono::SecondsFormat::Secs, true).replace('+', "%2B");
    for (q, param, words) in [
        ("to_ip=not-an-ip", "to_ip", "not an IP address"),
        ("from_ip=192.0.2.1:99999", "from_ip", "port"),
        ("status=700", "status", "100 to 699"),
        ("status=abc", "status", "SIP status code"),
        ("direction=sideways", "direction", "`in`"),
        ("method=IN%20VITE", "method", "letters"),
        ("cursor=bogus", "cursor", "next_cursor"),
        ("calid=x", "calid", "not a parameter"),
        ("call_id=", "call_id", "empty"),
        (
            &format!("from={}&to={}", ago(chrono::Duration::hours(1)), ago(chrono::Duration::hours(2))),
            "to",
            "after `from`",
        ),
        (&format!("method=BYE&from={}", ago(chrono::Duration::days(8))), "from", "168 hours on sqlite"),
        (&format!("to_ip=::1&from={}", ago(chrono::Duration::days(-10))), "from", "not before"),
    ] {
        let (status, p, ..) = call(&state, get(&format!("/api/v1/traces?{q}"))).await;
        assert_eq!(status, 400, "{q}: {p}");
        let d = detail(&p);
        assert!(d.starts_with(&format!("Query parameter `{param}`")) && d.contains(words), "{q}: {d}");
    }
    // A week is allowed on SQLite, two days at most on MariaDB.
    let week =
        format!("/api/v1/traces?method=BYE&from={}", ago(chrono::Duration::days(7) - chrono::Duration::minutes(1)));
    assert_eq!(call(&state, get(&week)).await.0, 200);
    let mysql = fake_state(
        FakeDb { backend: Some(kamscope_db::Backend::Mysql), ..Default::default() },
        &[("kamailio", users())],
    );
    let (status, p, ..) = call(&mysql, get(&week)).await;
    assert!(status == 400 && detail(&p).contains("48 hours on mysql"), "{p}");
    let (status, p, ..) =
        call(&mysql, get(&format!("/api/v1/traces?method=BYE&from={}", ago(chrono::Duration::days(1))))).await;
    assert_eq!((status, p["window"]["max_seconds"].as_u64()), (200, Some(2 * 86400)), "{p}");
    let down = fake_state(FakeDb { down: true, ..Default::default() }, &[("kamailio", users())]);
    for uri in ["/api/v1/traces", "/api/v1/traces/1", "/api/v1/traces/calls/x"] {
        assert_eq!(call(&down, get(uri)).await.0, 503, "{uri}");
    }
}

#[actix_web::test]
async fn one_trace_message_parsed_or_404() {
    let state = fake_state(
        trace_db(vec![trace_row(7, 10, 42, "x", "udp:192.0.2.1:5060", "udp:127.0.0.1:5060", "in", T_INVITE)]),
        &[("kamailio", users())],
    );
    let (status, m, ..) = call(&state, get("/api/v1/traces/7")).await;
    assert_eq!(status, 200, "{m}");
    assert_eq!(m["msg"], T_INVITE);
    assert_eq!(m["first_line"], "INVITE sip:bob@127.0.0.1 SIP/2.0");
    assert_eq!(m["headers"][0], json!({"name": "v", "value": "SIP/2.0/UDP 192.0.2.1:5060"}));
    assert_eq!((m["has_sdp"].as_bool(), m["body"].as_str()), (Some(true), Some("v=0\r\n")), "{m}");
    let t = chrono::DateTime::parse_from_rfc3339(m["time"].as_str().unwrap()).unwrap();
    assert_eq!(t.timestamp_subsec_micros(), 42, "{m}");
    let (status, p, ..) = call(&state, get("/api/v1/traces/8")).await;
    assert_eq!(status, 404, "{p}");
    let (status, p, ..) = call(&state, get("/api/v1/traces/abc")).await;
    assert!(status == 400 && detail(&p).contains("`id`"), "{p}");
    let (status, p, ..) = call(&state, get("/api/v1/traces/99999999999999999999")).await;
    assert!(status == 400 && detail(&p).contains("`id`"), "{p}");
}

#[actix_web::test]
async fn a_call_flow_through_a_percent_encoded_path_and_its_exports() {
    let cid = "a/b %c@d;e f";
    let (a, k, kt, b) = ("udp:192.0.2.1:5060", "udp:127.0.0.1:5060", "tcp:127.0.0.1:5060", "tcp:::1:5070");
    let mut dup = trace_row(2, 60, 100, cid, a, k, "in", T_INVITE);
    dup.traced_user = "alice".into();
    let rows = vec![
        trace_row(1, 60, 100, cid, a, k, "in", T_INVITE),
        dup,
        trace_row(3, 60, 900, cid, kt, b, "out", T_INVITE),
        trace_row(4, 59, 0, "leg-2", b, kt, "in", T_RINGING),
        trace_row(5, 59, 0, "other", b, k, "in", T_RINGING),
    ];
    let state = fake_state(trace_db(rows), &[("kamailio", users())]);
    let enc = "a%2Fb%20%25c%40d%3Be%20f";
    let (status, flow, ..) = call(&state, get(&format!("/api/v1/traces/calls/{enc}"))).await;
    assert_eq!(status, 200, "{flow}");
    assert_eq!(flow["call_ids"], json!([cid]));
    let ids: Vec<i64> = flow["messages"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 3], "the traced_user copy is shown once");
    assert_eq!(flow["messages"][0]["also_ids"], json!([2]));
    assert_eq!(
        (flow["messages"][1]["delta_prev_us"].as_i64(), flow["messages"][1]["from"].as_u64()),
        (Some(800), Some(2))
    );
    let ends: Vec<(String, bool)> = flow["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["label"].as_str().unwrap().to_string(), e["kamailio"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        ends,
        [
            ("192.0.2.1:5060".into(), false),
            ("127.0.0.1:5060".into(), true),
            ("127.0.0.1:5060".into(), true),
            ("[::1]:5070".into(), false)
        ]
    );
    assert_eq!((flow["endpoints"][2]["key"].as_str(), flow["endpoints"][2]["proto"].as_str()), (Some(kt), Some("tcp")));

    let (status, _, headers, text) = call(&state, get(&format!("/api/v1/traces/calls/{enc}/text"))).await;
    assert_eq!(status, 200);
    assert_eq!(hv(&headers, "content-type"), "text/plain; charset=utf-8");
    assert!(hv(&headers, "content-disposition").contains("filename=\"a_b__c_d_e_f.txt\""), "{headers:?}");
    assert!(
        text.contains(" UDP 192.0.2.1:5060 -> 127.0.0.1:5060 (+0.000000 s)\nINVITE sip:bob@127.0.0.1 SIP/2.0\r\n"),
        "{text}"
    );
    assert!(text.contains(" TCP 127.0.0.1:5060 -> [::1]:5070 (+0.000800 s)\n"), "{text}");
    let (_, _, h2, text2) = call(&state, get(&format!("/api/v1/traces/calls/{enc}?format=text"))).await;
    assert_eq!((hv(&h2, "content-type"), text2), ("text/plain; charset=utf-8", text));

    let (status, _, headers, _) = call(&state, get(&format!("/api/v1/traces/calls/{enc}/pcap"))).await;
    assert_eq!(status, 200);
    assert_eq!(hv(&headers, "content-type"), "application/vnd.tcpdump.pcap");
    assert!(hv(&headers, "content-disposition").starts_with("attachment"), "{headers:?}");

    // The legs of one call.
    let (status, both, ..) = call(&state, get(&format!("/api/v1/traces/calls?call_id={enc}&call_id=leg-2"))).await;
    assert_eq!(status, 200, "{both}");
    assert_eq!(both["messages"].as_array().unwrap().len(), 3);
    assert_eq!(both["call_ids"], json!([cid, "leg-2"]));
    let (status, _, headers, _) = call(&state, get("/api/v1/traces/calls?call_id=leg-2&format=pcap")).await;
    assert_eq!((status, hv(&headers, "content-type")), (200, "application/vnd.tcpdump.pcap"));
    for (uri, code, words) in [
        ("/api/v1/traces/calls/nope", 404, "\"nope\""),
        ("/api/v1/traces/calls?call_id=nope&call_id=nix", 404, "\"nix\""),
        ("/api/v1/traces/calls", 400, "`call_id`"),
        ("/api/v1/traces/calls?call_id=", 400, "`call_id`"),
        (
            &format!("/api/v1/traces/calls?{}", (0..11).map(|i| format!("call_id={i}")).collect::<Vec<_>>().join("&")),
            400,
            "`call_id`",
        ),
        ("/api/v1/traces/calls?call_id=leg-2&format=xml", 400, "`format`"),
        ("/api/v1/traces/calls?call_id=leg-2&cid=1", 400, "`cid`"),
        ("/api/v1/traces/calls/leg-2?format=xml", 400, "`format`"),
        ("/api/v1/traces/calls/leg-2/pcap?format=json", 400, "`format`"),
    ] {
        let (status, p, ..) = call(&state, get(uri)).await;
        assert!(status == code && detail(&p).contains(words), "{uri}: {status} {p}");
    }
}

fn hv<'a>(h: &'a actix_web::http::header::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}
