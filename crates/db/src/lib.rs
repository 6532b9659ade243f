//! Kamailio's own tables, read (and, where the API says so, cleaned) through sea-orm.
//! kamscope never migrates these tables: Kamailio's schema files own them.
//! One module per Kamailio module (`usrloc`, ...); the HTTP layer sees only the traits.

pub mod acc;
mod acc_hours;
mod acc_sqlite_export;
pub mod cleanup;
mod connection;
pub mod dialog;
pub mod entity;
pub mod indexes;
pub mod msilo;
pub mod newest;
pub mod page;
pub mod presence;
mod schema;
pub mod siptrace;
#[cfg(test)]
mod testdb;
pub mod time;
pub mod topos;
pub mod usrloc;

pub use acc::{AccDb, AccTable, CdrCursor, CdrFilter, CdrStream, DB_EXTRA_HINT};
pub use cleanup::CleanupDb;
pub use connection::{Backend, DbConfig, DbError, KamailioDb};
pub use dialog::{CdrRecordFilter, DialogDb, DialogFilter};
pub use msilo::{MsiloDb, SiloFilter};
pub use newest::TimeCursor;
pub use presence::{PresenceDb, PresenceTable, PresentityFilter, WatcherFilter};
pub use siptrace::{AddrMatch, SiptraceDb, TraceFilter, TraceKey, TraceRow};
pub use topos::{ToposDb, ToposFilter};
pub use usrloc::{LocationCursor, LocationQuery, UsrlocDb};
