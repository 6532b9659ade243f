//! Presence (Kamailio's presence module): published states and subscriptions from its
//! tables, and its two RPCs that change things: `presence.cleanup` and
//! `presence.refreshWatchers`.
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use chrono_tz::Tz;
use kamscope_api_types::presence::{
    PresenceCleanupCount, PresenceCleanupReport, Presentity, RefreshWatchersRequest, RefreshWatchersResult, Watcher,
};
use kamscope_api_types::query::{PresentitiesQuery, WatchersQuery, DEFAULT_LIMIT};
use kamscope_api_types::Page;
use kamscope_db::{PresenceDb, PresenceTable, PresentityFilter, WatcherFilter};
use kamscope_rpc::RpcError;
use serde_json::json;

use super::nodes::Nodes;
use super::{Actor, AuditLog, Change};
use crate::cursor;
use crate::error::ApiError;

#[async_trait]
pub trait Presence: Send + Sync {
    async fn presentities(&self, q: &PresentitiesQuery) -> Result<Page<Presentity>, ApiError>;
    /// One presentity with its published document.
    async fn presentity(&self, id: i64) -> Result<Presentity, ApiError>;
    async fn watchers(&self, q: &WatchersQuery) -> Result<Page<Watcher>, ApiError>;
    /// `presence.cleanup`, then the expired rows it left; what went from each table.
    async fn cleanup(&self, actor: &Actor, node: Option<&str>) -> Result<PresenceCleanupReport, ApiError>;
    /// `presence.refreshWatchers`.
    async fn refresh_watchers(
        &self,
        actor: &Actor,
        req: &RefreshWatchersRequest,
    ) -> Result<RefreshWatchersResult, ApiError>;
}

pub struct PresenceService {
    pub db: Arc<dyn PresenceDb>,
    pub nodes: Nodes,
    pub tz: Tz,
    pub audit: Arc<dyn AuditLog>,
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

/// The cursor names its list, so one list's cursor cannot page the other.
fn after(raw: Option<&str>, list: &str) -> Result<Option<i64>, ApiError> {
    match raw.map(cursor::decode::<(String, i64)>).transpose()? {
        Some((l, _)) if l != list => {
            Err(ApiError::bad_param("cursor", format!("belongs to the list of {l}; start again without a cursor")))
        }
        c => Ok(c.map(|(_, id)| id)),
    }
}

fn page<T>(list: &str, (items, next): (Vec<T>, Option<i64>)) -> Page<T> {
    Page { items, next_cursor: next.map(|id| cursor::encode(&(list, id))) }
}

/// Kamailio answered refreshWatchers with an error: the request cannot be done as asked
/// (an event package Kamailio does not handle, a presentity it has no state for).
fn refused(uri: &str, event: &str, e: &RpcError) -> ApiError {
    ApiError::Unprocessable(format!(
        "Kamailio refused presence.refreshWatchers for {uri}, event `{event}`: check that `event` is a package \
         Kamailio's presence handles (e.g. presence) and that {uri} has a presentity. (Kamailio: {e})"
    ))
}

/// `sip:user@domain[;params]` → (user, domain), as presence_xml looks up `xcap`.
fn user_domain(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("sip:").or_else(|| uri.strip_prefix("sips:"))?;
    let rest = rest.split([';', '?', '>']).next()?;
    let (user, host) = rest.split_once('@')?;
    let domain = host.rsplit_once(':').filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit())).map_or(host, |(h, _)| h);
    Some((user, domain))
}

#[async_trait]
impl Presence for PresenceService {
    async fn presentities(&self, q: &PresentitiesQuery) -> Result<Page<Presentity>, ApiError> {
        let after = after(q.cursor.as_deref(), "presentity")?;
        let f = PresentityFilter { user: text(&q.user), domain: text(&q.domain), event: text(&q.event) };
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT).into();
        Ok(page("presentity", self.db.presentities(&f, limit, after).await?))
    }

    async fn presentity(&self, id: i64) -> Result<Presentity, ApiError> {
        self.db.presentity(id).await?.ok_or_else(|| {
            ApiError::NotFound(format!("There is no presentity {id} (it may have expired and been removed)"))
        })
    }

    async fn watchers(&self, q: &WatchersQuery) -> Result<Page<Watcher>, ApiError> {
        let after = after(q.cursor.as_deref(), "active_watchers")?;
        let f = WatcherFilter {
            presentity: text(&q.presentity),
            watcher: text(&q.watcher),
            event: text(&q.event),
            status: q.status.map(i64::from),
        };
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT).into();
        Ok(page("active_watchers", self.db.watchers(&f, limit, after).await?))
    }

    async fn cleanup(&self, actor: &Actor, node: Option<&str>) -> Result<PresenceCleanupReport, ApiError> {
        let node = self.nodes.one(node)?;
        // Fixed before anything goes: a row expiring after it is live and stays.
        let cutoff = Utc::now().timestamp();
        let expiring = [PresenceTable::Presentity, PresenceTable::ActiveWatchers];
        let mut before = Vec::new();
        for t in expiring {
            before.push((t, self.db.presence_ids(t, Some(cutoff)).await?));
        }
        // Kamailio's watchers clean removes old pending authorizations: counted, not ours.
        before.push((PresenceTable::Watchers, self.db.presence_ids(PresenceTable::Watchers, None).await?));
        let answer = node.rpc.presence_cleanup().await?;
        let mut tables = Vec::new();
        for (t, ids) in before {
            let left = self.db.presence_ids_left(t, &ids).await?;
            let by_kamailio = ids.len() as u64 - left.min(ids.len() as u64);
            let by_kamscope = if expiring.contains(&t) { self.db.delete_expired(t, cutoff).await? } else { 0 };
            tables.push(PresenceCleanupCount {
                table: t.name().into(),
                removed: by_kamailio + by_kamscope,
                by_kamailio,
                by_kamscope,
            });
        }
        let report = PresenceCleanupReport {
            node: node.name.clone(),
            cutoff: chrono::DateTime::from_timestamp(cutoff, 0)
                .unwrap_or_default()
                .with_timezone(&self.tz)
                .fixed_offset(),
            kamailio: answer,
            tables,
        };
        self.audit.record(
            actor,
            &Change {
                action: "presence.cleanup",
                target: "presentity+active_watchers+watchers".into(),
                node: Some(node.name.clone()),
                detail: json!(&report),
            },
        );
        Ok(report)
    }

    async fn refresh_watchers(
        &self,
        actor: &Actor,
        req: &RefreshWatchersRequest,
    ) -> Result<RefreshWatchersResult, ApiError> {
        let node = self.nodes.one(req.node.as_deref())?;
        let uri = req.presentity_uri.trim();
        let event = text(&req.event).unwrap_or_else(|| "presence".into());
        let file = match (req.file_uri.as_deref(), req.filename.as_deref()) {
            (Some(u), Some(n)) if req.refresh_type == 2 => Some((u, n)),
            _ => None,
        };
        match node.rpc.refresh_watchers(uri, &event, req.refresh_type, file).await {
            Ok(()) => {}
            // Kamailio says only "Execution failed": look at what type 0 needs.
            Err(e @ RpcError::Kamailio { .. }) if req.refresh_type == 0 => {
                let has_rules = match user_domain(uri) {
                    Some((u, d)) => self.db.has_pres_rules(u, d).await?,
                    None => false,
                };
                if !has_rules {
                    return Err(ApiError::Unprocessable(format!(
                        "Kamailio refused presence.refreshWatchers type 0 for {uri}: there is no pres-rules \
                         document for it in the `xcap` table (doc_type 2), and type 0 re-reads the watchers' \
                         authorization from that document. Store a pres-rules document for {uri} in `xcap` first, \
                         or use type 1 to send the published state again. (Kamailio: {e})"
                    )));
                }
                return Err(refused(uri, &event, &e));
            }
            Err(e @ RpcError::Kamailio { .. }) => return Err(refused(uri, &event, &e)),
            Err(e) => return Err(e.into()),
        }
        let result = RefreshWatchersResult {
            node: node.name.clone(),
            presentity_uri: uri.to_string(),
            event,
            refresh_type: req.refresh_type,
        };
        self.audit.record(
            actor,
            &Change {
                action: "presence.refresh_watchers",
                target: uri.to_string(),
                node: Some(node.name.clone()),
                detail: json!(&result),
            },
        );
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn xcap_lookups_use_the_uris_user_and_domain() {
        assert_eq!(super::user_domain("sip:alice@127.0.0.1"), Some(("alice", "127.0.0.1")));
        assert_eq!(super::user_domain("sip:alice@example.com:5060;transport=udp"), Some(("alice", "example.com")));
        assert_eq!(super::user_domain("alice"), None);
    }
}
