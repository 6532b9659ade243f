//! `/api/v1`, one file per Kamailio module (plus health and jobs). Each file declares
//! its area once with [`area!`]: its operations with the role each needs, which give
//! its routes, its OpenAPI paths and tag; [`areas`] lists the areas.
use actix_web::dev::ResourceDef;
use actix_web::{web, HttpRequest};
use kamscope_api_types::common::Role;

use crate::error::ApiError;
use crate::state::AppState;

pub mod acc;
pub mod dialog;
pub mod health;
pub mod jobs;
pub mod monitoring;
pub mod msilo;
pub mod presence;
pub mod siptrace;
pub mod topos;
pub mod usrloc;

/// One area of the API.
pub struct Area {
    pub tag: &'static str,
    pub doc: utoipa::openapi::OpenApi,
    /// Registers the area's service handle and its routes, in declaration order.
    pub configure: fn(&mut web::ServiceConfig, &AppState),
    /// The role each operation (by operation id) needs.
    pub roles: &'static [(&'static str, Role)],
}

/// Declares an area: `tag`, `description`, the `AppState` field that holds its
/// service, and its operations (handler: role) in routing order (fixed paths before
/// `{param}` ones).
macro_rules! area {
    (
        tag: $tag:literal,
        description: $desc:literal,
        state: $field:ident,
        operations: [ $( $op:ident : $role:ident ),* $(,)? ] $(,)?
    ) => {
        $crate::routes::area! { tag: $tag, description: $desc, state: [$field], operations: [ $( $op : $role ),* ] }
    };
    // An area whose handlers take more than one service (e.g. its own and the cleanups').
    (
        tag: $tag:literal,
        description: $desc:literal,
        state: [ $( $field:ident ),+ ],
        operations: [ $( $op:ident : $role:ident ),* $(,)? ] $(,)?
    ) => {
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($op),*), tags((name = $tag, description = $desc)))]
        struct AreaDoc;

        /// This area: its routes, its OpenAPI document, the role of each operation.
        pub fn area() -> $crate::routes::Area {
            $crate::routes::Area {
                tag: $tag,
                doc: <AreaDoc as utoipa::OpenApi>::openapi(),
                configure: |cfg, state| {
                    $( cfg.app_data(actix_web::web::Data::from(state.$field.clone())); )+
                    $( cfg.service($op); )*
                },
                roles: &[ $( (stringify!($op), kamscope_api_types::common::Role::$role) ),* ],
            }
        }
    };
}
pub(crate) use area;

/// Every area, in routing order.
pub fn areas() -> Vec<Area> {
    vec![
        health::area(),
        monitoring::area(),
        dialog::area(),
        usrloc::area(),
        acc::area(),
        siptrace::area(),
        topos::area(),
        presence::area(),
        msilo::area(),
        jobs::area(),
    ]
}

pub fn configure(cfg: &mut web::ServiceConfig, state: &AppState) {
    for a in areas() {
        (a.configure)(cfg, state);
    }
}

/// The API's paths and their methods, to tell 405 from 404.
pub struct KnownPaths(Vec<(ResourceDef, Vec<String>)>);

impl KnownPaths {
    pub fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        KnownPaths(
            doc.paths
                .paths
                .iter()
                .map(|(path, item)| {
                    let methods = [
                        ("GET", item.get.is_some()),
                        ("PUT", item.put.is_some()),
                        ("POST", item.post.is_some()),
                        ("DELETE", item.delete.is_some()),
                        ("PATCH", item.patch.is_some()),
                    ];
                    let allow = methods.iter().filter(|(_, has)| *has).map(|(m, _)| m.to_string()).collect();
                    (ResourceDef::new(format!("/api/v1{path}")), allow)
                })
                .collect(),
        )
    }
}

/// Unknown `/api/...` requests answer problem+json, not the SPA: 405 (with `Allow`) for
/// a known path with another method, else 404.
pub async fn api_not_found(
    req: HttpRequest,
    known: web::Data<KnownPaths>,
) -> Result<actix_web::HttpResponse, ApiError> {
    if let Some((def, allow)) = known.0.iter().find(|(def, _)| def.is_match(req.path())) {
        // The method is declared here, so its route's own rules turned the path down (e.g.
        // `/offline-messages/{id}` takes digits only, so `/offline-messages/cleanup` stays
        // the cleanup's): the path parameter is wrong.
        if allow.iter().any(|m| m == req.method().as_str()) {
            let names: Vec<&str> =
                def.pattern().unwrap_or_default().split('{').skip(1).filter_map(|s| s.split('}').next()).collect();
            return Err(ApiError::bad_path(&names.join("`, `"), format!("is not valid in {}", req.path())));
        }
        return Err(ApiError::MethodNotAllowed {
            method: req.method().to_string(),
            path: req.path().to_string(),
            allow: allow.clone(),
        });
    }
    Err(ApiError::NotFound(format!("There is no API resource at {} {}", req.method(), req.path())))
}

#[cfg(test)]
mod tests;
