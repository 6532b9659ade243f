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

pub async fn serve(req: HttpRequest, files: web::Data<SpaFiles>) -> HttpResponse {
    let rel = req.path().trim_start_matches('/');
    if !rel.is_empty() && Path::new(rel).extension().is_some() {
        if let Some(bytes) = files.read(rel) {
            let mime = mime_guess::from_path(rel).first_or_octet_stream();
            return HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, mime.as_ref()))
                .insert_header((header::CACHE_CONTROL, "no-cache"))
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
