//! Presence: `presentity` (published states), `active_watchers` (subscriptions) with
//! their authorization from `watchers`, and `xcap` (whether a pres-rules document
//! exists). presence stores its times as integer epoch seconds on every backend.
use async_trait::async_trait;
use kamscope_api_types::presence::{Authorization, Presentity, SubscriptionStatus, Watcher};
use sea_orm::sea_query::{Alias, Asterisk, Cond, Expr, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};

use crate::page::keyset_tail;
use crate::time::{from_epoch, read_i64, read_string};
use crate::usrloc::like_contains;
use crate::{DbError, KamailioDb};

#[derive(Debug, Clone, Default)]
pub struct PresentityFilter {
    /// Part of the username.
    pub user: Option<String>,
    pub domain: Option<String>,
    pub event: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct WatcherFilter {
    /// Part of the presentity URI.
    pub presentity: Option<String>,
    /// Part of the watcher's username, or `user@domain` exactly.
    pub watcher: Option<String>,
    pub event: Option<String>,
    pub status: Option<i64>,
}

/// The presence tables a cleanup looks at; each has an integer `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceTable {
    Presentity,
    ActiveWatchers,
    Watchers,
}

impl PresenceTable {
    pub fn name(self) -> &'static str {
        match self {
            PresenceTable::Presentity => "presentity",
            PresenceTable::ActiveWatchers => "active_watchers",
            PresenceTable::Watchers => "watchers",
        }
    }
}

#[async_trait]
pub trait PresenceDb: Send + Sync {
    /// A page of `presentity` rows by id, without their bodies (sizes only).
    async fn presentities(
        &self,
        f: &PresentityFilter,
        limit: u64,
        after_id: Option<i64>,
    ) -> Result<(Vec<Presentity>, Option<i64>), DbError>;
    /// One `presentity` row with its body.
    async fn presentity(&self, id: i64) -> Result<Option<Presentity>, DbError>;
    /// A page of `active_watchers` rows by id, each with its `watchers` row.
    async fn watchers(
        &self,
        f: &WatcherFilter,
        limit: u64,
        after_id: Option<i64>,
    ) -> Result<(Vec<Watcher>, Option<i64>), DbError>;
    /// Ids of `table`'s rows, only those whose `expires` (epoch s) is before
    /// `expired_before` when given (`watchers` has no `expires`: every id).
    async fn presence_ids(&self, table: PresenceTable, expired_before: Option<i64>) -> Result<Vec<i64>, DbError>;
    /// How many of `ids` are still in `table`.
    async fn presence_ids_left(&self, table: PresenceTable, ids: &[i64]) -> Result<u64, DbError>;
    /// Removes the rows of `presentity` / `active_watchers` whose `expires` is before
    /// `before` (never a live row); how many went.
    async fn delete_expired(&self, table: PresenceTable, before: i64) -> Result<u64, DbError>;
    /// Whether `xcap` holds a pres-rules document (doc_type 2) for this user.
    async fn has_pres_rules(&self, username: &str, domain: &str) -> Result<bool, DbError>;
}

/// A BLOB / BYTEA / TEXT column as bytes (db_sqlite may store either kind).
pub(crate) fn read_bytes(row: &QueryResult, col: &str) -> Option<Vec<u8>> {
    if let Ok(v) = row.try_get::<Option<Vec<u8>>>("", col) {
        return v;
    }
    row.try_get::<Option<String>>("", col).ok().flatten().map(String::into_bytes)
}

/// A body as text: what the user sent, byte for byte when it is UTF-8.
pub(crate) fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn col(t: &str, c: &str) -> Expr {
    Expr::col((Alias::new(t), Alias::new(c)))
}

impl KamailioDb {
    fn presentity_of(&self, r: &QueryResult, with_body: bool, now: i64) -> Presentity {
        let s = |c: &str| read_string(r, c).unwrap_or_default();
        let expires = read_i64(r, "expires").unwrap_or_default();
        let body = read_bytes(r, "body").unwrap_or_default();
        Presentity {
            id: read_i64(r, "id").unwrap_or_default(),
            username: s("username"),
            domain: s("domain"),
            event: s("event"),
            etag: s("etag"),
            expires: from_epoch(expires, self.zones.shown),
            expired: expires < now,
            received_time: read_i64(r, "received_time").and_then(|t| from_epoch(t, self.zones.shown)),
            sender: s("sender"),
            priority: read_i64(r, "priority").unwrap_or_default(),
            ruid: read_string(r, "ruid"),
            body_size: body.len() as u64,
            body: with_body.then(|| text_of(&body)),
        }
    }

    async fn rows(&self, q: &SelectStatement) -> Result<Vec<QueryResult>, DbError> {
        Ok(self.conn.query_all(self.db_backend().build(q)).await?)
    }
}

#[async_trait]
impl PresenceDb for KamailioDb {
    async fn presentities(
        &self,
        f: &PresentityFilter,
        limit: u64,
        after_id: Option<i64>,
    ) -> Result<(Vec<Presentity>, Option<i64>), DbError> {
        let t = "presentity";
        let mut q = Query::select();
        q.from(Alias::new(t)).column((Alias::new(t), Asterisk));
        if let Some(u) = &f.user {
            q.and_where(col(t, "username").like(like_contains(u)));
        }
        if let Some(d) = &f.domain {
            q.and_where(col(t, "domain").eq(d.clone()));
        }
        if let Some(e) = &f.event {
            q.and_where(col(t, "event").eq(e.clone()));
        }
        if let Some(id) = after_id {
            q.and_where(col(t, "id").gt(id));
        }
        q.order_by((Alias::new(t), Alias::new("id")), Order::Asc).limit(limit + 1);
        let now = chrono::Utc::now().timestamp();
        let items = self
            .rows(&q)
            .await?
            .iter()
            .map(|r| {
                let p = self.presentity_of(r, false, now);
                let id = p.id;
                (p, id)
            })
            .collect();
        Ok(keyset_tail(items, limit))
    }

    async fn presentity(&self, id: i64) -> Result<Option<Presentity>, DbError> {
        let mut q = Query::select();
        q.from(Alias::new("presentity")).column(Asterisk).and_where(col("presentity", "id").eq(id));
        let now = chrono::Utc::now().timestamp();
        Ok(self.rows(&q).await?.first().map(|r| self.presentity_of(r, true, now)))
    }

    async fn watchers(
        &self,
        f: &WatcherFilter,
        limit: u64,
        after_id: Option<i64>,
    ) -> Result<(Vec<Watcher>, Option<i64>), DbError> {
        let (aw, w) = ("active_watchers", "watchers");
        let mut q = Query::select();
        q.from(Alias::new(aw)).column((Alias::new(aw), Asterisk));
        q.expr_as(col(w, "id"), Alias::new("auth_id"))
            .expr_as(col(w, "status"), Alias::new("auth_status"))
            .expr_as(col(w, "reason"), Alias::new("auth_reason"))
            .expr_as(col(w, "inserted_time"), Alias::new("auth_inserted_time"));
        // watchers' unique key (presentity_uri, watcher_username, watcher_domain, event):
        // at most one authorization per subscription.
        q.join(
            JoinType::LeftJoin,
            Alias::new(w),
            Cond::all()
                .add(col(w, "presentity_uri").equals((Alias::new(aw), Alias::new("presentity_uri"))))
                .add(col(w, "watcher_username").equals((Alias::new(aw), Alias::new("watcher_username"))))
                .add(col(w, "watcher_domain").equals((Alias::new(aw), Alias::new("watcher_domain"))))
                .add(col(w, "event").equals((Alias::new(aw), Alias::new("event")))),
        );
        if let Some(p) = &f.presentity {
            q.and_where(col(aw, "presentity_uri").like(like_contains(p)));
        }
        if let Some(x) = &f.watcher {
            match x.split_once('@') {
                Some((u, d)) => {
                    let u = u.strip_prefix("sip:").unwrap_or(u);
                    q.and_where(col(aw, "watcher_username").eq(u)).and_where(col(aw, "watcher_domain").eq(d));
                }
                None => {
                    q.and_where(col(aw, "watcher_username").like(like_contains(x)));
                }
            }
        }
        if let Some(e) = &f.event {
            q.and_where(col(aw, "event").eq(e.clone()));
        }
        if let Some(s) = f.status {
            q.and_where(col(aw, "status").eq(s));
        }
        if let Some(id) = after_id {
            q.and_where(col(aw, "id").gt(id));
        }
        q.order_by((Alias::new(aw), Alias::new("id")), Order::Asc).limit(limit + 1);
        let now = chrono::Utc::now().timestamp();
        let z = self.zones.shown;
        let items = self
            .rows(&q)
            .await?
            .iter()
            .map(|r| {
                let s = |c: &str| read_string(r, c).unwrap_or_default();
                let status = read_i64(r, "status").unwrap_or_default();
                let expires = read_i64(r, "expires").unwrap_or_default();
                let (user, domain) = (s("watcher_username"), s("watcher_domain"));
                let authorization = read_i64(r, "auth_id").map(|_| {
                    let st = read_i64(r, "auth_status").unwrap_or_default();
                    Authorization {
                        status: st,
                        status_label: SubscriptionStatus::from_code(st),
                        reason: read_string(r, "auth_reason"),
                        inserted_time: read_i64(r, "auth_inserted_time").and_then(|t| from_epoch(t, z)),
                    }
                });
                let id = read_i64(r, "id").unwrap_or_default();
                let item = Watcher {
                    id,
                    presentity_uri: s("presentity_uri"),
                    watcher_uri: format!("sip:{user}@{domain}"),
                    watcher_username: user,
                    watcher_domain: domain,
                    event: s("event"),
                    event_id: read_string(r, "event_id"),
                    status,
                    status_label: SubscriptionStatus::from_code(status),
                    reason: read_string(r, "reason"),
                    authorization,
                    expires: from_epoch(expires, z),
                    expired: expires < now,
                    contact: s("contact"),
                    local_contact: s("local_contact"),
                    callid: s("callid"),
                    from_tag: s("from_tag"),
                    to_tag: s("to_tag"),
                    local_cseq: read_i64(r, "local_cseq").unwrap_or_default(),
                    remote_cseq: read_i64(r, "remote_cseq").unwrap_or_default(),
                    version: read_i64(r, "version").unwrap_or_default(),
                    socket_info: s("socket_info"),
                    user_agent: read_string(r, "user_agent"),
                };
                (item, id)
            })
            .collect();
        Ok(keyset_tail(items, limit))
    }

    async fn presence_ids(&self, table: PresenceTable, expired_before: Option<i64>) -> Result<Vec<i64>, DbError> {
        let t = table.name();
        let mut q = Query::select();
        q.from(Alias::new(t)).column((Alias::new(t), Alias::new("id")));
        if let (Some(before), true) = (expired_before, table != PresenceTable::Watchers) {
            q.and_where(col(t, "expires").lt(before));
        }
        Ok(self.rows(&q).await?.iter().filter_map(|r| read_i64(r, "id")).collect())
    }

    async fn presence_ids_left(&self, table: PresenceTable, ids: &[i64]) -> Result<u64, DbError> {
        let t = table.name();
        let mut left = 0;
        for chunk in ids.chunks(500) {
            let mut q = Query::select();
            q.expr_as(Func::count(col(t, "id")), Alias::new("n"))
                .from(Alias::new(t))
                .and_where(col(t, "id").is_in(chunk.iter().copied()));
            left += self.rows(&q).await?.first().and_then(|r| read_i64(r, "n")).unwrap_or(0).max(0) as u64;
        }
        Ok(left)
    }

    async fn delete_expired(&self, table: PresenceTable, before: i64) -> Result<u64, DbError> {
        if table == PresenceTable::Watchers {
            return Ok(0);
        }
        let t = table.name();
        let mut d = Query::delete();
        d.from_table(Alias::new(t)).and_where(col(t, "expires").lt(before));
        Ok(self.conn.execute(self.db_backend().build(&d)).await?.rows_affected())
    }

    async fn has_pres_rules(&self, username: &str, domain: &str) -> Result<bool, DbError> {
        let mut q = Query::select();
        q.expr_as(Func::count(col("xcap", "id")), Alias::new("n"))
            .from(Alias::new("xcap"))
            .and_where(col("xcap", "username").eq(username))
            .and_where(col("xcap", "domain").eq(domain))
            // presence_xml's PRES_RULES doc type.
            .and_where(col("xcap", "doc_type").eq(2));
        Ok(self.rows(&q).await?.first().and_then(|r| read_i64(r, "n")).unwrap_or(0) > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DbConfig;

    #[tokio::test]
    async fn lists_join_authorizations_and_cleanup_leaves_live_rows() {
        let path = std::env::temp_dir().join(format!("kamscope-presence-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let db = KamailioDb::connect(&DbConfig {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            timezone: chrono_tz::UTC,
            report_timezone: chrono_tz::Asia::Shanghai,
            use_domain: false,
        })
        .await
        .unwrap();
        let schema = std::fs::read_to_string("/usr/share/kamailio/db_sqlite/presence-create.sql")
            .expect("Kamailio's SQLite presence schema (apt-get install kamailio-sqlite-modules)");
        db.conn
            .execute_unprepared("CREATE TABLE version (table_name VARCHAR(32), table_version INTEGER)")
            .await
            .unwrap();
        for stmt in schema.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            db.conn.execute_unprepared(stmt).await.unwrap();
        }
        let now = chrono::Utc::now().timestamp();
        let body = "<presence>é <script>alert(1)</script></presence>";
        for (user, exp) in [("alice", now + 3600), ("old", now - 10)] {
            db.conn
                .execute_unprepared(&format!(
                    "INSERT INTO presentity (username, domain, event, etag, expires, received_time, body, sender) \
                     VALUES ('{user}', 'h', 'presence', 'e1', {exp}, {now}, X'{}', '')",
                    body.bytes().map(|b| format!("{b:02X}")).collect::<String>()
                ))
                .await
                .unwrap();
        }
        for (w, exp, status) in [("bob", now + 3600, 1), ("carl", now - 5, 2)] {
            db.conn
                .execute_unprepared(&format!(
                    "INSERT INTO active_watchers (presentity_uri, watcher_username, watcher_domain, to_user, to_domain, \
                     event, to_tag, from_tag, callid, local_cseq, remote_cseq, contact, expires, status, version, \
                     socket_info, local_contact, from_user, from_domain, updated, updated_winfo) VALUES \
                     ('sip:alice@h', '{w}', 'h', 'alice', 'h', 'presence', 't', 'f', 'c-{w}', 1, 1, 'sip:{w}@h:5', \
                     {exp}, {status}, 0, 'udp:h:5060', 'sip:h', '{w}', 'h', 0, 0)"
                ))
                .await
                .unwrap();
        }
        db.conn
            .execute_unprepared(&format!(
                "INSERT INTO watchers (presentity_uri, watcher_username, watcher_domain, event, status, inserted_time) \
                 VALUES ('sip:alice@h', 'bob', 'h', 'presence', 1, {now})"
            ))
            .await
            .unwrap();

        let (list, next) = db.presentities(&PresentityFilter::default(), 1, None).await.unwrap();
        assert_eq!((list.len(), list[0].username.as_str(), list[0].body.as_ref()), (1, "alice", None));
        assert_eq!(list[0].body_size, body.len() as u64);
        assert!(list[0].expires.unwrap().to_rfc3339().ends_with("+08:00"));
        let (rest, end) = db.presentities(&PresentityFilter::default(), 1, next).await.unwrap();
        assert_eq!((rest[0].username.as_str(), rest[0].expired, end), ("old", true, None));
        assert_eq!(db.presentity(list[0].id).await.unwrap().unwrap().body.as_deref(), Some(body));

        let (ws, _) = db.watchers(&WatcherFilter::default(), 10, None).await.unwrap();
        assert_eq!(ws.len(), 2);
        assert_eq!(ws[0].watcher_uri, "sip:bob@h");
        assert_eq!(ws[0].authorization.as_ref().map(|a| a.status_label), Some(SubscriptionStatus::Active));
        assert_eq!((ws[1].status_label, ws[1].authorization.is_none()), (SubscriptionStatus::Pending, true));
        let f = WatcherFilter { watcher: Some("sip:carl@h".into()), ..Default::default() };
        assert_eq!(db.watchers(&f, 10, None).await.unwrap().0.len(), 1);
        let f = WatcherFilter { status: Some(1), ..Default::default() };
        assert_eq!(db.watchers(&f, 10, None).await.unwrap().0[0].watcher_username, "bob");

        let expired = db.presence_ids(PresenceTable::ActiveWatchers, Some(now)).await.unwrap();
        assert_eq!(expired.len(), 1);
        assert_eq!(db.delete_expired(PresenceTable::ActiveWatchers, now).await.unwrap(), 1);
        assert_eq!(db.delete_expired(PresenceTable::Presentity, now).await.unwrap(), 1);
        assert_eq!(db.presence_ids_left(PresenceTable::ActiveWatchers, &expired).await.unwrap(), 0);
        assert_eq!(db.presence_ids(PresenceTable::Presentity, None).await.unwrap().len(), 1);
        assert!(!db.has_pres_rules("alice", "h").await.unwrap());
        let _ = std::fs::remove_file(&path);
    }
}
