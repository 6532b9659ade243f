//! SIP trace (issue 9) end to end on SQLite, MariaDB and PostgreSQL: SIPp calls through a
//! real Kamailio over UDP, TCP and IPv6; kamscope's call flow, search, PCAP and text export
//! checked against the source: the `sip_trace` rows read with SQL, SIPp's own message logs
//! (with core-event tracing every message the UAC and the UAS sent and received) and
//! Debian's tshark.
//!
//! Two Kamailios per backend: one traces through core events (`trace_mode` 2: every packet),
//! one in the lab's flag mode with `traced_user_avp` (every message stored twice, once with
//! the user), so both ways operators run siptrace are covered.
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use kamscope_acceptance::*;
use serde_json::Value;

/// One `sip_trace` row as Kamailio wrote it.
#[derive(Clone, Debug)]
struct Row {
    id: i64,
    /// time_stamp + time_us as Unix microseconds.
    us: i64,
    callid: String,
    traced_user: String,
    msg: String,
    method: String,
    status: String,
    fromip: String,
    toip: String,
    fromtag: String,
    totag: String,
    direction: String,
}

/// Every row (or those `filter` selects, SQL), in the flow's order (time_stamp, time_us, id).
async fn rows(k: &Kamailio, filter: &str) -> Vec<Row> {
    // Kamailio binds msg as a BLOB: db_sqlite stores a BLOB (read it as text), db_postgres
    // escapes it as bytea into the TEXT column (`\x` and hex digits: decode it).
    let msg = match k.backend {
        Backend::Sqlite => "CAST(msg AS TEXT)",
        Backend::Postgres => {
            "CASE WHEN left(msg, 2) = '\\x' THEN convert_from(decode(substring(msg from 3), 'hex'), 'UTF8') ELSE msg END"
        }
        Backend::Mysql => "msg",
    };
    let q = format!(
        "SELECT id, {}, time_us, callid, traced_user, {msg}, method, status, fromip, toip, fromtag, totag, direction \
         FROM sip_trace {filter} ORDER BY time_stamp, time_us, id",
        k.time_sql("time_stamp")
    );
    k.sql(&q)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let s = |i: usize| r[i].clone().unwrap_or_default();
            let secs = k.parse_time(&s(1)).unwrap().timestamp();
            Row {
                id: s(0).parse().unwrap(),
                us: secs * 1_000_000 + s(2).parse::<i64>().unwrap(),
                callid: s(3),
                traced_user: s(4),
                msg: s(5),
                method: s(6),
                status: s(7),
                fromip: s(8),
                toip: s(9),
                fromtag: s(10),
                totag: s(11),
                direction: s(12),
            }
        })
        .collect()
}

fn q(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

/// Kamailio's stored address (`udp:127.0.0.1:5060`, IPv6 as `udp:::1:5060` or `udp:[::1]:5060`)
/// as (proto, address, port): read here independently of kamscope.
fn addr(raw: &str) -> (String, IpAddr, u16) {
    let (proto, rest) = raw.split_once(':').unwrap_or_else(|| panic!("stored address {raw:?}"));
    let (host, port) = match rest.strip_prefix('[') {
        Some(r) => r.split_once("]:").unwrap(),
        None => rest.rsplit_once(':').unwrap(),
    };
    (proto.to_lowercase(), host.parse().unwrap_or_else(|_| panic!("address in {raw:?}")), port.parse().unwrap())
}

fn us_of(t: &Value) -> i64 {
    DateTime::parse_from_rfc3339(t.as_str().unwrap_or_else(|| panic!("time {t}"))).unwrap().timestamp_micros()
}

fn rfc3339_us(us: i64) -> String {
    Utc.timestamp_micros(us).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Waits until the table stops growing (Kamailio writes the last rows as SIPp ends).
async fn settled(k: &Kamailio) -> Vec<Row> {
    let mut last = usize::MAX;
    loop {
        let r = rows(k, "").await;
        if r.len() == last {
            return r;
        }
        last = r.len();
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
}

/// One SIPp call through `k`: its Call-ID (from the UAC's own log) and its log directory.
struct Call {
    call_id: String,
    logs: PathBuf,
    callee: String,
    uas_port: u16,
}

async fn call(k: &Kamailio, name: &str, env: &[(&str, &str)]) -> Call {
    let logs = k.dir.join(format!("sipp-{name}"));
    let _ = std::fs::remove_dir_all(&logs);
    std::fs::create_dir_all(&logs).unwrap();
    let callee = format!("bob{name}");
    let uas_port = free_port();
    let uas = uas_port.to_string();
    let logs_s = logs.display().to_string();
    let mut e: Vec<(&str, &str)> =
        vec![("LAB_SIPP_DIR", &logs_s), ("LAB_SIPP_TRACE_MSG", "1"), ("LAB_CALL_HOLD_MS", "300")];
    e.extend_from_slice(env);
    k.sipp("calls", &["1", "alice", &callee, &uas], &e).await.unwrap();
    let uac = sipp_log(&logs, "-calls.");
    let first = &uac.first().expect("the UAC logged its INVITE").text;
    let call_id = header(first, "Call-ID").expect("Call-ID in the INVITE");
    Call { call_id, logs, callee, uas_port }
}

/// One message in a SIPp `-trace_msg` log.
#[derive(Debug)]
struct SippMsg {
    sent: bool,
    proto: String,
    text: String,
}

/// The messages of the one SIPp run whose log directory name contains `part`
/// (`-calls.`, `-uas-<callee>.`), in the order SIPp logged them.
fn sipp_log(dir: &Path, part: &str) -> Vec<SippMsg> {
    let d: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(part))
        .collect();
    assert_eq!(d.len(), 1, "one SIPp log directory {part} in {}: {d:?}", dir.display());
    let text = String::from_utf8_lossy(&std::fs::read(d[0].join("messages.log")).unwrap()).to_string();
    let mut out = Vec::new();
    // Each message follows a line of 47 dashes and a date, then "UDP message sent (N bytes):"
    // or "TCP message received [N] bytes :", then a blank line.
    for part in format!("\n{text}").split("\n-----------------------------------------------").skip(1) {
        let mut lines = part.splitn(3, '\n');
        let _date = lines.next();
        let head = lines.next().unwrap_or_default();
        let body = lines.next().unwrap_or_default();
        let sent = head.contains(" sent ");
        assert!(sent || head.contains(" received "), "SIPp log line {head:?}");
        out.push(SippMsg {
            sent,
            proto: head.split(' ').next().unwrap().to_lowercase(),
            text: norm(body.trim_start_matches(['\r', '\n'])),
        });
    }
    out
}

/// A SIP message compared as text: line ends and trailing blank lines aside.
fn norm(s: &str) -> String {
    s.replace("\r\n", "\n").trim_end().to_string()
}

fn header(msg: &str, name: &str) -> Option<String> {
    msg.lines().skip(1).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

fn first_line(msg: &str) -> &str {
    msg.split("\r\n").next().unwrap().split('\n').next().unwrap()
}

async fn flow(app: &TestApp, call_id: &str) -> Value {
    let r = app.get(&format!("/api/v1/traces/calls/{}", urlencode(call_id))).await;
    assert_eq!(r.status, 200, "flow of {call_id:?}: {}", r.body);
    r.body
}

/// The flow is the rows: every message once (copies stored for traced users folded into
/// `also_ids`), in (time_stamp, time_us, id) order, each field as Kamailio stored it.
fn assert_flow_is_rows(flow: &Value, rows: &[Row], what: &str) {
    assert!(!rows.is_empty(), "{what}: no sip_trace rows");
    // Kamailio stores a message again per traced user: same time, addresses, direction and text.
    let mut shown: Vec<(&Row, Vec<i64>)> = Vec::new();
    for r in rows {
        match shown.iter_mut().find(|(s, _)| {
            s.us == r.us && s.fromip == r.fromip && s.toip == r.toip && s.direction == r.direction && s.msg == r.msg
        }) {
            Some((_, also)) => also.push(r.id),
            None => shown.push((r, Vec::new())),
        }
    }
    let msgs = flow["messages"].as_array().unwrap_or_else(|| panic!("{what}: no messages in {flow}"));
    let ids = |v: &[Value]| v.iter().map(|m| m["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids(msgs), shown.iter().map(|(r, _)| r.id).collect::<Vec<_>>(), "{what}: message ids in order");
    assert_eq!(flow["truncated"], false, "{what}");
    let eps = flow["endpoints"].as_array().unwrap();
    let first_us = shown[0].0.us;
    let mut prev_us = first_us;
    let mut seen_eps: Vec<usize> = Vec::new();
    for (m, (r, also)) in msgs.iter().zip(&shown) {
        let ctx = format!("{what}: message {} ({})", r.id, first_line(&r.msg));
        assert_eq!(us_of(&m["time"]), r.us, "{ctx}: time");
        assert_eq!(m["call_id"], r.callid.as_str(), "{ctx}");
        assert_eq!(m["method"], r.method.as_str(), "{ctx}");
        assert_eq!(m["status"].as_u64(), r.status.parse::<u64>().ok(), "{ctx}: status");
        assert_eq!(m["direction"], r.direction.as_str(), "{ctx}");
        assert_eq!(m["msg"], r.msg.as_str(), "{ctx}: raw message");
        assert_eq!(m["first_line"], first_line(&r.msg), "{ctx}");
        assert_eq!(m["is_request"], !r.msg.starts_with("SIP/2.0 "), "{ctx}");
        let sdp = header(&r.msg, "Content-Type").is_some_and(|c| c.contains("application/sdp"));
        assert_eq!(m["has_sdp"], sdp, "{ctx}: has_sdp");
        assert_eq!(m["delta_first_us"].as_i64(), Some(r.us - first_us), "{ctx}");
        assert_eq!(m["delta_prev_us"].as_i64(), Some(r.us - prev_us), "{ctx}");
        prev_us = r.us;
        let mut got_also: Vec<i64> = m["also_ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        got_also.sort();
        assert_eq!(&got_also, also, "{ctx}: also_ids");
        let (from, to) = (m["from"].as_u64().unwrap() as usize, m["to"].as_u64().unwrap() as usize);
        let (fp, fa, fport) = addr(&r.fromip);
        let (tp, ta, tport) = addr(&r.toip);
        assert_eq!(m["proto"], fp.as_str(), "{ctx}: proto");
        for (i, (p, a, port)) in [(from, (&fp, fa, fport)), (to, (&tp, ta, tport))] {
            let e = &eps[i];
            assert_eq!(e["proto"], p.as_str(), "{ctx}: endpoint {e}");
            assert_eq!(e["address"].as_str().unwrap().parse::<IpAddr>().ok(), Some(a), "{ctx}: endpoint {e}");
            if port == 0 {
                // Kamailio's side of a TCP connection it opened: here always a reply, put on
                // the socket its request left from (CallFlow's doc), never a column `:0`.
                assert_eq!(e["kamailio"], true, "{ctx}: port 0 is Kamailio's side: {e}");
                assert_ne!(e["port"].as_u64(), Some(0), "{ctx}: {e}");
                if !seen_eps.contains(&i) {
                    seen_eps.push(i);
                }
                continue;
            }
            assert_eq!(e["port"].as_u64(), Some(port as u64), "{ctx}: endpoint {e}");
            let label = match a {
                IpAddr::V4(_) => format!("{a}:{port}"),
                IpAddr::V6(_) => format!("[{a}]:{port}"),
            };
            assert_eq!(e["label"], label.as_str(), "{ctx}: label");
            if !seen_eps.contains(&i) {
                seen_eps.push(i);
            }
        }
        // Kamailio's own socket: where an "in" message arrived, where an "out" one left.
        let own = if r.direction == "in" { to } else { from };
        assert_eq!(eps[own]["kamailio"], true, "{ctx}: {} is Kamailio's", eps[own]);
    }
    // Columns in order of first appearance, each address once (however Kamailio wrote it).
    assert_eq!(seen_eps, (0..eps.len()).collect::<Vec<_>>(), "{what}: endpoints in order of appearance: {eps:?}");
    let distinct: BTreeSet<(String, String, u64)> = eps
        .iter()
        .map(|e| {
            let a: IpAddr = e["address"].as_str().unwrap().parse().unwrap();
            (e["proto"].as_str().unwrap().to_string(), a.to_string(), e["port"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(distinct.len(), eps.len(), "{what}: one column per endpoint: {eps:?}");
}

/// With core-event tracing the flow is what the SIPp UAC and UAS sent and received: each
/// message once, UAC | Kamailio | UAS as the columns.
fn assert_flow_is_sipp(flow: &Value, c: &Call, k: &Kamailio, proto: &str, ip: &str) {
    let uac = sipp_log(&c.logs, "-calls.");
    let uas = sipp_log(&c.logs, &format!("-uas-{}.", c.callee));
    let msgs = flow["messages"].as_array().unwrap();
    let eps = flow["endpoints"].as_array().unwrap();
    assert_eq!(msgs.len(), uac.len() + uas.len(), "{}: flow vs SIPp's logs ({} + {})", c.call_id, uac.len(), uas.len());
    assert!(uac.len() >= 7 && uas.len() >= 6, "an answered call: {uac:?} {uas:?}");
    for m in uac.iter().chain(&uas) {
        assert_eq!(m.proto, proto, "SIPp's transport");
    }
    let ep = |m: &Value, k: &str| eps[m[k].as_u64().unwrap() as usize]["port"].as_u64().unwrap() as u16;
    // The UAC's port as SIPp wrote it in its Via; the UAS's is the one it was started on.
    let via_port = |s: &SippMsg| {
        let v = header(&s.text, "Via").unwrap();
        v.split(';').next().unwrap().rsplit(':').next().unwrap().parse::<u16>().unwrap()
    };
    let uac_port = via_port(uac.iter().find(|m| m.sent).unwrap());
    let kam = k.sip_port;
    let label = |port: u16| if ip == "::1" { format!("[::1]:{port}") } else { format!("{ip}:{port}") };
    let cols: Vec<&str> = eps.iter().map(|e| e["label"].as_str().unwrap()).collect();
    assert_eq!(cols.len(), 3, "{}: UAC, Kamailio, UAS: {cols:?}", c.call_id);
    assert_eq!(cols[0], label(uac_port), "the UAC first");
    assert_eq!(cols[1], label(kam), "Kamailio in the middle");
    assert_eq!(cols[2], label(c.uas_port), "the UAS last");
    assert_eq!(eps[1]["kamailio"], true);
    assert_eq!(eps[0]["kamailio"], false);
    assert_eq!(eps[2]["kamailio"], false);
    // Per side: what SIPp sent is what Kamailio received from it, what SIPp received is what
    // Kamailio sent to it, text for text, each once. Not compared by position: Kamailio
    // stamps a packet it sends after sending it, in another process than the one stamping
    // the answer it gets back, so a 200 out and the ACK in can swap by some µs in the table
    // (the flow keeps the table's order, checked against the rows).
    for (side, log, col) in [("UAC", &uac, 0u64), ("UAS", &uas, 2u64)] {
        let mine: Vec<&Value> =
            msgs.iter().filter(|m| m["from"].as_u64() == Some(col) || m["to"].as_u64() == Some(col)).collect();
        assert_eq!(mine.len(), log.len(), "{side}: messages");
        let mut flow_side: Vec<(bool, String)> = Vec::new();
        for m in &mine {
            let sent_by_sipp = m["from"].as_u64() == Some(col);
            let other = if sent_by_sipp { ep(m, "to") } else { ep(m, "from") };
            assert_eq!(other, kam, "{side}: to/from Kamailio's SIP port");
            flow_side.push((sent_by_sipp, norm(m["msg"].as_str().unwrap())));
        }
        let mut sipp_side: Vec<(bool, String)> = log.iter().map(|s| (s.sent, s.text.clone())).collect();
        flow_side.sort();
        sipp_side.sort();
        for (f, s) in flow_side.iter().zip(&sipp_side) {
            assert_eq!(f, s, "{side}: (sent by SIPp, the message as SIPp logged it)");
        }
    }
}

fn tshark(file: &Path, filter: &str, fields: &[&str]) -> Vec<Vec<String>> {
    let mut cmd = std::process::Command::new("tshark");
    cmd.arg("-r").arg(file).args(["-Y", filter, "-T", "fields", "-E", "separator=/t"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("tshark (apt-get install tshark; lab/install.sh has it)");
    assert!(out.status.success(), "tshark -r {} failed: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\t').map(str::to_string).collect()).collect()
}

async fn download(app: &TestApp, path: &str) -> (u16, String, String, Vec<u8>) {
    let resp = app.client.get(format!("{}{path}", app.address)).send().await.unwrap();
    let h = |n: &str| resp.headers().get(n).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let (status, ct, cd) = (resp.status().as_u16(), h("content-type"), h("content-disposition"));
    (status, ct, cd, resp.bytes().await.unwrap().to_vec())
}

/// The PCAP decodes in tshark as the flow's messages: each once, in order, with the
/// table's Call-ID, method or status and time to the microsecond; TCP as clean TCP.
async fn assert_pcap(app: &TestApp, k: &Kamailio, call_id: &str, rows: &[Row], tcp: bool) {
    let path = format!("/api/v1/traces/calls/{}/pcap", urlencode(call_id));
    let (status, ct, cd, bytes) = download(app, &path).await;
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&bytes));
    assert_eq!(ct, "application/vnd.tcpdump.pcap", "{path}");
    assert!(cd.starts_with("attachment;") && cd.contains(".pcap\""), "{path}: {cd}");
    let file = k.dir.join(format!("flow-{}.pcap", rows[0].id));
    std::fs::write(&file, &bytes).unwrap();
    // The same bytes through ?format=pcap.
    let (_, _, _, again) = download(app, &format!("/api/v1/traces/calls/{}?format=pcap", urlencode(call_id))).await;
    assert_eq!(again, bytes, "format=pcap is the same file");

    // The flow shows each message once; rows stored twice (traced users) are one packet.
    let f = flow(app, call_id).await;
    let ids: Vec<i64> = f["messages"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect();
    let shown: Vec<&Row> = ids.iter().map(|id| rows.iter().find(|r| r.id == *id).unwrap()).collect();
    let got = tshark(&file, "sip", &["frame.time_epoch", "sip.Call-ID", "sip.Method", "sip.Status-Code"]);
    assert_eq!(got.len(), shown.len(), "{call_id}: SIP packets in the PCAP: {got:?}");
    for (g, r) in got.iter().zip(&shown) {
        let ctx = format!("{call_id}: packet for row {} {}", r.id, first_line(&r.msg));
        let (s, frac) = g[0].split_once('.').unwrap();
        let us = s.parse::<i64>().unwrap() * 1_000_000 + frac[..6].parse::<i64>().unwrap();
        assert_eq!(us, r.us, "{ctx}: time");
        assert_eq!(g[1], r.callid, "{ctx}: Call-ID");
        if r.msg.starts_with("SIP/2.0 ") {
            assert_eq!(g[3], r.status, "{ctx}: status");
        } else {
            assert_eq!(g[2], r.method, "{ctx}: method");
        }
    }
    if tcp {
        let segs = tshark(&file, "tcp && sip", &["frame.number"]);
        assert_eq!(segs.len(), shown.len(), "{call_id}: every message a TCP segment with SIP");
        let problems = tshark(&file, "tcp.analysis.flags", &["frame.number", "_ws.expert.message"]);
        assert!(problems.is_empty(), "{call_id}: tshark's TCP analysis complains: {problems:?}");
    } else {
        assert_eq!(tshark(&file, "udp && sip", &["frame.number"]).len(), shown.len(), "{call_id}: UDP");
    }
}

/// The text export: one header line per message, in order, with the table's time and
/// protocol, then the message itself.
async fn assert_text(app: &TestApp, call_id: &str, rows: &[Row]) {
    let path = format!("/api/v1/traces/calls/{}/text", urlencode(call_id));
    let (status, ct, _, bytes) = download(app, &path).await;
    assert_eq!(status, 200, "{path}");
    assert!(ct.starts_with("text/plain"), "{path}: {ct}");
    let text = String::from_utf8(bytes).unwrap();
    let f = flow(app, call_id).await;
    let msgs = f["messages"].as_array().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let heads: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let t: Vec<&str> = lines[i].split(' ').collect();
            t.len() >= 6 && DateTime::parse_from_rfc3339(t[0]).is_ok() && t[3] == "->" && lines[i].ends_with(" s)")
        })
        .collect();
    assert_eq!(heads.len(), msgs.len(), "{call_id}: header lines in\n{text}");
    for (&i, m) in heads.iter().zip(msgs) {
        let r = rows.iter().find(|r| r.id == m["id"].as_i64().unwrap()).unwrap();
        let t: Vec<&str> = lines[i].split(' ').collect();
        assert_eq!(DateTime::parse_from_rfc3339(t[0]).unwrap().timestamp_micros(), r.us, "{}", lines[i]);
        assert_eq!(t[1].to_lowercase(), addr(&r.fromip).0, "{}", lines[i]);
        assert_eq!(lines[i + 1], first_line(&r.msg), "the message follows its header line");
    }
    let again = app.get(&format!("/api/v1/traces/calls/{}?format=text", urlencode(call_id))).await;
    assert_eq!(again.body.as_str(), Some(text.as_str()), "format=text is the same text");
}

/// Every item of a search, all pages (a small page size, so keyset paging is walked).
async fn search(app: &TestApp, query: &str) -> Vec<Value> {
    let path = format!("/api/v1/traces?limit=7{}{query}", if query.is_empty() { "" } else { "&" });
    let (items, _) = app.all_pages(&path).await;
    items
}

/// The search returns exactly the rows `keep` selects, each once, newest first, each item
/// as stored.
async fn assert_search(app: &TestApp, all: &[Row], query: &str, keep: impl Fn(&Row) -> bool) {
    let items = search(app, query).await;
    let mut want: Vec<&Row> = all.iter().filter(|r| keep(r)).collect();
    want.sort_by_key(|r| std::cmp::Reverse((r.us, r.id)));
    let got: Vec<i64> = items.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(got, want.iter().map(|r| r.id).collect::<Vec<_>>(), "GET /traces?{query}");
    for (i, r) in items.iter().zip(&want) {
        assert_eq!(us_of(&i["time"]), r.us, "{query}: {i}");
        assert_eq!(i["call_id"], r.callid.as_str());
        assert_eq!(i["method"], r.method.as_str());
        assert_eq!(i["status"].as_u64(), r.status.parse::<u64>().ok());
        assert_eq!(i["direction"], r.direction.as_str());
        assert_eq!(i["traced_user"], r.traced_user.as_str());
        assert_eq!(i["from_tag"], r.fromtag.as_str());
        assert_eq!(i["to_tag"], r.totag.as_str());
        assert_eq!(i["first_line"], first_line(&r.msg));
        for (side, raw) in [("from_ip", &r.fromip), ("to_ip", &r.toip)] {
            let (p, a, port) = addr(raw);
            assert_eq!(i[side]["raw"], raw.as_str(), "{query}: {side}");
            assert_eq!(i[side]["proto"], p.as_str());
            assert_eq!(i[side]["address"].as_str().unwrap().parse::<IpAddr>().ok(), Some(a), "{side}: {}", i[side]);
            assert_eq!(i[side]["port"].as_u64(), Some(port as u64));
        }
    }
}

/// An address filter as the test reads it: proto (None = any), address, port (None = any).
fn matches(raw: &str, proto: Option<&str>, ip: IpAddr, port: Option<u16>) -> bool {
    let (p, a, po) = addr(raw);
    proto.is_none_or(|x| x == p) && a == ip && port.is_none_or(|x| x == po)
}

async fn searches(app: &TestApp, k: &Kamailio, all: &[Row], calls: &[&Call]) {
    let sip = k.sip_port;
    let v4: IpAddr = "127.0.0.1".parse().unwrap();
    let v6: IpAddr = "::1".parse().unwrap();
    // No filter: every row once, keyset pages newest first.
    assert_search(app, all, "", |_| true).await;
    for c in calls {
        let cid = c.call_id.as_str();
        assert_search(app, all, &format!("call_id={}", urlencode(cid)), |r| r.callid == cid).await;
    }
    for m in ["INVITE", "ACK", "BYE", "REGISTER"] {
        assert_search(app, all, &format!("method={m}"), |r| r.method == m).await;
    }
    for s in ["100", "180", "200"] {
        assert_search(app, all, &format!("status={s}"), |r| r.status == s).await;
    }
    for d in ["in", "out"] {
        assert_search(app, all, &format!("direction={d}"), |r| r.direction == d).await;
    }
    let forms: Vec<(String, Option<&str>, IpAddr, Option<u16>)> = vec![
        ("127.0.0.1".into(), None, v4, None),
        ("::1".into(), None, v6, None),
        (format!("127.0.0.1:{sip}"), None, v4, Some(sip)),
        (format!("[::1]:{sip}"), None, v6, Some(sip)),
        (format!("udp:127.0.0.1:{sip}"), Some("udp"), v4, Some(sip)),
        (format!("tcp:127.0.0.1:{sip}"), Some("tcp"), v4, Some(sip)),
        (format!("udp:[::1]:{sip}"), Some("udp"), v6, Some(sip)),
        (format!("udp:::1:{sip}"), Some("udp"), v6, Some(sip)),
    ];
    for (side, col) in [("from_ip", true), ("to_ip", false)] {
        for (v, p, a, port) in &forms {
            let raw = |r: &Row| if col { r.fromip.clone() } else { r.toip.clone() };
            assert_search(app, all, &format!("{side}={}", urlencode(v)), |r| matches(&raw(r), *p, *a, *port)).await;
        }
    }
    // Filters together.
    assert_search(app, all, "method=INVITE&status=200&direction=out", |r| {
        r.method == "INVITE" && r.status == "200" && r.direction == "out"
    })
    .await;
    // A time window: from/to between two rows (bounds never equal to a row's time).
    let times: BTreeSet<i64> = all.iter().map(|r| r.us).collect();
    let times: Vec<i64> = times.into_iter().collect();
    assert!(times.len() >= 10);
    let (a, b) = (times[times.len() / 4], times[3 * times.len() / 4]);
    let next = |t: i64| times.iter().copied().find(|&x| x > t).unwrap();
    let (from, to) = ((a + next(a)) / 2, (b + next(b)) / 2);
    assert!(from > a && from < next(a) && to > b && to < next(b));
    let w = format!("from={}&to={}", urlencode(&rfc3339_us(from)), urlencode(&rfc3339_us(to)));
    assert_search(app, all, &w, |r| r.us >= from && r.us <= to).await;
    assert_search(app, all, &format!("{w}&method=BYE"), |r| r.us >= from && r.us <= to && r.method == "BYE").await;
    // The window is stated: an unindexed filter alone gets the default last hour.
    let r = app.get("/api/v1/traces?method=INVITE").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let win = &r.body["window"];
    assert_eq!(win["defaulted"], true, "{win}");
    let (wf, wt) = (us_of(&win["from"]), us_of(&win["to"]));
    assert_eq!(wt - wf, 3_600_000_000, "the default window is an hour: {win}");
    assert!((Utc::now().timestamp_micros() - wt).abs() < 60_000_000, "it ends now: {win}");
    assert!(win["reason"].as_str().is_some_and(|s| !s.is_empty()), "{win}");
    let r = app.get(&format!("/api/v1/traces?call_id={}", urlencode(&calls[0].call_id))).await;
    assert_eq!(r.body["window"]["defaulted"], false, "an indexed search needs no window: {}", r.body);
}

async fn bad_input(app: &TestApp, k: &Kamailio) {
    let before = rows(k, "").await.len();
    let now = Utc::now().timestamp_micros();
    let t = |us: i64| urlencode(&rfc3339_us(us));
    let day = 86_400_000_000i64;
    for (query, names) in [
        ("from_ip=not-an-ip".to_string(), &["`from_ip`"][..]),
        ("to_ip=999.1.1.1".to_string(), &["`to_ip`"][..]),
        ("from_ip=udp:127.0.0.1:99999".to_string(), &["`from_ip`"][..]),
        ("status=99".to_string(), &["`status`"][..]),
        ("direction=sideways".to_string(), &["`direction`"][..]),
        (format!("from={}&to={}", t(now), t(now - 60_000_000)), &["`to`", "`from`"][..]),
        (format!("method=INVITE&from={}&to={}", t(now - 30 * day), t(now)), &["`from`", "`to`"][..]),
        ("bogus=1".to_string(), &["bogus"][..]),
    ] {
        let r = app.get(&format!("/api/v1/traces?{query}")).await;
        assert_eq!(r.status, 400, "{query}: {}", r.body);
        assert!(r.content_type.starts_with("application/problem+json"), "{query}: {}", r.content_type);
        let detail = r.body["detail"].as_str().unwrap_or_default();
        assert!(names.iter().any(|n| detail.contains(n)), "{query}: the problem {detail:?} names one of {names:?}");
    }
    // Over the maximum: the problem says what the maximum is.
    let r = app.get(&format!("/api/v1/traces?method=INVITE&from={}&to={}", t(now - 30 * day), t(now))).await;
    let max_days = match k.backend {
        Backend::Mysql => 2,
        _ => 7,
    };
    let detail = r.body["detail"].as_str().unwrap_or_default().to_string();
    assert!(
        detail.contains(&format!("{max_days} day")) || detail.contains(&format!("{}", max_days * 86_400)),
        "the maximum ({max_days} days) in {detail:?}"
    );
    // One message: 404 when absent, 400 when not a number.
    assert_problem(&app.get("/api/v1/traces/999999999").await, 404, "999999999");
    assert_eq!(app.get("/api/v1/traces/abc").await.status, 400);
    // No message at all for a Call-ID: 404 naming it.
    assert_problem(&app.get("/api/v1/traces/calls/no-such-call%40x").await, 404, "no-such-call@x");
    assert_eq!(rows(k, "").await.len(), before, "bad input changed nothing");
}

/// Core-event tracing: UDP, TCP and IPv6 calls and a Call-ID with `/ % ; @` and a space.
async fn core_mode(backend: Backend) {
    let k = Kamailio::start_with(backend, Options { trace_core: true, ..Options::default() }).await.unwrap();
    let app = spawn_app(settings_for(&k)).await.unwrap();
    let (udp, tcp, v6, odd) = tokio::join!(
        call(&k, "udp", &[]),
        call(&k, "tcp", &[("LAB_SIPP_TRANSPORT", "tcp")]),
        call(&k, "v6", &[("LAB_SIPP_IP", "::1")]),
        call(&k, "odd", &[("LAB_SIPP_CID", "tl/odd%%;x=1 sp-%u-%p@lab")]),
    );
    assert!(odd.call_id.starts_with("tl/odd%;x=1 sp-") && odd.call_id.ends_with("@lab"), "{}", odd.call_id);
    let all = settled(&k).await;
    for (c, proto, ip) in
        [(&udp, "udp", "127.0.0.1"), (&tcp, "tcp", "127.0.0.1"), (&v6, "udp", "::1"), (&odd, "udp", "127.0.0.1")]
    {
        let mine: Vec<Row> = all.iter().filter(|r| r.callid == c.call_id).cloned().collect();
        let sql = rows(&k, &format!("WHERE callid = {}", q(&c.call_id))).await;
        assert_eq!(mine.iter().map(|r| r.id).collect::<Vec<_>>(), sql.iter().map(|r| r.id).collect::<Vec<_>>());
        let f = flow(&app, &c.call_id).await;
        assert_eq!(f["call_ids"], serde_json::json!([c.call_id]));
        assert_flow_is_rows(&f, &mine, &c.call_id);
        for r in &mine {
            let ((p, a, _), (p2, a2, _)) = (addr(&r.fromip), addr(&r.toip));
            assert!(p == proto && p2 == proto, "{}: {} {}", c.call_id, r.fromip, r.toip);
            assert!(a == ip.parse::<IpAddr>().unwrap() && a2 == a, "{}: {} {}", c.call_id, r.fromip, r.toip);
        }
        // Over TCP Kamailio records replies on the connection it opened with port 0 and its
        // relayed requests on another listener: the ladder cannot have three columns there.
        if proto == "udp" {
            assert_flow_is_sipp(&f, c, &k, proto, ip);
        } else {
            let uac = sipp_log(&c.logs, "-calls.");
            let uas = sipp_log(&c.logs, &format!("-uas-{}.", c.callee));
            assert_eq!(mine.len(), uac.len() + uas.len(), "TCP: every message SIPp sent or received is a row");
            let texts: BTreeMap<String, usize> = mine.iter().fold(BTreeMap::new(), |mut m, r| {
                *m.entry(norm(&r.msg)).or_default() += 1;
                m
            });
            for s in uac.iter().chain(&uas) {
                assert!(texts.contains_key(&s.text), "TCP: SIPp's {} is in the flow", first_line(&s.text));
            }
        }
        assert_pcap(&app, &k, &c.call_id, &mine, proto == "tcp").await;
        assert_text(&app, &c.call_id, &mine).await;
    }
    // Several Call-IDs at once (a B2BUA's legs): one flow over all, in time order.
    let both: Vec<Row> = all.iter().filter(|r| r.callid == udp.call_id || r.callid == v6.call_id).cloned().collect();
    let r = app
        .get(&format!("/api/v1/traces/calls?call_id={}&call_id={}", urlencode(&udp.call_id), urlencode(&v6.call_id)))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_flow_is_rows(&r.body, &both, "two Call-IDs");
    // One message: its item and raw text as stored.
    let inv = all.iter().find(|r| r.callid == odd.call_id && r.method == "INVITE").unwrap();
    let m = app.get(&format!("/api/v1/traces/{}", inv.id)).await;
    assert_eq!(m.status, 200, "{}", m.body);
    assert_eq!(m.body["msg"], inv.msg.as_str());
    assert_eq!(m.body["call_id"], odd.call_id.as_str());
    assert_eq!(m.body["has_sdp"], true);
    let names: Vec<&str> = m.body["headers"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
    let want: Vec<&str> =
        inv.msg.lines().skip(1).take_while(|l| !l.trim().is_empty()).map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(names, want, "headers in order as written");
    searches(&app, &k, &all, &[&udp, &tcp, &v6, &odd]).await;
    bad_input(&app, &k).await;
}

/// Flag mode with traced_user_avp: each message stored twice (traced_user '' and the
/// caller); the flow shows it once, the traced_user filter finds exactly the user's rows.
async fn flag_mode(backend: Backend) {
    let k = Kamailio::start_with(backend, Options { traced_user: true, ..Options::default() }).await.unwrap();
    let app = spawn_app(settings_for(&k)).await.unwrap();
    let (udp, v6) = tokio::join!(call(&k, "f4", &[]), call(&k, "f6", &[("LAB_SIPP_IP", "::1")]));
    let all = settled(&k).await;
    for c in [&udp, &v6] {
        let mine: Vec<Row> = all.iter().filter(|r| r.callid == c.call_id).cloned().collect();
        assert!(mine.iter().any(|r| r.traced_user == "alice"), "traced_user_avp is set: {mine:?}");
        let f = flow(&app, &c.call_id).await;
        assert_flow_is_rows(&f, &mine, &c.call_id);
        // Stored twice, shown once: half the rows, each with its copy.
        assert_eq!(f["messages"].as_array().unwrap().len() * 2, mine.len(), "{}", c.call_id);
        assert_pcap(&app, &k, &c.call_id, &mine, false).await;
    }
    for u in ["alice", "bobf4", "bobf6"] {
        assert_search(&app, &all, &format!("traced_user={u}"), |r| r.traced_user == u).await;
    }
    assert_search(&app, &all, &format!("traced_user=alice&call_id={}", urlencode(&v6.call_id)), |r| {
        r.traced_user == "alice" && r.callid == v6.call_id
    })
    .await;
    assert_search(&app, &all, "", |_| true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn siptrace_core_sqlite() {
    core_mode(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn siptrace_core_mariadb() {
    core_mode(Backend::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn siptrace_core_postgres() {
    core_mode(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn siptrace_flag_traced_user_sqlite() {
    flag_mode(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn siptrace_flag_traced_user_mariadb() {
    flag_mode(Backend::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn siptrace_flag_traced_user_postgres() {
    flag_mode(Backend::Postgres).await;
}
