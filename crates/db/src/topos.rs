//! Topology hiding: `topos_d` (dialogs) and `topos_t` (transactions), newest first.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kamscope_api_types::topos::{ToposDialog, ToposTransaction};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, QueryResult};

use crate::newest::{cursor_of, newest_first, TimeCursor};
use crate::page::keyset_tail;
use crate::time::{read_datetime, read_i64, read_string, select_datetime};
use crate::{DbError, KamailioDb};

#[derive(Debug, Clone, Default)]
pub struct ToposFilter {
    /// `a_callid` exactly.
    pub call_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait ToposDb: Send + Sync {
    async fn topos_dialogs(
        &self,
        f: &ToposFilter,
        limit: u64,
        after: Option<TimeCursor>,
    ) -> Result<(Vec<ToposDialog>, Option<TimeCursor>), DbError>;
    async fn topos_transactions(
        &self,
        f: &ToposFilter,
        limit: u64,
        after: Option<TimeCursor>,
    ) -> Result<(Vec<ToposTransaction>, Option<TimeCursor>), DbError>;
}

/// The UI's SIP trace flow of a call.
fn trace_link(call_id: &str) -> String {
    let enc: String = form_urlencoded_byte_serialize(call_id);
    format!("/kamailio/siptrace?flow={enc}")
}

fn form_urlencoded_byte_serialize(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl KamailioDb {
    async fn topos_rows(
        &self,
        table: &str,
        f: &ToposFilter,
        limit: u64,
        after: Option<TimeCursor>,
    ) -> Result<Vec<QueryResult>, DbError> {
        let t = Alias::new(table);
        let mut q = Query::select();
        q.from(t.clone()).column((t.clone(), sea_orm::sea_query::Asterisk));
        q.expr_as(select_datetime(self.backend, table, "rectime"), Alias::new("rectime_at"));
        if let Some(c) = &f.call_id {
            q.and_where(Expr::col((t.clone(), Alias::new("a_callid"))).eq(c.clone()));
        }
        newest_first(&mut q, self.backend, self.zones, table, "rectime", f.from, f.to, after.as_ref());
        q.limit(limit + 1);
        Ok(self.conn.query_all(self.db_backend().build(&q)).await?)
    }
}

#[async_trait]
impl ToposDb for KamailioDb {
    async fn topos_dialogs(
        &self,
        f: &ToposFilter,
        limit: u64,
        after: Option<TimeCursor>,
    ) -> Result<(Vec<ToposDialog>, Option<TimeCursor>), DbError> {
        let rows = self.topos_rows("topos_d", f, limit, after).await?;
        let items = rows
            .iter()
            .map(|r| {
                let s = |c: &str| read_string(r, c).unwrap_or_default();
                let a_callid = s("a_callid");
                let d = ToposDialog {
                    id: read_i64(r, "id").unwrap_or_default(),
                    rectime: read_datetime(r, self.backend, "rectime_at", self.zones),
                    s_method: s("s_method"),
                    s_cseq: s("s_cseq"),
                    trace_link: trace_link(&a_callid),
                    a_callid,
                    a_uuid: s("a_uuid"),
                    b_uuid: s("b_uuid"),
                    a_uri: s("a_uri"),
                    b_uri: s("b_uri"),
                    r_uri: s("r_uri"),
                    a_contact: s("a_contact"),
                    b_contact: s("b_contact"),
                    as_contact: s("as_contact"),
                    bs_contact: s("bs_contact"),
                    a_tag: s("a_tag"),
                    b_tag: s("b_tag"),
                    a_srcaddr: s("a_srcaddr"),
                    b_srcaddr: s("b_srcaddr"),
                    a_socket: s("a_socket"),
                    b_socket: s("b_socket"),
                    iflags: read_i64(r, "iflags").unwrap_or_default(),
                };
                (d, cursor_of(r, self.backend))
            })
            .collect();
        Ok(keyset_tail(items, limit))
    }

    async fn topos_transactions(
        &self,
        f: &ToposFilter,
        limit: u64,
        after: Option<TimeCursor>,
    ) -> Result<(Vec<ToposTransaction>, Option<TimeCursor>), DbError> {
        let rows = self.topos_rows("topos_t", f, limit, after).await?;
        let items = rows
            .iter()
            .map(|r| {
                let s = |c: &str| read_string(r, c).unwrap_or_default();
                let a_callid = s("a_callid");
                let t = ToposTransaction {
                    id: read_i64(r, "id").unwrap_or_default(),
                    rectime: read_datetime(r, self.backend, "rectime_at", self.zones),
                    s_method: s("s_method"),
                    s_cseq: s("s_cseq"),
                    trace_link: trace_link(&a_callid),
                    a_callid,
                    a_uuid: s("a_uuid"),
                    b_uuid: s("b_uuid"),
                    direction: read_i64(r, "direction").unwrap_or_default(),
                    x_via: s("x_via"),
                    x_vbranch: s("x_vbranch"),
                    x_uri: s("x_uri"),
                    a_contact: s("a_contact"),
                    b_contact: s("b_contact"),
                    as_contact: s("as_contact"),
                    bs_contact: s("bs_contact"),
                    x_tag: s("x_tag"),
                    a_tag: s("a_tag"),
                    b_tag: s("b_tag"),
                    a_srcaddr: s("a_srcaddr"),
                    b_srcaddr: s("b_srcaddr"),
                    a_socket: s("a_socket"),
                    b_socket: s("b_socket"),
                };
                (t, cursor_of(r, self.backend))
            })
            .collect();
        Ok(keyset_tail(items, limit))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn trace_links_encode_the_call_id() {
        assert_eq!(super::trace_link("a b/c%d@e;f"), "/kamailio/siptrace?flow=a%20b%2Fc%25d%40e%3Bf");
    }
}
