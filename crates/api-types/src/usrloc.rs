//! Registrations: Kamailio's `usrloc` module (`location` table, `ul.*` RPCs).
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Where a registration list comes from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RegistrationSource {
    /// The `location` table (usrloc writes it through with `db_mode` 1).
    #[default]
    Db,
    /// Kamailio's memory, over JSON-RPC (`ul.dump brief` + `ul.lookup`).
    Memory,
}

/// How long a contact stays: Kamailio prints `permanent`, `expired` or `deleted`
/// where it otherwise prints seconds left.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ExpiryState {
    Active,
    Permanent,
    Expired,
    Deleted,
}

/// One contact of a registered user (one item per contact, in both sources).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Registration {
    /// The address of record as usrloc keys it: `user`, or `user@domain` with `use_domain` 1.
    pub aor: String,
    pub username: String,
    /// `null` when usrloc runs without domains (`use_domain` 0).
    pub domain: Option<String>,
    /// The Contact URI.
    pub contact: String,
    /// When the contact expires (absolute); `null` for permanent contacts.
    pub expires: Option<DateTime<FixedOffset>>,
    /// Seconds left until `expires` (negative once past), at the time of the answer.
    pub expires_in: Option<i64>,
    pub expiry_state: ExpiryState,
    pub user_agent: Option<String>,
    /// The source the REGISTER really came from (`received`), when it differs from the Contact.
    pub received: Option<String>,
    /// Kamailio's local socket that took the registration, e.g. `udp:127.0.0.1:5060`.
    pub socket: Option<String>,
    /// Contact priority; `null` when the REGISTER gave none (Kamailio stores -1).
    pub q: Option<f64>,
    pub call_id: Option<String>,
    pub cseq: Option<i64>,
    pub last_modified: Option<DateTime<FixedOffset>>,
    pub path: Option<String>,
    /// `+sip.instance` (RFC 5626).
    pub instance: Option<String>,
    pub reg_id: Option<i64>,
    /// usrloc's unique record id.
    pub ruid: Option<String>,
    pub flags: Option<i64>,
    pub cflags: Option<i64>,
    pub methods: Option<i64>,
    /// usrloc's in-memory sync state of the contact (`CS_NEW`, `CS_SYNC`, `CS_DIRTY`); memory only.
    pub ul_state: Option<String>,
    /// Where this item was read: `db` or `memory`.
    pub source: RegistrationSource,
    /// The Kamailio node it was read from (memory items).
    pub node: Option<String>,
}

/// `GET /api/v1/registrations/{aor}`: one user's contacts, from Kamailio's memory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Aor {
    pub aor: String,
    pub contacts: Vec<Registration>,
}
