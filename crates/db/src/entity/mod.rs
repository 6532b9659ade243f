//! sea-orm entities for Kamailio's tables, as the 5.6 schema files create them.
pub mod location;
