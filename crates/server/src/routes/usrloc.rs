//! Registrations: Kamailio's usrloc (`location` table and `ul.*` RPCs). Manual page 1.
use actix_web::{delete, get, web, HttpResponse};
use chrono::Utc;
use kamscope_api_types::usrloc::{Aor, Registration, RegistrationSource};
use kamscope_api_types::Page;
use kamscope_db::{LocationCursor, LocationQuery};
use kamscope_rpc::usrloc::{memory_page, to_registration};
use kamscope_rpc::MemoryCursor;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::dialog::NodeQuery;
use super::parse_limit;
use crate::cursor;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `db` (the `location` table, default) or `memory` (Kamailio's usrloc over JSON-RPC).
    #[param(value_type = Option<RegistrationSource>)]
    pub source: Option<String>,
    /// Search: part of the username.
    pub q: Option<String>,
    /// Items per page, 1 to 1000 (default 50). One item is one contact.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Memory source: a Kamailio node name, or `all` for every node merged (each item
    /// then carries its node). Default: the first node.
    pub node: Option<String>,
}

/// Where a memory page ended: the node and the position in its AoR list.
#[derive(Serialize, Deserialize)]
struct NodeCursor {
    n: String,
    #[serde(flatten)]
    at: MemoryCursor,
}

/// What a registrations cursor holds: the source it belongs to and the keyset position.
#[derive(Serialize, Deserialize)]
#[serde(tag = "s", rename_all = "lowercase")]
enum RegCursor {
    Db(LocationCursor),
    Memory(NodeCursor),
}

fn parse_source(raw: Option<&str>) -> Result<RegistrationSource, ApiError> {
    match raw {
        None | Some("") | Some("db") => Ok(RegistrationSource::Db),
        Some("memory") => Ok(RegistrationSource::Memory),
        Some(other) => Err(ApiError::bad_param("source", format!("must be `db` or `memory`, got {other:?}"))),
    }
}

/// List registered contacts, one item per contact, sorted by user.
///
/// `source=db` pages through the `location` table (usrloc `db_mode` 1 keeps it current);
/// `source=memory` asks Kamailio itself (`ul.dump brief` for the users, `ul.lookup` for
/// the users on the page), which also works when usrloc keeps no database.
#[utoipa::path(
    tag = "usrloc",
    params(ListQuery),
    responses(
        (status = 200, description = "One page of contacts", body = Page<Registration>),
        (status = 400, description = "A parameter is wrong", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The source is unavailable (database, or Kamailio for `memory`)", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/registrations")]
pub async fn list_registrations(
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<web::Json<Page<Registration>>, ApiError> {
    let source = parse_source(query.source.as_deref())?;
    let limit = parse_limit(query.limit.as_deref())?;
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if q.is_some_and(|q| q.len() > 64) {
        return Err(ApiError::bad_param("q", "is longer than a username can be (64 characters)"));
    }
    let after = query.cursor.as_deref().map(cursor::decode::<RegCursor>).transpose()?;
    match source {
        RegistrationSource::Db => {
            let after = match after {
                None => None,
                Some(RegCursor::Db(c)) => Some(c),
                Some(RegCursor::Memory(_)) => return Err(wrong_source_cursor()),
            };
            let lq = LocationQuery { q: q.map(String::from), limit: limit.into(), after };
            let (items, next) = state.db.locations(&lq).await?;
            Ok(web::Json(Page { items, next_cursor: next.map(|c| cursor::encode(&RegCursor::Db(c))) }))
        }
        RegistrationSource::Memory => {
            let after = match after {
                None => None,
                Some(RegCursor::Memory(c)) => Some(c),
                Some(RegCursor::Db(_)) => return Err(wrong_source_cursor()),
            };
            let nodes = state.nodes_for(query.node.as_deref())?;
            // Nodes in configuration order, each node's contacts by (AoR, contact).
            let first = match &after {
                Some(c) => nodes.iter().position(|n| n.name == c.n).ok_or_else(|| {
                    ApiError::bad_param("cursor", "belongs to a node this list does not cover; start again without a cursor")
                })?,
                None => 0,
            };
            let limit = limit as usize;
            let mut items: Vec<Registration> = Vec::new();
            let mut next_cursor = None;
            for (idx, node) in nodes.iter().enumerate().skip(first) {
                let at = if idx == first { after.as_ref().map(|c| &c.at) } else { None };
                let (mut got, more) =
                    memory_page(&*node.rpc, q, limit - items.len(), at, state.use_domain, state.tz).await?;
                got.iter_mut().for_each(|r| r.node = Some(node.name.clone()));
                items.extend(got);
                if let Some(m) = more {
                    next_cursor = Some(NodeCursor { n: node.name.clone(), at: m });
                    break;
                }
                if items.len() >= limit {
                    // This node is done; the next page starts at the next node.
                    if let Some(next) = nodes.get(idx + 1) {
                        let start = MemoryCursor { aor: String::new(), contact: String::new() };
                        next_cursor = Some(NodeCursor { n: next.name.clone(), at: start });
                    }
                    break;
                }
            }
            Ok(web::Json(Page { items, next_cursor: next_cursor.map(|c| cursor::encode(&RegCursor::Memory(c))) }))
        }
    }
}

fn wrong_source_cursor() -> ApiError {
    ApiError::bad_param("cursor", "belongs to the other `source`; start again without a cursor")
}

/// The AoR as usrloc keys it. With `use_domain` off Kamailio ignores any domain in
/// `user@domain`, so a foreign domain must not reach it (it would hit the local user).
fn resolve_aor(state: &AppState, aor: &str) -> Result<String, ApiError> {
    let aor = aor.trim();
    if aor.is_empty() || aor.len() > 255 || aor.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(ApiError::bad_param("aor", format!("must be a username or user@domain, got {aor:?}")));
    }
    if state.use_domain {
        return Ok(aor.to_string());
    }
    match aor.split_once('@') {
        None => Ok(aor.to_string()),
        Some((user, domain)) if state.sip_domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) => Ok(user.to_string()),
        Some((_, domain)) => Err(ApiError::NotFound(format!(
            "No registration for {aor}: this Kamailio keeps users without domains (usrloc use_domain 0) and serves {}, not {domain}",
            if state.sip_domains.is_empty() { "no configured domain".to_string() } else { state.sip_domains.join(", ") }
        ))),
    }
}

fn no_such_aor(aor: &str) -> ApiError {
    ApiError::NotFound(format!("No registration for {aor} in Kamailio's memory"))
}

/// One user's contacts, from Kamailio's memory (`ul.lookup`).
#[utoipa::path(
    tag = "usrloc",
    params(("aor" = String, Path, description = "`user`, or `user@domain`"), NodeQuery),
    responses(
        (status = 200, description = "The user's contacts", body = Aor),
        (status = 404, description = "No such registration", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Kamailio is unavailable", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/registrations/{aor}")]
pub async fn get_registration(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<NodeQuery>,
) -> Result<web::Json<Aor>, ApiError> {
    let aor = resolve_aor(&state, &path)?;
    let node = state.node(query.node.as_deref())?;
    let contacts = node.rpc.lookup(&aor).await?.ok_or_else(|| no_such_aor(&path))?;
    let now = Utc::now();
    let contacts = contacts
        .into_iter()
        .map(|c| Registration { node: Some(node.name.clone()), ..to_registration(&aor, c, state.use_domain, now, state.tz) })
        .collect();
    Ok(web::Json(Aor { aor, contacts }))
}

/// Delete a user's registration: every contact of the AoR (`ul.rm`). The manual's
/// "Delete contact".
#[utoipa::path(
    tag = "usrloc",
    params(("aor" = String, Path, description = "`user`, or `user@domain`"), NodeQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such registration", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Kamailio is unavailable", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/registrations/{aor}")]
pub async fn delete_registration(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<NodeQuery>,
) -> Result<HttpResponse, ApiError> {
    let aor = resolve_aor(&state, &path)?;
    let node = state.node(query.node.as_deref())?;
    // ul.rm answers {} for AoRs it does not have: look first so a typo is a 404.
    node.rpc.lookup(&aor).await?.ok_or_else(|| no_such_aor(&path))?;
    node.rpc.rm(&aor).await?;
    tracing::info!(aor, "registration deleted");
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// The exact Contact URI, e.g. `sip:alice@192.0.2.1:5060;transport=udp`.
    pub contact: Option<String>,
    /// A configured node name (default: the first node).
    pub node: Option<String>,
}

/// Delete one contact of a user with several (`ul.rm_contact`).
#[utoipa::path(
    tag = "usrloc",
    params(("aor" = String, Path, description = "`user`, or `user@domain`"), ContactQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`contact` missing", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such registration or contact", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Kamailio is unavailable", body = kamscope_api_types::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/registrations/{aor}/contacts")]
pub async fn delete_contact(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ContactQuery>,
) -> Result<HttpResponse, ApiError> {
    let contact = query.contact.as_deref().map(str::trim).filter(|c| !c.is_empty()).ok_or_else(|| {
        ApiError::bad_param("contact", "is required: the exact Contact URI to remove, e.g. sip:alice@192.0.2.1:5060")
    })?;
    let aor = resolve_aor(&state, &path)?;
    let node = state.node(query.node.as_deref())?;
    let contacts = node.rpc.lookup(&aor).await?.ok_or_else(|| no_such_aor(&path))?;
    let not_found = || ApiError::NotFound(format!("{} has no contact {contact}", path.as_str()));
    if !contacts.iter().any(|c| c.address == contact) {
        return Err(not_found());
    }
    if !node.rpc.rm_contact(&aor, contact).await? {
        return Err(not_found());
    }
    tracing::info!(aor, contact, "contact deleted");
    Ok(HttpResponse::NoContent().finish())
}
