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
    #[serde(default, deserialize_with = "whole_number")]
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

/// A whole number however JSON spells it: `46` or `46.0` (JSON Schema counts both as an
/// integer); `46.5`, negatives and numbers beyond u32 are errors.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::de::Error;
    match Option::<f64>::deserialize(d)? {
        None => Ok(None),
        Some(v) if v.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&v) => Ok(Some(v as u32)),
        Some(v) => Err(D::Error::custom(format!("expected a whole number of days, got {v}"))),
    }
}
