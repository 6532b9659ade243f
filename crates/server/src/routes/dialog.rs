//! Dialogs: Kamailio's dialog module (`dlg.*` RPCs, `dialog` table) and acc's CDRs
//! for ended calls. Manual page 2.
use actix_web::{get, post, web, HttpResponse};
use kamscope_api_types::dialog::{Dialog, DialogRecord, DialogSource, DialogStats};
use kamscope_api_types::Page;
use kamscope_db::DialogFilter;
use kamscope_rpc::dialog::to_dialog;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::parse_limit;
use crate::cursor;
use crate::error::ApiError;
use crate::state::{AppState, Node};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DialogQuery {
    /// `memory` (active dialogs, `dlg.list`; default) or `db` (the `dialog` table).
    #[param(value_type = Option<DialogSource>)]
    pub source: Option<String>,
    /// Memory source: a node name, or `all` for every node merged (default: the first node).
    pub node: Option<String>,
    /// Exact Call-ID.
    pub call_id: Option<String>,
    /// Part of the From URI.
    pub from_uri: Option<String>,
    /// Part of the To URI.
    pub to_uri: Option<String>,
    /// Kamailio's state code 1-5.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 5)]
    pub state: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "s", rename_all = "lowercase")]
enum DialogCursor {
    /// Last (node, h_entry, h_id) shown.
    Memory { n: String, e: u32, i: u32 },
    /// Last `dialog.id` shown.
    Db { id: i64 },
}

fn filter_of(q: &DialogQuery) -> Result<DialogFilter, ApiError> {
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let state = match q.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (1..=5).contains(&n) => Some(n),
            _ => {
                return Err(ApiError::bad_param(
                    "state",
                    format!("must be a dialog state code 1-5 (1 unconfirmed, 2 early, 3 confirmed without ACK, 4 confirmed, 5 deleted), got {s:?}"),
                ))
            }
        },
    };
    Ok(DialogFilter { call_id: text(&q.call_id), from_uri: text(&q.from_uri), to_uri: text(&q.to_uri), state })
}

fn matches(d: &Dialog, f: &DialogFilter) -> bool {
    f.call_id.as_ref().is_none_or(|c| &d.call_id == c)
        && f.from_uri.as_ref().is_none_or(|u| d.from_uri.contains(u.as_str()))
        && f.to_uri.as_ref().is_none_or(|u| d.to_uri.contains(u.as_str()))
        && f.state.is_none_or(|s| d.state == s)
}

/// Every dialog in a node's memory, as API items.
async fn node_dialogs(state: &AppState, node: &Node) -> Result<Vec<Dialog>, ApiError> {
    let raw = node.rpc.list().await?;
    Ok(raw.iter().filter_map(|v| to_dialog(v, &node.name, state.tz)).collect())
}

/// Active dialogs from Kamailio's memory (`dlg.list`, per node or all nodes), or the
/// dialog records Kamailio keeps in its `dialog` table. Kamailio deletes a dialog's row
/// when the call ends: ended calls are at `/dialogs/history`.
#[utoipa::path(
    tag = "dialog",
    params(DialogQuery),
    responses(
        (status = 200, description = "One page of dialogs", body = Page<Dialog>),
        (status = 400, description = "A parameter is wrong", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Kamailio (memory) or the database (db) is unavailable", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dialogs")]
pub async fn list_dialogs(state: web::Data<AppState>, query: web::Query<DialogQuery>) -> Result<web::Json<Page<Dialog>>, ApiError> {
    let limit = parse_limit(query.limit.as_deref())? as usize;
    let filter = filter_of(&query)?;
    let after = query.cursor.as_deref().map(cursor::decode::<DialogCursor>).transpose()?;
    let wrong_cursor = || ApiError::bad_param("cursor", "belongs to the other `source`; start again without a cursor");
    match query.source.as_deref().map(str::trim) {
        None | Some("") | Some("memory") => {
            let nodes = state.nodes_for(query.node.as_deref())?;
            let after = match after {
                None => None,
                Some(DialogCursor::Memory { n, e, i }) => Some((n, e, i)),
                Some(DialogCursor::Db { .. }) => return Err(wrong_cursor()),
            };
            // Node order is configuration order; within a node, (h_entry, h_id).
            let mut items = Vec::new();
            for (idx, node) in nodes.iter().enumerate() {
                if let Some((n, ..)) = &after {
                    let cur = nodes.iter().position(|x| &x.name == n).unwrap_or(usize::MAX);
                    if idx < cur {
                        continue;
                    }
                }
                let mut ds: Vec<Dialog> = node_dialogs(&state, node).await?.into_iter().filter(|d| matches(d, &filter)).collect();
                ds.sort_by_key(|d| (d.h_entry, d.h_id));
                if let Some((n, e, i)) = &after {
                    if *n == node.name {
                        ds.retain(|d| (d.h_entry, d.h_id) > (*e, *i));
                    }
                }
                items.extend(ds);
                if items.len() > limit {
                    break;
                }
            }
            let next_cursor = if items.len() > limit {
                items.truncate(limit);
                items.last().map(|d| {
                    cursor::encode(&DialogCursor::Memory { n: d.node.clone().unwrap_or_default(), e: d.h_entry, i: d.h_id })
                })
            } else {
                None
            };
            Ok(web::Json(Page { items, next_cursor }))
        }
        Some("db") => {
            let after_id = match after {
                None => None,
                Some(DialogCursor::Db { id }) => Some(id),
                Some(DialogCursor::Memory { .. }) => return Err(wrong_cursor()),
            };
            let (items, next) = state.db.dialogs(&filter, limit as u64, after_id).await?;
            Ok(web::Json(Page { items, next_cursor: next.map(|id| cursor::encode(&DialogCursor::Db { id })) }))
        }
        Some(other) => Err(ApiError::bad_param("source", format!("must be `memory` or `db`, got {other:?}"))),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NodeQuery {
    /// A configured node name (default: the first node).
    pub node: Option<String>,
}

/// Dialog statistics of a node: `dlg.stats_active` plus the dialog module's counters.
#[utoipa::path(
    tag = "dialog",
    params(NodeQuery),
    responses(
        (status = 200, description = "Statistics", body = DialogStats),
        (status = 503, description = "Kamailio is unavailable", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dialogs/stats")]
pub async fn dialog_stats(state: web::Data<AppState>, query: web::Query<NodeQuery>) -> Result<web::Json<DialogStats>, ApiError> {
    let node = state.node(query.node.as_deref())?;
    let (active, stats) = tokio::join!(node.rpc.stats_active(), node.rpc.fetch(&["dialog:"]));
    let (active, stats) = (active?, stats?);
    let n = |k: &str| stats.get(k).copied().unwrap_or(0);
    Ok(web::Json(DialogStats {
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
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Exact Call-ID.
    pub call_id: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// Ended calls, newest first, from acc's CDRs (`acc_cdrs`, acc `cdr_enable`): the
/// manual's historical dialog records, since Kamailio removes ended dialogs from `dialog`.
#[utoipa::path(
    tag = "dialog",
    params(HistoryQuery),
    responses(
        (status = 200, description = "One page of ended calls", body = Page<DialogRecord>),
        (status = 503, description = "The database is unavailable", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dialogs/history")]
pub async fn dialog_history(state: web::Data<AppState>, query: web::Query<HistoryQuery>) -> Result<web::Json<Page<DialogRecord>>, ApiError> {
    let limit = parse_limit(query.limit.as_deref())?;
    let before = query.cursor.as_deref().map(cursor::decode::<i64>).transpose()?;
    let call_id = query.call_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (items, next) = state.db.dialog_records(call_id, limit.into(), before).await?;
    Ok(web::Json(Page { items, next_cursor: next.map(|id| cursor::encode(&id)) }))
}

/// (h_entry, h_id) from the path, named in the error when wrong.
fn dialog_key(path: &(String, String)) -> Result<(u32, u32), ApiError> {
    let e = path.0.parse::<u32>().map_err(|_| ApiError::bad_param("h_entry", format!("must be a whole number, got {:?}", path.0)))?;
    let i = path.1.parse::<u32>().map_err(|_| ApiError::bad_param("h_id", format!("must be a whole number, got {:?}", path.1)))?;
    Ok((e, i))
}

fn no_such_dialog(node: &Node, e: u32, i: u32) -> ApiError {
    ApiError::NotFound(format!("Kamailio node {} has no dialog {e}:{i} (h_entry:h_id); it may have ended", node.name))
}

/// One dialog in detail, with its variables, from a node's memory.
#[utoipa::path(
    tag = "dialog",
    params(("h_entry" = u32, Path), ("h_id" = u32, Path), NodeQuery),
    responses(
        (status = 200, description = "The dialog", body = Dialog),
        (status = 404, description = "No such dialog (ended?)", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Kamailio is unavailable", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dialogs/{h_entry}/{h_id}")]
pub async fn get_dialog(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<NodeQuery>,
) -> Result<web::Json<Dialog>, ApiError> {
    let (e, i) = dialog_key(&path)?;
    let node = state.node(query.node.as_deref())?;
    let d = node_dialogs(&state, node).await?.into_iter().find(|d| d.h_entry == e && d.h_id == i);
    d.map(web::Json).ok_or_else(|| no_such_dialog(node, e, i))
}

/// End a dialog (`dlg.end_dlg`): Kamailio sends BYE to both parties.
#[utoipa::path(
    tag = "dialog",
    params(("h_entry" = u32, Path), ("h_id" = u32, Path), NodeQuery),
    responses(
        (status = 204, description = "Ended: BYE sent to both parties"),
        (status = 404, description = "No such dialog (ended already?)", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Kamailio is unavailable", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dialogs/{h_entry}/{h_id}/end")]
pub async fn end_dialog(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<NodeQuery>,
) -> Result<HttpResponse, ApiError> {
    let (e, i) = dialog_key(&path)?;
    let node = state.node(query.node.as_deref())?;
    if !node.rpc.end(e, i).await? {
        return Err(no_such_dialog(node, e, i));
    }
    tracing::info!(node = node.name, h_entry = e, h_id = i, "dialog ended");
    Ok(HttpResponse::NoContent().finish())
}
