//! The query parameters of every list and call, defined once: the server parses
//! requests into these (naming the parameter when one is wrong) and documents them in
//! OpenAPI; the SPA builds its requests from them ([`to_query_string`]).
//!
//! Every list takes `limit` (1 to [`MAX_LIMIT`], default [`DEFAULT_LIMIT`]) and
//! `cursor` (the `next_cursor` of the previous page, never empty). The fields are
//! spelled out per struct rather than `#[serde(flatten)]`ed: query strings carry every
//! value as text, and serde's flatten would lose both the number parsing and the name of
//! the parameter in errors.
use serde::{Deserialize, Serialize};

pub use crate::common::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::dialog::DialogSource;
use crate::usrloc::RegistrationSource;

/// `a=1&b=x` for a query struct (absent options are left out), for the SPA.
pub fn to_query_string<T: Serialize>(q: &T) -> String {
    serde_urlencoded::to_string(q).unwrap_or_default()
}

/// `format=`: a list as JSON pages (default) or the whole filtered list as one CSV
/// download (RFC 4180, header row; `limit` and `cursor` do not apply).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ListFormat {
    #[default]
    Json,
    Csv,
}

/// The paging part every list query has.
pub trait Paged: Sized {
    fn limit(&self) -> Option<u32>;
    fn cursor(&self) -> Option<&str>;
    /// The same query for another page.
    fn page_at(&self, cursor: Option<String>, limit: u32) -> Self;
    /// `format=` where the list offers CSV.
    fn format(&self) -> Option<ListFormat> {
        None
    }
}

macro_rules! paged {
    ($($t:ty),* $(; with format: $($f:ty),*)?) => {
        $(paged!(@one $t);)*
        $($(paged!(@one $f, format);)*)?
    };
    (@one $t:ty $(, $format:ident)?) => {
        impl Paged for $t {
            fn limit(&self) -> Option<u32> { self.limit }
            fn cursor(&self) -> Option<&str> { self.cursor.as_deref() }
            // A query of only limit and cursor has nothing left to copy: allowed.
            #[allow(clippy::needless_update)]
            fn page_at(&self, cursor: Option<String>, limit: u32) -> Self { Self { cursor, limit: Some(limit), ..self.clone() } }
            $(fn $format(&self) -> Option<ListFormat> { self.format })?
        }
    };
}

/// `GET /registrations`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct RegistrationsQuery {
    /// `db` (the `location` table, default) or `memory` (Kamailio's usrloc over JSON-RPC).
    pub source: Option<RegistrationSource>,
    /// Search: part of the username (at most 64 characters).
    #[cfg_attr(feature = "openapi", param(max_length = 64))]
    pub q: Option<String>,
    /// Memory source: a Kamailio node name, or `all` for every node merged (each item
    /// then carries its node). Default: the first node.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub node: Option<String>,
    /// `csv` downloads the whole filtered list (`limit`/`cursor` do not apply).
    pub format: Option<ListFormat>,
    /// Items per page, 1 to 1000 (default 50). One item is one contact.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub cursor: Option<String>,
}

/// `GET /dialogs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DialogsQuery {
    /// `memory` (active dialogs, `dlg.list`; default) or `db` (the `dialog` table).
    pub source: Option<DialogSource>,
    /// Memory source: a node name, or `all` for every node merged (default: the first node).
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub node: Option<String>,
    /// Exact Call-ID.
    pub call_id: Option<String>,
    /// Part of the From URI.
    pub from_uri: Option<String>,
    /// Part of the To URI.
    pub to_uri: Option<String>,
    /// Kamailio's dialog state code: 1 unconfirmed, 2 early, 3 confirmed without ACK,
    /// 4 confirmed, 5 deleted.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 5))]
    pub state: Option<u8>,
    /// `csv` downloads the whole filtered list (`limit`/`cursor` do not apply).
    pub format: Option<ListFormat>,
    /// Items per page, 1 to 1000 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub cursor: Option<String>,
}

/// `GET /dialogs/history`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct HistoryQuery {
    /// Exact Call-ID.
    pub call_id: Option<String>,
    /// `csv` downloads the whole filtered list (`limit`/`cursor` do not apply).
    pub format: Option<ListFormat>,
    /// Items per page, 1 to 1000 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub cursor: Option<String>,
}

/// `GET /cdrs` and `GET /missed-calls`: newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CdrQuery {
    /// The caller: `src_user` exactly (a column acc's `db_extra` adds).
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 64))]
    pub caller: Option<String>,
    /// The callee: `dst_user` exactly (a column acc's `db_extra` adds).
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 64))]
    pub callee: Option<String>,
    /// Exact Call-ID.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub call_id: Option<String>,
    /// From this time on (RFC 3339 with offset, e.g. `2026-12-01T00:00:00+08:00`).
    pub from: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Before this time (RFC 3339 with offset); after `from`.
    pub to: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// The final reply's code, 100 to 699.
    #[cfg_attr(feature = "openapi", param(minimum = 100, maximum = 699))]
    pub sip_code: Option<u16>,
    /// The SIP method, e.g. `INVITE` or `BYE` (case does not matter).
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 16, pattern = r"^[A-Za-z]+$"))]
    pub method: Option<String>,
    /// `csv` downloads the whole filtered list (`limit`/`cursor` do not apply).
    pub format: Option<ListFormat>,
    /// Items per page, 1 to 1000 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub cursor: Option<String>,
}

/// `GET /calls`: answered calls, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CallsQuery {
    /// `acc` (INVITE/BYE pairs, default) or `acc_cdrs`.
    pub source: Option<crate::acc::CallSource>,
    /// The caller (`src_user`) exactly.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 64))]
    pub caller: Option<String>,
    /// The callee (`dst_user`) exactly.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 64))]
    pub callee: Option<String>,
    /// Exact Call-ID.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub call_id: Option<String>,
    /// Calls that started from this time on (RFC 3339 with offset).
    pub from: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Calls that started before this time (RFC 3339 with offset).
    pub to: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// `csv` downloads the whole filtered list (`limit`/`cursor` do not apply).
    pub format: Option<ListFormat>,
    /// Items per page, 1 to 1000 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub cursor: Option<String>,
}

/// `GET /cdrs/kpis`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct KpiQuery {
    /// From this time on (RFC 3339 with offset); default: today's start in the reporting zone.
    pub from: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Before this time; default: `from` + 1 day. At most 93 days after `from`.
    pub to: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// `hour` (default), `day`, `caller` or `callee`.
    pub group_by: Option<crate::acc::KpiGroup>,
}

/// `GET /cdrs/stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CdrStatsQuery {
    /// The day (`YYYY-MM-DD`) in the reporting zone; default today.
    pub date: Option<chrono::NaiveDate>,
}

/// `GET /topos/dialogs` and `GET /topos/transactions`: newest first by `rectime`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ToposQuery {
    /// The a-side Call-ID exactly (`a_callid`).
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub call_id: Option<String>,
    /// Stored from this time on (RFC 3339 with offset).
    pub from: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Stored before this time (RFC 3339 with offset).
    pub to: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Items per page, 1 to 1000 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub cursor: Option<String>,
}

/// `GET /presence/presentities`: by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PresentitiesQuery {
    /// Part of the username (at most 64 characters).
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 64))]
    pub user: Option<String>,
    /// The domain exactly.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 64))]
    pub domain: Option<String>,
    /// The event package exactly, e.g. `presence`.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 64))]
    pub event: Option<String>,
    /// Items per page, 1 to 1000 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub cursor: Option<String>,
}

/// `GET /presence/watchers`: subscriptions by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct WatchersQuery {
    /// Part of the presentity URI.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 255))]
    pub presentity: Option<String>,
    /// Part of the watcher's username, or `user@domain` exactly.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 255))]
    pub watcher: Option<String>,
    /// The event package exactly.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 64))]
    pub event: Option<String>,
    /// The subscription's status code: 1 active, 2 pending, 3 terminated, 4 waiting.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 4))]
    pub status: Option<u8>,
    /// Items per page, 1 to 1000 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub cursor: Option<String>,
}

/// `GET /offline-messages`: stored messages by id (oldest first, msilo's delivery order).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OfflineMessagesQuery {
    /// Part of the sender's URI (`src_addr`).
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 255))]
    pub src: Option<String>,
    /// Part of the recipient's URI (`dst_addr`).
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 255))]
    pub dst: Option<String>,
    /// Items per page, 1 to 1000 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub cursor: Option<String>,
}

/// `GET /jobs`: the recent jobs, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct JobsQuery {
    /// Items per page, 1 to 1000 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub cursor: Option<String>,
}

/// `GET /traces`: `sip_trace` rows newest first by (`time_stamp`, `time_us`, `id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TraceQuery {
    /// Exact Call-ID (indexed).
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub call_id: Option<String>,
    /// Exact `traced_user` (indexed; empty unless Kamailio sets `traced_user_avp`).
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub traced_user: Option<String>,
    /// The SIP method (for replies the CSeq method), e.g. `INVITE` (case does not matter).
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 32, pattern = r"^[A-Za-z]+$"))]
    pub method: Option<String>,
    /// A reply's status code, 100 to 699.
    #[cfg_attr(feature = "openapi", param(minimum = 100, maximum = 699))]
    pub status: Option<u16>,
    /// The sender: `192.0.2.1`, `2001:db8::1`, `192.0.2.1:5060`, `[2001:db8::1]:5060`,
    /// `udp:192.0.2.1:5060`, `tcp:[::1]:5060`. With a port it uses the `fromip` index.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 80))]
    pub from_ip: Option<String>,
    /// The receiver, in the forms of `from_ip`.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 80))]
    pub to_ip: Option<String>,
    /// `in` (Kamailio received it) or `out` (Kamailio sent it).
    pub direction: Option<crate::siptrace::TraceDirection>,
    /// From this time on (RFC 3339 with offset, e.g. `2026-12-01T08:00:00+08:00`).
    pub from: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Before this time (RFC 3339 with offset); after `from`.
    pub to: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Items per page, 1 to 1000 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub cursor: Option<String>,
}

/// `GET /traces/calls`: the legs of one call, by their Call-IDs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TraceCallQuery {
    /// A Call-ID, repeated for each leg: `call_id=a&call_id=b` (1 to 10).
    #[cfg_attr(
        feature = "openapi",
        param(value_type = Vec<CallIdValue>, inline, min_items = 1, max_items = 10, explode = true, style = Form)
    )]
    pub call_id: Vec<String>,
    /// `json` (default), `text` or `pcap`.
    pub format: Option<crate::siptrace::TraceFormat>,
}

/// A Call-ID in a query: never empty (an empty `call_id=` is a 400, as everywhere).
#[cfg(feature = "openapi")]
pub struct CallIdValue;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for CallIdValue {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for CallIdValue {}

impl TraceCallQuery {
    /// `call_id=a&call_id=b&format=pcap` (serde_urlencoded writes no repeated keys).
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, &str)> = self.call_id.iter().map(|c| ("call_id", c.as_str())).collect();
        let format = self.format.map(|f| f.as_str());
        if let Some(f) = format {
            pairs.push(("format", f));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// `GET /traces/calls/{call_id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TraceFlowQuery {
    /// `json` (default), `text` or `pcap`.
    pub format: Option<crate::siptrace::TraceFormat>,
}

paged!(JobsQuery, ToposQuery; with format: RegistrationsQuery, DialogsQuery, HistoryQuery, CdrQuery, CallsQuery);
paged!(PresentitiesQuery, WatchersQuery, OfflineMessagesQuery, TraceQuery);

/// `node=` of calls that go to one Kamailio node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct NodeQuery {
    /// A configured node name (default: the first node).
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub node: Option<String>,
}

/// `DELETE /registrations/{aor}/contacts`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ContactQuery {
    /// The exact Contact URI, e.g. `sip:alice@192.0.2.1:5060;transport=udp`.
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub contact: String,
    /// A configured node name (default: the first node).
    #[cfg_attr(feature = "openapi", param(min_length = 1))]
    pub node: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_leave_out_what_is_absent() {
        let q = RegistrationsQuery {
            source: Some(RegistrationSource::Memory),
            q: Some("a b".into()),
            limit: Some(20),
            ..Default::default()
        };
        assert_eq!(to_query_string(&q), "source=memory&q=a+b&limit=20");
        let back: RegistrationsQuery = serde_urlencoded::from_str("source=memory&q=a+b&limit=20").unwrap();
        assert_eq!(back, q);
    }
}
