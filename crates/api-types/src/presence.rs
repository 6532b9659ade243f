//! Presence: Kamailio's `presence` module (`presentity`, `active_watchers`, `watchers`;
//! `presence.cleanup` and `presence.refreshWatchers` over JSON-RPC). Manual page 6.
//! Everything a SIP user sent (bodies, URIs, etags) is data: plain strings.
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// A subscription's or an authorization's status, as Kamailio's presence module codes
/// it (`subscribe.h`: `ACTIVE_STATUS` 1, `PENDING_STATUS` 2, `TERMINATED_STATUS` 3,
/// `WAITING_STATUS` 4).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// 1: authorized; NOTIFYs carry the presentity's state.
    Active,
    /// 2: waiting for an authorization decision (no pres-rules document allows it yet).
    Pending,
    /// 3: ended (rejected, or expired).
    Terminated,
    /// 4: waiting (RFC 3857 watcher-info), like pending.
    Waiting,
    /// Any other code.
    Unknown,
}

impl SubscriptionStatus {
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => SubscriptionStatus::Active,
            2 => SubscriptionStatus::Pending,
            3 => SubscriptionStatus::Terminated,
            4 => SubscriptionStatus::Waiting,
            _ => SubscriptionStatus::Unknown,
        }
    }
}

/// A `presentity` row: one published state (PUBLISH) of a user for an event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Presentity {
    pub id: i64,
    pub username: String,
    pub domain: String,
    /// The event package, e.g. `presence`.
    pub event: String,
    pub etag: String,
    /// When the publication expires (reporting zone).
    pub expires: Option<DateTime<FixedOffset>>,
    /// Whether `expires` has passed (Kamailio removes it on its next clean, or a cleanup does).
    pub expired: bool,
    /// When Kamailio received the PUBLISH.
    pub received_time: Option<DateTime<FixedOffset>>,
    pub sender: String,
    pub priority: i64,
    pub ruid: Option<String>,
    /// Size of the published document in bytes.
    pub body_size: u64,
    /// The published document (PIDF XML) as text; only on `GET /presence/presentities/{id}`.
    pub body: Option<String>,
}

/// The authorization decision for a watcher (`watchers` row).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Authorization {
    /// Kamailio's code: 1 active, 2 pending, 3 terminated, 4 waiting.
    pub status: i64,
    pub status_label: SubscriptionStatus,
    pub reason: Option<String>,
    pub inserted_time: Option<DateTime<FixedOffset>>,
}

/// An `active_watchers` row: one subscription, with its authorization from `watchers`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Watcher {
    pub id: i64,
    /// Whose state is watched, e.g. `sip:alice@example.com`.
    pub presentity_uri: String,
    /// The watcher, `sip:user@domain`.
    pub watcher_uri: String,
    pub watcher_username: String,
    pub watcher_domain: String,
    pub event: String,
    pub event_id: Option<String>,
    /// The subscription's status code: 1 active, 2 pending, 3 terminated, 4 waiting.
    pub status: i64,
    pub status_label: SubscriptionStatus,
    pub reason: Option<String>,
    /// The authorization (`watchers` row), when Kamailio keeps one for this watcher.
    pub authorization: Option<Authorization>,
    pub expires: Option<DateTime<FixedOffset>>,
    pub expired: bool,
    /// The watcher's Contact, where NOTIFYs go.
    pub contact: String,
    pub local_contact: String,
    pub callid: String,
    pub from_tag: String,
    pub to_tag: String,
    pub local_cseq: i64,
    pub remote_cseq: i64,
    pub version: i64,
    pub socket_info: String,
    pub user_agent: Option<String>,
}

/// `POST /presence/cleanup`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PresenceCleanupRequest {
    /// A configured Kamailio node (default: the first) that runs `presence.cleanup`.
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub node: Option<String>,
}

/// What a presence cleanup removed from one table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresenceCleanupCount {
    pub table: String,
    /// Rows removed in all (`by_kamailio + by_kamscope`).
    pub removed: u64,
    /// Expired rows `presence.cleanup` removed.
    pub by_kamailio: u64,
    /// Expired rows left after it that kamscope removed.
    pub by_kamscope: u64,
}

/// The answer of `POST /presence/cleanup`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresenceCleanupReport {
    pub node: String,
    /// Rows that expired before this time were removed; none expiring after it.
    pub cutoff: DateTime<FixedOffset>,
    /// What Kamailio answered `presence.cleanup` (5.6: `Reload OK`).
    pub kamailio: String,
    pub tables: Vec<PresenceCleanupCount>,
}

/// `POST /presence/refresh-watchers`: `presence.refreshWatchers`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshWatchersRequest {
    /// The presentity whose watchers Kamailio notifies, e.g. `sip:alice@example.com`.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^sips?:[^@\s]+@\S+$"))]
    pub presentity_uri: String,
    /// The event package (default `presence`).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64, pattern = r"\S"))]
    pub event: Option<String>,
    /// 0: the watchers' authorization changed (Kamailio re-reads the pres-rules document
    /// in `xcap` and needs one); 1: the published state changed in the table; 2: the
    /// pidf-manipulation document changed (needs `file_uri` and `filename`).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 2))]
    #[serde(rename = "type", deserialize_with = "crate::common::whole::required")]
    pub refresh_type: u8,
    /// Type 2: the pidf-manipulation document's URI on the XCAP server.
    pub file_uri: Option<String>,
    /// Type 2: its file name.
    pub filename: Option<String>,
    /// A configured Kamailio node (default: the first).
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub node: Option<String>,
}

/// The answer of `POST /presence/refresh-watchers`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshWatchersResult {
    pub node: String,
    pub presentity_uri: String,
    pub event: String,
    #[serde(rename = "type", deserialize_with = "crate::common::whole::required")]
    pub refresh_type: u8,
}
