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

/// Where `/calls` pairs calls from.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallSource {
    /// `acc`: each answered INVITE paired with its BYE (same Call-ID and dialog tags).
    #[default]
    Acc,
    /// `acc_cdrs` (acc `cdr_enable`): one row per dialog, written when it ends.
    AccCdrs,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// Answered and ended.
    Ended,
    /// Answered and still up (no BYE, and the dialog still exists).
    Up,
    /// Not answered (only `source=acc_cdrs` lists these: acc writes a CDR with
    /// duration 0 for failed calls).
    Failed,
}

/// Who ended a call.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    /// The caller sent the BYE.
    Caller,
    /// The callee sent the BYE.
    Callee,
    /// No BYE was accounted: Kamailio ended it (`dlg.end_dlg`, a dialog timeout), as
    /// `acc_cdrs` or the dialog's disappearance shows.
    Kamailio,
}

/// One call: an answered INVITE and how it ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Call {
    /// `null` where `acc_cdrs` has no `callid` column or Kamailio wrote none
    /// (`dlg.end_dlg` leaves `cdr_extra` columns empty).
    pub call_id: Option<String>,
    pub from_tag: Option<String>,
    pub to_tag: Option<String>,
    pub caller: Option<String>,
    pub callee: Option<String>,
    /// When it was answered (`acc`), or the CDR's `start_time` (`acc_cdrs`).
    pub start: Option<DateTime<FixedOffset>>,
    /// `null` while the call is up, or when it ended without a BYE at an unknown time.
    pub end: Option<DateTime<FixedOffset>>,
    /// Seconds from `start` to `end`.
    pub duration: Option<f64>,
    pub outcome: CallOutcome,
    pub ended_by: Option<EndedBy>,
    pub source: CallSource,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KpiGroup {
    #[default]
    Hour,
    Day,
    Caller,
    Callee,
}

/// Telecom KPIs of one group (an hour, a day, a caller or a callee).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KpiRow {
    /// The hour's or day's start (RFC 3339, reporting zone), or the user.
    pub key: String,
    /// Call attempts: one per (Call-ID, From tag) over `acc` and `missed_calls`, INVITE
    /// only, 401/407 challenges dropped, re-INVITEs not counted, the last final reply
    /// deciding (the first 2xx where there is one).
    pub seizures: i64,
    /// Seizures answered 2xx.
    pub answered: i64,
    /// Seizures ending in 200, 486, 480, 600 or 603 (E.425's effective outcomes).
    pub effective: i64,
    /// Seizures redirected (3xx): RFC 6076 leaves them out of SER and SEER.
    pub redirected: i64,
    /// Seizures the caller cancelled (487).
    pub cancelled: i64,
    /// answered / seizures (ITU-T E.411), 0 to 1; `null` without seizures.
    pub asr: Option<f64>,
    /// effective / seizures (ITU-T E.425 mapped to SIP).
    pub ner: Option<f64>,
    /// answered / (seizures - redirected) (RFC 6076 §4.5).
    pub ser: Option<f64>,
    /// effective / (seizures - redirected) (RFC 6076 §4.6).
    pub seer: Option<f64>,
    /// Mean seconds of the answered calls that have ended (a BYE was accounted).
    pub acd: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Kpis {
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
    pub group_by: KpiGroup,
    pub timezone: String,
    /// One row per group, in time order (hour, day) or by seizures (caller, callee).
    pub rows: Vec<KpiRow>,
    /// All groups together.
    pub total: KpiRow,
}
