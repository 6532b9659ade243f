use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    Degraded,
    Down,
}

/// `GET /api/v1/health`. `status` is the worst of the checks. Later versions add
/// entries to `checks`; the shape stays.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: CheckStatus,
    pub checked_at: DateTime<FixedOffset>,
    pub checks: Vec<HealthCheck>,
    /// Things that work but should be better, e.g. an index kamscope recommends that
    /// Kamailio's tables lack (`kamscope db indexes` says more). They do not change `status`.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// One check: `database` (Kamailio's tables), and per node `kamailio_rpc` (JSON-RPC
/// over HTTP) and `kamailio_processes` (`core.psx`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthCheck {
    /// What was checked: `database`, `kamailio_rpc`, `kamailio_processes`.
    pub name: String,
    /// The Kamailio node, for checks that concern one node.
    pub node: Option<String>,
    pub status: CheckStatus,
    /// Round-trip time of the check, in milliseconds.
    pub latency_ms: Option<f64>,
    /// Why the check is not ok, in words a person understands.
    pub error: Option<String>,
    /// Kamailio's `core.version`, for `kamailio_rpc`.
    pub version: Option<String>,
    /// Kamailio's `core.uptime` in seconds, for `kamailio_rpc`.
    pub uptime_seconds: Option<i64>,
    /// The database backend (`sqlite`, `mysql`, `postgres`), for `database`.
    pub backend: Option<String>,
    /// How many processes Kamailio runs (`core.psx`), for `kamailio_processes`.
    pub processes: Option<i64>,
}
