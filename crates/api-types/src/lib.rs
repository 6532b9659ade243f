//! The JSON shapes of kamscope's `/api/v1`, defined once for the server (which derives
//! OpenAPI schemas from them) and for the Leptos SPA (which deserializes them).
//! One module per Kamailio module, named as Kamailio names it.

pub mod acc;
pub mod cleanup;
pub mod common;
pub mod dashboard;
pub mod dialog;
pub mod health;
pub mod jobs;
pub mod msilo;
pub mod presence;
pub mod query;
pub mod siptrace;
pub mod topos;
pub mod usrloc;

pub use common::{Page, Problem};
