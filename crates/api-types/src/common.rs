use serde::{Deserialize, Serialize};

/// RFC 9457 problem details (`application/problem+json`): every error the API returns.
pub type Problem = problem_details::ProblemDetails;

/// Default and maximum `limit` of every list endpoint.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 1000;

/// One page of a list. `next_cursor` is opaque: pass it back as `cursor` to get the
/// next page; `null` means this was the last page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
