//! Offline messages: Kamailio's `msilo` module (`silo` table). Manual page 7.
//! Sources, destinations, content types and bodies are what SIP users sent: plain strings.
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// How many characters of a body the list shows.
pub const PREVIEW_CHARS: usize = 120;

/// A `silo` row: a MESSAGE msilo stored for a user who was offline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfflineMessage {
    pub id: i64,
    /// The sender's URI (`src_addr`).
    pub src_addr: String,
    /// The recipient's URI (`dst_addr`).
    pub dst_addr: String,
    /// The recipient's account (`username`, `domain`): whose REGISTER delivers it.
    pub username: String,
    pub domain: String,
    /// When msilo stored it (reporting zone).
    pub inc_time: Option<DateTime<FixedOffset>>,
    /// When it expires.
    pub exp_time: Option<DateTime<FixedOffset>>,
    /// Whether `exp_time` has passed (a cleanup removes it).
    pub expired: bool,
    /// A reminder's send time (`snd_time`, msilo's `m_store` with a time), if any.
    pub snd_time: Option<DateTime<FixedOffset>>,
    /// The body's Content-Type, as sent.
    pub ctype: String,
    /// The body's size in bytes.
    pub body_size: u64,
    /// The first characters of the body (at most 120), as text.
    pub body_preview: String,
    /// The whole body as text; only on `GET /offline-messages/{id}`.
    pub body: Option<String>,
    pub extra_hdrs: Option<String>,
    pub callid: String,
    pub status: i64,
}
