//! Builds the application from settings: listener, state, routes, docs, SPA.
use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{middleware, web, App, HttpResponse, HttpServer};
use kamscope_db::KamailioDb;
use utoipa_swagger_ui::SwaggerUi;

use crate::configuration::Settings;
use crate::error;
use crate::openapi;
use crate::routes::{self, KnownPaths};
use crate::spa::{self, SpaFiles};
use crate::state::AppState;

pub struct Application {
    address: std::net::SocketAddr,
    server: Server,
}

impl Application {
    /// Connects lazily: kamscope starts even while Kamailio or the database is down,
    /// answers 503 for what needs them, and recovers by itself.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = KamailioDb::connect(&settings.db_config()?).await?;
        let state = AppState::new(&settings, db)?;
        let listener = TcpListener::bind(&settings.listen)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.listen))?;
        Self::from_parts(listener, state, SpaFiles::new(&settings.spa_dir))
    }

    pub fn from_parts(listener: TcpListener, state: AppState, spa_files: SpaFiles) -> anyhow::Result<Self> {
        let address = listener.local_addr()?;
        if !address.ip().is_loopback() {
            tracing::warn!(
                %address,
                "kamscope listens beyond loopback and has no accounts yet: anyone who reaches this port can end calls and delete registrations; put it behind a proxy that authenticates, or listen on 127.0.0.1"
            );
        }
        let spa_files = web::Data::new(spa_files);
        let openapi = openapi::document();
        let known = web::Data::new(KnownPaths::from_doc(&openapi));
        let tz = web::Data::new(state.tz);
        let server = HttpServer::new(move || {
            App::new()
                .wrap(middleware::Logger::new("%a \"%r\" %s %b %Dms"))
                .wrap(middleware::Compress::default())
                .app_data(spa_files.clone())
                .app_data(known.clone())
                .app_data(tz.clone())
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .app_data(web::JsonConfig::default().error_handler(error::json_error))
                .service(
                    web::scope("/api/v1")
                        .configure(|cfg| routes::configure(cfg, &state))
                        .default_service(web::to(routes::api_not_found)),
                )
                .service(web::scope("/api").default_service(web::to(routes::api_not_found)))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", openapi.clone()))
                .route(
                    "/docs",
                    web::get().to(|| async { HttpResponse::Found().insert_header(("Location", "/docs/")).finish() }),
                )
                .default_service(web::to(spa::serve))
        })
        .listen(listener)?
        .run();
        Ok(Application { address, server })
    }

    pub fn address(&self) -> std::net::SocketAddr {
        self.address
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
