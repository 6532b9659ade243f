//! Several Kamailio nodes (two real Kamailio processes), and many viewers sharing one
//! upstream round of RPC calls (counted by Kamailio itself).
use std::time::Duration;

use kamscope_acceptance::*;
use kamscope_server::configuration::NodeConfig;
use serde_json::Value;

fn names(r: &Reply) -> Vec<(String, String)> {
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["node"].as_str().unwrap_or("-").to_string(), i["username"].as_str().unwrap().to_string()))
        .collect()
}

fn node<'a>(d: &'a Value, name: &str) -> &'a Value {
    d["nodes"].as_array().unwrap().iter().find(|n| n["name"] == name).unwrap_or_else(|| panic!("no node {name} in {d}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_and_shared_rpc_rounds() {
    let (k1, k2) = tokio::join!(Kamailio::start(Backend::Sqlite, false), Kamailio::start(Backend::Sqlite, false));
    let (k1, k2) = (k1.unwrap(), k2.unwrap());
    k1.register(3, "na", 5999, None).await.unwrap();
    k2.register(2, "nb", 5999, None).await.unwrap();
    let mut settings = settings_for(&k1);
    settings.kamailio_nodes = vec![
        NodeConfig { name: "edge1".into(), rpc_url: k1.rpc_url() },
        NodeConfig { name: "edge2".into(), rpc_url: k2.rpc_url() },
    ];
    settings.cache_ttl_ms = 1500;
    let app = spawn_app(settings).await.unwrap();

    // Per node, default node, and all nodes merged (each item carries its node), paged.
    let all = names(&app.get("/api/v1/registrations?source=memory&node=all").await);
    let want: Vec<(String, String)> =
        [("edge1", "na0001"), ("edge1", "na0002"), ("edge1", "na0003"), ("edge2", "nb0001"), ("edge2", "nb0002")]
            .iter()
            .map(|(n, u)| (n.to_string(), u.to_string()))
            .collect();
    assert_eq!(all, want);
    let (paged, pages) = app.all_pages("/api/v1/registrations?source=memory&node=all&limit=2").await;
    assert_eq!(paged.len(), 5);
    assert_eq!(pages, 3);
    assert_eq!(names(&app.get("/api/v1/registrations?source=memory&node=edge2").await), want[3..].to_vec());
    assert_eq!(names(&app.get("/api/v1/registrations?source=memory").await), want[..3].to_vec());
    assert_problem(&app.get("/api/v1/registrations?source=memory&node=edge9").await, 400, "edge1, edge2");
    // Deletes act on the node asked, and only there.
    assert_problem(&app.delete("/api/v1/registrations/na0001?node=edge2").await, 404, "na0001");
    assert_eq!(app.delete("/api/v1/registrations/nb0001?node=edge2").await.status, 204);
    assert_eq!(k2.aors_in_memory().await.unwrap(), vec!["nb0002"]);
    assert_eq!(k1.aors_in_memory().await.unwrap().len(), 3);

    // The dashboard and health show every node.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let d = app.get("/api/v1/dashboard").await.body;
    assert_eq!(node(&d, "edge1")["registered_users"], 3, "{d}");
    assert_eq!(node(&d, "edge2")["registered_users"], 1, "{d}");
    let h = app.get("/api/v1/health").await.body;
    for n in ["edge1", "edge2"] {
        for check in ["kamailio_rpc", "kamailio_processes"] {
            let c = h["checks"].as_array().unwrap().iter().find(|c| c["name"] == check && c["node"] == n);
            assert_eq!(c.unwrap_or_else(|| panic!("{check} for {n}: {h}"))["status"], "ok");
        }
    }

    // 40 viewers at once share one round. Kamailio counts every HTTP request it
    // receives in core:rcv_requests (no SIP traffic meanwhile), so the difference is
    // exactly the RPC calls it got. (sl:200_replies is not monotonic across its
    // processes when read under concurrent replies: measured, not usable here.)
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let before = k1.stat("core.rcv_requests").await.unwrap();
    let reqs = (0..40).map(|i| {
        let app = &app;
        async move { app.get(if i % 2 == 0 { "/api/v1/dashboard" } else { "/api/v1/health" }).await }
    });
    let replies = futures::future::join_all(reqs).await;
    for r in &replies {
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let after = k1.stat("core.rcv_requests").await.unwrap();
    // One round is 4 calls per node (core.version, core.uptime, core.psx, stats.fetchn);
    // `after`'s own request is counted too. Without sharing it would be 160.
    let upstream = after - before - 1;
    eprintln!("40 concurrent dashboard/health requests caused {upstream} RPC calls on edge1");
    assert!((4..=8).contains(&upstream), "{upstream} RPC calls for 40 viewers");

    // One node down: it shows red with a reason, the other stays green.
    k2.stop().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let d = app.get("/api/v1/dashboard").await.body;
    assert_eq!(node(&d, "edge1")["status"], "ok");
    assert_eq!(node(&d, "edge2")["status"], "down");
    assert!(node(&d, "edge2")["error"].as_str().unwrap().contains(&k2.rpc_port.to_string()), "{d}");
    assert_eq!(app.get("/api/v1/health").await.body["status"], "degraded");
    assert_problem(&app.get("/api/v1/registrations?source=memory&node=edge2").await, 503, "unreachable");
    assert_eq!(app.get("/api/v1/registrations?source=memory&node=edge1").await.status, 200);
}
