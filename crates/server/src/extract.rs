//! Request extractors every area shares: the typed query (errors name the parameter)
//! and the actor (who asked, for the audit hook).
use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};
use kamscope_api_types::cleanup::CleanupRequest;
use kamscope_api_types::presence::{PresenceCleanupRequest, RefreshWatchersRequest};
use kamscope_api_types::query::{
    CallsQuery, CdrQuery, CdrStatsQuery, ContactQuery, DialogsQuery, HistoryQuery, JobsQuery, KpiQuery, NodeQuery,
    OfflineMessagesQuery, Paged, PresentitiesQuery, RegistrationsQuery, ToposQuery, WatchersQuery, MAX_LIMIT,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;
use crate::services::Actor;

/// Checks a query can be answered beyond its types (bounds, non-empty strings).
pub trait QueryRules {
    fn check(&self) -> Result<(), ApiError> {
        Ok(())
    }
    /// What to say when `param` does not parse, where this query means something else
    /// by the name than [`hint`] says (e.g. siptrace's `status` is a SIP code).
    fn param_hint(_param: &str) -> Option<String>
    where
        Self: Sized,
    {
        None
    }
}

/// `limit` 1..=MAX_LIMIT and a non-empty `cursor`, as the schema says.
pub fn check_paging(q: &impl Paged) -> Result<(), ApiError> {
    if let Some(l) = q.limit() {
        if !(1..=MAX_LIMIT).contains(&l) {
            return Err(ApiError::bad_param("limit", format!("must be a whole number from 1 to {MAX_LIMIT}, got {l}")));
        }
    }
    if q.cursor().is_some_and(str::is_empty) {
        return Err(ApiError::bad_param(
            "cursor",
            "is empty: pass back `next_cursor` unchanged, or leave it out for the first page",
        ));
    }
    Ok(())
}

/// `param=` with nothing after it is not a value (the schema says `minLength: 1`); a value
/// of spaces is one, and filters as the service decides.
fn non_empty(param: &str, v: &Option<String>) -> Result<(), ApiError> {
    if v.as_deref().is_some_and(str::is_empty) {
        return Err(ApiError::bad_param(param, "is empty: leave it out instead"));
    }
    Ok(())
}

impl QueryRules for RegistrationsQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_paging(self)?;
        non_empty("node", &self.node)?;
        if self.q.as_deref().is_some_and(|q| q.chars().count() > 64) {
            return Err(ApiError::bad_param("q", "is longer than a username can be (64 characters)"));
        }
        Ok(())
    }
}

impl QueryRules for DialogsQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_paging(self)?;
        non_empty("node", &self.node)?;
        if self.state.is_some_and(|s| !(1..=5).contains(&s)) {
            return Err(ApiError::bad_param("state", STATE_HINT));
        }
        Ok(())
    }
}

impl QueryRules for HistoryQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_paging(self)
    }
}

impl QueryRules for JobsQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_paging(self)
    }
}

impl QueryRules for CdrQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_paging(self)?;
        if self.sip_code.is_some_and(|c| !(100..=699).contains(&c)) {
            return Err(ApiError::bad_param("sip_code", "must be a SIP status code from 100 to 699"));
        }
        check_range(self.from, self.to)?;
        if self
            .method
            .as_deref()
            .is_some_and(|m| m.is_empty() || m.len() > 16 || !m.chars().all(|c| c.is_ascii_alphabetic()))
        {
            return Err(ApiError::bad_param("method", "must be a SIP method name such as INVITE (letters only)"));
        }
        text_filter("caller", &self.caller, 64)?;
        text_filter("callee", &self.callee, 64)?;
        non_empty("call_id", &self.call_id)
    }
}

impl QueryRules for CdrStatsQuery {}

impl QueryRules for CallsQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_paging(self)?;
        check_range(self.from, self.to)?;
        text_filter("caller", &self.caller, 64)?;
        text_filter("callee", &self.callee, 64)?;
        non_empty("call_id", &self.call_id)
    }
}

impl QueryRules for KpiQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_range(self.from, self.to)
    }
}

/// `to` after `from`, when both are given.
fn check_range(
    from: Option<chrono::DateTime<chrono::FixedOffset>>,
    to: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> Result<(), ApiError> {
    match (from, to) {
        (Some(from), Some(to)) if to <= from => {
            Err(ApiError::bad_param("to", format!("must be after `from` ({from}), got {to}")))
        }
        _ => Ok(()),
    }
}

impl QueryRules for NodeQuery {
    fn check(&self) -> Result<(), ApiError> {
        non_empty("node", &self.node)
    }
}

impl QueryRules for ContactQuery {
    fn check(&self) -> Result<(), ApiError> {
        non_empty("node", &self.node)?;
        if self.contact.is_empty() {
            return Err(ApiError::bad_param("contact", CONTACT_HINT));
        }
        Ok(())
    }
}

const STATE_HINT: &str =
    "must be a dialog state code 1-5 (1 unconfirmed, 2 early, 3 confirmed without ACK, 4 confirmed, 5 deleted)";
const CONTACT_HINT: &str = "is required: the exact Contact URI to remove, e.g. sip:alice@192.0.2.1:5060";

/// What to say about a parameter whose text does not parse, beyond serde's words.
fn hint(param: &str) -> Option<String> {
    match param {
        "limit" => Some(format!("must be a whole number from 1 to {MAX_LIMIT}")),
        "state" => Some(STATE_HINT.into()),
        "contact" => Some(CONTACT_HINT.into()),
        "sip_code" => Some("must be a SIP status code from 100 to 699".into()),
        "from" | "to" => Some("must be a time in RFC 3339 with its offset, e.g. 2026-12-01T08:00:00+08:00".into()),
        "date" => Some("must be a date as YYYY-MM-DD".into()),
        "group_by" => Some("must be one of hour, day, caller, callee".into()),
        "older_than_days" => Some("must be a whole number of days from 1 to 3650".into()),
        "dry_run" => Some("must be true or false".into()),
        "status" => Some(WATCHER_STATUS_HINT.into()),
        "type" => Some(REFRESH_TYPE_HINT.into()),
        _ => None,
    }
}

/// A query string parsed into `T` and checked; errors are 400 problems naming the
/// parameter and what was sent.
pub struct ApiQuery<T>(pub T);

impl<T> std::ops::Deref for ApiQuery<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

pub fn parse_query<T: DeserializeOwned + Serialize + QueryRules>(query: &str) -> Result<T, ApiError> {
    let pairs = form_urlencoded_pairs(query);
    let de = serde_urlencoded::Deserializer::new(url_pairs(query));
    let parsed: T = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // A missing required field has no path: its name is in serde's message.
        let param =
            if path == "." || path.is_empty() { inner.split('`').nth(1).unwrap_or("query").to_string() } else { path };
        let sent = pairs.iter().find(|(k, _)| *k == param).map(|(_, v)| v.clone());
        let what = T::param_hint(&param).or_else(|| hint(&param)).unwrap_or(inner);
        match sent {
            Some(v) => ApiError::bad_param(&param, format!("{what}, got {v:?}")),
            None => ApiError::bad_param(&param, what),
        }
    })?;
    // A parameter the operation does not take is an error, not silently ignored (a typo
    // like `?calid=` would otherwise list everything). What `T` took is what it writes back.
    let taken = serde_urlencoded::to_string(&parsed).unwrap_or_default();
    let known: Vec<String> = url_pairs(&taken).map(|(k, _)| k.into_owned()).collect();
    if let Some((k, _)) = pairs.iter().find(|(k, _)| !known.contains(k)) {
        return Err(ApiError::bad_param(k, "is not a parameter of this operation (see /docs/)"));
    }
    parsed.check()?;
    Ok(parsed)
}

/// The query of operations that take no parameters: any parameter is an error.
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct NoQuery {}

impl QueryRules for NoQuery {}

fn url_pairs(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    url_pairs(query).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

impl<T: DeserializeOwned + Serialize + QueryRules> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(ApiQuery))
    }
}

/// A JSON body parsed into `T` and checked; an empty body is `T::default()`. Errors
/// are 400 problems naming the field (`Body field `older_than_days` ...`).
pub struct ApiJson<T>(pub T);

impl<T> std::ops::Deref for ApiJson<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

pub fn parse_body<T: DeserializeOwned + Default + QueryRules>(body: &[u8]) -> Result<T, ApiError> {
    let text = std::str::from_utf8(body).unwrap_or("").trim();
    if body.iter().all(u8::is_ascii_whitespace) || text == "null" {
        let t = T::default();
        t.check()?;
        return Ok(t);
    }
    // serde would also read a struct from a JSON array: a body is an object or nothing.
    if !text.starts_with('{') {
        return Err(ApiError::bad_body("body", "must be a JSON object (or left out)"));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let msg = inner.to_string();
        // "unknown field `x`, expected ..." names the field itself.
        let field =
            if path == "." || path.is_empty() { msg.split('`').nth(1).unwrap_or("body").to_string() } else { path };
        let what = hint(&field).map(|h| format!("{h} ({msg})")).unwrap_or(msg);
        ApiError::bad_body(&field, what)
    })?;
    parsed.check()?;
    Ok(parsed)
}

impl<T: DeserializeOwned + Default + QueryRules + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = actix_web::web::Bytes::from_request(req, payload);
        let json = req.content_type().is_empty() || req.content_type().ends_with("json");
        Box::pin(async move {
            let body = body.await.map_err(|e| ApiError::bad_body("body", format!("could not be read: {e}")))?;
            if !json && !body.is_empty() {
                return Err(ApiError::bad_body("body", "must be JSON (Content-Type: application/json)"));
            }
            parse_body(&body).map(ApiJson)
        })
    }
}

impl QueryRules for CleanupRequest {
    fn check(&self) -> Result<(), ApiError> {
        match self.older_than_days {
            Some(d) if !(1..=3650).contains(&d) => Err(ApiError::bad_body(
                "older_than_days",
                format!("must be a whole number of days from 1 to 3650, got {d}"),
            )),
            _ => Ok(()),
        }
    }
}

impl QueryRules for ToposQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_paging(self)?;
        check_range(self.from, self.to)?;
        non_empty("call_id", &self.call_id)
    }
}

const WATCHER_STATUS_HINT: &str =
    "must be a subscription status code 1-4 (1 active, 2 pending, 3 terminated, 4 waiting)";
const REFRESH_TYPE_HINT: &str =
    "must be 0 (authorization changed), 1 (published state changed) or 2 (pidf-manipulation document changed)";

/// Presence and msilo filters: present means not blank, and no longer than the column.
fn text_filter(param: &str, v: &Option<String>, max: usize) -> Result<(), ApiError> {
    non_empty(param, v)?;
    if v.as_deref().is_some_and(|s| s.chars().count() > max) {
        return Err(ApiError::bad_param(param, format!("is longer than the column it filters ({max} characters)")));
    }
    Ok(())
}

impl QueryRules for PresentitiesQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_paging(self)?;
        text_filter("user", &self.user, 64)?;
        text_filter("domain", &self.domain, 64)?;
        text_filter("event", &self.event, 64)
    }
}

impl QueryRules for WatchersQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_paging(self)?;
        text_filter("presentity", &self.presentity, 255)?;
        text_filter("watcher", &self.watcher, 255)?;
        text_filter("event", &self.event, 64)?;
        if self.status.is_some_and(|s| !(1..=4).contains(&s)) {
            return Err(ApiError::bad_param(
                "status",
                format!("{WATCHER_STATUS_HINT}, got {}", self.status.unwrap_or(0)),
            ));
        }
        Ok(())
    }
}

impl QueryRules for OfflineMessagesQuery {
    fn check(&self) -> Result<(), ApiError> {
        check_paging(self)?;
        text_filter("src", &self.src, 255)?;
        text_filter("dst", &self.dst, 255)
    }
}

impl QueryRules for PresenceCleanupRequest {
    fn check(&self) -> Result<(), ApiError> {
        if self.node.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(ApiError::bad_body("node", "is empty: leave it out for the first node"));
        }
        Ok(())
    }
}

impl QueryRules for RefreshWatchersRequest {
    fn check(&self) -> Result<(), ApiError> {
        // As the schema's pattern: `sip:` or `sips:`, a user without `@`, `@`, a host; no spaces.
        let uri = self.presentity_uri.as_str();
        if uri.is_empty() {
            return Err(ApiError::bad_body(
                "presentity_uri",
                "is required: the presentity's SIP URI, e.g. sip:alice@example.com",
            ));
        }
        let user_host = uri.strip_prefix("sip:").or_else(|| uri.strip_prefix("sips:"));
        let well_formed = !uri.chars().any(char::is_whitespace)
            && user_host.is_some_and(|r| r.split_once('@').is_some_and(|(u, h)| !u.is_empty() && !h.is_empty()));
        if !well_formed {
            return Err(ApiError::bad_body(
                "presentity_uri",
                format!("must be a SIP URI with a user, e.g. sip:alice@example.com, got {uri:?}"),
            ));
        }
        if self.event.as_deref().is_some_and(|e| e.trim().is_empty() || e.chars().count() > 64) {
            return Err(ApiError::bad_body(
                "event",
                "must be an event package name such as presence (1 to 64 characters)",
            ));
        }
        if self.refresh_type > 2 {
            return Err(ApiError::bad_body("type", format!("{REFRESH_TYPE_HINT}, got {}", self.refresh_type)));
        }
        let file = [("file_uri", &self.file_uri), ("filename", &self.filename)];
        for (name, v) in file {
            match (self.refresh_type, v.as_deref().map(str::trim)) {
                (2, None | Some("")) => {
                    return Err(ApiError::bad_body(name, "is required with type 2 (the pidf-manipulation document)"))
                }
                (0 | 1, Some(_)) => return Err(ApiError::bad_body(name, "only goes with type 2")),
                _ => {}
            }
        }
        if self.node.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(ApiError::bad_body("node", "is empty: leave it out for the first node"));
        }
        Ok(())
    }
}

impl FromRequest for Actor {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    /// Until accounts exist the actor is the peer address; accounts will put the
    /// signed-in user here, in this one place.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let addr = req.connection_info().realip_remote_addr().map(str::to_string);
        ready(Ok(Actor { user: None, addr }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err<T: DeserializeOwned + Serialize + QueryRules>(q: &str) -> String {
        match parse_query::<T>(q) {
            Ok(_) => panic!("{q} was accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn errors_name_the_parameter_and_what_was_sent() {
        assert!(err::<RegistrationsQuery>("limit=5&calid=x").starts_with("Query parameter `calid` is not a parameter"));
        assert!(err::<NoQuery>("bogus=1").starts_with("Query parameter `bogus`"));
        assert!(parse_query::<NoQuery>("").is_ok());
        assert!(parse_query::<CdrQuery>("caller=%20&call_id=%C2%85").is_ok(), "spaces are values");
        assert!(err::<CdrQuery>(&format!("caller={}", "a".repeat(65))).contains("`caller`"));
        assert_eq!(
            err::<RegistrationsQuery>("limit=ten"),
            "Query parameter `limit` must be a whole number from 1 to 1000, got \"ten\""
        );
        assert!(err::<RegistrationsQuery>("limit=0").contains("`limit`"));
        assert!(err::<RegistrationsQuery>("limit=1001").contains("`limit`"));
        assert!(err::<RegistrationsQuery>("source=disk").starts_with("Query parameter `source`"));
        assert!(err::<RegistrationsQuery>("cursor=").contains("`cursor` is empty"));
        assert!(err::<DialogsQuery>("state=9").contains("`state`"));
        assert!(err::<DialogsQuery>("state=x").contains("`state`"));
        assert!(err::<ContactQuery>("").contains("`contact` is required"));
        assert!(err::<ContactQuery>("contact=").contains("`contact`"));
        let body = |b: &str| parse_body::<CleanupRequest>(b.as_bytes()).map_err(|e| e.to_string());
        assert_eq!(body("").unwrap(), CleanupRequest::default());
        assert_eq!(body(r#"{"older_than_days": 7, "dry_run": true}"#).unwrap().older_than_days, Some(7));
        for (b, field) in [
            (r#"{"older_than_days": 0}"#, "older_than_days"),
            (r#"{"older_than_days": -3}"#, "older_than_days"),
            (r#"{"older_than_days": 99999999999}"#, "older_than_days"),
            (r#"{"older_than_days": "ten"}"#, "older_than_days"),
            (r#"{"dry_run": "yes"}"#, "dry_run"),
            (r#"{"older_than_days": 5, "force": true}"#, "force"),
            ("[1]", "body"),
        ] {
            let e = body(b).unwrap_err();
            assert!(e.starts_with(&format!("Body field `{field}`")), "{b}: {e}");
        }
        let q = parse_query::<RegistrationsQuery>("source=memory&q=al&limit=7").unwrap();
        assert_eq!((q.limit, q.q.as_deref()), (Some(7), Some("al")));
    }
}
