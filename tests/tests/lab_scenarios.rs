//! The lab itself, checked at the source: each SIPp scenario of lab/sipp.sh with a known
//! outcome gives exactly the `acc` / `missed_calls` rows lab/README.md lists (what the CDR
//! acceptance test counts on), a Kamailio in UTC writes UTC, a stock acc schema still gets
//! rows, and `Kamailio::insert_acc` writes a row exactly as Kamailio does.
use chrono::{DateTime, SubsecRound, TimeZone, Utc};
use kamscope_acceptance::*;

/// One acc / missed_calls row as Kamailio wrote it.
#[derive(Debug)]
struct Row {
    method: String,
    callid: String,
    from_tag: String,
    to_tag: String,
    code: String,
    reason: String,
    src_user: String,
    dst_user: String,
    at: DateTime<Utc>,
}

/// The rows of `table` whose Call-ID starts with `prefix` (lab/sipp.sh names Call-IDs
/// `<name>-<n>-<pid>@127.0.0.1`), in the order Kamailio wrote them.
async fn rows(k: &Kamailio, table: &str, prefix: &str) -> Vec<Row> {
    let q = format!(
        "SELECT method, callid, from_tag, to_tag, sip_code, sip_reason, src_user, dst_user, {} FROM {table} \
         WHERE callid LIKE '{prefix}-%' ORDER BY id",
        k.time_sql("time")
    );
    k.sql(&q)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let s = |i: usize| r[i].clone().unwrap_or_default();
            Row {
                method: s(0),
                callid: s(1),
                from_tag: s(2),
                to_tag: s(3),
                code: s(4),
                reason: s(5),
                src_user: s(6),
                dst_user: s(7),
                at: k.parse_time(&s(8)).unwrap(),
            }
        })
        .collect()
}

fn summary(rows: &[Row]) -> Vec<(&str, &str, &str, &str, &str)> {
    rows.iter()
        .map(|r| (r.method.as_str(), r.code.as_str(), r.reason.as_str(), r.src_user.as_str(), r.dst_user.as_str()))
        .collect()
}

/// Seconds between two acc rows: acc writes whole seconds, so a hold of h ms shows as
/// floor(h/1000) or one more.
fn secs(a: &Row, b: &Row) -> i64 {
    (b.at - a.at).num_seconds()
}

#[tokio::test(flavor = "multi_thread")]
async fn scenarios_give_known_acc_rows_sqlite() {
    let k = Kamailio::start(Backend::Sqlite, false).await.unwrap();
    let hold = [("LAB_CALL_HOLD_MS", "1200")];
    // Each subcommand has its own callee and UAS port, so they can run at once.
    let (bye, busy, unavailable, decline, redirect, auth, cancel) = tokio::join!(
        k.sipp("callee-bye", &[], &hold),
        k.sipp("failed", &["486"], &[]),
        k.sipp("failed", &["480"], &[]),
        k.sipp("failed", &["603"], &[]),
        k.sipp("redirect", &[], &[]),
        k.sipp("auth", &[], &hold),
        k.sipp("cancel", &[], &[]),
    );
    for r in [bye, busy, unavailable, decline, redirect, auth, cancel] {
        r.unwrap();
    }
    // The last acc row (a BYE) is written when its 200 passes; give it a moment.
    eventually(10, "10 acc rows", || async {
        let n = k.sql("SELECT COUNT(*) FROM acc").await.unwrap();
        (n[0][0].as_deref() == Some("10")).then_some(())
    })
    .await;

    // The callee hangs up: INVITE 200 from the caller, then the callee's BYE, whose From
    // tag is the callee's (acc's detect_direction is off) and whose users are swapped.
    let acc = rows(&k, "acc", "callee-bye").await;
    assert_eq!(
        summary(&acc),
        [("INVITE", "200", "OK", "alice", "hugo"), ("BYE", "200", "OK", "hugo", "alice")],
        "{acc:?}"
    );
    assert_eq!((acc[1].from_tag.as_str(), acc[1].to_tag.as_str()), (acc[0].to_tag.as_str(), acc[0].from_tag.as_str()));
    assert!((1..=2).contains(&secs(&acc[0], &acc[1])), "held 1.2 s: {acc:?}");
    let cdr = k.sql(&format!("SELECT duration FROM acc_cdrs WHERE callid = '{}'", acc[0].callid)).await.unwrap();
    let duration: f64 = cdr[0][0].as_deref().unwrap().parse().unwrap();
    assert!((duration - 1.2).abs() < 0.3, "acc_cdrs duration {duration} for a 1.2 s hold");
    assert!(rows(&k, "missed_calls", "callee-bye").await.is_empty());

    // A final code from the callee: one INVITE row in acc and the same in missed_calls.
    for (prefix, callee, code, reason) in [
        ("fail486", "carl", "486", "Busy Here"),
        ("fail480", "rej480", "480", "Temporarily Unavailable"),
        ("fail603", "rej603", "603", "Decline"),
        ("redirect", "moved", "302", "Moved Temporarily"),
    ] {
        let want = [("INVITE", code, reason, "alice", callee)];
        assert_eq!(summary(&rows(&k, "acc", prefix).await), want, "{prefix} in acc");
        assert_eq!(summary(&rows(&k, "missed_calls", prefix).await), want, "{prefix} in missed_calls");
    }

    // Challenged then answered: one call attempt (same Call-ID and From tag) with a 407
    // (in both tables) and a 200 with another To tag, then the caller's BYE.
    let acc = rows(&k, "acc", "auth").await;
    assert_eq!(
        summary(&acc),
        [
            ("INVITE", "407", "Proxy Authentication Required", "alice", "pat"),
            ("INVITE", "200", "OK", "alice", "pat"),
            ("BYE", "200", "OK", "alice", "pat")
        ],
        "{acc:?}"
    );
    assert!(acc.iter().all(|r| r.callid == acc[0].callid && r.from_tag == acc[0].from_tag), "{acc:?}");
    assert_ne!(acc[0].to_tag, acc[1].to_tag, "the 407 and the 200 come with their own To tags");
    assert_eq!(acc[1].to_tag, acc[2].to_tag);
    assert!((1..=2).contains(&secs(&acc[1], &acc[2])), "held 1.2 s: {acc:?}");
    let missed = rows(&k, "missed_calls", "auth").await;
    assert_eq!(summary(&missed), [("INVITE", "407", "Proxy Authentication Required", "alice", "pat")]);

    // Cancelled while ringing: the INVITE's 487 in both tables, no CANCEL row (report_cancels 0).
    let want = [("INVITE", "487", "Request Terminated", "alice", "rita")];
    assert_eq!(summary(&rows(&k, "acc", "cancel").await), want);
    assert_eq!(summary(&rows(&k, "missed_calls", "cancel").await), want);

    // Nothing else: 2 + 4 + 3 + 1 acc rows, 4 + 1 + 1 missed calls.
    let n = |t: &'static str| {
        let k = &k;
        async move { k.sql(&format!("SELECT COUNT(*) FROM {t}")).await.unwrap()[0][0].clone().unwrap() }
    };
    assert_eq!((n("acc").await, n("missed_calls").await), ("10".to_string(), "6".to_string()));
}

/// A Kamailio in UTC writes UTC on every backend, and `insert_acc` writes what Kamailio
/// writes: a real row and one inserted for the same instant are equal in every column
/// but id and Call-ID, compared by the database in its own types.
async fn backdated_rows_equal_kamailio_rows(backend: Backend) {
    let k = Kamailio::start_with(backend, Options { tz: "UTC", ..Options::default() }).await.unwrap();
    let settings = settings_for(&k);
    assert_eq!((settings.timezone.as_str(), settings.report_timezone.as_deref()), ("UTC", Some(LAB_TZ)));
    let before = Utc::now().trunc_subsecs(0);
    k.sipp("failed", &["unknown", "1", "nobody", "alice"], &[]).await.unwrap();
    let after = Utc::now();
    for table in ["acc", "missed_calls"] {
        let real = rows(&k, table, "failunknown").await;
        assert_eq!(real.len(), 1, "{table}: {real:?}");
        let real = &real[0];
        assert!(before <= real.at && real.at <= after, "{table}: {} not within {before}..{after} (UTC)", real.at);
        let copy = AccRow {
            to_tag: real.to_tag.clone(),
            ..AccRow::new("INVITE", 404, "backdated-1@lab", &real.from_tag, real.at, "alice", "nobody")
        };
        let id = k.insert_acc(table, &copy).await.unwrap();
        let cols = ["time", "method", "from_tag", "to_tag", "sip_code", "sip_reason"]
            .into_iter()
            .chain(["src_user", "src_domain", "src_ip", "dst_ouser", "dst_user", "dst_domain"])
            .map(|c| format!("a.{c} = b.{c}"))
            .collect::<Vec<_>>()
            .join(" AND ");
        let same = k
            .sql(&format!(
                "SELECT COUNT(*) FROM {table} a, {table} b WHERE a.callid = '{}' AND b.id = {id} AND {cols}",
                real.callid
            ))
            .await
            .unwrap();
        assert_eq!(same[0][0].as_deref(), Some("1"), "{table}: the inserted row differs from Kamailio's");
        if backend == Backend::Sqlite {
            let t = k.sql(&format!("SELECT DISTINCT typeof(time) FROM {table}")).await.unwrap();
            assert_eq!(t, [[Some("real".to_string())]], "Julian-day REALs");
        }
    }
    // Around midnight in Asia/Shanghai (UTC+8): 15:59:59 UTC is 23:59:59 there, 16:00:00
    // UTC already the next day; this Kamailio stores both as UTC.
    for (at, text) in [
        (Utc.with_ymd_and_hms(2026, 1, 1, 15, 59, 59).unwrap(), "2026-01-01 15:59:59"),
        (Utc.with_ymd_and_hms(2026, 1, 1, 16, 0, 0).unwrap(), "2026-01-01 16:00:00"),
    ] {
        let callid = format!("midnight-{}@lab", at.timestamp());
        let id = k.insert_acc("acc", &AccRow::new("INVITE", 200, &callid, "ftag", at, "alice", "bob")).await.unwrap();
        let got = k.sql(&format!("SELECT {} FROM acc WHERE id = {id}", k.time_sql("time"))).await.unwrap();
        assert_eq!(got[0][0].as_deref(), Some(text));
        assert_eq!(k.parse_time(text).unwrap(), at);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn backdated_rows_equal_kamailio_rows_sqlite() {
    backdated_rows_equal_kamailio_rows(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn backdated_rows_equal_kamailio_rows_mariadb() {
    backdated_rows_equal_kamailio_rows(Backend::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn backdated_rows_equal_kamailio_rows_postgres() {
    backdated_rows_equal_kamailio_rows(Backend::Postgres).await;
}

/// Stock acc tables (acc-create.sql's columns only) with db_extra / cdr_extra off:
/// Kamailio still writes acc, missed_calls and acc_cdrs rows, and insert_acc fits them.
#[tokio::test(flavor = "multi_thread")]
async fn stock_acc_tables_still_get_rows_sqlite() {
    let k = Kamailio::start_with(Backend::Sqlite, Options { stock_acc: true, ..Options::default() }).await.unwrap();
    let acc_cols = ["id", "method", "from_tag", "to_tag", "callid", "sip_code", "sip_reason", "time"];
    for (table, want) in [
        ("acc", &acc_cols[..]),
        ("missed_calls", &acc_cols[..]),
        ("acc_cdrs", &["id", "start_time", "end_time", "duration"]),
    ] {
        let got = k.sql(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")).await.unwrap();
        let got: Vec<String> = got.into_iter().map(|r| r[0].clone().unwrap()).collect();
        assert_eq!(got, want, "{table}");
    }
    k.sipp("calls", &["1"], &[("LAB_CALL_HOLD_MS", "500")]).await.unwrap();
    k.sipp("failed", &["unknown"], &[]).await.unwrap();
    let list = |t: &'static str| {
        let k = &k;
        async move {
            let rows = k.sql(&format!("SELECT method, sip_code, callid FROM {t} ORDER BY id")).await.unwrap();
            rows.into_iter()
                .map(|r| {
                    (
                        r[0].clone().unwrap(),
                        r[1].clone().unwrap(),
                        r[2].clone().unwrap().split('-').next().unwrap().to_string(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    let acc = eventually(10, "3 acc rows", || async {
        let rows = list("acc").await;
        (rows.len() == 3).then_some(rows)
    })
    .await;
    assert_eq!(acc, [s("INVITE", "200", "calls"), s("BYE", "200", "calls"), s("INVITE", "404", "failunknown")]);
    assert_eq!(list("missed_calls").await, [s("INVITE", "404", "failunknown")]);
    let cdrs = k.sql("SELECT duration FROM acc_cdrs ORDER BY id").await.unwrap();
    let durations: Vec<f64> = cdrs.iter().map(|r| r[0].as_deref().unwrap().parse().unwrap()).collect();
    assert_eq!(durations.len(), 2, "one CDR per call: {durations:?}");
    assert!((durations[0] - 0.5).abs() < 0.3 && durations[1] == 0.0, "{durations:?}");
    let id = k.insert_acc("acc", &AccRow::new("BYE", 200, "stock-1@lab", "t1", Utc::now(), "", "")).await.unwrap();
    assert_eq!(k.sql(&format!("SELECT method FROM acc WHERE id = {id}")).await.unwrap()[0][0].as_deref(), Some("BYE"));
}
