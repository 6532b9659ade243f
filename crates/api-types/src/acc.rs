//! CDRs: Kamailio's `acc` module (`acc`, `missed_calls`, and `acc_cdrs` where
//! `cdr_enable` writes it). Manual page 3.
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// One accounting record: a row of `acc` (transactions acc recorded) or of
/// `missed_calls` (failed calls, `db_missed_flag`). `src_*`/`dst_*` exist where acc's
/// `db_extra` adds them (`null` otherwise).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cdr {
    pub id: i64,
    /// The SIP method of the transaction (INVITE, BYE, MESSAGE...).
    pub method: String,
    pub call_id: String,
    /// The final reply's code; `null` if Kamailio wrote none that is a number.
    pub sip_code: Option<u16>,
    pub sip_reason: String,
    /// When acc wrote it, in the reporting zone.
    pub time: Option<DateTime<FixedOffset>>,
    pub from_tag: String,
    pub to_tag: String,
    /// The caller (`$fU` in the stock `db_extra`).
    pub src_user: Option<String>,
    pub src_domain: Option<String>,
    pub src_ip: Option<String>,
    /// The To user (`$tU`): the number dialled.
    pub dst_ouser: Option<String>,
    /// The callee after routing (`$rU`).
    pub dst_user: Option<String>,
    pub dst_domain: Option<String>,
    /// Other columns this deployment's `db_extra` added, as text.
    pub extra: BTreeMap<String, String>,
}

/// A day's calls, counted in the reporting zone. See [`CallsToday`](crate::dashboard::CallsToday).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CdrStats {
    pub date: NaiveDate,
    /// The reporting zone the day is counted in.
    pub timezone: String,
    /// Answered + failed: INVITE transactions in `acc` with a final reply.
    pub total: i64,
    /// INVITEs in `acc` answered 2xx.
    pub answered: i64,
    /// INVITEs in `acc` answered 300 or more (acc writes these with
    /// `failed_transaction_flag`). A failed call also written to `missed_calls` counts
    /// here once and in `missed` once; `total` counts it once.
    pub failed: i64,
    /// INVITEs in `missed_calls` (`db_missed_flag`).
    pub missed: i64,
    /// The same figures per hour of the day (23 or 25 hours on a DST change).
    pub hourly: Vec<HourFigures>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HourFigures {
    /// The hour's start, in the reporting zone.
    pub start: DateTime<FixedOffset>,
    pub total: i64,
    pub answered: i64,
    pub failed: i64,
    pub missed: i64,
}
