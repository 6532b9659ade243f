//! Registrations from usrloc's `location` table.
use async_trait::async_trait;
use chrono::Utc;
use kamscope_api_types::usrloc::{ExpiryState, Registration, RegistrationSource};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

use crate::entity::location::{self, Column};
use crate::page::keyset_tail;
use crate::time::{read_datetime, read_f64, read_i64, read_string, select_datetime};
use crate::{DbError, KamailioDb};

/// Where a page ended: rows sort by (username, id), a stable key usrloc's
/// `account_contact_idx` (username first) helps with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LocationCursor {
    pub username: String,
    pub id: i64,
}

#[derive(Debug, Clone, Default)]
pub struct LocationQuery {
    /// Substring of the username, case as stored.
    pub q: Option<String>,
    pub limit: u64,
    pub after: Option<LocationCursor>,
}

#[async_trait]
pub trait UsrlocDb: Send + Sync {
    /// One page of contacts; the cursor is that of the last row when more follow.
    async fn locations(&self, query: &LocationQuery) -> Result<(Vec<Registration>, Option<LocationCursor>), DbError>;
}

/// Escapes LIKE wildcards so a search for `a_b` finds `a_b`, not `axb`.
pub(crate) fn like_contains(q: &str) -> LikeExpr {
    let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

#[async_trait]
impl UsrlocDb for KamailioDb {
    async fn locations(&self, query: &LocationQuery) -> Result<(Vec<Registration>, Option<LocationCursor>), DbError> {
        let mut select = location::Entity::find()
            .select_only()
            .columns([
                Column::Id,
                Column::Ruid,
                Column::Username,
                Column::Domain,
                Column::Contact,
                Column::Received,
                Column::Path,
                Column::Q,
                Column::Callid,
                Column::Cseq,
                Column::Flags,
                Column::Cflags,
                Column::UserAgent,
                Column::Socket,
                Column::Methods,
                Column::Instance,
                Column::RegId,
            ])
            .expr_as(select_datetime(self.backend, "location", "expires"), "expires_at")
            .expr_as(select_datetime(self.backend, "location", "last_modified"), "last_modified_at");
        if let Some(q) = query.q.as_deref().filter(|q| !q.is_empty()) {
            select = select.filter(Expr::col(Column::Username).like(like_contains(q)));
        }
        if let Some(c) = &query.after {
            // The expanded form of (username, id) > (?, ?): MariaDB uses an index for it,
            // not for the row-value comparison.
            select = select.filter(
                Condition::all()
                    .add(Column::Username.gte(c.username.clone()))
                    .add(Condition::any().add(Column::Username.gt(c.username.clone())).add(Column::Id.gt(c.id))),
            );
        }
        let stmt = select
            .order_by_asc(Column::Username)
            .order_by_asc(Column::Id)
            .limit(query.limit + 1)
            .build(self.db_backend());
        let rows = sea_orm::ConnectionTrait::query_all(&self.conn, stmt).await?;
        let now = Utc::now();
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let id = read_i64(row, "id").unwrap_or_default();
            let username = read_string(row, "username").unwrap_or_default();
            let domain = read_string(row, "domain");
            let expires = read_datetime(row, self.backend, "expires_at", self.zones);
            let expires_in = expires.map(|e| e.timestamp() - now.timestamp());
            // usrloc writes expires = 0 (the epoch) for permanent contacts.
            let (expiry_state, expires, expires_in) = match expires {
                Some(e) if e.timestamp() <= 0 => (ExpiryState::Permanent, None, None),
                Some(_) if expires_in.is_some_and(|s| s < 0) => (ExpiryState::Expired, expires, expires_in),
                _ => (ExpiryState::Active, expires, expires_in),
            };
            let aor = match (&domain, self.use_domain) {
                (Some(d), true) => format!("{username}@{d}"),
                _ => username.clone(),
            };
            let key = LocationCursor { username: username.clone(), id };
            items.push((
                Registration {
                    aor,
                    username,
                    domain,
                    contact: read_string(row, "contact").unwrap_or_default(),
                    expires,
                    expires_in,
                    expiry_state,
                    user_agent: read_string(row, "user_agent"),
                    received: read_string(row, "received"),
                    socket: read_string(row, "socket"),
                    q: read_f64(row, "q").filter(|q| *q >= 0.0),
                    call_id: read_string(row, "callid"),
                    cseq: read_i64(row, "cseq"),
                    last_modified: read_datetime(row, self.backend, "last_modified_at", self.zones),
                    path: read_string(row, "path"),
                    instance: read_string(row, "instance"),
                    reg_id: read_i64(row, "reg_id"),
                    ruid: read_string(row, "ruid"),
                    flags: read_i64(row, "flags"),
                    cflags: read_i64(row, "cflags"),
                    methods: read_i64(row, "methods"),
                    ul_state: None,
                    source: RegistrationSource::Db,
                    node: None,
                },
                key,
            ));
        }
        Ok(keyset_tail(items, query.limit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DbConfig;

    async fn sqlite_with_rows(n: usize) -> KamailioDb {
        let db = KamailioDb::connect(&DbConfig {
            url: "sqlite::memory:".into(),
            timezone: chrono_tz::Asia::Shanghai,
            report_timezone: chrono_tz::Asia::Shanghai,
            use_domain: false,
        })
        .await
        .unwrap();
        // The subset of Kamailio's usrloc-create.sql the query reads, as db_sqlite fills it.
        sea_orm::ConnectionTrait::execute_unprepared(
            &db.conn,
            "CREATE TABLE location (id INTEGER PRIMARY KEY NOT NULL, ruid VARCHAR(64) DEFAULT '' NOT NULL,
             username VARCHAR(64) DEFAULT '' NOT NULL, domain VARCHAR(64) DEFAULT NULL, contact VARCHAR(512) DEFAULT '' NOT NULL,
             received VARCHAR(128), path VARCHAR(512), expires TIMESTAMP WITHOUT TIME ZONE DEFAULT '2030-05-28 21:32:15' NOT NULL,
             q REAL DEFAULT 1.0 NOT NULL, callid VARCHAR(255) DEFAULT 'Default-Call-ID' NOT NULL, cseq INTEGER DEFAULT 1 NOT NULL,
             last_modified TIMESTAMP WITHOUT TIME ZONE DEFAULT '2000-01-01 00:00:01' NOT NULL, flags INTEGER DEFAULT 0 NOT NULL,
             cflags INTEGER DEFAULT 0 NOT NULL, user_agent VARCHAR(255) DEFAULT '' NOT NULL, socket VARCHAR(64), methods INTEGER,
             instance VARCHAR(255), reg_id INTEGER DEFAULT 0 NOT NULL)",
        )
        .await
        .unwrap();
        for i in 0..n {
            // 2461370.8538831 is how db_sqlite stores 2026-11-26T08:29:35.5Z.
            let sql = format!(
                "INSERT INTO location (username, contact, expires, q, last_modified, user_agent) VALUES ('u{:02}_x', 'sip:u{}@h', 2461370.8538831, -1, 2461370.8, 'ua')",
                i % 10,
                i
            );
            sea_orm::ConnectionTrait::execute_unprepared(&db.conn, &sql).await.unwrap();
        }
        db
    }

    #[tokio::test]
    async fn sqlite_julian_days_become_zoned_times_and_pages_are_keyset() {
        let db = sqlite_with_rows(25).await;
        let (first, cursor) = db.locations(&LocationQuery { q: None, limit: 10, after: None }).await.unwrap();
        assert_eq!(first.len(), 10);
        let e = first[0].expires.unwrap();
        assert_eq!(e.to_rfc3339(), "2026-11-26T16:29:36+08:00");
        assert_eq!(first[0].q, None);
        let mut all = first;
        let mut cursor = cursor;
        while let Some(c) = cursor {
            let (page, next) = db.locations(&LocationQuery { q: None, limit: 10, after: Some(c) }).await.unwrap();
            all.extend(page);
            cursor = next;
        }
        assert_eq!(all.len(), 25);
        let mut sorted = all.clone();
        sorted.sort_by(|a, b| a.username.cmp(&b.username));
        assert_eq!(all, sorted);
    }

    #[tokio::test]
    async fn search_treats_like_wildcards_literally() {
        let db = sqlite_with_rows(20).await;
        let (hits, _) = db.locations(&LocationQuery { q: Some("u03_".into()), limit: 50, after: None }).await.unwrap();
        assert_eq!(hits.len(), 2);
        let (none, _) = db.locations(&LocationQuery { q: Some("u0%x".into()), limit: 50, after: None }).await.unwrap();
        assert!(none.is_empty());
    }
}
