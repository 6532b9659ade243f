//! usrloc RPCs (`ul.*`): registrations in Kamailio's memory.
use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use futures::stream::{self, StreamExt, TryStreamExt};
use kamscope_api_types::usrloc::{ExpiryState, Registration, RegistrationSource};
use serde_json::Value;

use crate::{KamailioRpc, RpcError};

/// usrloc's table (its "domain" in Kamailio's words) the registrar saves to.
pub const LOCATION_TABLE: &str = "location";
/// How many `ul.lookup` calls one page runs at once.
const LOOKUP_CONCURRENCY: usize = 16;

/// One contact as `ul.lookup` / `ul.dump` print it.
#[derive(Debug, Clone, PartialEq)]
pub struct UlContact {
    pub address: String,
    /// Seconds left, or Kamailio's word for a contact without a countdown.
    pub expires: UlExpires,
    pub q: Option<f64>,
    pub call_id: Option<String>,
    pub cseq: Option<i64>,
    pub user_agent: Option<String>,
    pub received: Option<String>,
    pub path: Option<String>,
    pub state: Option<String>,
    pub flags: Option<i64>,
    pub cflags: Option<i64>,
    pub socket: Option<String>,
    pub methods: Option<i64>,
    pub ruid: Option<String>,
    pub instance: Option<String>,
    pub reg_id: Option<i64>,
    pub last_modified: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UlExpires {
    SecondsLeft(i64),
    Permanent,
    Expired,
    Deleted,
}

#[async_trait]
pub trait UsrlocRpc: Send + Sync {
    /// `ul.dump brief`: every AoR in memory (no contacts; small even at 10k users).
    async fn aors(&self) -> Result<Vec<String>, RpcError>;
    /// `ul.lookup location <aor>`; `None` when Kamailio has no such AoR.
    async fn lookup(&self, aor: &str) -> Result<Option<Vec<UlContact>>, RpcError>;
    /// `ul.rm location <aor>` (Kamailio answers `{}` even for unknown AoRs).
    async fn rm(&self, aor: &str) -> Result<(), RpcError>;
    /// `ul.rm_contact location <aor> <contact>`; `false` when Kamailio has no such contact.
    async fn rm_contact(&self, aor: &str, contact: &str) -> Result<bool, RpcError>;
}

#[async_trait]
impl UsrlocRpc for KamailioRpc {
    async fn aors(&self) -> Result<Vec<String>, RpcError> {
        let dump: Value = self.call("ul.dump", &["brief"]).await?;
        parse_brief_dump(&dump).ok_or_else(|| RpcError::protocol("ul.dump", "no Domains[].Domain.AoRs in the answer"))
    }

    async fn lookup(&self, aor: &str) -> Result<Option<Vec<UlContact>>, RpcError> {
        match self.call::<Value>("ul.lookup", &[LOCATION_TABLE, aor]).await {
            Ok(v) => Ok(Some(parse_contacts(&v))),
            // usrloc says 500 "AOR not found in location table" for unknown AoRs.
            Err(RpcError::Kamailio { message, .. }) if message.contains("not found") => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn rm(&self, aor: &str) -> Result<(), RpcError> {
        self.call::<Value>("ul.rm", &[LOCATION_TABLE, aor]).await.map(|_| ())
    }

    async fn rm_contact(&self, aor: &str, contact: &str) -> Result<bool, RpcError> {
        match self.call::<Value>("ul.rm_contact", &[LOCATION_TABLE, aor, contact]).await {
            Ok(_) => Ok(true),
            Err(RpcError::Kamailio { code: 404, .. }) => Ok(false),
            Err(RpcError::Kamailio { message, .. }) if message.contains("not found") => Ok(false),
            Err(e) => Err(e),
        }
    }
}

fn parse_brief_dump(dump: &Value) -> Option<Vec<String>> {
    let domains = dump.get("Domains")?.as_array()?;
    let mut aors = Vec::new();
    for d in domains {
        let domain = d.get("Domain").unwrap_or(d);
        if domain.get("Domain").and_then(Value::as_str).is_some_and(|t| t != LOCATION_TABLE) {
            continue;
        }
        for a in domain.get("AoRs").and_then(Value::as_array).into_iter().flatten() {
            // brief prints {"AoR": ..}; the full dump wraps it in {"Info": {..}}.
            let info = a.get("Info").unwrap_or(a);
            if let Some(name) = info.get("AoR").and_then(Value::as_str) {
                aors.push(name.to_string());
            }
        }
    }
    Some(aors)
}

/// Kamailio prints "[not set]" for absent values.
fn text(c: &Value, key: &str) -> Option<String> {
    match c.get(key)? {
        Value::String(s) if s == "[not set]" || s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int(c: &Value, key: &str) -> Option<i64> {
    match c.get(key)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn parse_contacts(lookup: &Value) -> Vec<UlContact> {
    let contacts = lookup.get("Contacts").and_then(Value::as_array);
    contacts
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let c = c.get("Contact").unwrap_or(c);
            let address = text(c, "Address")?;
            let expires = match c.get("Expires") {
                Some(Value::String(s)) if s == "permanent" => UlExpires::Permanent,
                Some(Value::String(s)) if s == "expired" => UlExpires::Expired,
                Some(Value::String(s)) if s == "deleted" => UlExpires::Deleted,
                _ => UlExpires::SecondsLeft(int(c, "Expires").unwrap_or(0)),
            };
            let q = c.get("Q").and_then(Value::as_f64).filter(|q| *q >= 0.0);
            Some(UlContact {
                address,
                expires,
                q,
                call_id: text(c, "Call-ID"),
                cseq: int(c, "CSeq"),
                user_agent: text(c, "User-Agent"),
                received: text(c, "Received"),
                path: text(c, "Path"),
                state: text(c, "State"),
                flags: int(c, "Flags"),
                cflags: int(c, "CFlags"),
                socket: text(c, "Socket"),
                methods: int(c, "Methods"),
                ruid: text(c, "Ruid"),
                instance: text(c, "Instance"),
                reg_id: int(c, "Reg-Id"),
                last_modified: int(c, "Last-Modified"),
            })
        })
        .collect()
}

/// Splits an AoR into username and domain (domain only when usrloc keys by domain).
pub fn split_aor(aor: &str, use_domain: bool) -> (String, Option<String>) {
    match aor.split_once('@') {
        Some((user, domain)) if use_domain => (user.to_string(), Some(domain.to_string())),
        _ => (aor.to_string(), None),
    }
}

/// Turns `ul.lookup`'s contact into the API's registration, with absolute times in `tz`.
pub fn to_registration(aor: &str, c: UlContact, use_domain: bool, now: DateTime<Utc>, tz: Tz) -> Registration {
    let (username, domain) = split_aor(aor, use_domain);
    let local = |epoch: i64| Utc.timestamp_opt(epoch, 0).single().map(|t| t.with_timezone(&tz).fixed_offset());
    let (expiry_state, expires_in) = match c.expires {
        UlExpires::SecondsLeft(s) => (ExpiryState::Active, Some(s)),
        UlExpires::Permanent => (ExpiryState::Permanent, None),
        UlExpires::Expired => (ExpiryState::Expired, None),
        UlExpires::Deleted => (ExpiryState::Deleted, None),
    };
    Registration {
        aor: aor.to_string(),
        username,
        domain,
        contact: c.address,
        expires: expires_in.and_then(|s| local(now.timestamp() + s)),
        expires_in,
        expiry_state,
        user_agent: c.user_agent,
        received: c.received,
        socket: c.socket,
        q: c.q,
        call_id: c.call_id,
        cseq: c.cseq,
        last_modified: c.last_modified.and_then(local),
        path: c.path,
        instance: c.instance,
        reg_id: c.reg_id,
        ruid: c.ruid,
        flags: c.flags,
        cflags: c.cflags,
        methods: c.methods,
        ul_state: c.state,
        source: RegistrationSource::Memory,
        node: None,
    }
}

/// Where a memory page ended: the last (AoR, contact) shown. AoRs sort by name and
/// contacts by address, so the order is stable between pages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemoryCursor {
    pub aor: String,
    pub contact: String,
}

/// One page of registrations from memory: `ul.dump brief` for the AoR list, then
/// `ul.lookup` for just the AoRs this page needs (a full `ul.dump` is megabytes at
/// operator scale and Kamailio often fails to deliver it).
pub async fn memory_page(
    rpc: &dyn UsrlocRpc,
    q: Option<&str>,
    limit: usize,
    after: Option<&MemoryCursor>,
    use_domain: bool,
    tz: Tz,
) -> Result<(Vec<Registration>, Option<MemoryCursor>), RpcError> {
    let mut aors = rpc.aors().await?;
    if let Some(q) = q {
        let q = q.to_lowercase();
        aors.retain(|a| split_aor(a, use_domain).0.to_lowercase().contains(&q));
    }
    aors.sort();
    aors.dedup();
    if let Some(c) = after {
        aors.retain(|a| a.as_str() >= c.aor.as_str());
    }
    let now = Utc::now();
    let mut items: Vec<Registration> = Vec::with_capacity(limit + 1);
    let mut next = aors.into_iter().peekable();
    // Look AoRs up in rounds until the page (plus one to know if there is more) is full.
    while items.len() <= limit && next.peek().is_some() {
        let want = (limit + 1 - items.len()).clamp(LOOKUP_CONCURRENCY, 256);
        let batch: Vec<String> = next.by_ref().take(want).collect();
        let looked_up: Vec<(String, Option<Vec<UlContact>>)> = stream::iter(batch)
            .map(|aor| async move { rpc.lookup(&aor).await.map(|c| (aor, c)) })
            .buffered(LOOKUP_CONCURRENCY)
            .try_collect()
            .await?;
        for (aor, contacts) in looked_up {
            // An AoR can expire between the dump and the lookup: not an error.
            let Some(mut contacts) = contacts else { continue };
            contacts.sort_by(|a, b| a.address.cmp(&b.address));
            for c in contacts {
                if let Some(cur) = after {
                    if aor == cur.aor && c.address.as_str() <= cur.contact.as_str() {
                        continue;
                    }
                }
                items.push(to_registration(&aor, c, use_domain, now, tz));
            }
        }
    }
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|r| MemoryCursor { aor: r.aor.clone(), contact: r.contact.clone() })
    } else {
        None
    };
    Ok((items, next_cursor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn parses_lookup_with_kamailio_words() {
        let v = json!({"AoR":"bob","Contacts":[
            {"Contact":{"Address":"sip:bob@127.0.0.1:5080","Expires":3556,"Q":-1,"Call-ID":"c1","CSeq":1,
              "User-Agent":"ua","Received":"[not set]","Path":"[not set]","State":"CS_SYNC","Socket":"udp:127.0.0.1:5060",
              "Last-Modified":1795678186}},
            {"Contact":{"Address":"sip:bob@10.0.0.1","Expires":"permanent","Q":0.5,"Received":"sip:1.2.3.4:5060"}}]});
        let c = parse_contacts(&v);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].expires, UlExpires::SecondsLeft(3556));
        assert_eq!(c[0].q, None);
        assert_eq!(c[0].received, None);
        assert_eq!(c[0].path, None);
        assert_eq!(c[1].expires, UlExpires::Permanent);
        assert_eq!(c[1].q, Some(0.5));
        assert_eq!(c[1].received.as_deref(), Some("sip:1.2.3.4:5060"));
    }

    #[test]
    fn parses_brief_dump() {
        let v = json!({"Domains":[{"Domain":{"Domain":"location","Size":1024,"AoRs":[{"AoR":"a"},{"AoR":"b"}]}}]});
        assert_eq!(parse_brief_dump(&v).unwrap(), vec!["a", "b"]);
    }

    /// A fake Kamailio: AoR -> contact addresses.
    struct Fake(BTreeMap<String, Vec<String>>);

    #[async_trait]
    impl UsrlocRpc for Fake {
        async fn aors(&self) -> Result<Vec<String>, RpcError> {
            Ok(self.0.keys().rev().cloned().collect())
        }
        async fn lookup(&self, aor: &str) -> Result<Option<Vec<UlContact>>, RpcError> {
            Ok(self.0.get(aor).map(|cs| {
                cs.iter()
                    .map(|a| parse_contacts(&json!({"Contacts":[{"Contact":{"Address":a,"Expires":60}}]})).remove(0))
                    .collect()
            }))
        }
        async fn rm(&self, _: &str) -> Result<(), RpcError> {
            unreachable!()
        }
        async fn rm_contact(&self, _: &str, _: &str) -> Result<bool, RpcError> {
            unreachable!()
        }
    }

    #[tokio::test]
    async fn memory_pages_cover_every_contact_once_in_order() {
        let mut m = BTreeMap::new();
        for i in 0..37 {
            let n = if i % 5 == 0 { 3 } else { 1 };
            m.insert(format!("user{i:03}"), (0..n).map(|k| format!("sip:user{i:03}@h:{k}")).collect());
        }
        let fake = Fake(m.clone());
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let (items, next) =
                memory_page(&fake, None, 7, cursor.as_ref(), false, chrono_tz::Asia::Shanghai).await.unwrap();
            assert!(items.len() <= 7);
            seen.extend(items.into_iter().map(|r| r.contact));
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let want: Vec<String> = m.values().flatten().cloned().collect();
        assert_eq!(seen, want);
        let (items, _) = memory_page(&fake, Some("USER03"), 100, None, false, chrono_tz::Asia::Shanghai).await.unwrap();
        assert_eq!(items.len(), 3 + 5 + 3); // user030..user036; user030 and user035 have 3 contacts
    }
}
