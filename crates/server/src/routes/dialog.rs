//! Dialogs: Kamailio's dialog module (`dlg.*` RPCs, `dialog` table) and acc's CDRs
//! for ended calls. Manual page 2.
use actix_web::{get, post, web, HttpResponse};
use chrono_tz::Tz;
use kamscope_api_types::dialog::{Dialog, DialogRecord, DialogSource, DialogStats};
use kamscope_api_types::query::{DialogsQuery, HistoryQuery, NodeQuery};
use kamscope_api_types::Page;

use crate::csv_export::{self, CsvColumns};
use crate::error::responses::{BadGateway, BadRequest, NotFound, Unavailable};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::services::{Actor, Dialogs};

super::area! {
    tag: "dialog",
    description: "Dialogs (Kamailio dialog: `dialog` table, `dlg.*` RPCs; ended calls from acc's `acc_cdrs`)",
    state: dialog,
    operations: [
        dialog_stats: Viewer,
        dialog_history: Viewer,
        list_dialogs: Viewer,
        get_dialog: Viewer,
        end_dialog: Operator,
    ],
}

impl CsvColumns for Dialog {
    const COLUMNS: &'static [&'static str] = &[
        "h_entry",
        "h_id",
        "call_id",
        "from_uri",
        "to_uri",
        "state",
        "state_label",
        "start",
        "timeout",
        "duration",
        "caller.tag",
        "caller.contact",
        "caller.cseq",
        "caller.socket",
        "callee.tag",
        "callee.contact",
        "callee.cseq",
        "callee.socket",
        "req_uri",
        "source",
        "node",
    ];
}

impl CsvColumns for DialogRecord {
    const COLUMNS: &'static [&'static str] =
        &["id", "call_id", "src_user", "dst_user", "start_time", "end_time", "duration"];
}

/// Active dialogs from Kamailio's memory (`dlg.list`, per node or all nodes), or the
/// dialog records Kamailio keeps in its `dialog` table. Kamailio deletes a dialog's row
/// when the call ends: ended calls are at `/dialogs/history`. `format=csv` downloads
/// the whole list with these filters.
#[utoipa::path(
    tag = "dialog",
    params(DialogsQuery),
    responses(
        (status = 200, description = "One page of dialogs (or, with `format=csv`, all of them as CSV)",
            content((Page<Dialog> = "application/json"), (String = "text/csv"))),
        BadRequest, BadGateway, Unavailable,
    )
)]
#[get("/dialogs")]
pub async fn list_dialogs(
    svc: web::Data<dyn Dialogs>,
    tz: web::Data<Tz>,
    q: ApiQuery<DialogsQuery>,
) -> Result<HttpResponse, ApiError> {
    let what = match q.source.unwrap_or_default() {
        DialogSource::Memory => "dialogs-memory",
        DialogSource::Db => "dialogs-db",
    };
    csv_export::page_or_csv(what, **tz, q.0, svc.into_inner(), |svc, q| async move { svc.list(&q).await }).await
}

/// Dialog statistics of a node: `dlg.stats_active` plus the dialog module's counters.
#[utoipa::path(
    tag = "dialog",
    params(NodeQuery),
    responses((status = 200, description = "Statistics", body = DialogStats), BadRequest, BadGateway, Unavailable)
)]
#[get("/dialogs/stats")]
pub async fn dialog_stats(
    svc: web::Data<dyn Dialogs>,
    q: ApiQuery<NodeQuery>,
) -> Result<web::Json<DialogStats>, ApiError> {
    Ok(web::Json(svc.stats(q.node.as_deref()).await?))
}

/// Ended calls, newest first, from acc's CDRs (`acc_cdrs`, acc `cdr_enable`): the
/// manual's historical dialog records, since Kamailio removes ended dialogs from `dialog`.
/// `src_user`, `dst_user` and `call_id` come from acc's `cdr_extra` where it adds them;
/// a stock `acc_cdrs` still lists, and a `call_id` filter there is a 400 that says so.
#[utoipa::path(
    tag = "dialog",
    params(HistoryQuery),
    responses(
        (status = 200, description = "One page of ended calls (or, with `format=csv`, all of them as CSV)",
            content((Page<DialogRecord> = "application/json"), (String = "text/csv"))),
        BadRequest, Unavailable,
    )
)]
#[get("/dialogs/history")]
pub async fn dialog_history(
    svc: web::Data<dyn Dialogs>,
    tz: web::Data<Tz>,
    q: ApiQuery<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    csv_export::page_or_csv(
        "dialogs-history",
        **tz,
        q.0,
        svc.into_inner(),
        |svc, q| async move { svc.history(&q).await },
    )
    .await
}

/// (h_entry, h_id) from the path, named in the error when wrong.
fn dialog_key(path: &(String, String)) -> Result<(u32, u32), ApiError> {
    let e = path
        .0
        .parse::<u32>()
        .map_err(|_| ApiError::bad_path("h_entry", format!("must be a whole number, got {:?}", path.0)))?;
    let i = path
        .1
        .parse::<u32>()
        .map_err(|_| ApiError::bad_path("h_id", format!("must be a whole number, got {:?}", path.1)))?;
    Ok((e, i))
}

/// One dialog in detail, with its variables, from a node's memory.
#[utoipa::path(
    tag = "dialog",
    params(("h_entry" = u32, Path), ("h_id" = u32, Path), NodeQuery),
    responses((status = 200, description = "The dialog", body = Dialog), BadRequest, NotFound, BadGateway, Unavailable)
)]
#[get("/dialogs/{h_entry}/{h_id}")]
pub async fn get_dialog(
    svc: web::Data<dyn Dialogs>,
    path: web::Path<(String, String)>,
    q: ApiQuery<NodeQuery>,
) -> Result<web::Json<Dialog>, ApiError> {
    let (e, i) = dialog_key(&path)?;
    Ok(web::Json(svc.get(e, i, q.node.as_deref()).await?))
}

/// End a dialog (`dlg.end_dlg`): Kamailio sends BYE to both parties.
#[utoipa::path(
    tag = "dialog",
    params(("h_entry" = u32, Path), ("h_id" = u32, Path), NodeQuery),
    responses(
        (status = 204, description = "Ended: BYE sent to both parties"),
        BadRequest, NotFound, BadGateway, Unavailable,
    )
)]
#[post("/dialogs/{h_entry}/{h_id}/end")]
pub async fn end_dialog(
    svc: web::Data<dyn Dialogs>,
    actor: Actor,
    path: web::Path<(String, String)>,
    q: ApiQuery<NodeQuery>,
) -> Result<HttpResponse, ApiError> {
    let (e, i) = dialog_key(&path)?;
    svc.end(&actor, e, i, q.node.as_deref()).await?;
    Ok(HttpResponse::NoContent().finish())
}
