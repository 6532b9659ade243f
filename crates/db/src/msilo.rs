//! Offline messages: msilo's `silo` table. msilo stores its times as integer epoch
//! seconds on every backend.
use async_trait::async_trait;
use kamscope_api_types::msilo::{OfflineMessage, PREVIEW_CHARS};
use sea_orm::sea_query::{Alias, Asterisk, Expr, Func, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult};

use crate::page::keyset_tail;
use crate::presence::{read_bytes, text_of};
use crate::time::{from_epoch, read_i64, read_string};
use crate::usrloc::like_contains;
use crate::{DbError, KamailioDb};

#[derive(Debug, Clone, Default)]
pub struct SiloFilter {
    /// Part of `src_addr`.
    pub src: Option<String>,
    /// Part of `dst_addr`.
    pub dst: Option<String>,
}

#[async_trait]
pub trait MsiloDb: Send + Sync {
    /// A page of stored messages by id (bodies as previews).
    async fn messages(
        &self,
        f: &SiloFilter,
        limit: u64,
        after_id: Option<i64>,
    ) -> Result<(Vec<OfflineMessage>, Option<i64>), DbError>;
    /// One stored message with its whole body.
    async fn message(&self, id: i64) -> Result<Option<OfflineMessage>, DbError>;
    /// Removes one message; whether it was there.
    async fn delete_message(&self, id: i64) -> Result<bool, DbError>;
    /// Messages whose `exp_time` (epoch s) is before `before`.
    async fn count_expired_messages(&self, before: i64) -> Result<u64, DbError>;
    /// Removes exactly those; how many went.
    async fn delete_expired_messages(&self, before: i64) -> Result<u64, DbError>;
}

fn col(c: &str) -> Expr {
    Expr::col((Alias::new("silo"), Alias::new(c)))
}

impl KamailioDb {
    fn message_of(&self, r: &QueryResult, whole: bool, now: i64) -> OfflineMessage {
        let s = |c: &str| read_string(r, c).unwrap_or_default();
        let z = self.zones.shown;
        let epoch = |c: &str| read_i64(r, c).filter(|t| *t > 0).and_then(|t| from_epoch(t, z));
        let body = text_of(&read_bytes(r, "body").unwrap_or_default());
        let exp = read_i64(r, "exp_time").unwrap_or_default();
        OfflineMessage {
            id: read_i64(r, "id").unwrap_or_default(),
            src_addr: s("src_addr"),
            dst_addr: s("dst_addr"),
            username: s("username"),
            domain: s("domain"),
            inc_time: epoch("inc_time"),
            exp_time: epoch("exp_time"),
            expired: exp < now,
            snd_time: epoch("snd_time"),
            ctype: s("ctype"),
            body_size: body.len() as u64,
            body_preview: body.chars().take(PREVIEW_CHARS).collect(),
            body: whole.then_some(body),
            extra_hdrs: read_string(r, "extra_hdrs"),
            callid: s("callid"),
            status: read_i64(r, "status").unwrap_or_default(),
        }
    }
}

#[async_trait]
impl MsiloDb for KamailioDb {
    async fn messages(
        &self,
        f: &SiloFilter,
        limit: u64,
        after_id: Option<i64>,
    ) -> Result<(Vec<OfflineMessage>, Option<i64>), DbError> {
        let mut q = Query::select();
        q.from(Alias::new("silo")).column(Asterisk);
        if let Some(v) = &f.src {
            q.and_where(col("src_addr").like(like_contains(v)));
        }
        if let Some(v) = &f.dst {
            q.and_where(col("dst_addr").like(like_contains(v)));
        }
        if let Some(id) = after_id {
            q.and_where(col("id").gt(id));
        }
        q.order_by((Alias::new("silo"), Alias::new("id")), Order::Asc).limit(limit + 1);
        let now = chrono::Utc::now().timestamp();
        let rows = self.conn.query_all(self.db_backend().build(&q)).await?;
        let items = rows
            .iter()
            .map(|r| {
                let m = self.message_of(r, false, now);
                let id = m.id;
                (m, id)
            })
            .collect();
        Ok(keyset_tail(items, limit))
    }

    async fn message(&self, id: i64) -> Result<Option<OfflineMessage>, DbError> {
        let mut q = Query::select();
        q.from(Alias::new("silo")).column(Asterisk).and_where(col("id").eq(id));
        let now = chrono::Utc::now().timestamp();
        Ok(self.conn.query_one(self.db_backend().build(&q)).await?.map(|r| self.message_of(&r, true, now)))
    }

    async fn delete_message(&self, id: i64) -> Result<bool, DbError> {
        let mut d = Query::delete();
        d.from_table(Alias::new("silo")).and_where(col("id").eq(id));
        Ok(self.conn.execute(self.db_backend().build(&d)).await?.rows_affected() > 0)
    }

    async fn count_expired_messages(&self, before: i64) -> Result<u64, DbError> {
        let mut q = Query::select();
        q.expr_as(Func::count(col("id")), Alias::new("n"))
            .from(Alias::new("silo"))
            .and_where(col("exp_time").lt(before));
        let row = self.conn.query_one(self.db_backend().build(&q)).await?;
        Ok(row.and_then(|r| read_i64(&r, "n")).unwrap_or(0).max(0) as u64)
    }

    async fn delete_expired_messages(&self, before: i64) -> Result<u64, DbError> {
        let mut d = Query::delete();
        d.from_table(Alias::new("silo")).and_where(col("exp_time").lt(before));
        Ok(self.conn.execute(self.db_backend().build(&d)).await?.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DbConfig;

    #[tokio::test]
    async fn bodies_come_back_as_sent_and_only_expired_messages_go() {
        let path = std::env::temp_dir().join(format!("kamscope-msilo-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let db = KamailioDb::connect(&DbConfig {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            timezone: chrono_tz::UTC,
            report_timezone: chrono_tz::UTC,
            use_domain: false,
        })
        .await
        .unwrap();
        db.conn
            .execute_unprepared("CREATE TABLE version (table_name VARCHAR(32), table_version INTEGER)")
            .await
            .unwrap();
        let schema = std::fs::read_to_string("/usr/share/kamailio/db_sqlite/msilo-create.sql")
            .expect("Kamailio's SQLite msilo schema (apt-get install kamailio-sqlite-modules)");
        for stmt in schema.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            db.conn.execute_unprepared(stmt).await.unwrap();
        }
        let now = chrono::Utc::now().timestamp();
        let body = format!("<b>hi</b><script>alert('x')</script> {}", "y".repeat(200));
        for (dst, exp) in [("dave", now + 3600), ("erin", now - 1), ("dave", now - 100)] {
            db.conn
                .execute_unprepared(&format!(
                    "INSERT INTO silo (src_addr, dst_addr, username, domain, inc_time, exp_time, body) VALUES \
                     ('sip:alice@h', 'sip:{dst}@h', '{dst}', 'h', {now}, {exp}, '{}')",
                    body.replace('\'', "''")
                ))
                .await
                .unwrap();
        }
        let (page, next) =
            db.messages(&SiloFilter { dst: Some("dave".into()), ..Default::default() }, 1, None).await.unwrap();
        assert_eq!(page[0].body_preview.chars().count(), PREVIEW_CHARS);
        assert_eq!((page[0].body.as_ref(), page[0].body_size), (None, body.len() as u64));
        let (rest, end) =
            db.messages(&SiloFilter { dst: Some("dave".into()), ..Default::default() }, 1, next).await.unwrap();
        assert_eq!((rest.len(), rest[0].expired, end), (1, true, None));
        assert_eq!(db.message(page[0].id).await.unwrap().unwrap().body.as_deref(), Some(body.as_str()));
        assert_eq!(db.count_expired_messages(now).await.unwrap(), 2);
        assert_eq!(db.delete_expired_messages(now).await.unwrap(), 2);
        assert!(db.delete_message(page[0].id).await.unwrap());
        assert!(!db.delete_message(page[0].id).await.unwrap());
        assert!(db.messages(&SiloFilter::default(), 10, None).await.unwrap().0.is_empty());
        let _ = std::fs::remove_file(&path);
    }
}
