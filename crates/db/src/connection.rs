use std::time::Duration;

use chrono_tz::Tz;
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
    #[error("unsupported database URL {0:?}: use sqlite://, mysql:// or postgres://")]
    BadUrl(String),
}

impl From<DbErr> for DbError {
    fn from(e: DbErr) -> Self {
        match &e {
            DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => DbError::Unavailable(e.to_string()),
            DbErr::Exec(err) | DbErr::Query(err) => {
                let text = err.to_string();
                // sqlx reports a dropped or refused connection as an I/O error inside Exec/Query.
                let lower = text.to_lowercase();
                if ["connection refused", "broken pipe", "connection reset", "pool timed out", "error communicating", "io error", "timed out", "database is locked", "unable to open database"]
                    .iter()
                    .any(|w| lower.contains(w))
                {
                    DbError::Unavailable(text)
                } else {
                    DbError::Query(text)
                }
            }
            _ => DbError::Query(e.to_string()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct DbConfig {
    pub url: String,
    /// The zone Kamailio's DATETIME columns are written in (MySQL/PostgreSQL store
    /// naive local time); also the zone the API prints times in.
    pub timezone: Tz,
    /// usrloc's `use_domain`.
    pub use_domain: bool,
}

/// Kamailio's database, as one sea-orm connection pool.
#[derive(Clone)]
pub struct KamailioDb {
    pub(crate) conn: DatabaseConnection,
    pub(crate) backend: Backend,
    pub(crate) tz: Tz,
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
        Ok(Self { conn, backend, tz: cfg.timezone, use_domain: cfg.use_domain })
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
