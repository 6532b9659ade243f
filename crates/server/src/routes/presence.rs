//! Presence: Kamailio's presence module (`presentity`, `active_watchers`, `watchers`;
//! `presence.cleanup`, `presence.refreshWatchers`). Manual page 6.
use actix_web::{get, post, web};
use kamscope_api_types::presence::{
    PresenceCleanupReport, PresenceCleanupRequest, Presentity, RefreshWatchersRequest, RefreshWatchersResult, Watcher,
};
use kamscope_api_types::query::{PresentitiesQuery, WatchersQuery};
use kamscope_api_types::Page;

use crate::error::responses::{BadGateway, BadRequest, NotFound, Unavailable, Unprocessable};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::services::{Actor, Presence};

super::area! {
    tag: "presence",
    description: "Presence (Kamailio presence: `presentity`, `active_watchers`, `watchers`; `presence.cleanup`, `presence.refreshWatchers`)",
    state: presence,
    operations: [
        list_presentities: Viewer,
        get_presentity: Viewer,
        list_watchers: Viewer,
        presence_cleanup: Operator,
        refresh_watchers: Operator,
    ],
}

/// Published states (`presentity` table, by id): user, domain, event, etag, expiry
/// (and whether it has passed), received time, sender and the document's size. The
/// table is the source: `presence.presentity_list` answers `[]` while presentity is
/// kept in the database (Kamailio's default).
#[utoipa::path(
    tag = "presence",
    params(PresentitiesQuery),
    responses((status = 200, description = "One page of presentities", body = Page<Presentity>), BadRequest, Unavailable)
)]
#[get("/presence/presentities")]
pub async fn list_presentities(
    svc: web::Data<dyn Presence>,
    q: ApiQuery<PresentitiesQuery>,
) -> Result<web::Json<Page<Presentity>>, ApiError> {
    Ok(web::Json(svc.presentities(&q).await?))
}

/// One presentity with its published document (`body`, e.g. PIDF XML) as text.
#[utoipa::path(
    tag = "presence",
    params(("id" = i64, Path, minimum = 1, description = "The presentity's `id`")),
    responses((status = 200, description = "The presentity and its document", body = Presentity), BadRequest, NotFound, Unavailable)
)]
#[get("/presence/presentities/{id}")]
pub async fn get_presentity(
    svc: web::Data<dyn Presence>,
    path: web::Path<String>,
) -> Result<web::Json<Presentity>, ApiError> {
    Ok(web::Json(svc.presentity(row_id(&path)?).await?))
}

/// A row id from the path, named in the error when wrong.
pub fn row_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_path("id", format!("must be a positive whole number, got {raw:?}")))
}

/// Subscriptions (`active_watchers`, by id) with their authorization (`watchers`):
/// status and authorization status as Kamailio's code and label (1 active, 2 pending,
/// 3 terminated, 4 waiting), reason, expiry, contact, cseqs. Without a pres-rules
/// document in `xcap`, presence_xml keeps a subscription pending.
#[utoipa::path(
    tag = "presence",
    params(WatchersQuery),
    responses((status = 200, description = "One page of subscriptions", body = Page<Watcher>), BadRequest, Unavailable)
)]
#[get("/presence/watchers")]
pub async fn list_watchers(
    svc: web::Data<dyn Presence>,
    q: ApiQuery<WatchersQuery>,
) -> Result<web::Json<Page<Watcher>>, ApiError> {
    Ok(web::Json(svc.watchers(&q).await?))
}

/// Remove expired presence rows: `presence.cleanup` on the node first, then the
/// expired `presentity` and `active_watchers` rows it left (Kamailio 5.6 leaves expired
/// `active_watchers` rows with `subs_db_mode` 3: kamailio/kamailio#3074). Says how
/// many rows of each table went and who removed them; a row expiring after the cutoff
/// (fixed at the start) is never touched. `watchers` rows go only by Kamailio's own
/// clean (old pending authorizations).
#[utoipa::path(
    tag = "presence",
    request_body(content = Option<PresenceCleanupRequest>, content_type = "application/json", description = "May be left out: the first node"),
    responses(
        (status = 200, description = "What went, per table", body = PresenceCleanupReport),
        BadRequest, BadGateway, Unavailable,
    )
)]
#[post("/presence/cleanup")]
pub async fn presence_cleanup(
    svc: web::Data<dyn Presence>,
    actor: Actor,
    req: ApiJson<PresenceCleanupRequest>,
) -> Result<web::Json<PresenceCleanupReport>, ApiError> {
    Ok(web::Json(svc.cleanup(&actor, req.node.as_deref()).await?))
}

/// `presence.refreshWatchers`: Kamailio notifies the presentity's watchers again.
/// Type 0 (the authorization changed) re-reads the presentity's pres-rules document in
/// `xcap`; without one Kamailio refuses, answered here as a 422 that says so.
#[utoipa::path(
    tag = "presence",
    request_body(content = RefreshWatchersRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Kamailio refreshed the watchers", body = RefreshWatchersResult),
        BadRequest, Unprocessable, BadGateway, Unavailable,
    )
)]
#[post("/presence/refresh-watchers")]
pub async fn refresh_watchers(
    svc: web::Data<dyn Presence>,
    actor: Actor,
    req: ApiJson<RefreshWatchersRequest>,
) -> Result<web::Json<RefreshWatchersResult>, ApiError> {
    Ok(web::Json(svc.refresh_watchers(&actor, &req).await?))
}
