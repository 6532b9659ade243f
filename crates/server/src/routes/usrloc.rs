//! Registrations: Kamailio's usrloc (`location` table and `ul.*` RPCs). Manual page 1.
use actix_web::{delete, get, web, HttpResponse};
use chrono_tz::Tz;
use kamscope_api_types::query::{ContactQuery, NodeQuery, RegistrationsQuery};
use kamscope_api_types::usrloc::{Aor, Registration, RegistrationSource};
use kamscope_api_types::Page;

use crate::csv_export::{self, CsvColumns};
use crate::error::responses::{BadGateway, BadRequest, NotFound, Unavailable};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::services::{Actor, Usrloc};

super::area! {
    tag: "usrloc",
    description: "Registrations (Kamailio usrloc: `location` table, `ul.*` RPCs)",
    state: usrloc,
    operations: [
        list_registrations: Viewer,
        get_registration: Viewer,
        delete_registration: Operator,
        delete_contact: Operator,
    ],
}

impl CsvColumns for Registration {
    const COLUMNS: &'static [&'static str] = &[
        "aor",
        "username",
        "domain",
        "contact",
        "expires",
        "expires_in",
        "expiry_state",
        "user_agent",
        "received",
        "socket",
        "q",
        "call_id",
        "cseq",
        "last_modified",
        "path",
        "instance",
        "reg_id",
        "ruid",
        "flags",
        "cflags",
        "methods",
        "ul_state",
        "source",
        "node",
    ];
}

/// List registered contacts, one item per contact, sorted by user.
///
/// `source=db` pages through the `location` table (usrloc `db_mode` 1 keeps it current);
/// `source=memory` asks Kamailio itself (`ul.dump brief` for the users, `ul.lookup` for
/// the users on the page), which also works when usrloc keeps no database.
/// `format=csv` downloads the whole list with these filters.
#[utoipa::path(
    tag = "usrloc",
    params(RegistrationsQuery),
    responses(
        (status = 200, description = "One page of contacts (or, with `format=csv`, all of them as CSV)",
            content((Page<Registration> = "application/json"), (String = "text/csv"))),
        BadRequest, BadGateway, Unavailable,
    )
)]
#[get("/registrations")]
pub async fn list_registrations(
    svc: web::Data<dyn Usrloc>,
    tz: web::Data<Tz>,
    q: ApiQuery<RegistrationsQuery>,
) -> Result<HttpResponse, ApiError> {
    let what = match q.source.unwrap_or_default() {
        RegistrationSource::Db => "registrations-db",
        RegistrationSource::Memory => "registrations-memory",
    };
    csv_export::page_or_csv(what, **tz, q.0, svc.into_inner(), |svc, q| async move { svc.list(&q).await }).await
}

/// One user's contacts, from Kamailio's memory (`ul.lookup`).
#[utoipa::path(
    tag = "usrloc",
    params(("aor" = String, Path, description = "`user`, or `user@domain`: no spaces or control characters", pattern = r"^[^\s\x00-\x1f\x7f-\x9f]+$", max_length = 255), NodeQuery),
    responses(
        (status = 200, description = "The user's contacts", body = Aor),
        BadRequest, NotFound, BadGateway, Unavailable,
    )
)]
#[get("/registrations/{aor}")]
pub async fn get_registration(
    svc: web::Data<dyn Usrloc>,
    path: web::Path<String>,
    q: ApiQuery<NodeQuery>,
) -> Result<web::Json<Aor>, ApiError> {
    Ok(web::Json(svc.get(&path, q.node.as_deref()).await?))
}

/// Delete a user's registration: every contact of the AoR (`ul.rm`). The manual's
/// "Delete contact".
#[utoipa::path(
    tag = "usrloc",
    params(("aor" = String, Path, description = "`user`, or `user@domain`: no spaces or control characters", pattern = r"^[^\s\x00-\x1f\x7f-\x9f]+$", max_length = 255), NodeQuery),
    responses(
        (status = 204, description = "Deleted"),
        BadRequest, NotFound, BadGateway, Unavailable,
    )
)]
#[delete("/registrations/{aor}")]
pub async fn delete_registration(
    svc: web::Data<dyn Usrloc>,
    actor: Actor,
    path: web::Path<String>,
    q: ApiQuery<NodeQuery>,
) -> Result<HttpResponse, ApiError> {
    svc.delete_aor(&actor, &path, q.node.as_deref()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Delete one contact of a user with several (`ul.rm_contact`).
#[utoipa::path(
    tag = "usrloc",
    params(("aor" = String, Path, description = "`user`, or `user@domain`: no spaces or control characters", pattern = r"^[^\s\x00-\x1f\x7f-\x9f]+$", max_length = 255), ContactQuery),
    responses(
        (status = 204, description = "Deleted"),
        BadRequest, NotFound, BadGateway, Unavailable,
    )
)]
#[delete("/registrations/{aor}/contacts")]
pub async fn delete_contact(
    svc: web::Data<dyn Usrloc>,
    actor: Actor,
    path: web::Path<String>,
    q: ApiQuery<ContactQuery>,
) -> Result<HttpResponse, ApiError> {
    svc.delete_contact(&actor, &path, &q.contact, q.node.as_deref()).await?;
    Ok(HttpResponse::NoContent().finish())
}
