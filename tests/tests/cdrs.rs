//! CDRs (acc): real Kamailio, SIPp calls with known outcomes, on SQLite, MariaDB and
//! PostgreSQL. Every list is checked against the `acc` / `missed_calls` rows read
//! directly from Kamailio's database.
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use kamscope_acceptance::*;
use serde_json::Value;

const ANSWERED: usize = 2;

/// `acc`/`missed_calls` rows as Kamailio wrote them, newest first: (id, method, callid,
/// sip_code, src_user, dst_user, time as an instant).
/// (id, method, callid, sip_code, src_user, dst_user, time as an instant)
type SourceRow = (i64, String, String, String, String, String, DateTime<Utc>);

async fn source_rows(k: &Kamailio, table: &str) -> Vec<SourceRow> {
    let rows = k
        .sql(&format!(
            "SELECT id, method, callid, sip_code, src_user, dst_user, {} AS t FROM {table} ORDER BY time DESC, id DESC",
            k.time_sql("time")
        ))
        .await
        .unwrap();
    rows.into_iter()
        .map(|r| {
            let s = |i: usize| r[i].clone().unwrap_or_default();
            (s(0).parse().unwrap(), s(1), s(2), s(3), s(4), s(5), k.parse_time(&s(6)).unwrap())
        })
        .collect()
}

/// The names of the indexes on acc and missed_calls, from the backend's own catalog.
async fn index_names(k: &Kamailio) -> Vec<String> {
    let q = match k.backend {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('acc', 'missed_calls') ORDER BY name",
        Backend::Mysql => "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name IN ('acc', 'missed_calls') ORDER BY index_name",
        Backend::Postgres => "SELECT indexname::text FROM pg_indexes WHERE tablename IN ('acc', 'missed_calls') ORDER BY indexname",
    };
    let mut names: Vec<String> = k.sql(q).await.unwrap().into_iter().filter_map(|r| r[0].clone()).collect();
    names.sort();
    names
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

async fn cdrs_end_to_end(backend: Backend) {
    // Kamailio writes in UTC; kamscope reports in Asia/Shanghai (settings_for).
    let k = Kamailio::start_with(backend, Options { tz: "UTC", ..Options::default() }).await.unwrap();
    let app = spawn_app(settings_for(&k)).await.unwrap();
    let sip = k.sip_port.to_string();
    lab("sipp.sh", &["calls", &sip, &ANSWERED.to_string(), "alice", "bob"]).await.unwrap();
    lab("sipp.sh", &["failed", &sip, "busy", "1", "carl", "alice"]).await.unwrap();
    lab("sipp.sh", &["failed", &sip, "unknown", "1", "nobody", "erin"]).await.unwrap();
    // acc: INVITE 200 + BYE 200 per answered call, INVITE 486, INVITE 404.
    let want_acc = 2 * ANSWERED + 2;
    let acc = eventually(20, "acc rows of the scenarios", || async {
        let rows = source_rows(&k, "acc").await;
        (rows.len() == want_acc).then_some(rows)
    })
    .await;
    let missed = source_rows(&k, "missed_calls").await;
    assert_eq!(missed.len(), 2, "{missed:?}");

    // Every page, newest first, equals the table.
    let (items, pages) = app.all_pages("/api/v1/cdrs?limit=2").await;
    assert_eq!(pages, 3);
    assert_eq!(ids(&items), acc.iter().map(|r| r.0).collect::<Vec<_>>());
    for (item, row) in items.iter().zip(&acc) {
        assert_eq!(item["method"], row.1.as_str());
        assert_eq!(item["call_id"], row.2.as_str());
        assert_eq!(item["sip_code"], row.3.parse::<u16>().unwrap());
        assert_eq!(item["src_user"], row.4.as_str());
        assert_eq!(item["dst_user"], row.5.as_str());
        let shown = DateTime::parse_from_rfc3339(item["time"].as_str().unwrap()).unwrap();
        assert_eq!(
            shown.offset(),
            &FixedOffset::east_opt(8 * 3600).unwrap(),
            "shown in the reporting zone (the lab's)"
        );
        assert_eq!(shown.with_timezone(&Utc), row.6, "the time Kamailio wrote, to the second");
    }
    let (m_items, _) = app.all_pages("/api/v1/missed-calls?limit=1").await;
    assert_eq!(ids(&m_items), missed.iter().map(|r| r.0).collect::<Vec<_>>());

    // Each filter returns exactly the rows the table has for it.
    let expect = |f: &dyn Fn(&SourceRow) -> bool| acc.iter().filter(|r| f(r)).map(|r| r.0).collect::<Vec<_>>();
    let call = acc.iter().find(|r| r.1 == "BYE").unwrap().2.clone();
    for (query, want) in [
        ("caller=alice".to_string(), expect(&|r| r.4 == "alice")),
        ("callee=carl".to_string(), expect(&|r| r.5 == "carl")),
        ("sip_code=404".to_string(), expect(&|r| r.3 == "404")),
        ("method=bye".to_string(), expect(&|r| r.1 == "BYE")),
        (format!("call_id={}", urlencode(&call)), expect(&|r| r.2 == call)),
        (
            "caller=alice&sip_code=200&method=INVITE".to_string(),
            expect(&|r| r.4 == "alice" && r.3 == "200" && r.1 == "INVITE"),
        ),
    ] {
        assert!(!want.is_empty(), "{query}: the scenarios should give rows");
        let (got, _) = app.all_pages(&format!("/api/v1/cdrs?{query}&limit=1000")).await;
        assert_eq!(ids(&got), want, "{query}");
    }
    // A time window around the first answered call's INVITE holds it; one in the future is empty.
    let first = acc.last().unwrap();
    let (from, to) = (first.6 - chrono::Duration::seconds(1), first.6 + chrono::Duration::seconds(2));
    let window = format!("from={}&to={}", urlencode(&from.to_rfc3339()), urlencode(&to.to_rfc3339()));
    let (got, _) = app.all_pages(&format!("/api/v1/cdrs?{window}&limit=1000")).await;
    assert!(ids(&got).contains(&first.0), "{window}: {got:?}");
    for id in ids(&got) {
        let row = acc.iter().find(|r| r.0 == id).unwrap();
        // One second of slack: the source's text drops SQLite's fractions.
        assert!(
            row.6 >= from - chrono::Duration::seconds(1) && row.6 < to + chrono::Duration::seconds(1),
            "{row:?} outside {window}"
        );
    }
    let future = urlencode(&(Utc::now() + chrono::Duration::hours(1)).to_rfc3339());
    assert!(app.get(&format!("/api/v1/cdrs?from={future}")).await.body["items"].as_array().unwrap().is_empty());

    // The CSV download parses to the same rows as the JSON.
    let csv = app.get("/api/v1/cdrs?format=csv&caller=alice").await;
    assert_eq!(csv.status, 200);
    assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
    let mut r = csv::Reader::from_reader(csv.body.as_str().unwrap().as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let (id_col, call_col) =
        (header.iter().position(|h| h == "id").unwrap(), header.iter().position(|h| h == "call_id").unwrap());
    let rows: Vec<(i64, String)> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[id_col].parse().unwrap(), rec[call_col].to_string())
        })
        .collect();
    let (json, _) = app.all_pages("/api/v1/cdrs?caller=alice&limit=1000").await;
    assert_eq!(
        rows,
        json.iter()
            .map(|i| (i["id"].as_i64().unwrap(), i["call_id"].as_str().unwrap().to_string()))
            .collect::<Vec<_>>()
    );

    // The day's figures: what the scenarios did.
    let s = app.get("/api/v1/cdrs/stats").await;
    assert_eq!(s.status, 200, "{}", s.body);
    assert_eq!(
        (s.body["answered"].as_u64(), s.body["failed"].as_u64(), s.body["missed"].as_u64()),
        (Some(ANSWERED as u64), Some(2), Some(2)),
        "{}",
        s.body
    );
    assert_eq!(s.body["total"], ANSWERED + 2);
    assert_eq!(s.body["timezone"], LAB_TZ);
    let hourly = s.body["hourly"].as_array().unwrap();
    assert_eq!(hourly.len(), 24);
    assert_eq!(hourly.iter().map(|h| h["total"].as_i64().unwrap()).sum::<i64>(), (ANSWERED + 2) as i64);
    let d = app.get("/api/v1/dashboard").await;
    assert_eq!(d.body["calls_today"]["total"], s.body["total"], "the dashboard counts with the same code");

    // Bad input: a 400 naming the parameter.
    for (query, param) in [
        ("to=2026-01-01T00:00:00%2B08:00&from=2026-02-01T00:00:00%2B08:00", "`to`"),
        ("from=yesterday", "`from`"),
        ("sip_code=99", "`sip_code`"),
        ("sip_code=abc", "`sip_code`"),
        ("method=IN%20VITE", "`method`"),
        ("cursor=forged", "`cursor`"),
    ] {
        assert_problem(&app.get(&format!("/api/v1/cdrs?{query}")).await, 400, param);
    }
    assert_problem(&app.get("/api/v1/cdrs/stats?date=2026-13-01").await, 400, "`date`");
    assert_problem(&app.get("/api/v1/cdrs/kpis?group_by=week").await, 400, "`group_by`");
    assert_problem(&app.get("/api/v1/calls?source=acc_cdrs&cursor=x").await, 400, "`cursor`");

    // Calls: each answered INVITE with its BYE (the lab's UAC hangs up after the hold).
    let hold = 1.0; // lab/sipp.sh's default LAB_CALL_HOLD_MS
    let (calls, _) = app.all_pages("/api/v1/calls?limit=1").await;
    let answered: Vec<&SourceRow> = acc.iter().filter(|r| r.1 == "INVITE" && r.3 == "200").collect();
    assert_eq!(
        calls.iter().map(|c| c["call_id"].as_str().unwrap()).collect::<Vec<_>>(),
        answered.iter().map(|r| r.2.as_str()).collect::<Vec<_>>()
    );
    for c in &calls {
        assert_eq!((c["outcome"].as_str(), c["ended_by"].as_str()), (Some("ended"), Some("caller")), "{c}");
        assert_eq!((c["caller"].as_str(), c["callee"].as_str()), (Some("alice"), Some("bob")));
        let d = c["duration"].as_f64().unwrap();
        assert!((d - hold).abs() <= 1.0, "duration {d} vs the scenario's hold {hold}: {c}");
    }
    // acc_cdrs has the same calls, and the failed ones with duration 0.
    let (cdr_calls, _) = app.all_pages("/api/v1/calls?source=acc_cdrs").await;
    let cdr_rows = k.sql("SELECT callid, duration FROM acc_cdrs").await.unwrap();
    assert_eq!(cdr_calls.len(), cdr_rows.len());
    assert_eq!(cdr_calls.iter().filter(|c| c["outcome"] == "ended").count(), ANSWERED);
    assert_eq!(cdr_calls.iter().filter(|c| c["outcome"] == "failed").count(), 2);

    // KPIs of today: 4 seizures (2 answered, 486, 404); effective: 200, 200, 486.
    let kp = app.get("/api/v1/cdrs/kpis").await;
    assert_eq!(kp.status, 200, "{}", kp.body);
    let t = &kp.body["total"];
    assert_eq!(
        (t["seizures"].as_i64(), t["answered"].as_i64(), t["effective"].as_i64()),
        (Some(4), Some(2), Some(3)),
        "{t}"
    );
    assert_eq!(
        (t["asr"].as_f64(), t["ner"].as_f64(), t["ser"].as_f64(), t["seer"].as_f64()),
        (Some(0.5), Some(0.75), Some(0.5), Some(0.75))
    );
    assert!((t["acd"].as_f64().unwrap() - hold).abs() <= 1.0, "{t}");
    assert_eq!(kp.body["rows"].as_array().unwrap().len(), 24);
    let by_callee = app.get("/api/v1/cdrs/kpis?group_by=callee").await;
    let rows = by_callee.body["rows"].as_array().unwrap();
    assert_eq!(rows[0]["key"], "bob");
    assert_eq!(rows[0]["seizures"], ANSWERED);

    // A call Kamailio ends (dlg.end_dlg: no BYE row in acc) and one still up.
    let uas_port = free_port();
    let mut _uas = lab_spawn("sipp.sh", &["uas", &sip, "answer", &uas_port.to_string(), "dave", "2"], &[]);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    k.register_one("dave", uas_port, None).await.unwrap();
    let mut _uac = lab_spawn("sipp.sh", &["longcall", &sip, "2", "600", "alice", "dave"], &[("LAB_UAS", "0")]);
    let dialogs = eventually(30, "two confirmed long calls", || async {
        let it = app.get("/api/v1/dialogs").await.body["items"].as_array().cloned().unwrap_or_default();
        (it.len() == 2 && it.iter().all(|d| d["state"] == 4)).then_some(it)
    })
    .await;
    let ended = &dialogs[0];
    let ended_call = ended["call_id"].as_str().unwrap().to_string();
    let end = app.post(&format!("/api/v1/dialogs/{}/{}/end", ended["h_entry"], ended["h_id"])).await;
    assert_eq!(end.status, 204, "{}", end.body);
    let long = eventually(20, "the ended long call with its end from acc_cdrs", || async {
        let (calls, _) = app.all_pages("/api/v1/calls?callee=dave").await;
        let done = calls.iter().any(|c| c["call_id"] == ended_call.as_str() && c["end"].is_string());
        (calls.len() == 2 && done).then_some(calls)
    })
    .await;
    for c in &long {
        if c["call_id"] == ended_call.as_str() {
            assert_eq!((c["outcome"].as_str(), c["ended_by"].as_str()), (Some("ended"), Some("kamailio")), "{c}");
        } else {
            assert_eq!((c["outcome"].as_str(), c["end"].as_str()), (Some("up"), None), "{c}");
        }
    }

    // Indexes: a stock schema lacks the time indexes; health says so; --apply creates
    // exactly those (checked in the catalog) and health stops warning.
    let warnings = app.get("/api/v1/health").await.body["warnings"].clone();
    let text = warnings.to_string();
    assert!(text.contains("`acc`") && text.contains("`missed_calls`"), "{warnings}");
    let before = index_names(&k).await;
    let mut out = Vec::new();
    kamscope_server::cli::db_indexes(&settings_for(&k), true, &mut out).await.unwrap();
    let after = index_names(&k).await;
    let added: Vec<&String> = after.iter().filter(|n| !before.contains(n)).collect();
    // The lab's tables have db_extra's src_user/dst_user: their indexes are recommended too.
    assert_eq!(
        added,
        [
            "kamscope_acc_dst_user_idx",
            "kamscope_acc_src_user_idx",
            "kamscope_acc_time_idx",
            "kamscope_missed_calls_dst_user_idx",
            "kamscope_missed_calls_src_user_idx",
            "kamscope_missed_calls_time_idx"
        ],
        "{}",
        String::from_utf8_lossy(&out)
    );
    let h = eventually(5, "health without index warnings", || async {
        let h = app.get("/api/v1/health").await;
        h.body["warnings"].as_array().is_some_and(|w| w.is_empty()).then_some(h)
    })
    .await;
    assert_eq!(h.status, 200);
    let mut out = Vec::new();
    kamscope_server::cli::db_indexes(&settings_for(&k), false, &mut out).await.unwrap();
    assert!(String::from_utf8_lossy(&out).contains("Every recommended index is there"));
    assert_eq!(index_names(&k).await, after, "a second run changes nothing");
    let acc_cursor = app.get("/api/v1/cdrs?limit=1").await.body["next_cursor"].as_str().unwrap().to_string();
    assert_problem(&app.get(&format!("/api/v1/missed-calls?cursor={acc_cursor}")).await, 400, "`cursor`");
}

#[tokio::test(flavor = "multi_thread")]
async fn cdrs_sqlite() {
    cdrs_end_to_end(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cdrs_mariadb() {
    cdrs_end_to_end(Backend::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cdrs_postgres() {
    cdrs_end_to_end(Backend::Postgres).await;
}

/// Every outcome the KPIs tell apart, from a Kamailio writing in UTC while kamscope
/// reports in Asia/Shanghai. The expected figures come from what each scenario does
/// (lab/README.md's table), not from kamscope.
async fn outcomes_end_to_end(backend: Backend) {
    let k = Kamailio::start_with(backend, Options { tz: "UTC", ..Options::default() }).await.unwrap();
    let app = spawn_app(settings_for(&k)).await.unwrap();
    let hold = [("LAB_CALL_HOLD_MS", "2200")];
    k.sipp("calls", &["2", "alice", "bob"], &hold).await.unwrap(); // the caller hangs up
    k.sipp("callee-bye", &["1", "alice", "hugo"], &hold).await.unwrap(); // the callee hangs up
    for code in ["486", "480", "603"] {
        k.sipp("failed", &[code, "1"], &[]).await.unwrap();
    }
    k.sipp("failed", &["unknown", "1"], &[]).await.unwrap(); // Kamailio's own 404
    k.sipp("redirect", &["1"], &[]).await.unwrap(); // 302
    k.sipp("auth", &["1", "alice", "pat"], &hold).await.unwrap(); // 407, then answered
    k.sipp("cancel", &["1"], &[]).await.unwrap(); // 487
                                                  // acc: 2 + 1 + 1 answered INVITEs and their BYEs, 7 failed INVITEs (486 480 603 404 302 407 487).
    eventually(20, "every scenario's acc rows", || async {
        let n = k.sql("SELECT COUNT(*) FROM acc").await.unwrap()[0][0].clone().unwrap_or_default();
        (n == "15").then_some(())
    })
    .await;

    // The day's figures count acc's rows: 4 answered, 7 failed, 7 in missed_calls.
    let s = app.get("/api/v1/cdrs/stats").await.body;
    assert_eq!(
        (s["answered"].as_i64(), s["failed"].as_i64(), s["missed"].as_i64(), s["total"].as_i64()),
        (Some(4), Some(7), Some(7), Some(11)),
        "{s}"
    );
    assert_eq!(s["timezone"], "Asia/Shanghai");

    // Calls: four, durations within a second of the hold, who hung up.
    let (calls, _) = app.all_pages("/api/v1/calls").await;
    assert_eq!(calls.len(), 4, "{calls:?}");
    for c in &calls {
        let d = c["duration"].as_f64().unwrap();
        assert!((d - 2.2).abs() <= 1.0, "{c}");
        let by = if c["callee"] == "hugo" { "callee" } else { "caller" };
        assert_eq!(c["ended_by"], by, "{c}");
        assert!(c["start"].as_str().unwrap().ends_with("+08:00"), "{c}");
    }
    assert_eq!(calls.iter().filter(|c| c["callee"] == "pat").count(), 1, "the challenged call is one call");

    // KPIs: 10 seizures (the 407 is no attempt of its own), 4 answered, 7 effective
    // (answered + 486 480 603), one 302 out of SER/SEER's denominator, one 487.
    let k1 = app.get("/api/v1/cdrs/kpis").await.body;
    let t = &k1["total"];
    assert_eq!(
        (
            t["seizures"].as_i64(),
            t["answered"].as_i64(),
            t["effective"].as_i64(),
            t["redirected"].as_i64(),
            t["cancelled"].as_i64()
        ),
        (Some(10), Some(4), Some(7), Some(1), Some(1)),
        "{t}"
    );
    assert_eq!(
        (t["asr"].as_f64(), t["ner"].as_f64(), t["ser"].as_f64(), t["seer"].as_f64()),
        (Some(0.4), Some(0.7), Some(0.4444), Some(0.7778))
    );
    // ACD from the table: each answer to its dialog's BYE, whole seconds as acc writes them.
    let rows =
        k.sql(&format!("SELECT callid, method, sip_code, {} FROM acc ORDER BY id", k.time_sql("time"))).await.unwrap();
    let at = |r: &Vec<Option<String>>| k.parse_time(r[3].as_deref().unwrap()).unwrap();
    let durations: Vec<f64> = rows
        .iter()
        .filter(|r| r[1].as_deref() == Some("INVITE") && r[2].as_deref() == Some("200"))
        .map(|inv| {
            let bye = rows
                .iter()
                .find(|r| r[0] == inv[0] && r[1].as_deref() == Some("BYE"))
                .expect("a BYE per answered call");
            (at(bye) - at(inv)).num_seconds() as f64
        })
        .collect();
    let acd = durations.iter().sum::<f64>() / durations.len() as f64;
    assert!((t["acd"].as_f64().unwrap() - acd).abs() < 0.001, "{t} vs {acd}");
    let by_callee = app.get("/api/v1/cdrs/kpis?group_by=callee").await.body;
    let bob = by_callee["rows"].as_array().unwrap().iter().find(|r| r["key"] == "bob").cloned().unwrap();
    assert_eq!((bob["seizures"].as_i64(), bob["asr"].as_f64()), (Some(2), Some(1.0)));

    // Rows around midnight in Asia/Shanghai, written as this UTC Kamailio writes them.
    let sh: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
    let before = sh.with_ymd_and_hms(2026, 11, 15, 23, 59, 59).unwrap().with_timezone(&Utc);
    let after = sh.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap().with_timezone(&Utc);
    k.insert_acc("acc", &AccRow::new("INVITE", 200, "midnight-a@lab", "ta", before, "alice", "bob")).await.unwrap();
    k.insert_acc("acc", &AccRow::new("INVITE", 486, "midnight-b@lab", "tb", after, "alice", "carl")).await.unwrap();
    let day = |d: &str| {
        let app = &app;
        let d = d.to_string();
        async move { app.get(&format!("/api/v1/cdrs/stats?date={d}")).await.body }
    };
    let d15 = day("2026-11-15").await;
    let d16 = day("2026-11-16").await;
    assert_eq!((d15["answered"].as_i64(), d15["failed"].as_i64()), (Some(1), Some(0)), "{d15}");
    assert_eq!((d16["answered"].as_i64(), d16["failed"].as_i64()), (Some(0), Some(1)), "{d16}");
    assert_eq!(d15["hourly"].as_array().unwrap()[23]["total"], 1);
    assert_eq!(d16["hourly"].as_array().unwrap()[0]["total"], 1);
    let window =
        format!("from={}&to={}", urlencode("2026-11-16T00:00:00+08:00"), urlencode("2026-11-17T00:00:00+08:00"));
    let got = app.get(&format!("/api/v1/cdrs?{window}")).await.body;
    let items = got["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{got}");
    assert_eq!(
        (items[0]["call_id"].as_str(), items[0]["time"].as_str()),
        (Some("midnight-b@lab"), Some("2026-11-16T00:00:00+08:00"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cdr_outcomes_sqlite() {
    outcomes_end_to_end(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cdr_outcomes_mariadb() {
    outcomes_end_to_end(Backend::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cdr_outcomes_postgres() {
    outcomes_end_to_end(Backend::Postgres).await;
}

/// acc and acc_cdrs exactly as Kamailio ships them (no db_extra / cdr_extra): the lists
/// still work, and filters on the columns those settings add are a 400 that says so.
async fn stock_acc_end_to_end(backend: Backend) {
    let k = Kamailio::start_with(backend, Options { stock_acc: true, tz: "UTC", ..Options::default() }).await.unwrap();
    let app = spawn_app(settings_for(&k)).await.unwrap();
    k.sipp("calls", &["1"], &[]).await.unwrap();
    k.sipp("failed", &["busy", "1"], &[]).await.unwrap();
    let n = eventually(20, "acc rows", || async {
        let n: usize =
            k.sql("SELECT COUNT(*) FROM acc").await.unwrap()[0][0].clone().unwrap_or_default().parse().unwrap_or(0);
        (n == 3).then_some(n)
    })
    .await;
    let (items, _) = app.all_pages("/api/v1/cdrs").await;
    assert_eq!(items.len(), n);
    assert!(items.iter().all(|i| i["src_user"].is_null() && i["dst_user"].is_null()));
    for (path, column, setting) in [
        ("/api/v1/cdrs?caller=alice", "`src_user`", "db_extra"),
        ("/api/v1/missed-calls?callee=bob", "`dst_user`", "db_extra"),
        ("/api/v1/dialogs/history?call_id=x", "`callid`", "cdr_extra"),
        ("/api/v1/calls?source=acc_cdrs&caller=alice", "`src_user`", "cdr_extra"),
    ] {
        let r = app.get(path).await;
        assert_problem(&r, 400, column);
        assert!(r.body["detail"].as_str().unwrap().contains(setting), "{path}: {}", r.body);
    }
    let history = app.get("/api/v1/dialogs/history").await;
    assert_eq!(history.status, 200, "{}", history.body);
    let cdrs: usize =
        k.sql("SELECT COUNT(*) FROM acc_cdrs").await.unwrap()[0][0].clone().unwrap_or_default().parse().unwrap();
    assert_eq!(history.body["items"].as_array().unwrap().len(), cdrs);
    let (calls, _) = app.all_pages("/api/v1/calls").await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0]["ended_by"], "caller");
}

#[tokio::test(flavor = "multi_thread")]
async fn stock_acc_sqlite() {
    stock_acc_end_to_end(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stock_acc_mariadb() {
    stock_acc_end_to_end(Backend::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stock_acc_postgres() {
    stock_acc_end_to_end(Backend::Postgres).await;
}
