//! The indexes kamscope recommends on Kamailio's tables. Kamailio's stock schema
//! indexes `acc` and `missed_calls` only on `callid`, so every newest-first page and
//! every day's figures scan and sort the whole table (1M acc rows: 177-713 ms for page
//! one; with an index on `time` 0.1-0.4 ms). kamscope never changes Kamailio's tables by
//! itself: `kamscope db indexes` reports, `--apply` creates what is missing.
use sea_orm::{ConnectionTrait, Statement};

use crate::time::read_string;
use crate::{Backend, DbError, KamailioDb};

/// One recommended index.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommended {
    pub table: &'static str,
    pub name: &'static str,
    pub columns: &'static [&'static str],
    /// What it makes fast.
    pub why: &'static str,
}

/// Every index kamscope recommends; the SIP trace and presence areas add theirs here.
pub const RECOMMENDED: &[Recommended] = &[
    // (time, id) is the lists' order; method and sip_code make it cover the day's figures.
    Recommended {
        table: "acc",
        name: "kamscope_acc_time_idx",
        columns: &["time", "id", "method", "sip_code"],
        why: "CDR lists newest first, time filters, the day's figures (read from the index alone) and KPIs",
    },
    Recommended {
        table: "missed_calls",
        name: "kamscope_missed_calls_time_idx",
        columns: &["time", "id", "method"],
        why: "missed calls newest first, time filters, the day's figures (read from the index alone) and KPIs",
    },
    // Only where acc's db_extra adds these columns.
    Recommended {
        table: "acc",
        name: "kamscope_acc_src_user_idx",
        columns: &["src_user", "time"],
        why: "the caller filter of CDR lists and calls, newest first",
    },
    Recommended {
        table: "acc",
        name: "kamscope_acc_dst_user_idx",
        columns: &["dst_user", "time"],
        why: "the callee filter of CDR lists and calls, newest first",
    },
    Recommended {
        table: "missed_calls",
        name: "kamscope_missed_calls_src_user_idx",
        columns: &["src_user", "time"],
        why: "the caller filter of missed calls, newest first",
    },
    Recommended {
        table: "missed_calls",
        name: "kamscope_missed_calls_dst_user_idx",
        columns: &["dst_user", "time"],
        why: "the callee filter of missed calls, newest first",
    },
    // Measured on 1M rows over 30 days (SQLite): a method with no match in a 7-day window
    // 160 ms -> under 1 ms. Not (toip, time_stamp): an address without a protocol is an IN
    // list over six stored forms, which no index keeps in time order, so for a busy
    // address (Kamailio's own) it sorted every match, 240 ms instead of 1 ms.
    Recommended {
        table: "sip_trace",
        name: "kamscope_sip_trace_method_idx",
        columns: &["method", "time_stamp"],
        why: "SIP trace searches by method within their time window",
    },
];

/// A recommended index on this deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexState {
    pub index: Recommended,
    /// The name of an existing index that starts with these columns.
    pub present: Option<String>,
    /// The statement that creates it on this backend.
    pub sql: String,
}

impl Backend {
    /// What creating an index does to a running Kamailio on this backend.
    pub fn index_build_effect(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite locks the whole database while it builds the index: Kamailio's writes wait (and fail after their busy timeout, losing rows) until it is done; on a million rows that is seconds. Run it in a quiet moment.",
            Backend::Mysql => "MariaDB/MySQL build it online (ALGORITHM=INPLACE, LOCK=NONE): Kamailio keeps writing; the table is briefly locked at the start and the end.",
            Backend::Postgres => "PostgreSQL builds it with CREATE INDEX CONCURRENTLY: Kamailio keeps writing; it takes longer than a plain build and, if it fails, leaves an invalid index to drop.",
        }
    }

    fn create_index_sql(self, r: &Recommended) -> String {
        let cols = r.columns.iter().map(|c| self.quote(c)).collect::<Vec<_>>().join(", ");
        let (table, name) = (self.quote(r.table), self.quote(r.name));
        match self {
            Backend::Sqlite => format!("CREATE INDEX {name} ON {table} ({cols})"),
            Backend::Mysql => format!("CREATE INDEX {name} ON {table} ({cols}) ALGORITHM=INPLACE LOCK=NONE"),
            Backend::Postgres => format!("CREATE INDEX CONCURRENTLY {name} ON {table} ({cols})"),
        }
    }

    fn quote(self, ident: &str) -> String {
        match self {
            Backend::Mysql => format!("`{ident}`"),
            _ => format!("\"{ident}\""),
        }
    }
}

impl KamailioDb {
    /// The indexes of `table`: (name, its columns in order).
    async fn table_indexes(&self, table: &str) -> Result<Vec<(String, Vec<String>)>, DbError> {
        let (sql, args): (&str, Vec<sea_orm::Value>) = match self.backend {
            Backend::Sqlite => (
                "SELECT il.name AS name, ii.name AS col FROM pragma_index_list(?) il, pragma_index_info(il.name) ii ORDER BY il.name, ii.seqno",
                vec![table.into()],
            ),
            Backend::Mysql => (
                "SELECT index_name AS name, column_name AS col FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? ORDER BY index_name, seq_in_index",
                vec![table.into()],
            ),
            Backend::Postgres => (
                "SELECT i.relname::text AS name, a.attname::text AS col FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid \
                 JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) ON true JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
                 WHERE t.relname = $1 AND t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND x.indisvalid ORDER BY i.relname, k.ord",
                vec![table.into()],
            ),
        };
        let rows = self.conn.query_all(Statement::from_sql_and_values(self.db_backend(), sql, args)).await?;
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for r in rows {
            let (Some(name), Some(col)) = (read_string(&r, "name"), read_string(&r, "col")) else { continue };
            match out.last_mut() {
                Some((n, cols)) if *n == name => cols.push(col.to_lowercase()),
                _ => out.push((name, vec![col.to_lowercase()])),
            }
        }
        Ok(out)
    }

    /// Each recommended index whose table exists here, and whether an index starting
    /// with its columns is there.
    pub async fn index_report(&self) -> Result<Vec<IndexState>, DbError> {
        let mut out = Vec::new();
        for r in RECOMMENDED {
            // The table, and every column the index needs (some are db_extra's), must be there.
            let have = self.columns(r.table).await?;
            if have.is_empty() || !r.columns.iter().all(|c| have.contains(*c)) {
                continue;
            }
            let existing = self.table_indexes(r.table).await?;
            let present = existing
                .into_iter()
                .find(|(_, cols)| cols.len() >= r.columns.len() && cols.iter().zip(r.columns).all(|(a, b)| a == b))
                .map(|(n, _)| n);
            out.push(IndexState { index: r.clone(), present, sql: self.backend.create_index_sql(r) });
        }
        Ok(out)
    }

    /// Creates one missing index (the statement of [`IndexState::sql`]).
    pub async fn create_index(&self, state: &IndexState) -> Result<(), DbError> {
        self.conn.execute_unprepared(&state.sql).await.map(|_| ()).map_err(DbError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdb::temp_sqlite;

    #[tokio::test]
    async fn reports_missing_indexes_and_creates_exactly_those() {
        let db = temp_sqlite("idx", chrono_tz::UTC, chrono_tz::UTC).await;
        for sql in [
            // No db_extra columns: the caller/callee indexes are not recommended here.
            "CREATE TABLE acc (id INTEGER PRIMARY KEY, method VARCHAR(16), callid VARCHAR(255), sip_code VARCHAR(3), time TIMESTAMP)",
            "CREATE INDEX acc_callid_idx ON acc (callid)",
            "CREATE INDEX acc_time_only ON acc (time)",
            "CREATE TABLE missed_calls (id INTEGER PRIMARY KEY, method VARCHAR(16), callid VARCHAR(255), time TIMESTAMP)",
            "CREATE INDEX operator_own ON missed_calls (time, id, method, callid)",
        ] {
            db.conn.execute_unprepared(sql).await.unwrap();
        }
        let report = db.index_report().await.unwrap();
        let state: Vec<(&str, Option<&str>)> = report.iter().map(|s| (s.index.table, s.present.as_deref())).collect();
        assert_eq!(state, [("acc", None), ("missed_calls", Some("operator_own"))]);
        for s in report.iter().filter(|s| s.present.is_none()) {
            db.create_index(s).await.unwrap();
        }
        let after = db.index_report().await.unwrap();
        assert_eq!(after[0].present.as_deref(), Some("kamscope_acc_time_idx"));
        assert_eq!(after[1].present.as_deref(), Some("operator_own"));
    }
}
