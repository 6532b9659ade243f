//! Cleanups of tables Kamailio keeps growing (`sip_trace`, topos' `topos_d`/`topos_t`):
//! rows older than N days go, in batches, as a job.
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// `POST /traces/cleanup`, `POST /topos/cleanup`. An empty body takes the defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CleanupRequest {
    /// Remove rows older than this many days, 1 to 3650 (default: 30 for the SIP trace,
    /// 7 for topology hiding, the manual's).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3650))]
    #[serde(default, deserialize_with = "crate::common::whole::optional")]
    pub older_than_days: Option<u32>,
    /// Only count what would go (200 with the counts), remove nothing.
    pub dry_run: Option<bool>,
}

/// What a cleanup removes, or would remove, from one table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CleanupCount {
    pub table: String,
    /// Rows written before this time go.
    pub cutoff: DateTime<FixedOffset>,
    /// Rows older than the cutoff (dry run), or removed (a job's result).
    pub rows: u64,
}

/// The answer to a dry run, and a cleanup job's `result`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CleanupReport {
    pub tables: Vec<CleanupCount>,
    /// A job's result: whether it was cancelled before the end (the rest stays).
    #[serde(default)]
    pub cancelled: bool,
}
