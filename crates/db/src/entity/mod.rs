//! sea-orm entities for Kamailio's tables, as the 5.6 schema files create them.
pub mod acc;
pub mod acc_cdrs;
pub mod dialog;
pub mod location;
pub mod missed_calls;
