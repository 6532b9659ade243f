//! Kamailio's own tables, read (and, where the API says so, cleaned) through sea-orm.
//! kamscope never migrates these tables: Kamailio's schema files own them.
//! One module per Kamailio module (`usrloc`, ...); the HTTP layer sees only the traits.

pub mod acc;
mod connection;
pub mod dialog;
pub mod entity;
pub mod indexes;
pub mod page;
mod schema;
pub mod time;
pub mod usrloc;

pub use acc::{AccDb, AccTable, CdrCursor, CdrFilter, DB_EXTRA_HINT};
pub use connection::{Backend, DbConfig, DbError, KamailioDb};
pub use dialog::{CdrRecordFilter, DialogDb, DialogFilter};
pub use usrloc::{LocationCursor, LocationQuery, UsrlocDb};
