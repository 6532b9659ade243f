//! kamscope's server: configuration, startup, routes (one file per Kamailio module),
//! one error type mapped to problem+json, the OpenAPI document and the SPA.
pub mod cache;
pub mod configuration;
pub mod cursor;
pub mod error;
pub mod openapi;
pub mod routes;
pub mod spa;
pub mod startup;
pub mod state;
pub mod telemetry;
