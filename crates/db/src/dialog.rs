//! Dialogs from the `dialog` table, and ended calls from acc's `acc_cdrs`.
use std::collections::{BTreeMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kamscope_api_types::dialog::{Dialog, DialogLeg, DialogRecord, DialogSource, DialogState};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

use crate::entity::{acc_cdrs, dialog};
use crate::page::keyset_tail;
use crate::time::{datetime_value, from_epoch, read_datetime, read_f64, read_i64, read_string, select_datetime};
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
        f: &CdrRecordFilter,
        limit: u64,
        before_id: Option<i64>,
    ) -> Result<(Vec<DialogRecord>, Option<i64>), DbError>;
    /// Which of these Call-IDs still have a row in the `dialog` table (calls up, with
    /// dialog's `db_mode` 1 or more).
    async fn dialog_call_ids(&self, call_ids: &[String]) -> Result<HashSet<String>, DbError>;
    /// `acc_cdrs` rows for these Call-IDs, plus rows without a Call-ID (what
    /// `dlg.end_dlg` writes) that started between `from` and `to`.
    async fn cdrs_for(
        &self,
        call_ids: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DialogRecord>, DbError>;
}

/// Filters of `acc_cdrs` rows; all but the times need `cdr_extra` columns.
#[derive(Debug, Clone, Default)]
pub struct CdrRecordFilter {
    pub call_id: Option<String>,
    pub caller: Option<String>,
    pub callee: Option<String>,
    /// On `start_time`.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
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
        f: &CdrRecordFilter,
        limit: u64,
        before_id: Option<i64>,
    ) -> Result<(Vec<DialogRecord>, Option<i64>), DbError> {
        self.cdr_rows(f, None, Some(limit), before_id).await
    }

    async fn dialog_call_ids(&self, call_ids: &[String]) -> Result<HashSet<String>, DbError> {
        use dialog::Column as C;
        let mut out = HashSet::new();
        for chunk in call_ids.chunks(500) {
            let stmt = dialog::Entity::find()
                .select_only()
                .column(C::Callid)
                .filter(C::Callid.is_in(chunk.iter().cloned()))
                .build(self.db_backend());
            out.extend(self.conn.query_all(stmt).await?.iter().filter_map(|r| read_string(r, "callid")));
        }
        Ok(out)
    }

    async fn cdrs_for(
        &self,
        call_ids: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DialogRecord>, DbError> {
        let mut out = Vec::new();
        if self.columns("acc_cdrs").await?.contains("callid") {
            for chunk in call_ids.chunks(500) {
                out.extend(self.cdr_rows(&CdrRecordFilter::default(), Some(chunk), None, None).await?.0);
            }
        }
        // What dlg.end_dlg writes has no Call-ID: such rows that started in the window.
        let f = CdrRecordFilter { from: Some(from), to: Some(to), ..Default::default() };
        out.extend(self.cdr_rows(&f, None, None, None).await?.0.into_iter().filter(|r| r.call_id.is_none()));
        Ok(out)
    }
}

impl KamailioDb {
    /// `acc_cdrs` rows newest first: a page (`limit`), or every row of `call_ids`.
    async fn cdr_rows(
        &self,
        f: &CdrRecordFilter,
        call_ids: Option<&[String]>,
        limit: Option<u64>,
        before_id: Option<i64>,
    ) -> Result<(Vec<DialogRecord>, Option<i64>), DbError> {
        use acc_cdrs::Column as C;
        // A stock acc_cdrs has only id, start_time, end_time, duration: the rest is
        // `cdr_extra`'s, and lists must work without it.
        let have = self.columns("acc_cdrs").await?;
        let needed: Vec<&str> = [
            (f.call_id.is_some() || call_ids.is_some(), "callid"),
            (f.caller.is_some(), "src_user"),
            (f.callee.is_some(), "dst_user"),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, c)| c)
        .collect();
        if !needed.is_empty() {
            self.require_columns("acc_cdrs", &needed, CDR_EXTRA_HINT).await?;
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
        if let Some(c) = &f.call_id {
            q = q.filter(C::Callid.eq(c.clone()));
        }
        if let Some(c) = &f.caller {
            q = q.filter(C::SrcUser.eq(c.clone()));
        }
        if let Some(c) = &f.callee {
            q = q.filter(C::DstUser.eq(c.clone()));
        }
        if let Some(t) = f.from {
            q = q.filter(Expr::col(C::StartTime).gte(datetime_value(self.backend, t, self.zones.stored)));
        }
        if let Some(t) = f.to {
            q = q.filter(Expr::col(C::StartTime).lt(datetime_value(self.backend, t, self.zones.stored)));
        }
        if let Some(ids) = call_ids {
            q = q.filter(C::Callid.is_in(ids.iter().cloned()));
        }
        if let Some(id) = before_id {
            q = q.filter(C::Id.lt(id));
        }
        let mut q = q.order_by_desc(C::Id);
        if let Some(limit) = limit {
            q = q.limit(limit + 1);
        }
        let stmt = q.build(self.db_backend());
        let rows = self.conn.query_all(stmt).await?;
        let items: Vec<(DialogRecord, i64)> = rows
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
        Ok(match limit {
            Some(limit) => keyset_tail(items, limit),
            None => (items.into_iter().map(|(r, _)| r).collect(), None),
        })
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
        let (page, next) = db.dialog_records(&CdrRecordFilter::default(), 2, None).await.unwrap();
        assert_eq!(page.iter().map(|r| r.id).collect::<Vec<_>>(), [3, 2]);
        assert_eq!((page[0].duration, page[0].call_id.as_deref()), (Some(2.0), None));
        assert_eq!(page[0].end_time.unwrap().to_rfc3339(), "2026-11-26T00:00:02+00:00");
        let (rest, _) = db.dialog_records(&CdrRecordFilter::default(), 2, next).await.unwrap();
        assert_eq!(rest.iter().map(|r| r.id).collect::<Vec<_>>(), [1]);
        match db
            .dialog_records(&CdrRecordFilter { call_id: Some("abc@host".into()), ..Default::default() }, 2, None)
            .await
        {
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
        let (page, _) = db
            .dialog_records(&CdrRecordFilter { call_id: Some("c2".into()), ..Default::default() }, 10, None)
            .await
            .unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!((page[0].call_id.as_deref(), page[0].src_user.as_deref()), (Some("c2"), Some("alice")));
    }
}
