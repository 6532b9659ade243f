//! SIP trace (Kamailio's siptrace): the search with its time window, one message
//! parsed, and a call's flow (the ladder) with its text and PCAP exports.
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Utc};
use chrono_tz::Tz;
use kamscope_api_types::query::{TraceQuery, DEFAULT_LIMIT};
use kamscope_api_types::siptrace::{
    CallFlow, FlowEndpoint, FlowMessage, SipHeader, TraceEndpoint, TraceItem, TraceMessage, TracePage, TraceWindow,
    FLOW_CAP,
};
use kamscope_db::{AddrMatch, Backend, SiptraceDb, TraceFilter, TraceKey, TraceRow};
use kamscope_trace_format::{parse_filter, parse_message, parse_stored, text_header, AddrFilter, Proto, SipHead};
use serde::{Deserialize, Serialize};

use crate::cursor;
use crate::error::ApiError;

#[async_trait]
pub trait Siptrace: Send + Sync {
    /// `GET /traces`.
    async fn search(&self, q: &TraceQuery) -> Result<TracePage, ApiError>;
    /// One row with its message parsed; 404 when there is none.
    async fn message(&self, id: i64) -> Result<TraceMessage, ApiError>;
    /// The messages of these Call-IDs as one flow; 404 when there are none.
    async fn flow(&self, call_ids: &[String]) -> Result<CallFlow, ApiError>;
}

/// The longest window a search on unindexed columns may cover on this backend: a
/// one-day unindexed scan of 5M rows took SQLite 112 ms, MariaDB 433 ms, PostgreSQL
/// 94 ms, and a search should not hold the database for more than about a second.
pub fn max_window(b: Backend) -> Duration {
    match b {
        Backend::Mysql => Duration::days(2),
        Backend::Sqlite | Backend::Postgres => Duration::days(7),
    }
}

/// Without `from`/`to`, a bounded search covers the last hour (as Homer's default).
pub const DEFAULT_WINDOW: Duration = Duration::hours(1);

/// The cursor names its table, so another list's cursor cannot page this one.
#[derive(Serialize, Deserialize)]
struct TraceCursor {
    tb: String,
    #[serde(flatten)]
    at: TraceKey,
}

const TB: &str = "sip_trace";

pub struct SiptraceService {
    pub db: Arc<dyn SiptraceDb>,
    pub tz: Tz,
}

fn addr_match(param: &str, raw: &str) -> Result<AddrMatch, ApiError> {
    let f = parse_filter(raw).map_err(|e| ApiError::bad_param(param, format!("is not an address filter: {e}")))?;
    if f.port.is_some() {
        return Ok(AddrMatch::Exact(f.stored_forms()));
    }
    // Every spelling Kamailio may have stored, as "proto:host:" prefixes: the stored forms
    // of the same address with some port, that port cut off.
    let with_port = AddrFilter { port: Some(1), ..f };
    let prefixes = with_port.stored_forms().into_iter().filter_map(|s| s.strip_suffix('1').map(String::from)).collect();
    Ok(AddrMatch::Prefix(prefixes))
}

/// A stored `fromip`/`toip` split for the API.
pub fn endpoint(raw: &str) -> TraceEndpoint {
    match parse_stored(raw) {
        Some(a) => TraceEndpoint {
            proto: a.proto.to_string(),
            address: a.ip.map(|ip| ip.to_string()).unwrap_or(a.host),
            port: a.port,
            raw: raw.to_string(),
        },
        None => TraceEndpoint { proto: String::new(), address: raw.to_string(), port: None, raw: raw.to_string() },
    }
}

fn first_line(msg: &str) -> String {
    msg.split('\n').next().unwrap_or("").trim_end_matches('\r').to_string()
}

fn item(r: TraceRow) -> (TraceItem, String) {
    let it = TraceItem {
        id: r.key.id,
        time: r.time,
        method: r.method,
        status: r.status.trim().parse().ok(),
        from_ip: endpoint(&r.fromip),
        to_ip: endpoint(&r.toip),
        call_id: r.callid,
        direction: r.direction,
        from_tag: r.fromtag,
        to_tag: r.totag,
        traced_user: r.traced_user,
        first_line: first_line(&r.msg),
    };
    (it, r.msg)
}

impl SiptraceService {
    fn shown(&self, t: DateTime<Utc>) -> DateTime<FixedOffset> {
        t.with_timezone(&self.tz).fixed_offset()
    }

    /// The filter and the window it is searched in (see the route's documentation).
    fn filter(&self, q: &TraceQuery, now: DateTime<Utc>) -> Result<(TraceFilter, TraceWindow), ApiError> {
        let from_ip = q.from_ip.as_deref().map(|s| addr_match("from_ip", s)).transpose()?;
        let to_ip = q.to_ip.as_deref().map(|s| addr_match("to_ip", s)).transpose()?;
        let mut f = TraceFilter {
            call_id: q.call_id.clone(),
            traced_user: q.traced_user.clone(),
            method: q.method.as_deref().map(str::to_ascii_uppercase),
            status: q.status.map(|s| s.to_string()),
            direction: q.direction.map(|d| d.as_str().to_string()),
            from: q.from.map(|t| t.with_timezone(&Utc)),
            to: q.to.map(|t| t.with_timezone(&Utc)),
            from_ip: from_ip.clone(),
            to_ip: to_ip.clone(),
        };
        let mut indexed: Vec<&str> = vec![];
        if f.call_id.is_some() {
            indexed.push("call_id");
        }
        if f.traced_user.is_some() {
            indexed.push("traced_user");
        }
        // An address is bounded even with a port, where the filter is an equality on
        // `fromip`'s index: that index is not in time order, so newest first sorts every
        // row of the address (Kamailio's own: half the table, 0.9 s on 1M rows); within
        // a window the time_stamp index answers in milliseconds.
        let mut unindexed: Vec<&str> = vec![];
        if from_ip.is_some() {
            unindexed.push("from_ip");
        }
        if to_ip.is_some() {
            unindexed.push("to_ip");
        }
        for (name, set) in
            [("method", f.method.is_some()), ("status", f.status.is_some()), ("direction", f.direction.is_some())]
        {
            if set {
                unindexed.push(name);
            }
        }
        let backend = self.db.trace_backend();
        let max = max_window(backend);
        let max_seconds = Some(max.num_seconds() as u64);
        let given = (q.from.is_some() || q.to.is_some()).then_some(());
        let mut window = TraceWindow {
            from: f.from.map(|t| self.shown(t)),
            to: f.to.map(|t| self.shown(t)),
            defaulted: false,
            max_seconds,
            reason: String::new(),
        };
        if !indexed.is_empty() {
            window.reason =
                format!("No window needed: {} uses an index; `from`/`to` apply as given.", indexed.join(" and "));
            return Ok((f, window));
        }
        if unindexed.is_empty() {
            window.reason =
                "No window needed: newest first over the time_stamp index; `from`/`to` apply as given.".into();
            return Ok((f, window));
        }
        let to = f.to.unwrap_or(now);
        let from = f.from.unwrap_or(to - DEFAULT_WINDOW);
        if to <= from {
            // Only reachable with `from` alone, in the future (both given are checked first).
            return Err(ApiError::bad_param(
                "from",
                format!("is not before `to` ({}, now when left out)", self.shown(to).to_rfc3339()),
            ));
        }
        if to - from > max {
            let param = if q.from.is_some() { "from" } else { "to" };
            return Err(ApiError::bad_param(
                param,
                format!(
                    "makes a window of {} hours; a search on {} (columns without an index) covers at most {} hours on {} \
                     ({} days): narrow `from`/`to`, or search by call_id or traced_user",
                    ((to - from).num_seconds() + 3599) / 3600,
                    unindexed.join(", "),
                    max.num_hours(),
                    backend.name(),
                    max.num_days()
                ),
            ));
        }
        f.from = Some(from);
        f.to = Some(to);
        window.from = Some(self.shown(from));
        window.to = Some(self.shown(to));
        window.defaulted = given.is_none();
        window.reason = format!(
            "{}: no index keeps these in time order, so the search is bounded to {} (at most {} days on {}).",
            unindexed.join(", "),
            if given.is_none() { "the last hour, kamscope's default" } else { "the window given" },
            max.num_days(),
            backend.name()
        );
        Ok((f, window))
    }
}

/// Rows stored twice for one message (siptrace's `traced_user_avp` with `trace_on 1`:
/// once with an empty `traced_user`, once per traced user) are the same message: same
/// time, addresses, direction and text.
type SameMessage = (TraceKeyTime, String, String, String, String);
type TraceKeyTime = (i64, i64);

/// A ladder column's identity: one per address, as siptrace writes Kamailio's IPv6
/// socket both as `udp:::1:5060` and (as a relayed request's source) `udp:[::1]:5060`.
fn column_key(e: &TraceEndpoint) -> String {
    match e.port {
        Some(p) if !e.proto.is_empty() => format!("{}:{}:{p}", e.proto, e.address),
        _ => e.raw.clone(),
    }
}

/// The CSeq a reply shares with its request, spaces normalised.
fn cseq(head: &SipHead) -> Option<String> {
    let (_, v) = head.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("CSeq"))?;
    Some(v.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Kamailio's side of each message (0 the sender, 1 the receiver; see `CallFlow`) with
/// port 0 put on the Kamailio socket it stands for, when that can be told: `None` when it
/// stays as stored (it is then labelled "port unknown").
fn port_zero_sockets(
    msgs: &[(TraceRow, Vec<i64>)],
    heads: &[SipHead],
    sides: &[[TraceEndpoint; 2]],
) -> Vec<Option<TraceEndpoint>> {
    let own = |r: &TraceRow| match r.direction.as_str() {
        "out" => Some(0),
        "in" => Some(1),
        _ => None,
    };
    let mut out = vec![None; msgs.len()];
    for (i, (r, _)) in msgs.iter().enumerate() {
        let Some(s) = own(r) else { continue };
        let zero = &sides[i][s];
        if zero.port != Some(0) || zero.proto.is_empty() {
            continue;
        }
        let peer = column_key(&sides[i][1 - s]);
        // Kamailio's sockets of the same protocol and address with a real port, per message.
        let real = |j: usize| -> Option<&TraceEndpoint> {
            let sj = own(&msgs[j].0)?;
            let e = &sides[j][sj];
            (e.proto == zero.proto && e.address == zero.address && e.port.is_some_and(|p| p != 0)).then_some(e)
        };
        let one = |it: &mut dyn Iterator<Item = &TraceEndpoint>| -> Option<TraceEndpoint> {
            let mut found: Vec<&TraceEndpoint> = vec![];
            for e in it {
                if !found.iter().any(|f| column_key(f) == column_key(e)) {
                    found.push(e);
                }
            }
            (found.len() == 1).then(|| found[0].clone())
        };
        let answered = if heads[i].is_request {
            None
        } else {
            // A reply: the socket its request left from (same Call-ID and CSeq, sent to this peer).
            let c = cseq(&heads[i]);
            one(&mut (0..msgs.len())
                .filter(|&j| {
                    heads[j].is_request
                        && msgs[j].0.direction == "out"
                        && msgs[j].0.callid == r.callid
                        && column_key(&sides[j][1]) == peer
                        && c.is_some()
                        && cseq(&heads[j]) == c
                })
                .filter_map(real))
        };
        out[i] = answered
            // The one socket that talked with this peer, else the flow's one socket of that address.
            .or_else(|| {
                one(&mut (0..msgs.len())
                    .filter(|&j| own(&msgs[j].0).is_some_and(|sj| column_key(&sides[j][1 - sj]) == peer))
                    .filter_map(real))
            })
            .or_else(|| one(&mut (0..msgs.len()).filter_map(real)));
    }
    out
}

fn flow_of(call_ids: &[String], rows: Vec<TraceRow>, truncated: bool) -> CallFlow {
    let mut truncated = truncated;
    let mut msgs: Vec<(TraceRow, Vec<i64>)> = vec![];
    let mut seen: HashMap<SameMessage, usize> = HashMap::new();
    for r in rows {
        let same = ((r.key.secs, r.key.us), r.fromip.clone(), r.toip.clone(), r.direction.clone(), r.msg.clone());
        if let Some(&i) = seen.get(&same) {
            msgs[i].1.push(r.key.id);
            continue;
        }
        if msgs.len() == FLOW_CAP {
            truncated = true;
            break;
        }
        seen.insert(same, msgs.len());
        msgs.push((r, vec![]));
    }
    let heads: Vec<SipHead> = msgs.iter().map(|(r, _)| parse_message(&r.msg)).collect();
    let mut sides: Vec<[TraceEndpoint; 2]> =
        msgs.iter().map(|(r, _)| [endpoint(&r.fromip), endpoint(&r.toip)]).collect();
    for (i, socket) in port_zero_sockets(&msgs, &heads, &sides).into_iter().enumerate() {
        if let Some(e) = socket {
            let s = if msgs[i].0.direction == "out" { 0 } else { 1 };
            sides[i][s] = e;
        }
    }

    let mut endpoints: Vec<FlowEndpoint> = vec![];
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut at = |e: &TraceEndpoint, kamailio: bool, endpoints: &mut Vec<FlowEndpoint>| -> usize {
        let key = column_key(e);
        let i = *index.entry(key.clone()).or_insert_with(|| {
            let label = match parse_stored(&e.raw) {
                // Port 0 that could not be put on a socket: no real port, so not `:0`.
                Some(a) if a.port == Some(0) => {
                    let l = a.label();
                    format!("{} (port unknown)", l.strip_suffix(":0").unwrap_or(&l))
                }
                Some(a) => a.label(),
                None => e.raw.clone(),
            };
            endpoints.push(FlowEndpoint {
                key,
                proto: e.proto.clone(),
                address: e.address.clone(),
                port: e.port,
                kamailio: false,
                label,
            });
            endpoints.len() - 1
        });
        endpoints[i].kamailio |= kamailio;
        i
    };
    let mut messages: Vec<FlowMessage> = vec![];
    let mut first_us: Option<i64> = None;
    let mut prev_us: i64 = 0;
    for (((r, also_ids), head), [src, dst]) in msgs.into_iter().zip(heads).zip(sides) {
        // Kamailio's own socket: where an `in` message arrived, where an `out` one left.
        let from = at(&src, r.direction == "out", &mut endpoints);
        let to = at(&dst, r.direction == "in", &mut endpoints);
        let t_us = r.time.timestamp_micros();
        let first = *first_us.get_or_insert(t_us);
        let proto = endpoints[from].proto.clone();
        messages.push(FlowMessage {
            id: r.key.id,
            time: r.time,
            call_id: r.callid,
            from,
            to,
            proto: if proto.is_empty() { endpoints[to].proto.clone() } else { proto },
            direction: r.direction,
            method: r.method,
            status: r.status.trim().parse().ok().or(head.status),
            is_request: head.is_request,
            first_line: head.first_line,
            has_sdp: head.has_sdp,
            delta_prev_us: if messages.is_empty() { 0 } else { t_us - prev_us },
            delta_first_us: t_us - first,
            also_ids,
            msg: r.msg,
        });
        prev_us = t_us;
    }
    CallFlow { call_ids: call_ids.to_vec(), endpoints, messages, truncated }
}

/// The flow as text: per message `<time> <PROTO> <src> -> <dst> (+<delta> s)`, then the
/// message as stored, a blank line between messages.
pub fn flow_text(flow: &CallFlow) -> String {
    let mut out = String::new();
    for m in &flow.messages {
        let time = m.time.to_rfc3339_opts(SecondsFormat::Micros, false);
        let (src, dst) = (&flow.endpoints[m.from].label, &flow.endpoints[m.to].label);
        out.push_str(&text_header(&time, &Proto::parse(&m.proto), src, dst, m.delta_prev_us));
        out.push('\n');
        out.push_str(&m.msg);
        if !m.msg.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

fn socket(e: &FlowEndpoint, other: &FlowEndpoint) -> SocketAddr {
    let ip = e.address.parse::<IpAddr>().ok();
    let other_ip = other.address.parse::<IpAddr>().ok();
    let ip = match (ip, other_ip) {
        // A packet has one address family: an IPv4 side next to an IPv6 one is mapped.
        (Some(IpAddr::V4(v4)), Some(IpAddr::V6(_))) => IpAddr::V6(v4.to_ipv6_mapped()),
        (Some(ip), _) => ip,
        (None, Some(IpAddr::V6(_))) => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
        (None, _) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
    };
    SocketAddr::new(ip, e.port.unwrap_or(5060))
}

/// The flow as a classic PCAP file (times to the microsecond as stored).
pub fn flow_pcap(flow: &CallFlow) -> Vec<u8> {
    let packets: Vec<kamscope_trace_format::Packet> = flow
        .messages
        .iter()
        .map(|m| {
            let (a, b) = (&flow.endpoints[m.from], &flow.endpoints[m.to]);
            kamscope_trace_format::Packet {
                time_us: m.time.timestamp_micros(),
                proto: Proto::parse(&m.proto),
                src: socket(a, b),
                dst: socket(b, a),
                payload: m.msg.as_bytes(),
            }
        })
        .collect();
    kamscope_trace_format::write_pcap(&packets)
}

/// A file name from the Call-IDs: what is safe in a name, the rest `_`.
pub fn file_stem(call_ids: &[String]) -> String {
    let joined = call_ids.join("+");
    let safe: String = joined
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+') { c } else { '_' })
        .take(100)
        .collect();
    let safe = safe.trim_start_matches('.').to_string();
    if safe.is_empty() {
        "call".into()
    } else {
        safe
    }
}

#[async_trait]
impl Siptrace for SiptraceService {
    async fn search(&self, q: &TraceQuery) -> Result<TracePage, ApiError> {
        let after = match q.cursor.as_deref().map(cursor::decode::<TraceCursor>).transpose()? {
            Some(c) if c.tb != TB => {
                return Err(ApiError::bad_param(
                    "cursor",
                    format!("belongs to the list of `{}`; start again without a cursor", c.tb),
                ))
            }
            c => c.map(|c| c.at),
        };
        // Windows are whole seconds (as the time_stamp column): "now" is the next one, so
        // this second's rows are in.
        let now = DateTime::from_timestamp(Utc::now().timestamp() + 1, 0).unwrap_or_else(Utc::now);
        let (f, window) = self.filter(q, now)?;
        let limit: u64 = q.limit.unwrap_or(DEFAULT_LIMIT).into();
        let (rows, next) = self.db.traces(&f, limit, after).await?;
        Ok(TracePage {
            items: rows.into_iter().map(|r| item(r).0).collect(),
            next_cursor: next.map(|at| cursor::encode(&TraceCursor { tb: TB.into(), at })),
            window,
        })
    }

    async fn message(&self, id: i64) -> Result<TraceMessage, ApiError> {
        let row =
            self.db.trace(id).await?.ok_or_else(|| ApiError::NotFound(format!("There is no sip_trace row {id}")))?;
        let (item, msg) = item(row);
        let head = parse_message(&msg);
        Ok(TraceMessage {
            item,
            headers: head.headers.into_iter().map(|(name, value)| SipHeader { name, value }).collect(),
            body: head.body,
            has_sdp: head.has_sdp,
            msg,
        })
    }

    async fn flow(&self, call_ids: &[String]) -> Result<CallFlow, ApiError> {
        // Room for every message stored twice (traced_user_avp), and one more to tell.
        let cap = 2 * FLOW_CAP as u64 + 1;
        let rows = self.db.trace_calls(call_ids, cap).await?;
        if rows.is_empty() {
            let names = call_ids.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ");
            return Err(ApiError::NotFound(format!(
                "sip_trace has no message of Call-ID {names} (siptrace stores what its flag or trace_mode \
                 selects, and cleanups remove old rows)"
            )));
        }
        let full = rows.len() as u64 == cap;
        Ok(flow_of(call_ids, rows, full))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(id: i64, us: i64, from: &str, to: &str, dir: &str, user: &str, msg: &str) -> TraceRow {
        let secs = 1_796_112_000;
        TraceRow {
            key: TraceKey { secs, us, id },
            time: Utc.timestamp_opt(secs, 0).unwrap().fixed_offset() + Duration::microseconds(us),
            callid: "c1".into(),
            traced_user: user.into(),
            msg: msg.into(),
            method: "INVITE".into(),
            status: if msg.starts_with("SIP/") { msg[8..11].into() } else { String::new() },
            fromip: from.into(),
            toip: to.into(),
            fromtag: "ft".into(),
            totag: String::new(),
            direction: dir.into(),
        }
    }

    const INVITE: &str = "INVITE sip:bob@x SIP/2.0\r\nCall-ID: c1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n";
    const TRYING: &str = "SIP/2.0 100 Trying\r\nCall-ID: c1\r\n\r\n";

    #[test]
    fn a_flow_marks_kamailio_orders_columns_and_shows_duplicates_once() {
        let (a, k, b) = ("udp:192.0.2.1:5060", "udp:127.0.0.1:5060", "udp:[::1]:5070");
        let rows = vec![
            row(1, 100, a, k, "in", "", INVITE),
            // The same message stored again for traced user alice.
            row(2, 100, a, k, "in", "alice", INVITE),
            row(3, 350, k, a, "out", "", TRYING),
            row(4, 1_100, k, b, "out", "", INVITE),
            // The same IPv6 address without brackets: the same column.
            row(5, 1_200, "udp:::1:5070", k, "in", "", TRYING),
        ];
        let f = flow_of(&["c1".into()], rows, false);
        let labels: Vec<(&str, bool)> = f.endpoints.iter().map(|e| (e.label.as_str(), e.kamailio)).collect();
        assert_eq!(labels, [("192.0.2.1:5060", false), ("127.0.0.1:5060", true), ("[::1]:5070", false)]);
        let m: Vec<(i64, usize, usize, i64, i64, Vec<i64>)> = f
            .messages
            .iter()
            .map(|m| (m.id, m.from, m.to, m.delta_prev_us, m.delta_first_us, m.also_ids.clone()))
            .collect();
        assert_eq!(
            m,
            [
                (1, 0, 1, 0, 0, vec![2]),
                (3, 1, 0, 250, 250, vec![]),
                (4, 1, 2, 750, 1000, vec![]),
                (5, 2, 1, 100, 1100, vec![])
            ]
        );
        assert_eq!(f.endpoints[2].key, "udp:::1:5070");
        assert!(f.messages[0].is_request && f.messages[0].has_sdp);
        assert_eq!((f.messages[1].status, f.messages[1].is_request), (Some(100), false));
        assert_eq!(f.messages[1].first_line, "SIP/2.0 100 Trying");
        let text = flow_text(&f);
        assert!(text.starts_with("2026-12-01T08:00:00.000100+00:00 UDP 192.0.2.1:5060 -> 127.0.0.1:5060 (+0.000000 s)\nINVITE sip:bob@x SIP/2.0\r\n"), "{text}");
        assert!(text.contains("\n\n2026-12-01T08:00:00.000350+00:00 UDP 127.0.0.1:5060 -> 192.0.2.1:5060 (+0.000250 s)\nSIP/2.0 100 Trying\r\n"), "{text}");
    }

    /// A message with its CSeq, as the replies' matching needs.
    fn sip(first: &str, cseq: &str) -> String {
        format!("{first}\r\nCall-ID: c1\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n")
    }

    #[test]
    fn tcp_port_zero_goes_on_the_kamailio_socket_it_stands_for() {
        // A TCP call as Kamailio 5.6.3 stored it (lab, PostgreSQL, core tracing): replies
        // from the UAS on the connection Kamailio opened have `toip` port 0, the relayed
        // ACK and BYE show the RPC listener (35071) as their source.
        let (uac, k, rpc, uas, zero) = (
            "tcp:127.0.0.1:22604",
            "tcp:127.0.0.1:35060",
            "tcp:127.0.0.1:35071",
            "tcp:127.0.0.1:35161",
            "tcp:127.0.0.1:0",
        );
        let inv = sip("INVITE sip:bob@x SIP/2.0", "1 INVITE");
        let ringing = sip("SIP/2.0 180 Ringing", "1 INVITE");
        let ok = sip("SIP/2.0 200 OK", "1 INVITE");
        let ack = sip("ACK sip:bob@x SIP/2.0", "1 ACK");
        let bye = sip("BYE sip:bob@x SIP/2.0", "2 BYE");
        let bye_ok = sip("SIP/2.0 200 OK", "2  BYE");
        let rows = vec![
            row(1, 10, uac, k, "in", "", &inv),
            row(2, 20, k, uas, "out", "", &inv),
            row(3, 30, uas, zero, "in", "", &ringing),
            row(4, 40, k, uac, "out", "", &ringing),
            row(5, 50, uas, zero, "in", "", &ok),
            row(6, 60, uac, k, "in", "", &ack),
            row(7, 70, rpc, uas, "out", "", &ack),
            row(8, 80, uac, k, "in", "", &bye),
            row(9, 90, rpc, uas, "out", "", &bye),
            row(10, 100, uas, zero, "in", "", &bye_ok),
        ];
        let f = flow_of(&["c1".into()], rows.clone(), false);
        let labels: Vec<(&str, bool)> = f.endpoints.iter().map(|e| (e.label.as_str(), e.kamailio)).collect();
        // The RPC port is a port of its own; port 0 is no column.
        assert_eq!(
            labels,
            [
                ("127.0.0.1:22604", false),
                ("127.0.0.1:35060", true),
                ("127.0.0.1:35161", false),
                ("127.0.0.1:35071", true)
            ]
        );
        let pairs: Vec<(i64, usize, usize)> = f.messages.iter().map(|m| (m.id, m.from, m.to)).collect();
        // Each reply arrives on the socket its request left from: the INVITE's answers at
        // 35060, the BYE's 200 at 35071 (its CSeq spaced differently).
        assert_eq!(
            pairs,
            [
                (1, 0, 1),
                (2, 1, 2),
                (3, 2, 1),
                (4, 1, 0),
                (5, 2, 1),
                (6, 0, 1),
                (7, 3, 2),
                (8, 0, 1),
                (9, 3, 2),
                (10, 2, 3)
            ]
        );
        // So a reply is in the TCP stream of its request in the PCAP: the same two sockets.
        let sockets = |m: &FlowMessage| {
            let (a, b) = (&f.endpoints[m.from], &f.endpoints[m.to]);
            let mut s = [socket(a, b), socket(b, a)];
            s.sort();
            s
        };
        assert_eq!(sockets(&f.messages[2]), sockets(&f.messages[1]));
        assert_eq!(sockets(&f.messages[9]), sockets(&f.messages[8]));

        // Without the request: the one socket that talked with that peer, else the
        // flow's one socket of that address.
        let info_ok = sip("SIP/2.0 200 OK", "9 INFO");
        let other = "tcp:127.0.0.1:40000";
        let f = flow_of(
            &["c1".into()],
            vec![
                row(1, 10, k, uas, "out", "", &inv),
                row(2, 20, rpc, other, "out", "", &bye),
                row(3, 30, uas, zero, "in", "", &info_ok),
            ],
            false,
        );
        assert_eq!(f.endpoints.len(), 4);
        assert_eq!((f.messages[2].from, f.messages[2].to), (1, 0));
        let f = flow_of(
            &["c1".into()],
            vec![row(1, 10, uac, k, "in", "", &inv), row(2, 20, uas, zero, "in", "", &info_ok)],
            false,
        );
        assert_eq!(f.endpoints.len(), 3);
        assert_eq!((f.messages[1].from, f.messages[1].to), (2, 1));
        // Two sockets of that address and neither sent the request: port unknown, a column
        // of its own; another address or protocol is no candidate.
        let rows = vec![
            row(1, 10, k, uas, "out", "", &ack),
            row(2, 20, rpc, uas, "out", "", &bye),
            row(3, 30, uas, zero, "in", "", &sip("SIP/2.0 200 OK", "3 INFO")),
            row(4, 40, "tcp:[::1]:5070", "tcp:::1:0", "in", "", &ok),
            row(5, 50, "udp:127.0.0.1:5070", "udp:127.0.0.1:0", "in", "", &ok),
        ];
        let f = flow_of(&["c1".into()], rows, false);
        let labels: Vec<&str> = f.endpoints.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "127.0.0.1:35060",
                "127.0.0.1:35161",
                "127.0.0.1:35071",
                "127.0.0.1 (port unknown)",
                "[::1]:5070",
                "[::1] (port unknown)",
                "127.0.0.1:5070",
                "127.0.0.1 (port unknown)"
            ]
        );
        assert_eq!((f.endpoints[3].port, f.endpoints[3].kamailio), (Some(0), true));
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_stem(&["a/b c@d;e%f".into()]), "a_b_c_d_e_f");
        assert_eq!(file_stem(&["../x".into(), "y".into()]), "_x+y");
        assert_eq!(file_stem(&["\"".into()]), "_");
    }

    #[test]
    fn address_filters_become_stored_forms_or_prefixes() {
        let m = addr_match("to_ip", "192.0.2.1:5060").unwrap();
        let AddrMatch::Exact(forms) = m else { panic!() };
        assert!(forms.contains(&"udp:192.0.2.1:5060".to_string()) && forms.contains(&"tcp:192.0.2.1:5060".to_string()));
        let m = addr_match("to_ip", "::1").unwrap();
        let AddrMatch::Prefix(p) = m else { panic!() };
        assert!(p.contains(&"udp:::1:".to_string()) && p.contains(&"tcp:[::1]:".to_string()), "{p:?}");
        let m = addr_match("to_ip", "tcp:[2001:db8::1]:5061").unwrap();
        assert!(matches!(m, AddrMatch::Exact(f) if f.iter().all(|s| s.starts_with("tcp:"))));
        let e = addr_match("to_ip", "bogus").unwrap_err().to_string();
        assert!(e.starts_with("Query parameter `to_ip`"), "{e}");
    }
}
