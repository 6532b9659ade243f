//! SIP trace: Kamailio's siptrace (`sip_trace`): the search, one message, a call's flow
//! (JSON, text, PCAP), and the cleanup. Manual page 4.
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use kamscope_api_types::cleanup::{CleanupReport, CleanupRequest};
use kamscope_api_types::jobs::Job;
use kamscope_api_types::query::{TraceCallQuery, TraceFlowQuery, TraceQuery};
use kamscope_api_types::siptrace::{CallFlow, TraceFormat, TraceMessage, TracePage};

use super::presence::row_id;
use super::topos::cleanup;
use crate::error::responses::{BadRequest, Conflict, NotFound, Unavailable};
use crate::error::ApiError;
use crate::extract::{check_paging, ApiJson, ApiQuery, NoQuery, QueryRules};
use crate::services::siptrace::{file_stem, flow_pcap, flow_text};
use crate::services::{Actor, CleanupTarget, Cleanups, Siptrace};

super::area! {
    tag: "siptrace",
    description: "SIP trace (Kamailio siptrace: `sip_trace`): search, one message, a call's flow as JSON, text or PCAP, and the cleanup",
    state: [siptrace, cleanups],
    operations: [
        trace_calls: Viewer,
        trace_call_pcap: Viewer,
        trace_call_text: Viewer,
        trace_call: Viewer,
        list_traces: Viewer,
        get_trace: Viewer,
        trace_cleanup: Operator,
    ],
}

/// A PCAP file (classic pcap, microsecond timestamps).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PcapFile(#[allow(dead_code)] Vec<u8>);

const MAX_CALL_IDS: usize = 10;

impl QueryRules for TraceQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_paging(self)?;
        for (name, v) in [
            ("call_id", &self.call_id),
            ("traced_user", &self.traced_user),
            ("from_ip", &self.from_ip),
            ("to_ip", &self.to_ip),
        ] {
            if v.as_deref().is_some_and(str::is_empty) {
                return Err(ApiError::bad_param(name, "is empty: leave it out instead"));
            }
        }
        if let Some(s) = self.status.filter(|s| !(100..=699).contains(s)) {
            return Err(ApiError::bad_param("status", format!("must be a SIP status code from 100 to 699, got {s}")));
        }
        if self
            .method
            .as_deref()
            .is_some_and(|m| m.is_empty() || m.len() > 32 || !m.chars().all(|c| c.is_ascii_alphabetic()))
        {
            return Err(ApiError::bad_param("method", "must be a SIP method name such as INVITE (letters only)"));
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to <= from {
                return Err(ApiError::bad_param("to", format!("must be after `from` ({from}), got {to}")));
            }
        }
        Ok(())
    }

    fn param_hint(param: &str) -> Option<String> {
        match param {
            "status" => Some("must be a SIP status code from 100 to 699".into()),
            "direction" => Some("must be `in` (Kamailio received it) or `out` (Kamailio sent it)".into()),
            _ => None,
        }
    }
}

impl QueryRules for TraceFlowQuery {
    fn param_hint(param: &str) -> Option<String> {
        (param == "format").then(|| FORMAT_HINT.into())
    }
}

const FORMAT_HINT: &str = "must be json, text or pcap";

/// `call_id=a&call_id=b&format=...`: repeated keys, which serde_urlencoded does not read.
fn call_query(query: &str) -> Result<TraceCallQuery, ApiError> {
    let mut q = TraceCallQuery::default();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match &*k {
            "call_id" if v.is_empty() => return Err(ApiError::bad_param("call_id", "is empty: leave it out instead")),
            "call_id" => q.call_id.push(v.into_owned()),
            "format" => {
                q.format = Some(match &*v {
                    "json" => TraceFormat::Json,
                    "text" => TraceFormat::Text,
                    "pcap" => TraceFormat::Pcap,
                    _ => return Err(ApiError::bad_param("format", format!("{FORMAT_HINT}, got {v:?}"))),
                })
            }
            _ => return Err(ApiError::bad_param(&k, "is not a parameter of this operation (see /docs/)")),
        }
    }
    if q.call_id.is_empty() || q.call_id.len() > MAX_CALL_IDS {
        return Err(ApiError::bad_param(
            "call_id",
            format!("must be given 1 to {MAX_CALL_IDS} times (call_id=a&call_id=b), got {}", q.call_id.len()),
        ));
    }
    q.call_id.dedup();
    Ok(q)
}

/// The flow in the format asked for.
async fn flow_reply(svc: &dyn Siptrace, call_ids: &[String], format: TraceFormat) -> Result<HttpResponse, ApiError> {
    let flow = svc.flow(call_ids).await?;
    let attachment = |ext: &str| ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(format!("{}.{ext}", file_stem(call_ids)))],
    };
    Ok(match format {
        TraceFormat::Json => HttpResponse::Ok().json(flow),
        TraceFormat::Text => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .insert_header(attachment("txt"))
            .body(flow_text(&flow)),
        TraceFormat::Pcap => HttpResponse::Ok()
            .content_type("application/vnd.tcpdump.pcap")
            .insert_header(attachment("pcap"))
            .body(flow_pcap(&flow)),
    })
}

/// Search `sip_trace`, newest first by (`time_stamp`, `time_us`, `id`), in keyset pages.
///
/// **Time window.** Kamailio's schema indexes `sip_trace` on `callid`, `traced_user`,
/// `fromip` and `time_stamp` only. A search by `call_id` or `traced_user` is not
/// bounded, and neither is the plain list (the `time_stamp` index). A search on the
/// other filters (`from_ip`, `to_ip`, `method`, `status`, `direction`) reads every row
/// of its time range (even `from_ip` with a port: the `fromip` index is not in time
/// order, so newest first would sort every row of that address), so it always has a
/// window: without `from`/`to` the last hour; `to` defaults to now and `from` to `to`
/// minus one hour. The window may span at most 7 days on SQLite and
/// PostgreSQL and 2 days on MariaDB/MySQL (a one-day unindexed scan of 5M rows takes
/// 0.1-0.4 s); a longer one is a 400 that names `from` (or `to`) and the maximum. The
/// reply's `window` says which window was searched and why (`defaulted` when kamscope
/// chose it). `kamscope db indexes` recommends the indexes that make these fast.
///
/// **Addresses.** `from_ip`/`to_ip` take `192.0.2.1`, `2001:db8::1`, `192.0.2.1:5060`,
/// `[2001:db8::1]:5060`, `udp:192.0.2.1:5060`, `tcp:[::1]:5060` or `tcp:::1:5060`
/// (Kamailio's stored form: IPv6 without brackets, port after the last colon). With a
/// port: that address and port (any protocol unless one is given); without: any
/// protocol and port. Anything that is not an IP address is a 400.
///
/// **`traced_user`** stays empty unless Kamailio sets siptrace's `traced_user_avp`; with
/// `trace_on 1` siptrace then stores every message twice (once with an empty
/// `traced_user`, once per traced user). This list shows rows as stored; the call flow
/// shows each message once.
#[utoipa::path(
    tag = "siptrace",
    params(TraceQuery),
    responses((status = 200, description = "One page of trace rows and the window searched", body = TracePage), BadRequest, Unavailable)
)]
#[get("/traces")]
pub async fn list_traces(
    svc: web::Data<dyn Siptrace>,
    q: ApiQuery<TraceQuery>,
) -> Result<web::Json<TracePage>, ApiError> {
    Ok(web::Json(svc.search(&q).await?))
}

/// One `sip_trace` row: the list's fields, the message as stored, its headers in order
/// (as written, compact forms kept), its body and whether that is SDP.
#[utoipa::path(
    tag = "siptrace",
    params(("id" = i64, Path, minimum = 1, description = "The row's `id`")),
    responses((status = 200, description = "The message", body = TraceMessage), BadRequest, NotFound, Unavailable)
)]
#[get("/traces/{id:[0-9]+}")]
pub async fn get_trace(
    svc: web::Data<dyn Siptrace>,
    path: web::Path<String>,
    _q: ApiQuery<NoQuery>,
) -> Result<web::Json<TraceMessage>, ApiError> {
    Ok(web::Json(svc.message(row_id(&path)?).await?))
}

/// The legs of one call (a B2BUA gives each its own Call-ID): `call_id=a&call_id=b`, 1
/// to 10 Call-IDs, as one flow. The same as `/traces/calls/{call_id}` otherwise.
#[utoipa::path(
    tag = "siptrace",
    params(TraceCallQuery),
    responses(
        (status = 200, description = "The flow (JSON), or with `format=text`/`pcap` the file",
            content((CallFlow = "application/json"), (String = "text/plain"), (PcapFile = "application/vnd.tcpdump.pcap"))),
        BadRequest, NotFound, Unavailable,
    )
)]
#[get("/traces/calls")]
pub async fn trace_calls(svc: web::Data<dyn Siptrace>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let q = call_query(req.query_string())?;
    flow_reply(&**svc, &q.call_id, q.format.unwrap_or_default()).await
}

/// Every message of a call in time order (`time_stamp`, `time_us`, `id`): the ladder's
/// columns (`endpoints`, in order of first appearance; Kamailio's own sockets marked
/// `kamailio`: the receiving side of an `in` message, the sending side of an `out`
/// one), and per message its sender and receiver (indexes into `endpoints`), request
/// or status line, SDP or not, the time, the microseconds since the previous message
/// and since the first, and the message as stored. A message siptrace stored more than
/// once (`traced_user_avp` with `trace_on 1`: same time, addresses, direction and
/// text) is shown once, the other rows' ids in `also_ids`. At most 10,000 messages
/// (`truncated` says when there were more). Percent-encode the Call-ID in the path
/// (`/` as `%2F`, `%` as `%25`, space as `%20`). `format=text` or `pcap` (as the
/// `/text` and `/pcap` paths) downloads the flow instead.
#[utoipa::path(
    tag = "siptrace",
    params(("call_id" = String, Path, description = "The Call-ID, percent-encoded"), TraceFlowQuery),
    responses(
        (status = 200, description = "The flow (JSON), or with `format=text`/`pcap` the file",
            content((CallFlow = "application/json"), (String = "text/plain"), (PcapFile = "application/vnd.tcpdump.pcap"))),
        BadRequest, NotFound, Unavailable,
    )
)]
#[get("/traces/calls/{call_id}")]
pub async fn trace_call(
    svc: web::Data<dyn Siptrace>,
    path: web::Path<String>,
    q: ApiQuery<TraceFlowQuery>,
) -> Result<HttpResponse, ApiError> {
    flow_reply(&**svc, &[path.into_inner()], q.format.unwrap_or_default()).await
}

/// The call's messages as a PCAP file (`<call-id>.pcap`) that Wireshark and tshark
/// decode as SIP: the stored microsecond times, IPv4 and IPv6, UDP as UDP, TCP, TLS
/// and WebSocket messages as TCP segments with consistent sequence numbers per
/// connection. TLS and WebSocket messages are written as the plain SIP Kamailio stored.
#[utoipa::path(
    tag = "siptrace",
    params(("call_id" = String, Path, description = "The Call-ID, percent-encoded")),
    responses(
        (status = 200, description = "The PCAP file", content((PcapFile = "application/vnd.tcpdump.pcap"))),
        BadRequest, NotFound, Unavailable,
    )
)]
#[get("/traces/calls/{call_id}/pcap")]
pub async fn trace_call_pcap(
    svc: web::Data<dyn Siptrace>,
    path: web::Path<String>,
    _q: ApiQuery<NoQuery>,
) -> Result<HttpResponse, ApiError> {
    flow_reply(&**svc, &[path.into_inner()], TraceFormat::Pcap).await
}

/// The call's messages as text (`<call-id>.txt`): per message one line
/// `<time, RFC 3339 to the µs> <PROTO> <src> -> <dst> (+<seconds since the previous> s)`,
/// then the message as stored, a blank line between messages.
#[utoipa::path(
    tag = "siptrace",
    params(("call_id" = String, Path, description = "The Call-ID, percent-encoded")),
    responses(
        (status = 200, description = "The flow as text", content((String = "text/plain"))),
        BadRequest, NotFound, Unavailable,
    )
)]
#[get("/traces/calls/{call_id}/text")]
pub async fn trace_call_text(
    svc: web::Data<dyn Siptrace>,
    path: web::Path<String>,
    _q: ApiQuery<NoQuery>,
) -> Result<HttpResponse, ApiError> {
    flow_reply(&**svc, &[path.into_inner()], TraceFormat::Text).await
}

/// Remove `sip_trace` rows older than `older_than_days` (default 30, the manual's §4.6),
/// in batches of 10,000 so Kamailio keeps writing (one big DELETE would block its
/// writers for seconds on SQLite and it would lose trace rows), as a job: 202 with
/// `Location: /api/v1/jobs/{id}`; progress (rows, rate, time left) there. The cutoff is
/// fixed when the job starts; newer rows are never touched, also while Kamailio keeps
/// inserting; cancel leaves the rows not yet removed. `dry_run: true` only counts.
/// One SIP trace cleanup at a time (a second gets 409).
#[utoipa::path(
    tag = "siptrace",
    request_body(content = Option<CleanupRequest>, content_type = "application/json", description = "May be left out: the defaults apply"),
    responses(
        (status = 200, description = "Dry run: what would be removed", body = CleanupReport),
        (status = 202, description = "Started; follow the job at `Location`", body = Job),
        BadRequest, Conflict, Unavailable,
    )
)]
#[post("/traces/cleanup")]
pub async fn trace_cleanup(
    svc: web::Data<dyn Cleanups>,
    actor: Actor,
    _q: ApiQuery<NoQuery>,
    req: ApiJson<CleanupRequest>,
) -> Result<HttpResponse, ApiError> {
    cleanup(&**svc, &actor, CleanupTarget::Siptrace, &req).await
}
