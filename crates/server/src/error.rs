//! The one error type of the API, mapped to RFC 9457 problem+json in one place.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use kamscope_api_types::Problem;
use kamscope_db::DbError;
use kamscope_rpc::RpcError;

/// Where a wrong parameter was: the problem's detail says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    Query,
    Path,
    Body,
}

impl std::fmt::Display for ParamIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ParamIn::Query => "Query parameter",
            ParamIn::Path => "Path parameter",
            ParamIn::Body => "Body field",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query or path parameter or a body field is wrong; the detail names it.
    #[error("{at} `{param}` {detail}")]
    BadParam { at: ParamIn, param: String, detail: String },
    /// The request is well-formed but this deployment cannot answer it (e.g. a filter on
    /// a column Kamailio's config does not add); the detail says what would.
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    NotFound(String),
    /// The method exists for other verbs of this path (`Allow` lists them).
    #[error("{method} is not allowed on {path}; allowed: {}", allow.join(", "))]
    MethodNotAllowed { method: String, path: String, allow: Vec<String> },
    /// Something is in the way, e.g. a job already running on the same target.
    #[error("{0}")]
    Conflict(String),
    /// The request is right, but Kamailio cannot do it as things are (e.g.
    /// `presence.refreshWatchers` type 0 without a pres-rules document); the detail
    /// says what is missing.
    #[error("{0}")]
    Unprocessable(String),
    /// Kamailio's JSON-RPC cannot be reached (the text names the URL and the cause).
    #[error("{0}")]
    KamailioUnavailable(String),
    /// Kamailio answered, but with an error kamscope did not expect.
    #[error("{0}")]
    KamailioError(String),
    #[error("Kamailio's database is unavailable: {0}")]
    DbUnavailable(String),
    #[error("Internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A wrong query parameter.
    pub fn bad_param(param: &str, detail: impl Into<String>) -> Self {
        ApiError::BadParam { at: ParamIn::Query, param: param.to_string(), detail: detail.into() }
    }

    pub fn bad_path(param: &str, detail: impl Into<String>) -> Self {
        ApiError::BadParam { at: ParamIn::Path, param: param.to_string(), detail: detail.into() }
    }

    pub fn bad_body(field: &str, detail: impl Into<String>) -> Self {
        ApiError::BadParam { at: ParamIn::Body, param: field.to_string(), detail: detail.into() }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::BadParam { .. } => "Invalid parameter",
            ApiError::Unsupported(_) => "Not available on this deployment",
            ApiError::NotFound(_) => "Not found",
            ApiError::MethodNotAllowed { .. } => "Method not allowed",
            ApiError::Conflict(_) => "Conflict",
            ApiError::Unprocessable(_) => "Kamailio cannot do this as things are",
            ApiError::KamailioUnavailable(_) => "Kamailio unavailable",
            ApiError::KamailioError(_) => "Kamailio error",
            ApiError::DbUnavailable(_) => "Database unavailable",
            ApiError::Internal(_) => "Internal error",
        }
    }

    pub fn problem(&self) -> Problem {
        // problem_details speaks http 1, actix-web 4 http 0.2: cross over by number.
        let status =
            http::StatusCode::from_u16(self.status_code().as_u16()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        Problem::from_status_code(status).with_title(self.title()).with_detail(self.to_string())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadParam { .. } | ApiError::Unsupported(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::KamailioUnavailable(_) | ApiError::DbUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::KamailioError(_) => StatusCode::BAD_GATEWAY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if self.status_code().is_server_error() {
            tracing::warn!(error = %self, "request failed");
        }
        let mut resp = problem_response(&self.problem());
        if let ApiError::MethodNotAllowed { allow, .. } = self {
            if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&allow.join(", ")) {
                resp.headers_mut().insert(actix_web::http::header::ALLOW, v);
            }
        }
        resp
    }
}

pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status =
        problem.status.and_then(|s| StatusCode::from_u16(s.as_u16()).ok()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .body(serde_json::to_string(problem).unwrap_or_default())
}

impl From<RpcError> for ApiError {
    fn from(e: RpcError) -> Self {
        match e {
            RpcError::Unreachable { .. } => ApiError::KamailioUnavailable(e.to_string()),
            RpcError::Kamailio { .. } | RpcError::Protocol { .. } => ApiError::KamailioError(e.to_string()),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unavailable(reason) => ApiError::DbUnavailable(reason),
            DbError::MissingColumns { .. } => ApiError::Unsupported(e.to_string()),
            DbError::Query(_) | DbError::BadUrl(_) => ApiError::Internal(e.to_string()),
        }
    }
}

/// actix's own extractor errors (malformed query strings, bad paths) as problems too.
pub fn query_error(err: actix_web::error::QueryPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::bad_param("query", format!("could not be read: {err}")).into()
}

pub fn path_error(err: actix_web::error::PathError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::bad_path("path", format!("could not be read: {err}")).into()
}

pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::bad_body("body", format!("is not the JSON expected: {err}")).into()
}

/// The problem answers every operation may give, declared once for OpenAPI and listed
/// by name in each operation's `responses(...)`.
pub mod responses {
    use kamscope_api_types::Problem;
    use utoipa::IntoResponses;

    /// 400: a parameter is wrong (the detail names it).
    #[derive(IntoResponses)]
    #[response(
        status = 400,
        description = "A parameter is wrong; the problem's detail names it",
        content_type = "application/problem+json"
    )]
    pub struct BadRequest(#[allow(dead_code)] Problem);

    /// 404: what the path names does not exist.
    #[derive(IntoResponses)]
    #[response(
        status = 404,
        description = "What the path names does not exist (any more)",
        content_type = "application/problem+json"
    )]
    pub struct NotFound(#[allow(dead_code)] Problem);

    /// 409: in the way of something running.
    #[derive(IntoResponses)]
    #[response(
        status = 409,
        description = "Something already running is in the way; the detail names it",
        content_type = "application/problem+json"
    )]
    pub struct Conflict(#[allow(dead_code)] Problem);

    /// 422: Kamailio cannot do it as things are (the detail says what is missing).
    #[derive(IntoResponses)]
    #[response(
        status = 422,
        description = "Kamailio cannot do this as things are; the detail says what is missing",
        content_type = "application/problem+json"
    )]
    pub struct Unprocessable(#[allow(dead_code)] Problem);

    /// 502: Kamailio answered with an error kamscope did not expect.
    #[derive(IntoResponses)]
    #[response(
        status = 502,
        description = "Kamailio answered with an unexpected error (its text is in the detail)",
        content_type = "application/problem+json"
    )]
    pub struct BadGateway(#[allow(dead_code)] Problem);

    /// 503: Kamailio or the database cannot be reached.
    #[derive(IntoResponses)]
    #[response(
        status = 503,
        description = "Kamailio or its database cannot be reached; the detail says which and why",
        content_type = "application/problem+json"
    )]
    pub struct Unavailable(#[allow(dead_code)] Problem);
}
