//! kamscope's server: configuration, startup, services and routes (one file per
//! Kamailio module each), one error type mapped to problem+json, jobs, CSV export, the
//! OpenAPI document and the SPA. `crates/server/README.md` walks through adding an area.
pub mod cache;
pub mod cli;
pub mod configuration;
pub mod csv_export;
pub mod cursor;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod openapi;
pub mod routes;
pub mod services;
pub mod spa;
pub mod startup;
pub mod state;
pub mod telemetry;
