//! Topology hiding: Kamailio's `topos` module (`topos_d` dialogs, `topos_t`
//! transactions). Manual page 5.
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// A `topos_d` row: one dialog topos hides, with both sides as each side sees them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToposDialog {
    pub id: i64,
    /// When topos stored it (reporting zone).
    pub rectime: Option<DateTime<FixedOffset>>,
    pub s_method: String,
    pub s_cseq: String,
    /// The caller's Call-ID (the a-side).
    pub a_callid: String,
    pub a_uuid: String,
    pub b_uuid: String,
    pub a_uri: String,
    pub b_uri: String,
    pub r_uri: String,
    pub a_contact: String,
    pub b_contact: String,
    /// The Contacts topos puts on the wire instead (`atpsh-...` / `btpsh-...`).
    pub as_contact: String,
    pub bs_contact: String,
    pub a_tag: String,
    pub b_tag: String,
    pub a_srcaddr: String,
    pub b_srcaddr: String,
    pub a_socket: String,
    pub b_socket: String,
    pub iflags: i64,
    /// The call's SIP trace flow in the UI.
    pub trace_link: String,
}

/// A `topos_t` row: one transaction (branch) topos keeps until `branch_expire`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToposTransaction {
    pub id: i64,
    pub rectime: Option<DateTime<FixedOffset>>,
    pub s_method: String,
    pub s_cseq: String,
    pub a_callid: String,
    pub a_uuid: String,
    pub b_uuid: String,
    /// 0 downstream (caller to callee), 1 upstream.
    pub direction: i64,
    pub x_via: String,
    pub x_vbranch: String,
    pub x_uri: String,
    pub a_contact: String,
    pub b_contact: String,
    pub as_contact: String,
    pub bs_contact: String,
    pub x_tag: String,
    pub a_tag: String,
    pub b_tag: String,
    pub a_srcaddr: String,
    pub b_srcaddr: String,
    pub a_socket: String,
    pub b_socket: String,
    pub trace_link: String,
}
