//! Offline messages: Kamailio's msilo (`silo`). Manual page 7.
use actix_web::{delete, get, post, web, HttpResponse};
use kamscope_api_types::cleanup::CleanupReport;
use kamscope_api_types::msilo::OfflineMessage;
use kamscope_api_types::query::OfflineMessagesQuery;
use kamscope_api_types::Page;

use super::presence::row_id;
use crate::error::responses::{BadRequest, NotFound, Unavailable};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::services::{Actor, Msilo};

super::area! {
    tag: "msilo",
    description: "Offline messages (Kamailio msilo: `silo`)",
    state: msilo,
    operations: [
        list_offline_messages: Viewer,
        offline_messages_cleanup: Operator,
        get_offline_message: Viewer,
        delete_offline_message: Operator,
    ],
}

/// MESSAGEs msilo stored for users who were offline (`silo`, by id: the order msilo
/// delivers them in): source, destination, stored and expiry times, content type and a
/// preview of the body. msilo delivers them when the user registers and removes them on
/// its next check.
#[utoipa::path(
    tag = "msilo",
    params(OfflineMessagesQuery),
    responses((status = 200, description = "One page of stored messages", body = Page<OfflineMessage>), BadRequest, Unavailable)
)]
#[get("/offline-messages")]
pub async fn list_offline_messages(
    svc: web::Data<dyn Msilo>,
    q: ApiQuery<OfflineMessagesQuery>,
) -> Result<web::Json<Page<OfflineMessage>>, ApiError> {
    Ok(web::Json(svc.messages(&q).await?))
}

/// One stored message with its whole body, as text.
#[utoipa::path(
    tag = "msilo",
    params(("id" = i64, Path, minimum = 1, description = "The message's `id`")),
    responses((status = 200, description = "The message", body = OfflineMessage), BadRequest, NotFound, Unavailable)
)]
#[get("/offline-messages/{id:[0-9]+}")]
pub async fn get_offline_message(
    svc: web::Data<dyn Msilo>,
    path: web::Path<String>,
) -> Result<web::Json<OfflineMessage>, ApiError> {
    Ok(web::Json(svc.message(row_id(&path)?).await?))
}

/// Delete one stored message: it will not be delivered.
#[utoipa::path(
    tag = "msilo",
    params(("id" = i64, Path, minimum = 1, description = "The message's `id`")),
    responses((status = 204, description = "Deleted"), BadRequest, NotFound, Unavailable)
)]
#[delete("/offline-messages/{id:[0-9]+}")]
pub async fn delete_offline_message(
    svc: web::Data<dyn Msilo>,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    svc.delete(&actor, row_id(&path)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Remove the messages whose expiry time (`exp_time`) has passed, and only those; says
/// how many went. msilo removes them too, every `check_time` × `clean_period` seconds.
#[utoipa::path(
    tag = "msilo",
    responses((status = 200, description = "How many expired messages went", body = CleanupReport), BadRequest, Unavailable)
)]
#[post("/offline-messages/cleanup")]
pub async fn offline_messages_cleanup(
    svc: web::Data<dyn Msilo>,
    actor: Actor,
) -> Result<web::Json<CleanupReport>, ApiError> {
    Ok(web::Json(svc.cleanup(&actor).await?))
}
