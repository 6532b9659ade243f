//! For unit tests: a SQLite database in a file of its own (one pool, several
//! connections, all seeing the same tables), removed when the test ends.
use chrono_tz::Tz;

use crate::{DbConfig, KamailioDb};

pub struct TempDb {
    pub db: KamailioDb,
    path: std::path::PathBuf,
}

impl std::ops::Deref for TempDb {
    type Target = KamailioDb;
    fn deref(&self) -> &KamailioDb {
        &self.db
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

/// A fresh database; Kamailio writes in `stored`, the API shows `shown`.
pub async fn temp_sqlite(what: &str, stored: Tz, shown: Tz) -> TempDb {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let path = std::env::temp_dir().join(format!("kamscope-{what}-{}-{n}.sqlite", std::process::id()));
    let db = KamailioDb::connect(&DbConfig {
        url: format!("sqlite://{}?mode=rwc", path.display()),
        timezone: stored,
        report_timezone: shown,
        use_domain: false,
    })
    .await
    .expect("a SQLite file in the temp dir");
    TempDb { db, path }
}
