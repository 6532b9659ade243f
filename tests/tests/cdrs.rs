//! CDRs (acc): real Kamailio, SIPp calls with known outcomes, on SQLite, MariaDB and
//! PostgreSQL. Every list is checked against the `acc` / `missed_calls` rows read
//! directly from Kamailio's database.
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use kamscope_acceptance::*;
use serde_json::Value;

const ANSWERED: usize = 2;

/// `acc`/`missed_calls` rows as Kamailio wrote them, newest first: (id, method, callid,
/// sip_code, src_user, dst_user, time as an instant).
async fn source_rows(k: &Kamailio, table: &str) -> Vec<(i64, String, String, String, String, String, DateTime<Utc>)> {
    // Each backend's time as text: SQLite's Julian days are UTC; MySQL's DATETIME and
    // PostgreSQL's TIMESTAMP are naive times in Kamailio's zone (the lab's).
    let time = match k.backend {
        Backend::Sqlite => "strftime('%Y-%m-%d %H:%M:%S', time)",
        Backend::Mysql => "DATE_FORMAT(time, '%Y-%m-%d %H:%i:%s')",
        Backend::Postgres => "to_char(time, 'YYYY-MM-DD HH24:MI:SS')",
    };
    let rows = k
        .sql(&format!("SELECT id, method, callid, sip_code, src_user, dst_user, {time} AS t FROM {table} ORDER BY time DESC, id DESC"))
        .await
        .unwrap();
    let lab_tz: chrono_tz::Tz = LAB_TZ.parse().unwrap();
    rows.into_iter()
        .map(|r| {
            let s = |i: usize| r[i].clone().unwrap_or_default();
            let naive = NaiveDateTime::parse_from_str(&s(6), "%Y-%m-%d %H:%M:%S").unwrap();
            let at = match k.backend {
                Backend::Sqlite => Utc.from_utc_datetime(&naive),
                _ => lab_tz.from_local_datetime(&naive).earliest().unwrap().with_timezone(&Utc),
            };
            (s(0).parse().unwrap(), s(1), s(2), s(3), s(4), s(5), at)
        })
        .collect()
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

async fn cdrs_end_to_end(backend: Backend) {
    let k = Kamailio::start(backend, false).await.unwrap();
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
        // SQLite keeps fractions of a second; the text above is truncated.
        assert!((shown.with_timezone(&Utc) - row.6).num_seconds().abs() <= 1, "{shown} vs {}", row.6);
    }
    let (m_items, _) = app.all_pages("/api/v1/missed-calls?limit=1").await;
    assert_eq!(ids(&m_items), missed.iter().map(|r| r.0).collect::<Vec<_>>());

    // Each filter returns exactly the rows the table has for it.
    let expect = |f: &dyn Fn(&(i64, String, String, String, String, String, DateTime<Utc>)) -> bool| {
        acc.iter().filter(|r| f(r)).map(|r| r.0).collect::<Vec<_>>()
    };
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
