//! Calls to kamscope's `/api/v1`. The JSON shapes are `kamscope-api-types`, shared with
//! the server; errors are RFC 9457 problem details. A list call takes its query by value
//! (a pager makes one per page: `ui::Paged::of`).
use gloo_net::http::{Request, RequestBuilder, Response};
use kamscope_api_types::acc::{Call, CallSource, Cdr, CdrStats, KpiGroup, Kpis};
use kamscope_api_types::dashboard::Dashboard;
use kamscope_api_types::dialog::{Dialog, DialogRecord, DialogSource, DialogStats};
use kamscope_api_types::health::Health;
use kamscope_api_types::jobs::Job;
use kamscope_api_types::query::{
    to_query_string, CallsQuery, CdrQuery, CdrStatsQuery, ContactQuery, DialogsQuery, HistoryQuery,
    KpiQuery, NodeQuery, RegistrationsQuery,
};
use kamscope_api_types::usrloc::{Registration, RegistrationSource};
use kamscope_api_types::{Page, Problem};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Why a call failed, in a shape the UI can show.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with an error status (problem+json when it could).
    Http {
        status: u16,
        title: Option<String>,
        detail: Option<String>,
    },
    /// No answer (server down, network).
    Network(String),
    /// An answer the UI could not decode.
    Decode(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
}

pub fn source_param(source: RegistrationSource) -> &'static str {
    match source {
        RegistrationSource::Db => "db",
        RegistrationSource::Memory => "memory",
    }
}

pub fn dialog_source_param(source: DialogSource) -> &'static str {
    match source {
        DialogSource::Memory => "memory",
        DialogSource::Db => "db",
    }
}

pub fn call_source_param(source: CallSource) -> &'static str {
    match source {
        CallSource::Acc => "acc",
        CallSource::AccCdrs => "acc_cdrs",
    }
}

pub fn kpi_group_param(g: KpiGroup) -> &'static str {
    match g {
        KpiGroup::Hour => "hour",
        KpiGroup::Day => "day",
        KpiGroup::Caller => "caller",
        KpiGroup::Callee => "callee",
    }
}

/// Percent-encodes one query value or path segment (encodeURIComponent).
pub fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

async fn problem(resp: Response) -> ApiError {
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    match serde_json::from_str::<Problem>(&text) {
        Ok(p) => ApiError::Http {
            status,
            title: p.title.filter(|t| !t.is_empty()),
            detail: p.detail.filter(|d| !d.is_empty()),
        },
        Err(_) => ApiError::Http {
            status,
            title: Some(resp.status_text()).filter(|t| !t.is_empty()),
            // A proxy's HTML error page is no use on screen; short plain text is.
            detail: Some(text.trim().to_string())
                .filter(|t| !t.is_empty() && t.len() < 300 && !t.starts_with('<')),
        },
    }
}

/// `path?query` from one of `api-types`' query structs (absent options left out).
fn url(path: &str, query: &impl Serialize) -> String {
    match to_query_string(query) {
        q if q.is_empty() => path.to_string(),
        q => format!("{path}?{q}"),
    }
}

/// The answer to a request sent with `Accept: application/json`: an error status is
/// the problem it describes, no answer a network error.
async fn answer(req: RequestBuilder) -> Result<Response, ApiError> {
    sent(req.header("Accept", "application/json").send().await).await
}

/// [`answer`] of a request built apart (a POST with a JSON body).
async fn sent(resp: Result<Response, gloo_net::Error>) -> Result<Response, ApiError> {
    let resp = resp.map_err(|e| ApiError::Network(e.to_string()))?;
    if resp.ok() {
        Ok(resp)
    } else {
        Err(problem(resp).await)
    }
}

async fn json_of<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    resp.json::<T>()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    json_of(answer(Request::get(url)).await?).await
}

/// Sends a request the API answers with 204 No Content (or a problem).
async fn no_content(req: RequestBuilder) -> Result<(), ApiError> {
    answer(req).await.map(|_| ())
}

/// `GET /api/v1/registrations?source=&q=&node=&limit=&cursor=`
pub async fn list_registrations(q: RegistrationsQuery) -> Result<Page<Registration>, ApiError> {
    get_json(&url("/api/v1/registrations", &q)).await
}

/// `DELETE /api/v1/registrations/{aor}[?node=]`: all contacts of the user (`ul.rm`), on
/// the given Kamailio node (the server's first node when `None`).
pub async fn delete_registration(aor: &str, node: Option<String>) -> Result<(), ApiError> {
    let path = format!("/api/v1/registrations/{}", enc(aor));
    no_content(Request::delete(&url(&path, &NodeQuery { node }))).await
}

/// `DELETE /api/v1/registrations/{aor}/contacts?contact=[&node=]`: one contact
/// (`ul.rm_contact`).
pub async fn delete_contact(aor: &str, q: &ContactQuery) -> Result<(), ApiError> {
    let path = format!("/api/v1/registrations/{}/contacts", enc(aor));
    no_content(Request::delete(&url(&path, q))).await
}

/// `GET /api/v1/health`. A server may answer 503 with the same body when a check is
/// down: that is still a health report.
pub async fn health() -> Result<Health, ApiError> {
    let resp = Request::get("/api/v1/health")
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    match serde_json::from_str::<Health>(&text) {
        Ok(h) => Ok(h),
        Err(e) if (200..300).contains(&status) => Err(ApiError::Decode(e.to_string())),
        Err(_) => Err(ApiError::Http {
            status,
            title: None,
            detail: None,
        }),
    }
}

/// `GET /api/v1/dialogs?source=&node=&call_id=&from_uri=&to_uri=&state=&limit=&cursor=`
pub async fn list_dialogs(q: DialogsQuery) -> Result<Page<Dialog>, ApiError> {
    get_json(&url("/api/v1/dialogs", &q)).await
}

/// `GET /api/v1/dialogs/stats[?node=]`
pub async fn dialog_stats(node: Option<String>) -> Result<DialogStats, ApiError> {
    get_json(&url("/api/v1/dialogs/stats", &NodeQuery { node })).await
}

/// `GET /api/v1/dialogs/history?call_id=&limit=&cursor=`: ended calls (acc_cdrs).
pub async fn dialog_history(q: HistoryQuery) -> Result<Page<DialogRecord>, ApiError> {
    get_json(&url("/api/v1/dialogs/history", &q)).await
}

/// `POST /api/v1/dialogs/{h_entry}/{h_id}/end[?node=]`: Kamailio sends BYE to both
/// parties. 404 when the dialog is gone already.
pub async fn end_dialog(h_entry: u32, h_id: u32, node: Option<String>) -> Result<(), ApiError> {
    let path = format!("/api/v1/dialogs/{h_entry}/{h_id}/end");
    no_content(Request::post(&url(&path, &NodeQuery { node }))).await
}

/// `GET /api/v1/dashboard`
pub async fn dashboard() -> Result<Dashboard, ApiError> {
    get_json("/api/v1/dashboard").await
}

/// `GET /api/v1/jobs/{id}`
pub async fn job(id: &str) -> Result<Job, ApiError> {
    get_json(&format!("/api/v1/jobs/{}", enc(id))).await
}

/// `DELETE /api/v1/jobs/{id}`: asks the job to stop.
pub async fn cancel_job(id: &str) -> Result<(), ApiError> {
    no_content(Request::delete(&format!("/api/v1/jobs/{}", enc(id)))).await
}

/// `GET /api/v1/cdrs?caller=&callee=&call_id=&from=&to=&sip_code=&method=&limit=&cursor=` (acc).
pub async fn list_cdrs(q: CdrQuery) -> Result<Page<Cdr>, ApiError> {
    get_json(&url(CDRS, &q)).await
}

/// `GET /api/v1/missed-calls?…`: the same filters as [`list_cdrs`] (missed_calls).
pub async fn list_missed_calls(q: CdrQuery) -> Result<Page<Cdr>, ApiError> {
    get_json(&url(MISSED_CALLS, &q)).await
}

/// `GET /api/v1/cdrs/stats[?date=]`: a day's figures (default today, reporting zone).
pub async fn cdr_stats(q: &CdrStatsQuery) -> Result<CdrStats, ApiError> {
    get_json(&url("/api/v1/cdrs/stats", q)).await
}

/// `GET /api/v1/calls?source=&caller=&callee=&call_id=&from=&to=&limit=&cursor=`: paired calls.
pub async fn list_calls(q: CallsQuery) -> Result<Page<Call>, ApiError> {
    get_json(&url(CALLS, &q)).await
}

/// `GET /api/v1/cdrs/kpis?from=&to=&group_by=`
pub async fn cdr_kpis(q: &KpiQuery) -> Result<Kpis, ApiError> {
    get_json(&url("/api/v1/cdrs/kpis", q)).await
}

/// The list paths, also the base of their CSV exports.
pub const CDRS: &str = "/api/v1/cdrs";
pub const MISSED_CALLS: &str = "/api/v1/missed-calls";
pub const CALLS: &str = "/api/v1/calls";

/// Both requests at once; each result on its own.
pub async fn join<A, B>(
    a: impl std::future::Future<Output = A>,
    b: impl std::future::Future<Output = B>,
) -> (A, B) {
    use std::pin::pin;
    use std::task::Poll;
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(move |cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (ra, rb) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

/// `GET /api/v1/topos/dialogs?call_id=&from=&to=&limit=&cursor=` (topos_d).
pub async fn list_topos_dialogs(
    q: kamscope_api_types::query::ToposQuery,
) -> Result<Page<kamscope_api_types::topos::ToposDialog>, ApiError> {
    get_json(&url("/api/v1/topos/dialogs", &q)).await
}

/// `GET /api/v1/topos/transactions?…` (topos_t), the same filters.
pub async fn list_topos_transactions(
    q: kamscope_api_types::query::ToposQuery,
) -> Result<Page<kamscope_api_types::topos::ToposTransaction>, ApiError> {
    get_json(&url("/api/v1/topos/transactions", &q)).await
}

/// The cleanup endpoints (`POST`, body `CleanupRequest`).
pub const TOPOS_CLEANUP: &str = "/api/v1/topos/cleanup";
pub const TRACES_CLEANUP: &str = "/api/v1/traces/cleanup";

async fn post_json<T: DeserializeOwned>(url: &str, body: &impl Serialize) -> Result<T, ApiError> {
    let req = Request::post(url)
        .header("Accept", "application/json")
        .json(body)
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    json_of(sent(req.send().await).await?).await
}

/// A cleanup's dry run: what it would remove now, per table (200).
pub async fn cleanup_preview(
    path: &str,
    days: u32,
) -> Result<kamscope_api_types::cleanup::CleanupReport, ApiError> {
    let body = kamscope_api_types::cleanup::CleanupRequest {
        older_than_days: Some(days),
        dry_run: Some(true),
    };
    post_json(path, &body).await
}

/// Starts a cleanup: 202 with the job (409 while one of the same tables runs).
pub async fn cleanup_start(path: &str, days: u32) -> Result<Job, ApiError> {
    let body = kamscope_api_types::cleanup::CleanupRequest {
        older_than_days: Some(days),
        dry_run: Some(false),
    };
    post_json(path, &body).await
}

/// `GET /api/v1/presence/presentities?user=&domain=&event=&limit=&cursor=` (presentity).
pub async fn list_presentities(
    q: kamscope_api_types::query::PresentitiesQuery,
) -> Result<Page<kamscope_api_types::presence::Presentity>, ApiError> {
    get_json(&url("/api/v1/presence/presentities", &q)).await
}

/// `GET /api/v1/presence/presentities/{id}`: with its published document (`body`).
pub async fn presentity(id: i64) -> Result<kamscope_api_types::presence::Presentity, ApiError> {
    get_json(&format!("/api/v1/presence/presentities/{id}")).await
}

/// `GET /api/v1/presence/watchers?presentity=&watcher=&event=&status=&limit=&cursor=`.
pub async fn list_watchers(
    q: kamscope_api_types::query::WatchersQuery,
) -> Result<Page<kamscope_api_types::presence::Watcher>, ApiError> {
    get_json(&url("/api/v1/presence/watchers", &q)).await
}

/// `POST /api/v1/presence/cleanup` on the default node: what went, per table.
pub async fn presence_cleanup(
) -> Result<kamscope_api_types::presence::PresenceCleanupReport, ApiError> {
    post_json(
        "/api/v1/presence/cleanup",
        &kamscope_api_types::presence::PresenceCleanupRequest::default(),
    )
    .await
}

/// `POST /api/v1/presence/refresh-watchers` (`presence.refreshWatchers`); 422 when
/// Kamailio refuses (type 0 without a pres-rules document).
pub async fn refresh_watchers(
    req: &kamscope_api_types::presence::RefreshWatchersRequest,
) -> Result<kamscope_api_types::presence::RefreshWatchersResult, ApiError> {
    post_json("/api/v1/presence/refresh-watchers", req).await
}

/// `GET /api/v1/offline-messages?src=&dst=&limit=&cursor=` (msilo's silo).
pub async fn list_offline_messages(
    q: kamscope_api_types::query::OfflineMessagesQuery,
) -> Result<Page<kamscope_api_types::msilo::OfflineMessage>, ApiError> {
    get_json(&url("/api/v1/offline-messages", &q)).await
}

/// `GET /api/v1/offline-messages/{id}`: with the whole body.
pub async fn offline_message(
    id: i64,
) -> Result<kamscope_api_types::msilo::OfflineMessage, ApiError> {
    get_json(&format!("/api/v1/offline-messages/{id}")).await
}

/// `DELETE /api/v1/offline-messages/{id}` (204; 404 when gone already).
pub async fn delete_offline_message(id: i64) -> Result<(), ApiError> {
    no_content(Request::delete(&format!("/api/v1/offline-messages/{id}"))).await
}

/// `POST /api/v1/offline-messages/cleanup`: removes the expired messages, says how many.
pub async fn offline_messages_cleanup(
) -> Result<kamscope_api_types::cleanup::CleanupReport, ApiError> {
    json_of(answer(Request::post("/api/v1/offline-messages/cleanup")).await?).await
}

/// `GET /api/v1/traces?call_id=&traced_user=&method=&status=&from_ip=&to_ip=&direction=&from=&to=&limit=&cursor=`:
/// `sip_trace` rows newest first, and the time window the server searched.
pub async fn list_traces(
    q: kamscope_api_types::query::TraceQuery,
) -> Result<kamscope_api_types::siptrace::TracePage, ApiError> {
    get_json(&url("/api/v1/traces", &q)).await
}

/// `GET /api/v1/traces/{id}`: one message, its full text and headers.
pub async fn trace_message(
    id: i64,
) -> Result<kamscope_api_types::siptrace::TraceMessage, ApiError> {
    use kamscope_api_types::siptrace::{SipHeader, TraceItem, TraceMessage};
    // TraceMessage flattens its item, and serde's flatten brings its buffering machinery
    // into the wasm; the item and the text are read from the same JSON apart instead
    // (the struct literal below still breaks the build when TraceMessage changes).
    #[derive(serde::Deserialize)]
    struct Text {
        msg: String,
        headers: Vec<SipHeader>,
        body: String,
        has_sdp: bool,
    }
    let json = answer(Request::get(&format!("/api/v1/traces/{id}")))
        .await?
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let decode = |e: serde_json::Error| ApiError::Decode(e.to_string());
    let item: TraceItem = serde_json::from_str(&json).map_err(decode)?;
    let t: Text = serde_json::from_str(&json).map_err(decode)?;
    Ok(TraceMessage {
        item,
        msg: t.msg,
        headers: t.headers,
        body: t.body,
        has_sdp: t.has_sdp,
    })
}

/// The call flow of one or more Call-IDs (the legs of one call) in `format`:
/// `/api/v1/traces/calls/{call_id}[/pcap|/text]` for one, `/api/v1/traces/calls?call_id=a&call_id=b[&format=]`
/// for several.
pub fn call_flow_url(
    call_ids: &[String],
    format: kamscope_api_types::siptrace::TraceFormat,
) -> String {
    use kamscope_api_types::siptrace::TraceFormat;
    match call_ids {
        [one] => {
            let base = format!("/api/v1/traces/calls/{}", enc(one));
            match format {
                TraceFormat::Json => base,
                f => format!("{base}/{}", f.as_str()),
            }
        }
        many => {
            let q = kamscope_api_types::query::TraceCallQuery {
                call_id: many.to_vec(),
                format: Some(format).filter(|f| *f != TraceFormat::Json),
            };
            format!("/api/v1/traces/calls?{}", q.to_query_string())
        }
    }
}

/// `GET /api/v1/traces/calls/{call_id}` (or `?call_id=a&call_id=b`): every message in
/// time order, the endpoints as the ladder's columns. 404 when no message has them.
pub async fn call_flow(
    call_ids: &[String],
) -> Result<kamscope_api_types::siptrace::CallFlow, ApiError> {
    get_json(&call_flow_url(
        call_ids,
        kamscope_api_types::siptrace::TraceFormat::Json,
    ))
    .await
}

/// The SPA's own link to a call flow (`/kamailio/siptrace?flow=a[&flow=b]`), for the
/// pages that show a Call-ID.
pub fn flow_link(call_ids: &[&str]) -> String {
    let q: Vec<String> = call_ids
        .iter()
        .map(|c| format!("flow={}", enc(c)))
        .collect();
    format!("/kamailio/siptrace?{}", q.join("&"))
}
