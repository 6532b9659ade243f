//! Topology hiding: Kamailio's topos (`topos_d`, `topos_t`), and their cleanup. Manual page 5.
use actix_web::{get, post, web, HttpResponse};
use kamscope_api_types::cleanup::{CleanupReport, CleanupRequest};
use kamscope_api_types::jobs::Job;
use kamscope_api_types::query::ToposQuery;
use kamscope_api_types::topos::{ToposDialog, ToposTransaction};
use kamscope_api_types::Page;

use crate::error::responses::{BadRequest, Conflict, Unavailable};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, NoQuery};
use crate::jobs::accepted;
use crate::services::{Actor, CleanupTarget, Cleanups, Topos};

super::area! {
    tag: "topos",
    description: "Topology hiding (Kamailio topos: `topos_d`, `topos_t`) and its cleanup",
    state: topos,
    operations: [list_topos_dialogs: Viewer, list_topos_transactions: Viewer, topos_cleanup: Operator],
}

/// The dialogs topos keeps (`topos_d`), newest first: both sides' URIs, Contacts (real
/// and the `atpsh-`/`btpsh-` ones on the wire), tags, sockets. topos removes a row
/// `dialog_expire` after the call by itself (and failed calls and relayed MESSAGEs are
/// stored too); `trace_link` opens the call's SIP trace. Empty where topos keeps its
/// records in memory (Kamailio 6's `topos_htable`).
#[utoipa::path(
    tag = "topos",
    params(ToposQuery),
    responses((status = 200, description = "One page of topos dialogs", body = Page<ToposDialog>), BadRequest, Unavailable)
)]
#[get("/topos/dialogs")]
pub async fn list_topos_dialogs(
    svc: web::Data<dyn Topos>,
    q: ApiQuery<ToposQuery>,
) -> Result<web::Json<Page<ToposDialog>>, ApiError> {
    Ok(web::Json(svc.dialogs(&q).await?))
}

/// The transactions (branches) topos keeps (`topos_t`), newest first; topos removes
/// them `branch_expire` after by itself.
#[utoipa::path(
    tag = "topos",
    params(ToposQuery),
    responses((status = 200, description = "One page of topos transactions", body = Page<ToposTransaction>), BadRequest, Unavailable)
)]
#[get("/topos/transactions")]
pub async fn list_topos_transactions(
    svc: web::Data<dyn Topos>,
    q: ApiQuery<ToposQuery>,
) -> Result<web::Json<Page<ToposTransaction>>, ApiError> {
    Ok(web::Json(svc.transactions(&q).await?))
}

/// Dry run (`dry_run: true`): what the cleanup would remove, per table. Otherwise
/// starts it as a job (202, `Location: /api/v1/jobs/{id}`).
pub async fn cleanup(
    svc: &dyn Cleanups,
    actor: &Actor,
    target: CleanupTarget,
    req: &CleanupRequest,
) -> Result<HttpResponse, ApiError> {
    let days = req.older_than_days.unwrap_or(target.default_days());
    if req.dry_run.unwrap_or(false) {
        return Ok(HttpResponse::Ok().json(svc.preview(target, days).await?));
    }
    Ok(accepted(&svc.start(actor, target, days).await?))
}

/// Remove topos' rows (`topos_d` and `topos_t`) older than `older_than_days` (default 7,
/// the manual's), in batches of 10,000 so Kamailio keeps writing, as a job. The cutoff
/// is fixed when the job starts; rows written after it are never touched; cancel leaves
/// the rows not yet removed. topos cleans after itself too (`clean_interval`,
/// `dialog_expire`, `branch_expire`): this removes what is older than a cutoff the
/// operator chooses, now. One topos cleanup at a time (a second gets 409).
#[utoipa::path(
    tag = "topos",
    request_body(content = Option<CleanupRequest>, content_type = "application/json", description = "May be left out: the defaults apply"),
    responses(
        (status = 200, description = "Dry run: what would be removed", body = CleanupReport),
        (status = 202, description = "Started; follow the job at `Location`", body = Job),
        BadRequest, Conflict, Unavailable,
    )
)]
#[post("/topos/cleanup")]
pub async fn topos_cleanup(
    svc: web::Data<dyn Cleanups>,
    actor: Actor,
    _q: ApiQuery<NoQuery>,
    req: ApiJson<CleanupRequest>,
) -> Result<HttpResponse, ApiError> {
    cleanup(&**svc, &actor, CleanupTarget::Topos, &req).await
}
