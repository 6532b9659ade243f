//! Registrations (Kamailio's usrloc): the `location` table or Kamailio's memory, which
//! AoR a request may touch, and look-before-delete.
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use chrono_tz::Tz;
use kamscope_api_types::query::{RegistrationsQuery, DEFAULT_LIMIT};
use kamscope_api_types::usrloc::{Aor, Registration, RegistrationSource};
use kamscope_api_types::Page;
use kamscope_db::{LocationCursor, LocationQuery, UsrlocDb};
use kamscope_rpc::usrloc::{memory_page, to_registration};
use kamscope_rpc::MemoryCursor;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::nodes::{merged_page, NodeCursor, Nodes};
use super::{Actor, AuditLog, Change};
use crate::cursor;
use crate::error::ApiError;

#[async_trait]
pub trait Usrloc: Send + Sync {
    /// One page of contacts, one item per contact, sorted by user.
    async fn list(&self, q: &RegistrationsQuery) -> Result<Page<Registration>, ApiError>;
    /// One user's contacts from a node's memory.
    async fn get(&self, aor: &str, node: Option<&str>) -> Result<Aor, ApiError>;
    /// Every contact of the AoR (`ul.rm`).
    async fn delete_aor(&self, actor: &Actor, aor: &str, node: Option<&str>) -> Result<Change, ApiError>;
    /// One contact of the AoR (`ul.rm_contact`).
    async fn delete_contact(
        &self,
        actor: &Actor,
        aor: &str,
        contact: &str,
        node: Option<&str>,
    ) -> Result<Change, ApiError>;
}

/// Which AoRs this Kamailio keys, as usrloc's `use_domain` and the served domains say.
#[derive(Debug, Clone)]
pub struct AorPolicy {
    pub use_domain: bool,
    pub sip_domains: Vec<String>,
}

impl AorPolicy {
    /// The AoR as usrloc keys it. With `use_domain` off Kamailio ignores any domain in
    /// `user@domain`, so a foreign domain must not reach it (it would hit the local user).
    pub fn resolve(&self, aor: &str) -> Result<String, ApiError> {
        let aor = aor.trim();
        if aor.is_empty() || aor.len() > 255 || aor.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(ApiError::bad_path("aor", format!("must be a username or user@domain, got {aor:?}")));
        }
        if self.use_domain {
            return Ok(aor.to_string());
        }
        match aor.split_once('@') {
            None => Ok(aor.to_string()),
            Some((user, domain)) if self.sip_domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) => Ok(user.to_string()),
            Some((_, domain)) => Err(ApiError::NotFound(format!(
                "No registration for {aor}: this Kamailio keeps users without domains (usrloc use_domain 0) and serves {}, not {domain}",
                if self.sip_domains.is_empty() { "no configured domain".to_string() } else { self.sip_domains.join(", ") }
            ))),
        }
    }
}

/// What a registrations cursor holds: the source it belongs to and the keyset position.
#[derive(Serialize, Deserialize)]
#[serde(tag = "s", rename_all = "lowercase")]
enum RegCursor {
    Db(LocationCursor),
    Memory(NodeCursor<MemoryCursor>),
}

fn wrong_source_cursor() -> ApiError {
    ApiError::bad_param("cursor", "belongs to the other `source`; start again without a cursor")
}

fn no_such_aor(aor: &str) -> ApiError {
    ApiError::NotFound(format!("No registration for {aor} in Kamailio's memory"))
}

pub struct UsrlocService {
    pub db: Arc<dyn UsrlocDb>,
    pub nodes: Nodes,
    pub policy: AorPolicy,
    pub tz: Tz,
    pub audit: Arc<dyn AuditLog>,
}

#[async_trait]
impl Usrloc for UsrlocService {
    async fn list(&self, query: &RegistrationsQuery) -> Result<Page<Registration>, ApiError> {
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        let after = query.cursor.as_deref().map(cursor::decode::<RegCursor>).transpose()?;
        match query.source.unwrap_or_default() {
            RegistrationSource::Db => {
                let after = match after {
                    None => None,
                    Some(RegCursor::Db(c)) => Some(c),
                    Some(RegCursor::Memory(_)) => return Err(wrong_source_cursor()),
                };
                let lq = LocationQuery { q: q.map(String::from), limit: limit.into(), after };
                let (items, next) = self.db.locations(&lq).await?;
                Ok(Page { items, next_cursor: next.map(|c| cursor::encode(&RegCursor::Db(c))) })
            }
            RegistrationSource::Memory => {
                let after = match after {
                    None => None,
                    Some(RegCursor::Memory(c)) => Some(c),
                    Some(RegCursor::Db(_)) => return Err(wrong_source_cursor()),
                };
                let nodes = self.nodes.some(query.node.as_deref())?;
                let (use_domain, tz) = (self.policy.use_domain, self.tz);
                let (items, next) = merged_page(&nodes, after, limit as usize, |node, at, want| async move {
                    let (mut got, more) = memory_page(&*node.rpc, q, want, at.as_ref(), use_domain, tz).await?;
                    got.iter_mut().for_each(|r| r.node = Some(node.name.clone()));
                    Ok((got, more))
                })
                .await?;
                Ok(Page { items, next_cursor: next.map(|c| cursor::encode(&RegCursor::Memory(c))) })
            }
        }
    }

    async fn get(&self, raw: &str, node: Option<&str>) -> Result<Aor, ApiError> {
        let aor = self.policy.resolve(raw)?;
        let node = self.nodes.one(node)?;
        let contacts = node.rpc.lookup(&aor).await?.ok_or_else(|| no_such_aor(raw))?;
        let now = Utc::now();
        let contacts = contacts
            .into_iter()
            .map(|c| Registration {
                node: Some(node.name.clone()),
                ..to_registration(&aor, c, self.policy.use_domain, now, self.tz)
            })
            .collect();
        Ok(Aor { aor, contacts })
    }

    async fn delete_aor(&self, actor: &Actor, raw: &str, node: Option<&str>) -> Result<Change, ApiError> {
        let aor = self.policy.resolve(raw)?;
        let node = self.nodes.one(node)?;
        // ul.rm answers {} for AoRs it does not have: look first so a typo is a 404.
        let contacts = node.rpc.lookup(&aor).await?.ok_or_else(|| no_such_aor(raw))?;
        node.rpc.rm(&aor).await?;
        let change = Change {
            action: "usrloc.delete_aor",
            target: aor,
            node: Some(node.name.clone()),
            detail: json!({ "contacts": contacts.iter().map(|c| c.address.as_str()).collect::<Vec<_>>() }),
        };
        self.audit.record(actor, &change);
        Ok(change)
    }

    async fn delete_contact(
        &self,
        actor: &Actor,
        raw: &str,
        contact: &str,
        node: Option<&str>,
    ) -> Result<Change, ApiError> {
        let contact = contact.trim();
        let aor = self.policy.resolve(raw)?;
        let node = self.nodes.one(node)?;
        let contacts = node.rpc.lookup(&aor).await?.ok_or_else(|| no_such_aor(raw))?;
        let not_found = || ApiError::NotFound(format!("{raw} has no contact {contact}"));
        if !contacts.iter().any(|c| c.address == contact) {
            return Err(not_found());
        }
        if !node.rpc.rm_contact(&aor, contact).await? {
            return Err(not_found());
        }
        let change = Change {
            action: "usrloc.delete_contact",
            target: aor,
            node: Some(node.name.clone()),
            detail: json!({ "contacts": [contact] }),
        };
        self.audit.record(actor, &change);
        Ok(change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::Node;
    use crate::state::tests::{FakeDb, FakeNode};

    fn service(node: FakeNode, use_domain: bool) -> UsrlocService {
        UsrlocService {
            db: Arc::new(FakeDb::default()),
            nodes: Nodes::new(vec![Node { name: "kamailio".into(), rpc: Arc::new(node) }]).unwrap(),
            policy: AorPolicy { use_domain, sip_domains: vec!["example.org".into()] },
            tz: chrono_tz::UTC,
            audit: Arc::new(super::super::TracingAudit),
        }
    }

    #[test]
    fn foreign_domains_never_reach_the_local_user() {
        let p = AorPolicy { use_domain: false, sip_domains: vec!["example.org".into()] };
        assert_eq!(p.resolve("bob@EXAMPLE.org").unwrap(), "bob");
        assert!(matches!(p.resolve("bob@elsewhere.example"), Err(ApiError::NotFound(_))));
        assert!(p.resolve("bo b").unwrap_err().to_string().starts_with("Path parameter `aor`"));
        let p = AorPolicy { use_domain: true, ..p };
        assert_eq!(p.resolve("bob@elsewhere.example").unwrap(), "bob@elsewhere.example");
    }

    #[tokio::test]
    async fn delete_looks_first_and_reports_what_went() {
        let node = FakeNode::with_users(&[("alice", &["sip:alice@10.0.0.1", "sip:alice@10.0.0.2"])]);
        let s = service(node.clone(), false);
        assert!(matches!(s.delete_aor(&Actor::default(), "nobody", None).await, Err(ApiError::NotFound(_))));
        assert!(node.removed().is_empty(), "ul.rm must not run for an unknown AoR");
        let c = s.delete_contact(&Actor::default(), "alice", "sip:alice@10.0.0.2", None).await.unwrap();
        assert_eq!(c.detail, json!({"contacts": ["sip:alice@10.0.0.2"]}));
        assert!(matches!(
            s.delete_contact(&Actor::default(), "alice", "sip:alice@10.0.0.9", None).await,
            Err(ApiError::NotFound(_))
        ));
        let c = s.delete_aor(&Actor::default(), "alice@example.org", None).await.unwrap();
        assert_eq!((c.target.as_str(), c.action), ("alice", "usrloc.delete_aor"));
        assert_eq!(node.removed(), vec!["alice sip:alice@10.0.0.2".to_string(), "alice".to_string()]);
    }

    #[tokio::test]
    async fn a_cursor_from_the_other_source_is_a_400() {
        let s = service(FakeNode::with_users(&[("a", &["sip:a@h"]), ("b", &["sip:b@h"])]), false);
        let q = RegistrationsQuery { source: Some(RegistrationSource::Memory), limit: Some(1), ..Default::default() };
        let page = s.list(&q).await.unwrap();
        assert_eq!(page.items.len(), 1);
        let q = RegistrationsQuery { cursor: page.next_cursor, ..Default::default() };
        assert!(s.list(&q).await.unwrap_err().to_string().contains("other `source`"));
    }
}
