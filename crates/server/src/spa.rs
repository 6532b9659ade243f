//! The Leptos SPA: static files, and index.html for every other non-API path so deep
//! links like /kamailio/locations work. A release build with `embed-spa` carries the files.
use std::path::{Path, PathBuf};

use actix_web::{http::header, web, HttpRequest, HttpResponse};

#[cfg(feature = "embed-spa")]
#[derive(rust_embed::RustEmbed)]
#[folder = "../../frontend/dist"]
struct Embedded;

#[derive(Clone)]
pub struct SpaFiles {
    dir: PathBuf,
}

impl SpaFiles {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        SpaFiles { dir: dir.into() }
    }

    fn read(&self, rel: &str) -> Option<Vec<u8>> {
        #[cfg(feature = "embed-spa")]
        if let Some(f) = Embedded::get(rel) {
            return Some(f.data.into_owned());
        }
        let path = self.dir.join(rel);
        // No escaping the directory.
        if rel.split('/').any(|seg| seg == ".." || seg.starts_with('.')) || !path.starts_with(&self.dir) {
            return None;
        }
        std::fs::read(path).ok()
    }
}

/// frontend/build.sh names assets `kamscope-<12 hex>.js`, `..._bg.wasm`, `style-<12 hex>.css`:
/// a new build is a new name, so these never change and may be kept a year. Anything
/// else (index.html above all) is revalidated, so a deploy shows at the next load.
fn cache_control(rel: &str) -> &'static str {
    let stem = rel.rsplit('/').next().unwrap_or(rel).split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let hashed = stem.rsplit_once('-').is_some_and(|(_, h)| h.len() == 12 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

pub async fn serve(req: HttpRequest, files: web::Data<SpaFiles>) -> HttpResponse {
    let rel = req.path().trim_start_matches('/');
    if !rel.is_empty() && Path::new(rel).extension().is_some() {
        if let Some(bytes) = files.read(rel) {
            let mime = mime_guess::from_path(rel).first_or_octet_stream();
            return HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, mime.as_ref()))
                .insert_header((header::CACHE_CONTROL, cache_control(rel)))
                .body(bytes);
        }
        return HttpResponse::NotFound().content_type("text/plain").body("not found");
    }
    match files.read("index.html") {
        Some(index) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(index),
        None => HttpResponse::ServiceUnavailable().content_type("text/html; charset=utf-8").body(format!(
            "<!doctype html><title>kamscope</title><p>The web UI is not built: run <code>frontend/build.sh</code> \
             (looked in {}). The API is at <a href=\"/docs/\">/docs/</a>.</p>",
            files.dir.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashed_assets_are_immutable_and_the_rest_revalidates() {
        use super::cache_control as c;
        assert_eq!(c("kamscope-0123456789ab.js"), "public, max-age=31536000, immutable");
        assert_eq!(c("kamscope-0123456789ab_bg.wasm"), "public, max-age=31536000, immutable");
        assert_eq!(c("style-0123456789ab.css"), "public, max-age=31536000, immutable");
        assert_eq!(c("index.html"), "no-cache");
        assert_eq!(c("favicon.svg"), "no-cache");
        assert_eq!(c("kamscope-web.js"), "no-cache");
    }
}
