//! The monitoring dashboard (manual page 8).
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::health::CheckStatus;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub generated_at: DateTime<FixedOffset>,
    /// One entry per configured Kamailio node.
    pub nodes: Vec<NodeOverview>,
    /// Today's calls from the database (`null` with `calls_today_error` when it is down).
    pub calls_today: Option<CallsToday>,
    pub calls_today_error: Option<String>,
}

/// What one Kamailio node says about itself (JSON-RPC).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeOverview {
    pub name: String,
    /// `ok` when the node answers, `down` otherwise (see `error`).
    pub status: CheckStatus,
    pub error: Option<String>,
    pub version: Option<String>,
    pub uptime_seconds: Option<i64>,
    /// Kamailio processes (`core.psx`).
    pub processes: Option<i64>,
    /// `usrloc:registered_users`: users with at least one contact.
    pub registered_users: Option<i64>,
    /// `usrloc:location_contacts`: contacts in the `location` table's memory.
    pub contacts: Option<i64>,
    /// `dialog:active_dialogs`.
    pub active_dialogs: Option<i64>,
    /// `dialog:early_dialogs`.
    pub early_dialogs: Option<i64>,
    pub counters: Option<SipCounters>,
}

/// Headline SIP counters since the node started. Only SIP traffic: kamscope's own
/// JSON-RPC calls are answered through `sl` and counted in `sl:*_replies`, which is
/// why replies here come from transactions (`tmx`), not from `sl`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SipCounters {
    /// SIP requests received: the sum of `core:rcv_requests_<method>` (`core:rcv_requests`
    /// itself also counts JSON-RPC's HTTP requests).
    pub requests_received: i64,
    pub invites_received: i64,
    pub registers_received: i64,
    /// `tmx:UAS_transactions` + `tmx:UAC_transactions`.
    pub transactions: i64,
    /// `tmx:active_transactions`.
    pub active_transactions: i64,
    /// Transactions by final reply class (`tmx:2xx_transactions` ...).
    pub replies_2xx: i64,
    pub replies_3xx: i64,
    pub replies_4xx: i64,
    pub replies_5xx: i64,
    pub replies_6xx: i64,
}

/// Calls since midnight in kamscope's configured timezone.
///
/// - `answered`: INVITE records in `acc` with a 2xx `sip_code`;
/// - `failed`: INVITE records in `acc` with `sip_code` >= 300 (acc's
///   `failed_transaction_flag`);
/// - `total` = `answered` + `failed`;
/// - `missed`: INVITE records in `missed_calls` (acc's `db_missed_flag`). A failed call
///   is counted in `failed` and, when Kamailio set the missed flag, in `missed` too.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallsToday {
    pub date: NaiveDate,
    pub timezone: String,
    pub total: i64,
    pub answered: i64,
    pub failed: i64,
    pub missed: i64,
}
