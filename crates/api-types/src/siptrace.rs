//! SIP trace: Kamailio's `siptrace` module (`sip_trace`, one row per SIP message it
//! saw). Manual page 4: search, one message, and the call flow (the ladder).
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// An address as Kamailio stores it in `fromip`/`toip`: `udp:192.0.2.1:5060`, IPv6
/// without brackets (`udp:::1:5060`, `tcp:2001:db8::1:5061`: the port follows the last
/// colon).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceEndpoint {
    /// `udp`, `tcp`, `tls`, `sctp`, `ws`, `wss` (lowercase); empty when the stored text
    /// has none.
    pub proto: String,
    /// The IP address (IPv6 without brackets), or the stored text when it is not one.
    pub address: String,
    pub port: Option<u16>,
    /// The column as stored.
    pub raw: String,
}

/// One `sip_trace` row in a list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceItem {
    pub id: i64,
    /// `time_stamp` + `time_us`: to the microsecond, in the reporting zone.
    pub time: DateTime<FixedOffset>,
    /// `method`; for replies the CSeq method.
    pub method: String,
    /// The reply's code; `null` for requests.
    pub status: Option<u16>,
    pub call_id: String,
    pub from_ip: TraceEndpoint,
    pub to_ip: TraceEndpoint,
    /// `in` (Kamailio received it) or `out` (Kamailio sent it).
    pub direction: String,
    pub from_tag: String,
    pub to_tag: String,
    /// Empty unless Kamailio sets siptrace's `traced_user_avp`.
    pub traced_user: String,
    /// The request line or status line of the message.
    pub first_line: String,
}

/// The time window a search used, stated in every reply.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceWindow {
    /// From this time on (`null`: no lower bound).
    pub from: Option<DateTime<FixedOffset>>,
    /// Before this time (`null`: no upper bound).
    pub to: Option<DateTime<FixedOffset>>,
    /// True when kamscope chose it (the query gave neither `from` nor `to`).
    pub defaulted: bool,
    /// This database's maximum window for searches on unindexed columns, in seconds.
    pub max_seconds: Option<u64>,
    /// Why the search is bounded (or why it is not), in a sentence.
    pub reason: String,
}

/// One page of trace rows, newest first, and the window searched.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TracePage {
    pub items: Vec<TraceItem>,
    /// Pass back as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    pub window: TraceWindow,
}

/// A header as written in the message (compact forms kept).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SipHeader {
    pub name: String,
    pub value: String,
}

/// One message with its full text, parsed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceMessage {
    #[serde(flatten)]
    pub item: TraceItem,
    /// The message as Kamailio stored it.
    pub msg: String,
    /// The headers in order.
    pub headers: Vec<SipHeader>,
    pub body: String,
    /// Whether the body is SDP.
    pub has_sdp: bool,
}

/// A column of the ladder: one address that sent or received a message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowEndpoint {
    /// The address as stored, e.g. `udp:127.0.0.1:5060`.
    pub key: String,
    pub proto: String,
    pub address: String,
    pub port: Option<u16>,
    /// One of Kamailio's own sockets (the receiving side of an `in` message, the
    /// sending side of an `out` one).
    pub kamailio: bool,
    /// `127.0.0.1:5060` or `[::1]:5060`.
    pub label: String,
}

/// One message of a call flow.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowMessage {
    pub id: i64,
    pub time: DateTime<FixedOffset>,
    pub call_id: String,
    /// Index into `endpoints` of the sender.
    pub from: usize,
    /// Index into `endpoints` of the receiver.
    pub to: usize,
    pub proto: String,
    pub direction: String,
    pub method: String,
    pub status: Option<u16>,
    pub is_request: bool,
    pub first_line: String,
    pub has_sdp: bool,
    /// Microseconds since the previous message of the flow (0 for the first).
    pub delta_prev_us: i64,
    /// Microseconds since the first message of the flow.
    pub delta_first_us: i64,
    /// The ids of the same message stored again (siptrace's `traced_user_avp` with
    /// `trace_on 1` stores every message once more per traced user).
    pub also_ids: Vec<i64>,
    pub msg: String,
}

/// Every message of one call (or of the legs of one call), in time order.
///
/// One column per address and port. Over TCP (and TLS, WS) Kamailio stores its side of a
/// connection it opened with port 0 (`tcp:127.0.0.1:0`, never a real socket): such a
/// side is put on the Kamailio socket of the same protocol and address it stands for, a
/// reply on the one its request left from (same Call-ID and CSeq, to the same peer), else
/// the one socket that talked with that peer, else the flow's one socket of that address;
/// when that cannot be told it stays a column labelled `127.0.0.1 (port unknown)`.
/// Other ports stay apart, even Kamailio's own (siptrace may show a relayed request's
/// source as another listener, e.g. the RPC port).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallFlow {
    pub call_ids: Vec<String>,
    /// The ladder's columns, in order of first appearance.
    pub endpoints: Vec<FlowEndpoint>,
    pub messages: Vec<FlowMessage>,
    /// True when the flow has more than 10,000 messages: the first 10,000 are shown.
    pub truncated: bool,
}

/// The most messages one call flow shows.
pub const FLOW_CAP: usize = 10_000;

/// `direction=`: as Kamailio stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TraceDirection {
    /// Kamailio received it.
    In,
    /// Kamailio sent it.
    Out,
}

impl TraceDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            TraceDirection::In => "in",
            TraceDirection::Out => "out",
        }
    }
}

/// `format=` of a call flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TraceFormat {
    /// The [`CallFlow`] as JSON.
    #[default]
    Json,
    /// Plain text: per message a header line, then the message.
    Text,
    /// A classic PCAP file.
    Pcap,
}

impl TraceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            TraceFormat::Json => "json",
            TraceFormat::Text => "text",
            TraceFormat::Pcap => "pcap",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{to_query_string, TraceCallQuery, TraceQuery};

    #[test]
    fn queries_write_what_the_server_reads() {
        let q = TraceCallQuery { call_id: vec!["a b/c".into(), "x@y;z%".into()], format: Some(TraceFormat::Pcap) };
        assert_eq!(q.to_query_string(), "call_id=a+b%2Fc&call_id=x%40y%3Bz%25&format=pcap");
        let t = TraceQuery { direction: Some(TraceDirection::Out), status: Some(486), ..Default::default() };
        assert_eq!(to_query_string(&t), "status=486&direction=out");
    }

    #[test]
    fn a_message_is_its_item_and_its_text() {
        let item = TraceItem {
            id: 7,
            time: DateTime::parse_from_rfc3339("2026-12-01T08:00:00.000123+08:00").unwrap(),
            method: "INVITE".into(),
            status: None,
            call_id: "c".into(),
            from_ip: TraceEndpoint {
                proto: "udp".into(),
                address: "::1".into(),
                port: Some(5060),
                raw: "udp:::1:5060".into(),
            },
            to_ip: TraceEndpoint {
                proto: "udp".into(),
                address: "::1".into(),
                port: Some(5070),
                raw: "udp:::1:5070".into(),
            },
            direction: "in".into(),
            from_tag: "f".into(),
            to_tag: String::new(),
            traced_user: String::new(),
            first_line: "INVITE sip:b@x SIP/2.0".into(),
        };
        let m = TraceMessage { item, msg: "INVITE ...".into(), headers: vec![], body: String::new(), has_sdp: false };
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v["id"], 7);
        assert_eq!(v["msg"], "INVITE ...");
        assert_eq!(v["from_ip"]["port"], 5060);
        assert_eq!(serde_json::from_value::<TraceMessage>(v).unwrap(), m);
    }
}
