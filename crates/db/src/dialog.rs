//! Dialogs from the `dialog` table, and ended calls from acc's `acc_cdrs`.
use std::collections::BTreeMap;

use async_trait::async_trait;
use kamscope_api_types::dialog::{Dialog, DialogLeg, DialogRecord, DialogSource, DialogState};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

use crate::entity::{acc_cdrs, dialog};
use crate::page::keyset_tail;
use crate::time::{from_epoch, read_datetime, read_f64, read_i64, read_string, select_datetime};
use crate::usrloc::like_contains;
use crate::{DbError, KamailioDb};

#[derive(Debug, Clone, Default)]
pub struct DialogFilter {
    pub call_id: Option<String>,
    /// Substrings of the From / To URIs.
    pub from_uri: Option<String>,
    pub to_uri: Option<String>,
    pub state: Option<i64>,
}

#[async_trait]
pub trait DialogDb: Send + Sync {
    /// A page of `dialog` rows by id; the cursor is the last id when more follow.
    async fn dialogs(
        &self,
        filter: &DialogFilter,
        limit: u64,
        after_id: Option<i64>,
    ) -> Result<(Vec<Dialog>, Option<i64>), DbError>;
    /// A page of ended calls from `acc_cdrs`, newest first; cursor: the last id.
    async fn dialog_records(
        &self,
        call_id: Option<&str>,
        limit: u64,
        before_id: Option<i64>,
    ) -> Result<(Vec<DialogRecord>, Option<i64>), DbError>;
}

#[async_trait]
impl DialogDb for KamailioDb {
    async fn dialogs(
        &self,
        f: &DialogFilter,
        limit: u64,
        after_id: Option<i64>,
    ) -> Result<(Vec<Dialog>, Option<i64>), DbError> {
        use dialog::Column as C;
        let mut q = dialog::Entity::find();
        if let Some(c) = &f.call_id {
            q = q.filter(C::Callid.eq(c.clone()));
        }
        if let Some(u) = &f.from_uri {
            q = q.filter(Expr::col(C::FromUri).like(like_contains(u)));
        }
        if let Some(u) = &f.to_uri {
            q = q.filter(Expr::col(C::ToUri).like(like_contains(u)));
        }
        if let Some(s) = f.state {
            q = q.filter(C::State.eq(s));
        }
        if let Some(id) = after_id {
            q = q.filter(C::Id.gt(id));
        }
        let stmt = q.order_by_asc(C::Id).limit(limit + 1).build(self.db_backend());
        let rows = self.conn.query_all(stmt).await?;
        let now = chrono::Utc::now().timestamp();
        let mut items = Vec::new();
        for r in &rows {
            let state = read_i64(r, "state").unwrap_or(0);
            let start = read_i64(r, "start_time").filter(|s| *s > 0);
            let id = read_i64(r, "id").unwrap_or_default();
            items.push((
                Dialog {
                    h_entry: read_i64(r, "hash_entry").unwrap_or_default() as u32,
                    h_id: read_i64(r, "hash_id").unwrap_or_default() as u32,
                    call_id: read_string(r, "callid").unwrap_or_default(),
                    from_uri: read_string(r, "from_uri").unwrap_or_default(),
                    to_uri: read_string(r, "to_uri").unwrap_or_default(),
                    state,
                    state_label: DialogState::from_code(state),
                    start: start.and_then(|s| from_epoch(s, self.zones.shown)),
                    timeout: read_i64(r, "timeout").filter(|s| *s > 0).and_then(|s| from_epoch(s, self.zones.shown)),
                    duration: start.map(|s| now - s),
                    caller: DialogLeg {
                        tag: read_string(r, "from_tag"),
                        contact: read_string(r, "caller_contact"),
                        cseq: read_string(r, "caller_cseq"),
                        route_set: read_string(r, "caller_route_set"),
                        socket: read_string(r, "caller_sock"),
                    },
                    callee: DialogLeg {
                        tag: read_string(r, "to_tag"),
                        contact: read_string(r, "callee_contact"),
                        cseq: read_string(r, "callee_cseq"),
                        route_set: read_string(r, "callee_route_set"),
                        socket: read_string(r, "callee_sock"),
                    },
                    req_uri: read_string(r, "req_uri"),
                    variables: BTreeMap::new(),
                    source: DialogSource::Db,
                    node: None,
                },
                id,
            ));
        }
        Ok(keyset_tail(items, limit))
    }

    async fn dialog_records(
        &self,
        call_id: Option<&str>,
        limit: u64,
        before_id: Option<i64>,
    ) -> Result<(Vec<DialogRecord>, Option<i64>), DbError> {
        use acc_cdrs::Column as C;
        // A stock acc_cdrs has only id, start_time, end_time, duration: the rest is
        // `cdr_extra`'s, and lists must work without it.
        let have = self.columns("acc_cdrs").await?;
        if call_id.is_some() {
            self.require_columns("acc_cdrs", &["callid"], CDR_EXTRA_HINT).await?;
        }
        let extra: Vec<C> = [(C::SrcUser, "src_user"), (C::DstUser, "dst_user"), (C::Callid, "callid")]
            .into_iter()
            .filter(|(_, name)| have.contains(*name))
            .map(|(c, _)| c)
            .collect();
        let mut q = acc_cdrs::Entity::find()
            .select_only()
            .columns([C::Id, C::Duration])
            .columns(extra)
            .expr_as(select_datetime(self.backend, "acc_cdrs", "start_time"), "start_at")
            .expr_as(select_datetime(self.backend, "acc_cdrs", "end_time"), "end_at");
        if let Some(c) = call_id {
            q = q.filter(C::Callid.eq(c.to_string()));
        }
        if let Some(id) = before_id {
            q = q.filter(C::Id.lt(id));
        }
        let stmt = q.order_by_desc(C::Id).limit(limit + 1).build(self.db_backend());
        let rows = self.conn.query_all(stmt).await?;
        let items = rows
            .iter()
            .map(|r| {
                let id = read_i64(r, "id").unwrap_or_default();
                let record = DialogRecord {
                    id,
                    call_id: read_string(r, "callid"),
                    src_user: read_string(r, "src_user"),
                    dst_user: read_string(r, "dst_user"),
                    start_time: read_datetime(r, self.backend, "start_at", self.zones),
                    end_time: read_datetime(r, self.backend, "end_at", self.zones),
                    duration: read_f64(r, "duration"),
                };
                (record, id)
            })
            .collect();
        Ok(keyset_tail(items, limit))
    }
}

/// Where acc_cdrs' optional columns come from.
pub const CDR_EXTRA_HINT: &str =
    "acc's `cdr_extra` setting adds it, e.g. modparam(\"acc\", \"cdr_extra\", \"src_user=$fU;dst_user=$rU;callid=$ci\"), with nullable columns of those names in acc_cdrs";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DbConfig;

    /// acc-create.sql's `acc_cdrs` as shipped: no `cdr_extra` columns.
    const STOCK_ACC_CDRS: &str = "CREATE TABLE acc_cdrs (id INTEGER PRIMARY KEY NOT NULL,
        start_time TIMESTAMP WITHOUT TIME ZONE DEFAULT '2000-01-01 00:00:00' NOT NULL,
        end_time TIMESTAMP WITHOUT TIME ZONE DEFAULT '2000-01-01 00:00:00' NOT NULL, duration REAL DEFAULT 0 NOT NULL)";

    async fn db_with(ddl: &str) -> KamailioDb {
        let db = KamailioDb::connect(&DbConfig {
            url: "sqlite::memory:".into(),
            timezone: chrono_tz::UTC,
            report_timezone: chrono_tz::UTC,
            use_domain: false,
        })
        .await
        .unwrap();
        db.conn.execute_unprepared(ddl).await.unwrap();
        for i in 0..3 {
            // 2461370.5 is 2026-11-26T00:00:00Z as db_sqlite writes it.
            let sql = format!("INSERT INTO acc_cdrs (start_time, end_time, duration) VALUES (2461370.5, 2461370.5 + {i}.0 / 86400, {i})");
            db.conn.execute_unprepared(&sql).await.unwrap();
        }
        db
    }

    #[tokio::test]
    async fn a_stock_acc_cdrs_lists_and_a_call_id_filter_says_what_adds_the_column() {
        let db = db_with(STOCK_ACC_CDRS).await;
        let (page, next) = db.dialog_records(None, 2, None).await.unwrap();
        assert_eq!(page.iter().map(|r| r.id).collect::<Vec<_>>(), [3, 2]);
        assert_eq!((page[0].duration, page[0].call_id.as_deref()), (Some(2.0), None));
        assert_eq!(page[0].end_time.unwrap().to_rfc3339(), "2026-11-26T00:00:02+00:00");
        let (rest, _) = db.dialog_records(None, 2, next).await.unwrap();
        assert_eq!(rest.iter().map(|r| r.id).collect::<Vec<_>>(), [1]);
        match db.dialog_records(Some("abc@host"), 2, None).await {
            Err(e @ DbError::MissingColumns { .. }) => {
                let text = e.to_string();
                assert!(text.contains("`callid`") && text.contains("cdr_extra"), "{text}");
            }
            other => panic!("expected MissingColumns, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn with_cdr_extra_the_call_id_filter_works() {
        let ddl = STOCK_ACC_CDRS
            .replace("duration REAL", "src_user VARCHAR(64), dst_user VARCHAR(64), callid VARCHAR(255), duration REAL");
        let db = db_with(&ddl).await;
        db.conn.execute_unprepared("UPDATE acc_cdrs SET callid = 'c' || id, src_user = 'alice'").await.unwrap();
        let (page, _) = db.dialog_records(Some("c2"), 10, None).await.unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!((page[0].call_id.as_deref(), page[0].src_user.as_deref()), (Some("c2"), Some("alice")));
    }
}
