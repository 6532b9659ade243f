//! Calls to kamscope's `/api/v1`. The JSON shapes are `kamscope-api-types`, shared with
//! the server; errors are RFC 9457 problem details.
use gloo_net::http::{Request, Response};
use kamscope_api_types::dashboard::Dashboard;
use kamscope_api_types::dialog::{Dialog, DialogRecord, DialogSource, DialogStats};
use kamscope_api_types::health::Health;
use kamscope_api_types::usrloc::{Registration, RegistrationSource};
use kamscope_api_types::{Page, Problem};
use serde::de::DeserializeOwned;

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

/// Query parameters; gloo-net encodes them (URLSearchParams).
type Params<'a> = Vec<(&'static str, &'a str)>;

async fn get_json<T: DeserializeOwned>(path: &str, params: Params<'_>) -> Result<T, ApiError> {
    let resp = Request::get(path)
        .query(params)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if !resp.ok() {
        return Err(problem(resp).await);
    }
    resp.json::<T>()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

/// Sends a request the API answers with 204 No Content (or a problem).
async fn no_content(req: gloo_net::http::RequestBuilder, params: Params<'_>) -> Result<(), ApiError> {
    let resp = req
        .query(params)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if resp.ok() {
        Ok(())
    } else {
        Err(problem(resp).await)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegQuery {
    pub source: RegistrationSource,
    pub q: String,
    pub limit: u32,
    pub cursor: Option<String>,
    /// Memory source: a node name or `all`; `None` is the server's default node.
    pub node: Option<String>,
}

/// `GET /api/v1/registrations?source=&q=&limit=&cursor=[&node=]`
pub async fn list_registrations(query: &RegQuery) -> Result<Page<Registration>, ApiError> {
    let limit = query.limit.to_string();
    let mut params: Params = vec![("source", source_param(query.source)), ("limit", &limit)];
    let q = query.q.trim();
    if !q.is_empty() {
        params.push(("q", q));
    }
    if let Some(cursor) = &query.cursor {
        params.push(("cursor", cursor));
    }
    if query.source == RegistrationSource::Memory {
        if let Some(node) = &query.node {
            params.push(("node", node));
        }
    }
    get_json("/api/v1/registrations", params).await
}

/// `DELETE /api/v1/registrations/{aor}[?node=]`: all contacts of the user (`ul.rm`), on
/// the given Kamailio node (the server's first node when `None`).
pub async fn delete_registration(aor: &str, node: Option<&str>) -> Result<(), ApiError> {
    let mut params: Params = vec![];
    if let Some(node) = node {
        params.push(("node", node));
    }
    no_content(Request::delete(&format!("/api/v1/registrations/{}", enc(aor))), params).await
}

/// `DELETE /api/v1/registrations/{aor}/contacts?contact=[&node=]`: one contact
/// (`ul.rm_contact`).
pub async fn delete_contact(aor: &str, contact: &str, node: Option<&str>) -> Result<(), ApiError> {
    let mut params: Params = vec![("contact", contact)];
    if let Some(node) = node {
        params.push(("node", node));
    }
    no_content(Request::delete(&format!("/api/v1/registrations/{}/contacts", enc(aor))), params).await
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
        Err(_) => Err(ApiError::Http { status, title: None, detail: None }),
    }
}

pub fn dialog_source_param(source: DialogSource) -> &'static str {
    match source {
        DialogSource::Memory => "memory",
        DialogSource::Db => "db",
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DialogFilter {
    /// Exact Call-ID.
    pub call_id: String,
    /// Part of the From URI.
    pub from_uri: String,
    /// Part of the To URI.
    pub to_uri: String,
    /// Kamailio's state code 1-5.
    pub state: Option<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DialogQuery {
    pub source: DialogSource,
    /// Memory source: a node name or `all`; `None` is the server's default node.
    pub node: Option<String>,
    pub filter: DialogFilter,
    pub limit: u32,
    pub cursor: Option<String>,
}

/// `GET /api/v1/dialogs?source=&node=&call_id=&from_uri=&to_uri=&state=&limit=&cursor=`
pub async fn list_dialogs(query: &DialogQuery) -> Result<Page<Dialog>, ApiError> {
    let limit = query.limit.to_string();
    let state = query.filter.state.map(|s| s.to_string());
    let mut params: Params = vec![("source", dialog_source_param(query.source)), ("limit", &limit)];
    if query.source == DialogSource::Memory {
        if let Some(node) = &query.node {
            params.push(("node", node));
        }
    }
    let f = &query.filter;
    for (name, v) in [("call_id", &f.call_id), ("from_uri", &f.from_uri), ("to_uri", &f.to_uri)] {
        if !v.trim().is_empty() {
            params.push((name, v.trim()));
        }
    }
    if let Some(s) = &state {
        params.push(("state", s));
    }
    if let Some(cursor) = &query.cursor {
        params.push(("cursor", cursor));
    }
    get_json("/api/v1/dialogs", params).await
}

/// `GET /api/v1/dialogs/stats[?node=]`
pub async fn dialog_stats(node: Option<&str>) -> Result<DialogStats, ApiError> {
    let mut params: Params = vec![];
    if let Some(node) = node {
        params.push(("node", node));
    }
    get_json("/api/v1/dialogs/stats", params).await
}

/// `GET /api/v1/dialogs/history?call_id=&limit=&cursor=`: ended calls (acc_cdrs).
pub async fn dialog_history(
    call_id: &str,
    limit: u32,
    cursor: Option<&str>,
) -> Result<Page<DialogRecord>, ApiError> {
    let limit = limit.to_string();
    let mut params: Params = vec![("limit", &limit)];
    if !call_id.trim().is_empty() {
        params.push(("call_id", call_id.trim()));
    }
    if let Some(cursor) = cursor {
        params.push(("cursor", cursor));
    }
    get_json("/api/v1/dialogs/history", params).await
}

/// `POST /api/v1/dialogs/{h_entry}/{h_id}/end[?node=]`: Kamailio sends BYE to both
/// parties. 404 when the dialog is gone already.
pub async fn end_dialog(h_entry: u32, h_id: u32, node: Option<&str>) -> Result<(), ApiError> {
    let mut params: Params = vec![];
    if let Some(node) = node {
        params.push(("node", node));
    }
    no_content(Request::post(&format!("/api/v1/dialogs/{h_entry}/{h_id}/end")), params).await
}

/// `GET /api/v1/dashboard`
pub async fn dashboard() -> Result<Dashboard, ApiError> {
    get_json("/api/v1/dashboard", vec![]).await
}
