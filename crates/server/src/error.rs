//! The one error type of the API, mapped to RFC 9457 problem+json in one place.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use kamscope_api_types::Problem;
use kamscope_db::DbError;
use kamscope_rpc::RpcError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query or path parameter is wrong; the detail names it.
    #[error("Query parameter `{param}` {detail}")]
    BadParam { param: String, detail: String },
    #[error("{0}")]
    NotFound(String),
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
    pub fn bad_param(param: &str, detail: impl Into<String>) -> Self {
        ApiError::BadParam { param: param.to_string(), detail: detail.into() }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::BadParam { .. } => "Invalid parameter",
            ApiError::NotFound(_) => "Not found",
            ApiError::KamailioUnavailable(_) => "Kamailio unavailable",
            ApiError::KamailioError(_) => "Kamailio error",
            ApiError::DbUnavailable(_) => "Database unavailable",
            ApiError::Internal(_) => "Internal error",
        }
    }

    pub fn problem(&self) -> Problem {
        // problem_details speaks http 1, actix-web 4 http 0.2: cross over by number.
        let status = http::StatusCode::from_u16(self.status_code().as_u16())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        Problem::from_status_code(status).with_title(self.title()).with_detail(self.to_string())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadParam { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::KamailioUnavailable(_) | ApiError::DbUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::KamailioError(_) => StatusCode::BAD_GATEWAY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if self.status_code().is_server_error() {
            tracing::warn!(error = %self, "request failed");
        }
        problem_response(&self.problem())
    }
}

pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status = problem
        .status
        .and_then(|s| StatusCode::from_u16(s.as_u16()).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
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
            DbError::Query(_) | DbError::BadUrl(_) => ApiError::Internal(e.to_string()),
        }
    }
}

/// actix's own extractor errors (malformed query strings, bad paths) as problems too.
pub fn query_error(err: actix_web::error::QueryPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::BadParam { param: "query".into(), detail: format!("could not be read: {err}") }.into()
}

pub fn path_error(err: actix_web::error::PathError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::BadParam { param: "path".into(), detail: format!("could not be read: {err}") }.into()
}

pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::BadParam { param: "body".into(), detail: format!("is not the JSON expected: {err}") }.into()
}
