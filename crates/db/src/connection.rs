use std::time::Duration;

use chrono_tz::Tz;

use crate::time::Zones;
use sea_orm::error::{RuntimeErr, SqlxError, SqlxMySqlError, SqlxPostgresError, SqlxSqliteError};
use sea_orm::sqlx::error::DatabaseError as _;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

/// Which SQL dialect Kamailio's tables live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Mysql,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Mysql => "mysql",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database cannot be reached or refused us: the caller gets 503.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The query failed for a reason that is ours or the schema's.
    #[error("database query failed: {0}")]
    Query(String),
    /// The deployment's table lacks columns this request needs (an optional column
    /// Kamailio writes only where a setting adds it): the caller's 400, naming both.
    #[error("Kamailio's `{table}` table has no column {}: {hint}", columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))]
    MissingColumns { table: String, columns: Vec<String>, hint: String },
    #[error("unsupported database URL {0:?}: use sqlite://, mysql:// or postgres://")]
    BadUrl(String),
}

impl From<DbErr> for DbError {
    fn from(e: DbErr) -> Self {
        let unavailable = match &e {
            DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => true,
            DbErr::Exec(RuntimeErr::SqlxError(err)) | DbErr::Query(RuntimeErr::SqlxError(err)) => sqlx_unavailable(err),
            _ => false,
        };
        if unavailable {
            DbError::Unavailable(e.to_string())
        } else {
            DbError::Query(e.to_string())
        }
    }
}

/// Is this the database being away (503, retry later) rather than a wrong query?
/// Classified by error type and the backends' own codes, never by message text.
fn sqlx_unavailable(err: &SqlxError) -> bool {
    match err {
        SqlxError::Io(_)
        | SqlxError::Tls(_)
        | SqlxError::Protocol(_)
        | SqlxError::PoolTimedOut
        | SqlxError::PoolClosed
        | SqlxError::WorkerCrashed => true,
        SqlxError::Database(db) => {
            if let Some(sqlite) = db.try_downcast_ref::<SqlxSqliteError>() {
                // Primary result codes (the low byte of extended ones): 5 BUSY and 6 LOCKED
                // (Kamailio holds the write lock), 14 CANTOPEN (file gone or unreadable).
                let code = sqlite.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0) & 0xff;
                matches!(code, 5 | 6 | 14)
            } else if let Some(my) = db.try_downcast_ref::<SqlxMySqlError>() {
                // 1040 too many connections, 1053 server shutdown, 1205 lock wait timeout,
                // 2002/2003/2006/2013 the connection could not be made or was lost.
                matches!(my.number(), 1040 | 1053 | 1205 | 2002 | 2003 | 2006 | 2013)
            } else if let Some(pg) = db.try_downcast_ref::<SqlxPostgresError>() {
                // SQLSTATE class 08 (connection exception), 53 (insufficient resources),
                // 57P01-57P03 (the server is shutting down or starting).
                let c = pg.code();
                c.starts_with("08") || c.starts_with("53") || matches!(c, "57P01" | "57P02" | "57P03")
            } else {
                false
            }
        }
        _ => false,
    }
}

#[derive(Debug, Clone)]
pub struct DbConfig {
    pub url: String,
    /// The zone Kamailio's DATETIME columns are written in (MySQL/PostgreSQL store
    /// naive local time).
    pub timezone: Tz,
    /// The zone the API shows times in and counts days and hours in.
    pub report_timezone: Tz,
    /// usrloc's `use_domain`.
    pub use_domain: bool,
}

/// Kamailio's database, as one sea-orm connection pool.
#[derive(Clone)]
pub struct KamailioDb {
    pub(crate) conn: DatabaseConnection,
    pub(crate) columns: crate::schema::ColumnCache,
    /// The closed hours of days whose figures were asked for (crate::acc_hours).
    pub(crate) day_cache: crate::acc_hours::DayCache,
    pub(crate) backend: Backend,
    pub(crate) zones: Zones,
    pub(crate) use_domain: bool,
}

impl KamailioDb {
    /// Builds the pool lazily: kamscope starts (and serves its RPC-backed pages) even
    /// while the database is down, and recovers without a restart.
    pub async fn connect(cfg: &DbConfig) -> Result<Self, DbError> {
        let backend = match cfg.url.split_once(':').map(|(s, _)| s) {
            Some("sqlite") => Backend::Sqlite,
            Some("mysql") | Some("mariadb") => Backend::Mysql,
            Some("postgres") | Some("postgresql") => Backend::Postgres,
            _ => return Err(DbError::BadUrl(cfg.url.clone())),
        };
        let url = cfg.url.replacen("mariadb://", "mysql://", 1);
        let mut opts = ConnectOptions::new(url);
        opts.max_connections(8)
            .min_connections(0)
            .connect_timeout(Duration::from_secs(3))
            .acquire_timeout(Duration::from_secs(3))
            .sqlx_logging(false)
            .connect_lazy(true);
        let conn = Database::connect(opts).await.map_err(DbError::from)?;
        Ok(Self {
            conn,
            columns: Default::default(),
            day_cache: Default::default(),
            backend,
            zones: Zones { stored: cfg.timezone, shown: cfg.report_timezone },
            use_domain: cfg.use_domain,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn db_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// `SELECT 1`: is the database there?
    pub async fn ping(&self) -> Result<(), DbError> {
        self.conn.execute_unprepared("SELECT 1").await.map(|_| ()).map_err(DbError::from)
    }
}
