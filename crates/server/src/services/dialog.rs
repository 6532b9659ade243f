//! Dialogs (Kamailio's dialog module): `dlg.*` over JSON-RPC, the `dialog` table, and
//! acc's `acc_cdrs` for ended calls.
use std::sync::Arc;

use async_trait::async_trait;
use chrono_tz::Tz;
use kamscope_api_types::dialog::{Dialog, DialogRecord, DialogSource, DialogStats};
use kamscope_api_types::query::{DialogsQuery, HistoryQuery, DEFAULT_LIMIT};
use kamscope_api_types::Page;
use kamscope_db::{DialogDb, DialogFilter};
use kamscope_rpc::dialog::to_dialog;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::nodes::{merged_page, Node, NodeCursor, Nodes};
use super::{Actor, AuditLog, Change};
use crate::cursor;
use crate::error::ApiError;

#[async_trait]
pub trait Dialogs: Send + Sync {
    async fn list(&self, q: &DialogsQuery) -> Result<Page<Dialog>, ApiError>;
    async fn stats(&self, node: Option<&str>) -> Result<DialogStats, ApiError>;
    async fn history(&self, q: &HistoryQuery) -> Result<Page<DialogRecord>, ApiError>;
    async fn get(&self, h_entry: u32, h_id: u32, node: Option<&str>) -> Result<Dialog, ApiError>;
    /// `dlg.end_dlg`: Kamailio sends BYE to both parties.
    async fn end(&self, actor: &Actor, h_entry: u32, h_id: u32, node: Option<&str>) -> Result<Change, ApiError>;
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "s", rename_all = "lowercase")]
enum DialogCursor {
    /// The node, and the last (h_entry, h_id) shown on it.
    Memory(NodeCursor<(u32, u32)>),
    /// Last `dialog.id` shown.
    Db { id: i64 },
}

fn filter_of(q: &DialogsQuery) -> DialogFilter {
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    DialogFilter {
        call_id: text(&q.call_id),
        from_uri: text(&q.from_uri),
        to_uri: text(&q.to_uri),
        state: q.state.map(i64::from),
    }
}

/// The memory source has no server-side filter: `dlg.list` gives every dialog.
fn matches(d: &Dialog, f: &DialogFilter) -> bool {
    f.call_id.as_ref().is_none_or(|c| &d.call_id == c)
        && f.from_uri.as_ref().is_none_or(|u| d.from_uri.contains(u.as_str()))
        && f.to_uri.as_ref().is_none_or(|u| d.to_uri.contains(u.as_str()))
        && f.state.is_none_or(|s| d.state == s)
}

fn no_such_dialog(node: &Node, e: u32, i: u32) -> ApiError {
    ApiError::NotFound(format!("Kamailio node {} has no dialog {e}:{i} (h_entry:h_id); it may have ended", node.name))
}

pub struct DialogService {
    pub db: Arc<dyn DialogDb>,
    pub nodes: Nodes,
    pub tz: Tz,
    pub audit: Arc<dyn AuditLog>,
}

impl DialogService {
    /// Every dialog in a node's memory, as API items.
    async fn node_dialogs(&self, node: &Node) -> Result<Vec<Dialog>, ApiError> {
        let raw = node.rpc.list().await?;
        Ok(raw.iter().filter_map(|v| to_dialog(v, &node.name, self.tz)).collect())
    }
}

#[async_trait]
impl Dialogs for DialogService {
    async fn list(&self, query: &DialogsQuery) -> Result<Page<Dialog>, ApiError> {
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT) as usize;
        let filter = filter_of(query);
        let after = query.cursor.as_deref().map(cursor::decode::<DialogCursor>).transpose()?;
        let wrong_cursor =
            || ApiError::bad_param("cursor", "belongs to the other `source`; start again without a cursor");
        match query.source.unwrap_or_default() {
            DialogSource::Memory => {
                let after = match after {
                    None => None,
                    Some(DialogCursor::Memory(c)) => Some(c),
                    Some(DialogCursor::Db { .. }) => return Err(wrong_cursor()),
                };
                let nodes = self.nodes.some(query.node.as_deref())?;
                let filter = &filter;
                let (items, next) = merged_page(&nodes, after, limit, |node, at, want| async move {
                    let mut ds: Vec<Dialog> =
                        self.node_dialogs(node).await?.into_iter().filter(|d| matches(d, filter)).collect();
                    ds.sort_by_key(|d| (d.h_entry, d.h_id));
                    if let Some(at) = at {
                        ds.retain(|d| (d.h_entry, d.h_id) > at);
                    }
                    let more = ds.len() > want;
                    ds.truncate(want);
                    let last = ds.last().map(|d| (d.h_entry, d.h_id));
                    Ok((ds, if more { last } else { None }))
                })
                .await?;
                Ok(Page { items, next_cursor: next.map(|c| cursor::encode(&DialogCursor::Memory(c))) })
            }
            DialogSource::Db => {
                let after_id = match after {
                    None => None,
                    Some(DialogCursor::Db { id }) => Some(id),
                    Some(DialogCursor::Memory(_)) => return Err(wrong_cursor()),
                };
                let (items, next) = self.db.dialogs(&filter, limit as u64, after_id).await?;
                Ok(Page { items, next_cursor: next.map(|id| cursor::encode(&DialogCursor::Db { id })) })
            }
        }
    }

    async fn stats(&self, node: Option<&str>) -> Result<DialogStats, ApiError> {
        let node = self.nodes.one(node)?;
        let (active, stats) = tokio::join!(node.rpc.stats_active(), node.rpc.fetch(&["dialog:"]));
        let (active, stats) = (active?, stats?);
        let n = |k: &str| stats.get(k).copied().unwrap_or(0);
        Ok(DialogStats {
            node: node.name.clone(),
            starting: active.starting,
            connecting: active.connecting,
            answering: active.answering,
            ongoing: active.ongoing,
            all: active.all,
            active: n("dialog.active_dialogs"),
            early: n("dialog.early_dialogs"),
            processed: n("dialog.processed_dialogs"),
            failed: n("dialog.failed_dialogs"),
            expired: n("dialog.expired_dialogs"),
        })
    }

    async fn history(&self, q: &HistoryQuery) -> Result<Page<DialogRecord>, ApiError> {
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
        let before = q.cursor.as_deref().map(cursor::decode::<i64>).transpose()?;
        let call_id = q.call_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let f = kamscope_db::CdrRecordFilter { call_id, ..Default::default() };
        let (items, next) = self.db.dialog_records(&f, limit.into(), before).await?;
        Ok(Page { items, next_cursor: next.map(|id| cursor::encode(&id)) })
    }

    async fn get(&self, e: u32, i: u32, node: Option<&str>) -> Result<Dialog, ApiError> {
        let node = self.nodes.one(node)?;
        let d = self.node_dialogs(node).await?.into_iter().find(|d| d.h_entry == e && d.h_id == i);
        d.ok_or_else(|| no_such_dialog(node, e, i))
    }

    async fn end(&self, actor: &Actor, e: u32, i: u32, node: Option<&str>) -> Result<Change, ApiError> {
        let node = self.nodes.one(node)?;
        if !node.rpc.end(e, i).await? {
            return Err(no_such_dialog(node, e, i));
        }
        let change = Change {
            action: "dialog.end",
            target: format!("{e}:{i}"),
            node: Some(node.name.clone()),
            detail: json!({"h_entry": e, "h_id": i}),
        };
        self.audit.record(actor, &change);
        Ok(change)
    }
}
