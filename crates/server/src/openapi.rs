//! The OpenAPI 3.1 document: kamscope's header and shared schemas, merged with each
//! area's document; every operation carries the role it needs (`x-kamscope-role`).
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::OpenApi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kamscope API",
        description = "Monitoring and management for Kamailio SIP servers. Lists page with `limit` and an opaque `cursor` (`format=csv` downloads a whole list); errors are RFC 9457 problem details; times are RFC 3339 with offset. Each operation names the role it needs in `x-kamscope-role` (viewer reads; operator ends dialogs, deletes, runs cleanups; admin administers); accounts will enforce it.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    servers((url = "/api/v1")),
    // Schemas only query parameters name: utoipa collects those of bodies, not of parameters.
    components(schemas(
        kamscope_api_types::Problem,
        kamscope_api_types::common::Role,
        kamscope_api_types::query::ListFormat,
        kamscope_api_types::siptrace::TraceDirection,
        kamscope_api_types::siptrace::TraceFormat,
    ))
)]
struct ApiDoc;

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for area in routes::areas() {
        let mut part = area.doc;
        for item in part.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                let id = op.operation_id.clone().unwrap_or_default();
                let role = area.roles.iter().find(|(name, _)| *name == id).map(|(_, r)| r.as_str());
                let ext = ExtensionsBuilder::new().add("x-kamscope-role", role.unwrap_or("undeclared")).build();
                match &mut op.extensions {
                    Some(e) => e.merge(ext),
                    None => op.extensions = Some(ext),
                }
            }
        }
        doc.merge(part);
    }
    doc
}

/// The document as committed in `openapi/openapi.json`.
pub fn json() -> String {
    document().to_pretty_json().expect("the OpenAPI document serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_declares_a_role_and_a_tag() {
        let doc = serde_json::to_value(document()).unwrap();
        let mut n = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                n += 1;
                let role = op["x-kamscope-role"].as_str().unwrap_or("");
                assert!(["viewer", "operator", "admin"].contains(&role), "{method} {path} declares no role");
                assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{method} {path} has no tag");
                let reading = *method == "get";
                assert_eq!(reading, role == "viewer", "{method} {path}: reads are viewer's, changes need more");
            }
        }
        assert!(n >= 14, "only {n} operations");
    }

    /// A `$ref` to a schema the document lacks makes client generators drop the operation.
    #[test]
    fn every_reference_resolves() {
        fn walk(v: &serde_json::Value, doc: &serde_json::Value, at: &str) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                        let pointer = r.strip_prefix('#').unwrap_or(r);
                        assert!(doc.pointer(pointer).is_some(), "{at}: {r} names nothing in the document");
                    }
                    for (k, x) in m {
                        walk(x, doc, &format!("{at}/{k}"));
                    }
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, doc, at)),
                _ => {}
            }
        }
        let doc = serde_json::to_value(document()).unwrap();
        walk(&doc, &doc, "");
    }
}
