//! Dialogs: Kamailio's `dialog` module (`dialog` table, `dlg.*` RPCs) and, for ended
//! calls, acc's CDRs (`acc_cdrs`).
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Kamailio's dialog states (dialog module: `DLG_STATE_*`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DialogState {
    /// 1: INVITE seen, no reply yet.
    Unconfirmed,
    /// 2: provisional reply (1xx with to-tag).
    Early,
    /// 3: 2xx sent, no ACK yet.
    ConfirmedNoAck,
    /// 4: ACKed: the call is up.
    Confirmed,
    /// 5: ended (BYE), about to be removed.
    Deleted,
    Unknown,
}

impl DialogState {
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => DialogState::Unconfirmed,
            2 => DialogState::Early,
            3 => DialogState::ConfirmedNoAck,
            4 => DialogState::Confirmed,
            5 => DialogState::Deleted,
            _ => DialogState::Unknown,
        }
    }
}

/// Where a dialog list comes from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DialogSource {
    /// Active dialogs in Kamailio's memory (`dlg.list`).
    #[default]
    Memory,
    /// The `dialog` table (dialog `db_mode` > 0): dialogs Kamailio has not ended yet.
    Db,
}

/// One side of a dialog.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DialogLeg {
    pub tag: Option<String>,
    pub contact: Option<String>,
    pub cseq: Option<String>,
    pub route_set: Option<String>,
    pub socket: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dialog {
    pub h_entry: u32,
    pub h_id: u32,
    pub call_id: String,
    pub from_uri: String,
    pub to_uri: String,
    /// Kamailio's state code: 1 unconfirmed, 2 early, 3 confirmed without ACK, 4 confirmed, 5 deleted.
    pub state: i64,
    pub state_label: DialogState,
    /// When the call was answered (`null` before).
    pub start: Option<DateTime<FixedOffset>>,
    /// When Kamailio ends the dialog unless refreshed.
    pub timeout: Option<DateTime<FixedOffset>>,
    /// Seconds since `start`.
    pub duration: Option<i64>,
    pub caller: DialogLeg,
    pub callee: DialogLeg,
    pub req_uri: Option<String>,
    /// Dialog variables (`$dlg_var`), memory only.
    pub variables: BTreeMap<String, String>,
    pub source: DialogSource,
    /// The Kamailio node, for memory items.
    pub node: Option<String>,
}

/// An ended call from acc's CDRs (`acc_cdrs`, acc `cdr_enable`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DialogRecord {
    pub id: i64,
    pub call_id: Option<String>,
    pub src_user: Option<String>,
    pub dst_user: Option<String>,
    pub start_time: Option<DateTime<FixedOffset>>,
    pub end_time: Option<DateTime<FixedOffset>>,
    /// Seconds; 0 for calls that failed.
    pub duration: Option<f64>,
}

/// `dlg.stats_active` plus the dialog module's statistics.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DialogStats {
    pub node: String,
    /// `dlg.stats_active`: dialogs by phase now.
    pub starting: i64,
    pub connecting: i64,
    pub answering: i64,
    pub ongoing: i64,
    pub all: i64,
    /// `dialog:*` statistics since Kamailio started.
    pub active: i64,
    pub early: i64,
    pub processed: i64,
    pub failed: i64,
    pub expired: i64,
}
