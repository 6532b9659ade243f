//! Manual page 1 (registrations) end to end: SIPp registers users with a real Kamailio
//! on each backend; kamscope lists, searches, pages and deletes them.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use kamscope_acceptance::*;
use serde_json::Value;

const USERS: usize = 20;
const CONTACT_PORT: u16 = 5999;
const SECOND_PORT: u16 = 6001;

fn user(i: usize) -> String {
    format!("u{i:04}")
}

/// The Contact the lab's SIPp scenario registers.
fn contact(user: &str, port: u16) -> String {
    format!("sip:{user}@127.0.0.1:{port};transport=udp")
}

/// (username, contact) of every item.
fn pairs(items: &[Value]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|r| (r["username"].as_str().unwrap().to_string(), r["contact"].as_str().unwrap().to_string()))
        .collect()
}

fn check_fields(r: &Value, k: &Kamailio, source: &str) {
    let name = r["username"].as_str().unwrap();
    assert_eq!(r["source"], source);
    assert_eq!(r["aor"], name, "use_domain 0: the AoR is the username");
    assert!(r["domain"].is_null(), "use_domain 0 keeps no domain: {r}");
    assert!(r["contact"].as_str().unwrap().starts_with(&format!("sip:{name}@127.0.0.1:")), "{r}");
    assert_eq!(r["socket"], format!("udp:127.0.0.1:{}", k.sip_port), "{r}");
    assert!(r["user_agent"].as_str().is_some_and(|ua| !ua.is_empty()), "{r}");
    assert!(r["call_id"].is_string() && r["cseq"].is_i64(), "{r}");
    assert_eq!(r["expiry_state"], "active");
    // SIPp registers with Expires 3600; times are RFC 3339 in the lab's zone (+08:00).
    let expires = r["expires"].as_str().unwrap();
    assert!(expires.ends_with("+08:00"), "expires {expires} should carry Asia/Shanghai's offset");
    let expires: DateTime<Utc> = DateTime::parse_from_rfc3339(expires).unwrap().into();
    let left = (expires - Utc::now()).num_seconds();
    assert!((3300..=3605).contains(&left), "expires {left}s from now, want about 3600: {r}");
    let expires_in = r["expires_in"].as_i64().unwrap();
    assert!((expires_in - left).abs() <= 5, "expires_in {expires_in} vs {left}");
    let modified: DateTime<Utc> = DateTime::parse_from_rfc3339(r["last_modified"].as_str().unwrap()).unwrap().into();
    assert!((Utc::now() - modified).num_seconds().abs() < 600, "last_modified {modified} is not recent");
    assert!(r["received"].is_null(), "no NAT here: received is null, not Kamailio's \"[not set]\"");
}

async fn registrations_end_to_end(backend: Backend) {
    let k = Kamailio::start(backend, false).await.unwrap();
    k.register(USERS, "u", CONTACT_PORT, None).await.unwrap();
    k.register_one(&user(3), SECOND_PORT, None).await.unwrap();
    let app = spawn_app(settings_for(&k)).await.unwrap();

    let mut want: BTreeSet<(String, String)> =
        (1..=USERS).map(|i| (user(i), contact(&user(i), CONTACT_PORT))).collect();
    want.insert((user(3), contact(&user(3), SECOND_PORT)));

    // Both sources list exactly the registered contacts, with the right fields.
    let db = app.get("/api/v1/registrations?limit=1000").await;
    assert_eq!(db.status, 200, "{}", db.body);
    assert!(db.body["next_cursor"].is_null());
    let db_items = db.body["items"].as_array().unwrap().clone();
    assert_eq!(pairs(&db_items), want);
    assert_eq!(db_items.len(), USERS + 1);
    db_items.iter().for_each(|r| check_fields(r, &k, "db"));

    let mem = app.get("/api/v1/registrations?source=memory&limit=1000").await;
    assert_eq!(mem.status, 200, "{}", mem.body);
    let mem_items = mem.body["items"].as_array().unwrap().clone();
    assert_eq!(pairs(&mem_items), want);
    mem_items.iter().for_each(|r| check_fields(r, &k, "memory"));
    // The same contact has the same expiry in both sources (Julian days, naive local
    // DATETIMEs and usrloc's seconds-left all agree).
    let by_contact: BTreeMap<&str, &str> =
        db_items.iter().map(|r| (r["contact"].as_str().unwrap(), r["expires"].as_str().unwrap())).collect();
    for r in &mem_items {
        let m: DateTime<Utc> = DateTime::parse_from_rfc3339(r["expires"].as_str().unwrap()).unwrap().into();
        let d: DateTime<Utc> = DateTime::parse_from_rfc3339(by_contact[r["contact"].as_str().unwrap()]).unwrap().into();
        assert!((m - d).num_seconds().abs() <= 3, "memory {m} vs db {d} for {}", r["contact"]);
    }

    // Pages of 7 cover everything once, in a stable order.
    for source in ["db", "memory"] {
        let (items, pages) = app.all_pages(&format!("/api/v1/registrations?source={source}&limit=7")).await;
        assert_eq!(items.len(), USERS + 1, "{source}");
        assert_eq!(pages, (USERS + 1).div_ceil(7), "{source}");
        assert_eq!(pairs(&items), want, "{source}");
        let names: Vec<&str> = items.iter().map(|r| r["username"].as_str().unwrap()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "{source} pages sort by user");
    }

    // Search narrows, in both sources.
    for source in ["db", "memory"] {
        let r = app.get(&format!("/api/v1/registrations?source={source}&q=u001")).await;
        let names: BTreeSet<String> =
            r.body["items"].as_array().unwrap().iter().map(|r| r["username"].as_str().unwrap().to_string()).collect();
        assert_eq!(names, (10..=19).map(user).collect(), "{source} q=u001");
        let none = app.get(&format!("/api/v1/registrations?source={source}&q=nobody")).await;
        assert_eq!(none.body["items"].as_array().unwrap().len(), 0);
    }

    // Deleting a user's registration removes it from memory and from the table, and nothing else.
    let r = app.delete(&format!("/api/v1/registrations/{}", user(5))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let aors = k.aors_in_memory().await.unwrap();
    assert!(!aors.contains(&user(5)), "ul.dump still has {}", user(5));
    assert_eq!(aors.len(), USERS - 1);
    let (after, _) = app.all_pages("/api/v1/registrations?limit=1000").await;
    let mut want_after = want.clone();
    want_after.retain(|(u, _)| *u != user(5));
    assert_eq!(pairs(&after), want_after, "only {} is gone from the table", user(5));

    // Deleting one of two contacts leaves the other.
    let second = contact(&user(3), SECOND_PORT);
    let r = app.delete(&format!("/api/v1/registrations/{}/contacts?contact={}", user(3), urlencode(&second))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let lookup = k.rpc("ul.lookup", serde_json::json!(["location", user(3)])).await.unwrap();
    let contacts = lookup["result"]["Contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 1, "{lookup}");
    assert_eq!(contacts[0]["Contact"]["Address"], contact(&user(3), CONTACT_PORT));
    let (after, _) = app.all_pages("/api/v1/registrations?limit=1000").await;
    want_after.remove(&(user(3), second.clone()));
    assert_eq!(pairs(&after), want_after);
    let one = app.get(&format!("/api/v1/registrations/{}", user(3))).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["contacts"].as_array().unwrap().len(), 1);

    // Bad input: clear problems, and nothing changes.
    assert_problem(&app.delete("/api/v1/registrations/nosuchuser").await, 404, "nosuchuser");
    assert_problem(&app.get("/api/v1/registrations/nosuchuser").await, 404, "nosuchuser");
    // use_domain 0: Kamailio would drop the local u0004 for u0004@elsewhere.example.
    assert_problem(
        &app.delete(&format!("/api/v1/registrations/{}@elsewhere.example", user(4))).await,
        404,
        "elsewhere.example",
    );
    assert_problem(&app.delete(&format!("/api/v1/registrations/{}/contacts", user(4))).await, 400, "contact");
    assert_problem(
        &app.delete(&format!("/api/v1/registrations/{}/contacts?contact={}", user(4), urlencode("sip:x@192.0.2.9")))
            .await,
        404,
        "sip:x@192.0.2.9",
    );
    assert_problem(
        &app.delete(&format!("/api/v1/registrations/nosuchuser/contacts?contact={}", urlencode("sip:a@b"))).await,
        404,
        "nosuchuser",
    );
    assert_problem(&app.get("/api/v1/registrations?limit=0").await, 400, "limit");
    assert_problem(&app.get("/api/v1/registrations?limit=1001").await, 400, "limit");
    assert_problem(&app.get("/api/v1/registrations?limit=abc").await, 400, "limit");
    assert_problem(&app.get("/api/v1/registrations?source=disk").await, 400, "source");
    assert_problem(&app.get("/api/v1/registrations?cursor=garbage").await, 400, "cursor");
    let db_cursor = app.get("/api/v1/registrations?limit=2").await.body["next_cursor"].as_str().unwrap().to_string();
    assert_problem(&app.get(&format!("/api/v1/registrations?source=memory&cursor={db_cursor}")).await, 400, "cursor");
    assert_problem(&app.get("/api/v1/nosuchthing").await, 404, "/api/v1/nosuchthing");
    let aors = k.aors_in_memory().await.unwrap();
    assert_eq!(aors.len(), USERS - 1, "bad requests changed nothing");
    assert!(aors.contains(&user(4)));

    // Kamailio down: memory and RPC calls answer 503, the table keeps working, health says why.
    k.stop().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await; // past the shared round's TTL
    assert_problem(&app.get("/api/v1/registrations?source=memory").await, 503, "unreachable");
    assert_problem(&app.delete(&format!("/api/v1/registrations/{}", user(6))).await, 503, "kamailio");
    assert_eq!(app.get("/api/v1/registrations").await.status, 200);
    let h = app.get("/api/v1/health").await;
    assert_eq!(h.status, 200, "{}", h.body);
    assert_eq!(h.body["status"], "degraded");
    let checks = h.body["checks"].as_array().unwrap();
    let kam = checks.iter().find(|c| c["name"] == "kamailio_rpc").unwrap();
    assert_eq!(kam["status"], "down");
    assert!(kam["error"].as_str().unwrap().contains("unreachable"), "{kam}");
    assert_eq!(checks.iter().find(|c| c["name"] == "database").unwrap()["status"], "ok");

    // ... and back without restarting kamscope.
    k.start_again().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await; // past the shared round's TTL
    let h = app.get("/api/v1/health").await;
    assert_eq!(h.body["status"], "ok", "{}", h.body);
    let kam = h.body["checks"].as_array().unwrap().iter().find(|c| c["name"] == "kamailio_rpc").unwrap().clone();
    assert!(kam["version"].as_str().unwrap().contains("5.6"), "{kam}");
    assert!(kam["uptime_seconds"].is_i64());
    assert_eq!(app.get("/api/v1/registrations?source=memory").await.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn registrations_sqlite() {
    registrations_end_to_end(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn registrations_mariadb() {
    registrations_end_to_end(Backend::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn registrations_postgres() {
    registrations_end_to_end(Backend::Postgres).await;
}

/// usrloc with domains: AoRs are user@domain and delete only the right domain's user.
#[tokio::test(flavor = "multi_thread")]
async fn registrations_use_domain_postgres() {
    let k = Kamailio::start(Backend::Postgres, true).await.unwrap();
    k.register(5, "d", CONTACT_PORT, Some("example.com")).await.unwrap();
    let app = spawn_app(settings_for(&k)).await.unwrap();
    for source in ["db", "memory"] {
        let r = app.get(&format!("/api/v1/registrations?source={source}")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let items = r.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 5, "{source}: {}", r.body);
        for it in items {
            assert_eq!(it["domain"], "example.com", "{it}");
            assert_eq!(it["aor"], format!("{}@example.com", it["username"].as_str().unwrap()));
        }
    }
    assert_problem(&app.delete("/api/v1/registrations/d0002@other.example").await, 404, "d0002@other.example");
    assert_eq!(app.delete("/api/v1/registrations/d0001@example.com").await.status, 204);
    let aors = k.aors_in_memory().await.unwrap();
    assert_eq!(aors, vec!["d0002@example.com", "d0003@example.com", "d0004@example.com", "d0005@example.com"]);
}

/// The database down: DB-backed lists answer 503 with a reason; health says so.
#[tokio::test(flavor = "multi_thread")]
async fn database_down_is_503() {
    let k = Kamailio::start(Backend::Sqlite, false).await.unwrap();
    let mut settings = settings_for(&k);
    settings.database_url = format!("postgres://kamailio:kamailiorw@127.0.0.1:{}/kamailio", free_port());
    let app = spawn_app(settings).await.unwrap();
    assert_problem(&app.get("/api/v1/registrations").await, 503, "database");
    let h = app.get("/api/v1/health").await;
    assert_eq!(h.body["status"], "degraded", "{}", h.body);
    let db = h.body["checks"].as_array().unwrap().iter().find(|c| c["name"] == "database").unwrap().clone();
    assert_eq!(db["status"], "down");
    assert!(db["error"].as_str().is_some_and(|e| !e.is_empty()));
    // RPC-backed calls keep working.
    assert_eq!(app.get("/api/v1/registrations?source=memory").await.status, 200);
}
