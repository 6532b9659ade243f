//! `sip_trace` seeded as Kamailio's siptrace writes it (flag mode: one row per message,
//! in and out), shared by the SIP trace and cleanup benchmarks: calls over `days` days
//! ending at the moment of seeding (so with the default 45 days a third of the rows is
//! older than 30 days), ~9 messages a call (answered calls 12, failed 6, registrations 4),
//! realistic SIP text (400-1,100 bytes, SDP on INVITE/200), UDP, TCP and IPv6 sockets.
//! Rows are numbered in time order, as Kamailio inserts them. Loaded with each
//! database's bulk loader fed through a pipe (no multi-GB file), the stock indexes built
//! afterwards, and cached in the lab run dir by size (a file for SQLite, a database
//! `ksbench_trace_*` for MariaDB/PostgreSQL).
#![allow(dead_code)]
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};
use chrono::{DateTime, TimeZone, Utc};
use kamscope_acceptance::{lab, lab_run, repo_root, Backend};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement, Value as SqlValue};

/// Bumped when the seeded data changes shape (cached databases of another are seeded again).
pub const SEED_VERSION: i64 = 1;
/// Kamailio's zone (its naive DATETIMEs), as the acceptance tests run it.
pub const KAMAILIO_TZ: chrono_tz::Tz = chrono_tz::UTC;
pub const JULIAN_EPOCH: f64 = 2440587.5;
/// sip_trace's columns in table order (siptrace-create.sql).
pub const COLUMNS: [&str; 13] = [
    "id",
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
/// Kamailio's stock sip_trace indexes (name per dialect, column).
pub fn stock_indexes(b: Backend) -> Vec<(String, &'static str)> {
    let cols = [("traced_user", "traced_user"), ("date", "time_stamp"), ("fromip", "fromip"), ("callid", "callid")];
    cols.iter()
        .map(|(n, c)| (if b == Backend::Mysql { format!("{n}_idx") } else { format!("sip_trace_{n}_idx") }, *c))
        .collect()
}

pub use kamscope_acceptance::bench::env_num;

#[derive(Clone, Copy)]
pub struct TraceSize {
    pub rows: usize,
    pub days: usize,
}

impl TraceSize {
    /// BENCH_TRACE_ROWS (5,000,000) over BENCH_TRACE_DAYS (45).
    pub fn from_env() -> Self {
        TraceSize {
            rows: env_num("BENCH_TRACE_ROWS", 5_000_000).max(1000),
            days: env_num("BENCH_TRACE_DAYS", 45).max(2),
        }
    }
}

// ---------------------------------------------------------------- the data

/// splitmix64: the same data on every run, no dependency.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    Answered,
    Failed(u16),
    Register,
}

/// A transport address as Kamailio stores it: `udp:192.0.2.1:5060`, IPv6 unbracketed.
#[derive(Clone)]
pub struct Addr {
    pub proto: &'static str,
    pub ip: String,
    pub port: u16,
}
impl Addr {
    pub fn stored(&self) -> String {
        format!("{}:{}:{}", self.proto, self.ip, self.port)
    }
    /// As a Via/Contact host: IPv6 in brackets.
    fn host(&self) -> String {
        if self.ip.contains(':') {
            format!("[{}]:{}", self.ip, self.port)
        } else {
            format!("{}:{}", self.ip, self.port)
        }
    }
    fn via_proto(&self) -> String {
        self.proto.to_uppercase()
    }
}

/// One call (or registration): everything its messages are made of.
pub struct Call {
    pub kind: Kind,
    pub call_id: String,
    pub caller: String,
    pub callee: String,
    pub from_tag: String,
    pub to_tag: String,
    /// The caller's UA, Kamailio's socket on that side, Kamailio's socket towards the
    /// callee, the callee (a gateway).
    pub ua: Addr,
    pub k_in: Addr,
    pub k_out: Addr,
    pub gw: Addr,
    pub branch: u64,
    pub cseq: u32,
    pub session: u64,
}

/// One message of a call: which step, when (Unix µs).
#[derive(Clone, Copy)]
pub struct Step {
    pub t_us: i64,
    pub call: u32,
    pub step: u8,
}

/// A row's values, as siptrace gives them to the db driver.
pub struct Row {
    pub t_us: i64,
    pub call_id: String,
    pub msg: String,
    pub method: &'static str,
    pub status: String,
    pub fromip: String,
    pub toip: String,
    pub fromtag: String,
    /// Empty when the message has no To-tag (db_sqlite then stores NULL).
    pub totag: String,
    pub direction: &'static str,
}

const KAM_V4: &str = "192.0.2.10";
const KAM_V6: &str = "2001:db8::10";

pub fn new_call(r: &mut Rng, t: i64) -> Call {
    let roll = r.below(100);
    let kind = match roll {
        0..=59 => Kind::Answered,
        60..=84 => Kind::Failed([486, 486, 404, 480, 603, 487][r.below(6) as usize]),
        _ => Kind::Register,
    };
    // 80% UDP over IPv4, 10% TCP over IPv4, 8% UDP and 2% TCP over IPv6.
    let p = r.below(100);
    let (proto, v6) = match p {
        0..=79 => ("udp", false),
        80..=89 => ("tcp", false),
        90..=97 => ("udp", true),
        _ => ("tcp", true),
    };
    let ua = if v6 {
        Addr { proto, ip: format!("2001:db8:1::{:x}", 1 + r.below(0xfff)), port: 5060 }
    } else {
        let port = if proto == "udp" && r.below(2) == 0 { 5060 } else { 10000 + r.below(50000) as u16 };
        Addr { proto, ip: format!("198.51.100.{}", 1 + r.below(250)), port }
    };
    let k = Addr { proto, ip: (if v6 { KAM_V6 } else { KAM_V4 }).to_string(), port: 5060 };
    let gw = if v6 {
        Addr { proto, ip: format!("2001:db8:2::{}", 1 + r.below(8)), port: 5060 }
    } else {
        Addr { proto, ip: format!("203.0.113.{}", 1 + r.below(8)), port: 5060 }
    };
    let caller = format!("{}", 1000 + r.below(3000));
    let callee = if kind == Kind::Register { caller.clone() } else { format!("{}", 1000 + r.below(3000)) };
    let _ = t;
    Call {
        kind,
        call_id: format!("{:016x}{:08x}@{}", r.next(), r.next() as u32, ua.ip),
        caller,
        callee,
        from_tag: format!("{:08x}", r.next() as u32),
        to_tag: format!("{:x}-{:04x}", r.next() as u32, r.below(0xffff)),
        ua,
        k_in: k.clone(),
        k_out: k,
        gw,
        branch: r.next(),
        cseq: 1 + r.below(9000) as u32,
        session: r.next() >> 20,
    }
}

/// The steps of a call starting at `t0` (µs): flag-mode ladders as kamailio-facts.md.
pub fn steps(c: &Call, r: &mut Rng, t0: i64, idx: u32, out: &mut Vec<Step>) {
    let ms = 1000i64;
    let mut push = |t: i64, s: u8| out.push(Step { t_us: t, call: idx, step: s });
    match c.kind {
        Kind::Answered => {
            let ring = (50 + r.below(250)) as i64 * ms;
            let answer = ring + (1 + r.below(15)) as i64 * 1_000_000 + r.below(1_000_000) as i64;
            let hold = answer + (5 + (-(r.unit().max(1e-9)).ln() * 120.0).min(3600.0) as i64) * 1_000_000;
            for (i, t) in [
                0,
                400,
                900,
                ring,
                ring + 300,
                answer,
                answer + 350,
                answer + 40 * ms,
                hold,
                hold + 500,
                hold + 35 * ms,
                hold + 35 * ms + 300,
            ]
            .into_iter()
            .enumerate()
            {
                push(t0 + t, i as u8);
            }
        }
        Kind::Failed(_) => {
            let fail = (200 + r.below(10_000)) as i64 * ms;
            for (i, t) in [0, 400, 900, fail, fail + 300, fail + 30 * ms].into_iter().enumerate() {
                push(t0 + t, 20 + i as u8);
            }
        }
        Kind::Register => {
            for (i, t) in [0, 200, 15 * ms, 15 * ms + 900].into_iter().enumerate() {
                push(t0 + t, 40 + i as u8);
            }
        }
    }
}

fn sdp(c: &Call, from_ua: bool) -> String {
    let (ip, port) = if from_ua {
        (&c.ua.ip, 20000 + (c.session % 10000) as u16 * 2)
    } else {
        (&c.gw.ip, 30000 + (c.session % 10000) as u16 * 2)
    };
    let ipv = if ip.contains(':') { "IP6" } else { "IP4" };
    format!(
        "v=0\r\no=- {s} {s} IN {ipv} {ip}\r\ns=-\r\nc=IN {ipv} {ip}\r\nt=0 0\r\nm=audio {port} RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n",
        s = c.session
    )
}

/// The message of `step`, with the columns siptrace stores for it.
pub fn row(c: &Call, st: Step) -> Row {
    let dom = "sip.example.com";
    let ua_via = format!("Via: SIP/2.0/{} {};rport;branch=z9hG4bK{:x}\r\n", c.ua.via_proto(), c.ua.host(), c.branch);
    let k_via =
        format!("Via: SIP/2.0/{} {};branch=z9hG4bK{:x}.0\r\n", c.k_out.via_proto(), c.k_out.host(), c.branch ^ 0x5a5a);
    let from = format!("From: \"{u}\" <sip:{u}@{dom}>;tag={}\r\n", c.from_tag, u = c.caller);
    let to_plain = format!("To: <sip:{}@{dom}>\r\n", c.callee);
    let to_tagged = format!("To: <sip:{}@{dom}>;tag={}\r\n", c.callee, c.to_tag);
    let cid = format!("Call-ID: {}\r\n", c.call_id);
    let rr = format!("Record-Route: <sip:{};transport={};lr>\r\n", c.k_in.host(), c.k_in.proto);
    let contact_ua = format!("Contact: <sip:{}@{};transport={}>\r\n", c.caller, c.ua.host(), c.ua.proto);
    let contact_gw = format!("Contact: <sip:{}@{};transport={}>\r\n", c.callee, c.gw.host(), c.gw.proto);
    let allow = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY\r\n";
    let ua_agent = "User-Agent: Yealink SIP-T46U 108.86.0.45\r\n";
    let gw_agent = "Server: FPBX-16.0.40(18.20.0)\r\n";
    let ruri = format!("sip:{}@{dom}", c.callee);
    let gw_ruri = format!("sip:{}@{}", c.callee, c.gw.host());
    let with_body = |head: String, body: &str| {
        if body.is_empty() {
            format!("{head}Content-Length: 0\r\n\r\n")
        } else {
            format!("{head}Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}", body.len())
        }
    };
    let (ua, k_in, k_out, gw) = (c.ua.stored(), c.k_in.stored(), c.k_out.stored(), c.gw.stored());
    // (msg, method, status, from, to, direction, has To-tag)
    let (msg, method, status, fromip, toip, dir, tagged): (String, &'static str, u16, &String, &String, &str, bool) =
        match st.step {
            // INVITE in / 100 out / INVITE out (relayed)
            0 | 20 => (
                with_body(format!("INVITE {ruri} SIP/2.0\r\n{ua_via}Max-Forwards: 70\r\n{from}{to_plain}{cid}CSeq: {} INVITE\r\n{contact_ua}{allow}Supported: replaces, timer\r\n{ua_agent}", c.cseq), &sdp(c, true)),
                "INVITE", 0, &ua, &k_in, "in", false,
            ),
            1 | 21 => (
                with_body(format!("SIP/2.0 100 trying -- your call is important to us\r\n{ua_via}{from}{to_plain}{cid}CSeq: {} INVITE\r\nServer: kamailio (5.6.3 (x86_64/linux))\r\n", c.cseq), ""),
                "INVITE", 100, &k_in, &ua, "out", false,
            ),
            2 | 22 => (
                with_body(format!("INVITE {gw_ruri} SIP/2.0\r\n{rr}{k_via}{ua_via}Max-Forwards: 69\r\n{from}{to_plain}{cid}CSeq: {} INVITE\r\n{contact_ua}{allow}Supported: replaces, timer\r\n{ua_agent}", c.cseq), &sdp(c, true)),
                "INVITE", 0, &k_out, &gw, "out", false,
            ),
            // 180 in / out
            3 => (
                with_body(format!("SIP/2.0 180 Ringing\r\n{k_via}{ua_via}{rr}{from}{to_tagged}{cid}CSeq: {} INVITE\r\n{contact_gw}{gw_agent}", c.cseq), ""),
                "INVITE", 180, &gw, &k_out, "in", true,
            ),
            4 => (
                with_body(format!("SIP/2.0 180 Ringing\r\n{ua_via}{rr}{from}{to_tagged}{cid}CSeq: {} INVITE\r\n{contact_gw}{gw_agent}", c.cseq), ""),
                "INVITE", 180, &k_in, &ua, "out", true,
            ),
            // 200 in / out (SDP answer)
            5 => (
                with_body(format!("SIP/2.0 200 OK\r\n{k_via}{ua_via}{rr}{from}{to_tagged}{cid}CSeq: {} INVITE\r\n{contact_gw}{allow}{gw_agent}", c.cseq), &sdp(c, false)),
                "INVITE", 200, &gw, &k_out, "in", true,
            ),
            6 => (
                with_body(format!("SIP/2.0 200 OK\r\n{ua_via}{rr}{from}{to_tagged}{cid}CSeq: {} INVITE\r\n{contact_gw}{allow}{gw_agent}", c.cseq), &sdp(c, false)),
                "INVITE", 200, &k_in, &ua, "out", true,
            ),
            7 => (
                with_body(format!("ACK {gw_ruri} SIP/2.0\r\n{ua_via}Route: <sip:{};transport={};lr>\r\nMax-Forwards: 70\r\n{from}{to_tagged}{cid}CSeq: {} ACK\r\n{ua_agent}", c.k_in.host(), c.k_in.proto, c.cseq), ""),
                "ACK", 0, &ua, &k_in, "in", true,
            ),
            8 => (
                with_body(format!("BYE {gw_ruri} SIP/2.0\r\n{ua_via}Route: <sip:{};transport={};lr>\r\nMax-Forwards: 70\r\n{from}{to_tagged}{cid}CSeq: {} BYE\r\n{ua_agent}", c.k_in.host(), c.k_in.proto, c.cseq + 1), ""),
                "BYE", 0, &ua, &k_in, "in", true,
            ),
            9 => (
                with_body(format!("BYE {gw_ruri} SIP/2.0\r\n{k_via}{ua_via}Max-Forwards: 69\r\n{from}{to_tagged}{cid}CSeq: {} BYE\r\n{ua_agent}", c.cseq + 1), ""),
                "BYE", 0, &k_out, &gw, "out", true,
            ),
            10 => (
                with_body(format!("SIP/2.0 200 OK\r\n{k_via}{ua_via}{from}{to_tagged}{cid}CSeq: {} BYE\r\n{gw_agent}", c.cseq + 1), ""),
                "BYE", 200, &gw, &k_out, "in", true,
            ),
            11 => (
                with_body(format!("SIP/2.0 200 OK\r\n{ua_via}{from}{to_tagged}{cid}CSeq: {} BYE\r\n{gw_agent}", c.cseq + 1), ""),
                "BYE", 200, &k_in, &ua, "out", true,
            ),
            // failed: final reply in / out, the caller's ACK
            23 | 24 => {
                let code = if let Kind::Failed(code) = c.kind { code } else { 486 };
                let reason = match code {
                    404 => "Not Found",
                    480 => "Temporarily Unavailable",
                    487 => "Request Terminated",
                    603 => "Decline",
                    _ => "Busy Here",
                };
                let head = if st.step == 23 { format!("{k_via}{ua_via}") } else { ua_via.clone() };
                let m = with_body(format!("SIP/2.0 {code} {reason}\r\n{head}{from}{to_tagged}{cid}CSeq: {} INVITE\r\nReason: Q.850;cause=17;text=\"User busy\"\r\n{gw_agent}", c.cseq), "");
                if st.step == 23 {
                    (m, "INVITE", code, &gw, &k_out, "in", true)
                } else {
                    (m, "INVITE", code, &k_in, &ua, "out", true)
                }
            }
            25 => (
                with_body(format!("ACK {ruri} SIP/2.0\r\n{ua_via}Max-Forwards: 70\r\n{from}{to_tagged}{cid}CSeq: {} ACK\r\n{ua_agent}", c.cseq), ""),
                "ACK", 0, &ua, &k_in, "in", true,
            ),
            // REGISTER, 401, REGISTER with credentials, 200
            40 | 42 => {
                let auth = if st.step == 42 {
                    format!("Authorization: Digest username=\"{u}\",realm=\"{dom}\",nonce=\"{:016x}\",uri=\"sip:{dom}\",response=\"{:032x}\",algorithm=MD5\r\n", c.session, (c.branch as u128) << 64 | c.session as u128, u = c.caller)
                } else {
                    String::new()
                };
                (
                    with_body(format!("REGISTER sip:{dom} SIP/2.0\r\n{ua_via}Max-Forwards: 70\r\nFrom: <sip:{u}@{dom}>;tag={}\r\nTo: <sip:{u}@{dom}>\r\n{cid}CSeq: {} REGISTER\r\n{contact_ua}Expires: 3600\r\n{auth}{ua_agent}", c.from_tag, c.cseq + (st.step == 42) as u32, u = c.caller), ""),
                    "REGISTER", 0, &ua, &k_in, "in", false,
                )
            }
            _ => {
                let ok = st.step == 43;
                let extra = if ok {
                    format!("Contact: <sip:{}@{};transport={}>;expires=3600\r\n", c.caller, c.ua.host(), c.ua.proto)
                } else {
                    format!("WWW-Authenticate: Digest realm=\"{dom}\", nonce=\"{:016x}\"\r\n", c.session)
                };
                (
                    with_body(format!("SIP/2.0 {} {}\r\n{ua_via}From: <sip:{u}@{dom}>;tag={}\r\nTo: <sip:{u}@{dom}>;tag={}\r\n{cid}CSeq: {} REGISTER\r\n{extra}Server: kamailio (5.6.3 (x86_64/linux))\r\n", if ok { 200 } else { 401 }, if ok { "OK" } else { "Unauthorized" }, c.from_tag, c.to_tag, c.cseq + ok as u32, u = c.caller), ""),
                    "REGISTER", if ok { 200 } else { 401 }, &k_in, &ua, "out", true,
                )
            }
        };
    Row {
        t_us: st.t_us,
        call_id: c.call_id.clone(),
        msg,
        method,
        status: if status == 0 { String::new() } else { status.to_string() },
        fromip: fromip.clone(),
        toip: toip.clone(),
        fromtag: c.from_tag.clone(),
        totag: if tagged { c.to_tag.clone() } else { String::new() },
        direction: dir,
    }
}

/// The calls and their steps until `rows` messages, over `days` days ending at `end`,
/// busier from 08:00 to 20:00; sorted by time (the id order).
pub fn generate(rows: usize, days: usize, end: DateTime<Utc>) -> (Vec<Call>, Vec<Step>) {
    let mut r = Rng(0x7369_7074_7261_6365);
    let span = days as i64 * 86400;
    let t0 = end.timestamp() - span;
    let (mut calls, mut steps_out) = (Vec::with_capacity(rows / 8), Vec::with_capacity(rows + 16));
    while steps_out.len() < rows + rows / 50 {
        let t = loop {
            let t = t0 + r.below(span as u64) as i64;
            let hour = (t.rem_euclid(86400)) / 3600;
            if r.unit() < if (8..20).contains(&hour) { 1.0 } else { 0.3 } {
                break t;
            }
        };
        let c = new_call(&mut r, t);
        let start_us = t * 1_000_000 + r.below(1_000_000) as i64;
        steps(&c, &mut r, start_us, calls.len() as u32, &mut steps_out);
        calls.push(c);
    }
    // Messages past the end (a BYE after `end`) are not written yet.
    steps_out.retain(|s| s.t_us < end.timestamp() * 1_000_000);
    steps_out.sort_by_key(|s| (s.t_us, s.call, s.step));
    steps_out.truncate(rows);
    (calls, steps_out)
}

/// `time_stamp` as the backend's Kamailio db driver writes second `secs`.
pub fn time_text(b: Backend, secs: i64) -> String {
    match b {
        // db_sqlite's timet_to_sqlite: the Julian day of `t - 0.5 s`.
        Backend::Sqlite => format!("{}", sqlite_time(secs)),
        _ => Utc.timestamp_opt(secs, 0).unwrap().with_timezone(&KAMAILIO_TZ).format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

pub fn sqlite_time(secs: i64) -> f64 {
    (secs as f64 - 0.5) / 86400.0 + JULIAN_EPOCH
}

/// The value kamscope compares `time_stamp` with for "before `t`" (crates/db/src/time.rs).
pub fn bound_value(b: Backend, t: DateTime<Utc>) -> SqlValue {
    match b {
        Backend::Sqlite => SqlValue::from((t.timestamp() as f64 - 0.75) / 86400.0 + JULIAN_EPOCH),
        _ => SqlValue::from(t.with_timezone(&KAMAILIO_TZ).naive_local()),
    }
}

/// PostgreSQL COPY text / MariaDB LOAD DATA escaping (the two agree on these).
fn esc(s: &str, out: &mut Vec<u8>) {
    for b in s.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// One row in the loader's format: SQLite's `.mode ascii` (0x1F between fields, 0x1E
/// after a row; SIP text holds neither), tab-separated escaped text for the others.
pub fn encode(b: Backend, id: usize, r: &Row, out: &mut Vec<u8>) {
    let secs = r.t_us.div_euclid(1_000_000);
    let us = r.t_us.rem_euclid(1_000_000);
    let fields: [&str; 13] = [
        &id.to_string(),
        &time_text(b, secs),
        &us.to_string(),
        &r.call_id,
        "",
        &r.msg,
        r.method,
        &r.status,
        &r.fromip,
        &r.toip,
        &r.fromtag,
        &r.totag,
        r.direction,
    ];
    for (i, f) in fields.iter().enumerate() {
        if b == Backend::Sqlite {
            if i > 0 {
                out.push(0x1f);
            }
            out.extend_from_slice(f.as_bytes());
        } else {
            if i > 0 {
                out.push(b'\t');
            }
            esc(f, out);
        }
    }
    out.push(if b == Backend::Sqlite { 0x1e } else { b'\n' });
}

// ---------------------------------------------------------------- loading

pub fn run(cmd: &mut Command, what: &str) -> anyhow::Result<String> {
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!("{what} failed: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).to_string())
}

pub fn lab_cmd(script: &str) -> Command {
    let mut c = Command::new("bash");
    c.arg(repo_root().join("lab").join(script)).current_dir(repo_root());
    c
}

/// A seeded sip_trace: where it is, when its data ends, what it holds.
#[derive(Clone)]
pub struct Seeded {
    pub backend: Backend,
    /// The database name (MariaDB/PostgreSQL) or the file's stem.
    pub name: String,
    pub file: Option<PathBuf>,
    pub url: String,
    /// The moment of seeding: the newest row's time.
    pub end: DateTime<Utc>,
    pub rows: usize,
    pub how: String,
}

pub fn dir() -> PathBuf {
    lab_run().join("trace-bench")
}

pub async fn url_of(b: Backend, name: &str) -> anyhow::Result<String> {
    Ok(match b {
        Backend::Sqlite => format!("sqlite://{}", dir().join(format!("{name}.sqlite")).display()),
        Backend::Mysql => lab("mariadb.sh", &["url", name]).await?.trim().to_string(),
        Backend::Postgres => lab("postgres.sh", &["url", name]).await?.trim().to_string(),
    })
}

pub fn n(r: &sea_orm::QueryResult, c: &str) -> Option<i64> {
    r.try_get::<i64>("", c)
        .or_else(|_| r.try_get::<i32>("", c).map(i64::from))
        .or_else(|_| r.try_get::<u32>("", c).map(i64::from))
        .or_else(|_| r.try_get::<u64>("", c).map(|v| v as i64))
        .ok()
}

pub async fn count(db: &sea_orm::DatabaseConnection, sql: &str, values: Vec<SqlValue>) -> anyhow::Result<i64> {
    let st = stmt(db.get_database_backend(), sql, values);
    let r = db.query_one(st).await?.context("no row")?;
    n(&r, "n").context("count not a number")
}

/// `?` placeholders turned into `$n` for PostgreSQL.
pub fn stmt(db: DbBackend, sql: &str, values: Vec<SqlValue>) -> Statement {
    let s = if db == DbBackend::Postgres {
        let mut k = 0;
        sql.chars()
            .map(|c| {
                if c == '?' {
                    k += 1;
                    format!("${k}")
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        sql.to_string()
    };
    Statement::from_sql_and_values(db, s, values)
}

/// The seeded sip_trace of this size (cached; seeded again when BENCH_TRACE_RESEED=1,
/// when of another version, or older than BENCH_TRACE_MAX_AGE_H hours, 48: the part older
/// than 30 days grows as it ages). Other indexes than the stock ones are dropped.
pub async fn seeded(b: Backend, size: TraceSize) -> anyhow::Result<Seeded> {
    std::fs::create_dir_all(dir())?;
    let name = format!("ksbench_trace_{}_{}_v{SEED_VERSION}", size.rows, size.days);
    let file = (b == Backend::Sqlite).then(|| dir().join(format!("{name}.sqlite")));
    let url = url_of(b, &name).await?;
    let reseed = std::env::var("BENCH_TRACE_RESEED").is_ok_and(|v| v == "1");
    let max_age = chrono::Duration::hours(env_num("BENCH_TRACE_MAX_AGE_H", 48) as i64);
    if !reseed {
        if let Ok(db) = Database::connect(&url).await {
            let q = "SELECT rows_n, end_epoch FROM kamscope_bench_seed";
            if let Ok(Some(r)) = db.query_one(Statement::from_string(db.get_database_backend(), q)).await {
                if let (Some(rows), Some(end)) = (n(&r, "rows_n"), n(&r, "end_epoch")) {
                    let end = Utc.timestamp_opt(end, 0).unwrap();
                    if Utc::now() - end < max_age {
                        drop_extra_indexes(b, &db).await?;
                        db.close().await?;
                        let how = format!("cached ({rows} rows, seeded {})", end.format("%Y-%m-%d %H:%M UTC"));
                        return Ok(Seeded { backend: b, name, file, url, end, rows: rows as usize, how });
                    }
                }
            }
            db.close().await?;
        }
    }
    let t = Instant::now();
    let end = Utc.timestamp_opt(Utc::now().timestamp() / 60 * 60, 0).unwrap();
    let (calls, steps) = generate(size.rows, size.days, end);
    let generated = t.elapsed().as_secs_f64();
    match b {
        Backend::Sqlite => lab("schema.sh", &["sqlite", file.as_ref().unwrap().to_str().unwrap()]).await?,
        Backend::Mysql => lab("schema.sh", &["mysql", &name]).await?,
        Backend::Postgres => lab("schema.sh", &["postgres", &name]).await?,
    };
    let db = Database::connect(&url).await?;
    if b == Backend::Sqlite {
        // .import fills columns in table order.
        let rows = db
            .query_all(Statement::from_string(DbBackend::Sqlite, "SELECT name FROM pragma_table_info('sip_trace')"))
            .await?;
        let names: Vec<String> = rows.iter().filter_map(|r| r.try_get::<String>("", "name").ok()).collect();
        if names != COLUMNS {
            bail!("sip_trace columns {names:?}, expected {COLUMNS:?} (lab/schema.sh changed?)");
        }
    }
    // Bulk loads are much faster into a table without secondary indexes; built after.
    for (idx, _) in stock_indexes(b) {
        db.execute_unprepared(&drop_index_sql(b, &idx)).await?;
    }
    db.close().await?;
    let cols = COLUMNS.join(", ");
    let mut cmd = match b {
        Backend::Sqlite => {
            let mut c = Command::new("sqlite3");
            c.args(["-cmd", ".timeout 10000"])
                .arg(file.as_ref().unwrap())
                .arg("PRAGMA synchronous=OFF;")
                .arg(".mode ascii")
                .arg(".import /dev/stdin sip_trace");
            c
        }
        Backend::Mysql => {
            let sql = format!(
                "SET unique_checks=0; LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE sip_trace CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ({cols});"
            );
            let mut c = lab_cmd("mariadb.sh");
            c.args(["sql", &name, "--local-infile=1", "-e", &sql]);
            c
        }
        Backend::Postgres => {
            let mut c = lab_cmd("postgres.sh");
            c.args(["sql", &name, "-v", "ON_ERROR_STOP=1", "-c", &format!("\\copy sip_trace ({cols}) FROM pstdin")]);
            c
        }
    };
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let stdin = child.stdin.take().unwrap();
    let (backend, nrows) = (b, steps.len());
    let writer = std::thread::spawn(move || -> anyhow::Result<(u64, usize)> {
        let mut w = BufWriter::with_capacity(1 << 20, stdin);
        let (mut bytes, mut buf) = (0u64, Vec::with_capacity(4096));
        for (i, s) in steps.iter().enumerate() {
            let r = row(&calls[s.call as usize], *s);
            bytes += r.msg.len() as u64;
            buf.clear();
            encode(backend, i + 1, &r, &mut buf);
            w.write_all(&buf)?;
        }
        w.flush()?;
        Ok((bytes, steps.len()))
    });
    let out = child.wait_with_output()?;
    let (msg_bytes, _) = writer.join().map_err(|_| anyhow::anyhow!("the row writer panicked"))??;
    if !out.status.success() {
        bail!("bulk load failed: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }
    let loaded = t.elapsed().as_secs_f64();
    let db = Database::connect(&url).await?;
    if b == Backend::Sqlite {
        // db_sqlite binds the absent To-tag as NULL (kamailio-facts.md).
        db.execute_unprepared("UPDATE sip_trace SET totag = NULL WHERE totag = ''").await?;
    }
    for (idx, col) in stock_indexes(b) {
        db.execute_unprepared(&format!("CREATE INDEX {idx} ON sip_trace ({col})")).await?;
    }
    let total = count(&db, "SELECT COUNT(*) AS n FROM sip_trace", vec![]).await?;
    if total != nrows as i64 {
        bail!("sip_trace: {total} rows loaded, {nrows} written");
    }
    db.execute_unprepared("CREATE TABLE kamscope_bench_seed (rows_n BIGINT NOT NULL, end_epoch BIGINT NOT NULL)")
        .await?;
    db.execute_unprepared(&format!("INSERT INTO kamscope_bench_seed VALUES ({nrows}, {})", end.timestamp())).await?;
    db.close().await?;
    match b {
        Backend::Sqlite => {
            run(
                // sqlx may still be closing its connection: wait for the lock, as Kamailio would.
                Command::new("sqlite3")
                    .args(["-cmd", ".timeout 10000"])
                    .arg(file.as_ref().unwrap())
                    .arg("PRAGMA wal_checkpoint(TRUNCATE);"),
                "checkpoint",
            )?;
        }
        Backend::Mysql => {
            run(lab_cmd("mariadb.sh").args(["sql", &name, "-e", "ANALYZE TABLE sip_trace"]), "ANALYZE")?;
        }
        Backend::Postgres => {
            let setval = format!("SELECT setval(pg_get_serial_sequence('sip_trace', 'id'), {})", nrows.max(1));
            run(
                lab_cmd("postgres.sh").args([
                    "sql",
                    &name,
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-c",
                    &setval,
                    "-c",
                    "VACUUM (ANALYZE) sip_trace",
                ]),
                "VACUUM",
            )?;
        }
    }
    let how = format!(
        "seeded {nrows} rows ({:.0} MB of SIP text, {:.0} bytes a message) in {:.0} s (generating {generated:.0} s, loading {:.0} s, then the indexes)",
        msg_bytes as f64 / 1e6,
        msg_bytes as f64 / nrows.max(1) as f64,
        t.elapsed().as_secs_f64(),
        loaded - generated
    );
    Ok(Seeded { backend: b, name, file, url, end, rows: nrows, how })
}

pub fn drop_index_sql(b: Backend, idx: &str) -> String {
    match b {
        Backend::Mysql => format!("DROP INDEX IF EXISTS {idx} ON sip_trace"),
        _ => format!("DROP INDEX IF EXISTS {idx}"),
    }
}

/// Back to Kamailio's stock indexes (a cached database may have kamscope's applied).
pub async fn drop_extra_indexes(b: Backend, db: &sea_orm::DatabaseConnection) -> anyhow::Result<Vec<String>> {
    let q = match b {
        Backend::Sqlite => "SELECT name AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sip_trace' AND sql IS NOT NULL",
        Backend::Mysql => "SELECT DISTINCT INDEX_NAME AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'sip_trace' AND INDEX_NAME <> 'PRIMARY'",
        Backend::Postgres => "SELECT indexname::text AS n FROM pg_indexes WHERE tablename = 'sip_trace' AND indexname <> 'sip_trace_pkey'",
    };
    let stock: Vec<String> = stock_indexes(b).into_iter().map(|(n, _)| n).collect();
    let mut dropped = Vec::new();
    for r in db.query_all(Statement::from_string(db.get_database_backend(), q)).await? {
        let name: String = r.try_get("", "n")?;
        if !stock.contains(&name) {
            db.execute_unprepared(&drop_index_sql(b, &name)).await?;
            dropped.push(name);
        }
    }
    Ok(dropped)
}

// ---------------------------------------------------------------- kamscope

/// The ports the trace benches' kamscope may listen on.
const PORTS: std::ops::Range<u16> = 32100..32110;

pub use kamscope_acceptance::bench::BenchKamscope as Kamscope;

/// The release binary as its own process; no Kamailio (these endpoints read the database).
pub async fn start_kamscope(bin: &Path, url: &str) -> anyhow::Result<Kamscope> {
    let env = [
        ("KAMSCOPE_DATABASE_URL", url),
        ("KAMSCOPE_TIMEZONE", KAMAILIO_TZ.name()),
        ("KAMSCOPE_REPORT_TIMEZONE", "Asia/Shanghai"),
    ];
    Kamscope::start(bin, PORTS, &env, false).await
}
