//! Which columns a deployment's tables have. Kamailio's optional columns (acc's
//! `db_extra`, `cdr_extra`) exist only where the operator's config adds them, so a query
//! selects what is there instead of failing on a stock table.
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Statement};

use crate::time::read_string;
use crate::{Backend, DbError, KamailioDb};

/// Columns are looked up again after this long, so an operator's `ALTER TABLE` shows up
/// without a restart.
const TTL: Duration = Duration::from_secs(60);

/// A table's columns and when they were read.
type Columns = (Instant, Arc<BTreeSet<String>>);

#[derive(Default, Clone)]
pub struct ColumnCache(Arc<Mutex<HashMap<String, Columns>>>);

impl KamailioDb {
    /// The (lower-case) column names of `table`; empty when there is no such table.
    pub async fn columns(&self, table: &str) -> Result<Arc<BTreeSet<String>>, DbError> {
        if let Some((at, cols)) = self.columns.0.lock().expect("column cache").get(table) {
            if at.elapsed() < TTL {
                return Ok(cols.clone());
            }
        }
        let (sql, col) = match self.backend {
            Backend::Sqlite => ("SELECT name FROM pragma_table_info(?)", "name"),
            Backend::Mysql => {
                ("SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?", "name")
            }
            Backend::Postgres => (
                "SELECT column_name::text AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
                "name",
            ),
        };
        let stmt = Statement::from_sql_and_values(self.db_backend(), sql, [table.into()]);
        let rows = self.conn.query_all(stmt).await?;
        let cols: BTreeSet<String> =
            rows.iter().filter_map(|r| read_string(r, col)).map(|c| c.to_lowercase()).collect();
        let cols = Arc::new(cols);
        self.columns.0.lock().expect("column cache").insert(table.to_string(), (Instant::now(), cols.clone()));
        Ok(cols)
    }

    /// Fails with [`DbError::MissingColumns`] unless `table` has every one of `needed`.
    pub async fn require_columns(&self, table: &str, needed: &[&str], hint: &str) -> Result<(), DbError> {
        let have = self.columns(table).await?;
        let missing: Vec<String> = needed.iter().filter(|c| !have.contains(**c)).map(|c| c.to_string()).collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(DbError::MissingColumns { table: table.into(), columns: missing, hint: hint.into() })
        }
    }
}
