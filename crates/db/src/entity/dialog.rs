//! dialog's `dialog` table (table_version 7). `start_time`/`timeout` are epoch seconds.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dialog")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub hash_entry: i64,
    pub hash_id: i64,
    pub callid: String,
    pub from_uri: String,
    pub from_tag: String,
    pub to_uri: String,
    pub to_tag: String,
    pub caller_cseq: String,
    pub callee_cseq: String,
    pub caller_route_set: Option<String>,
    pub callee_route_set: Option<String>,
    pub caller_contact: String,
    pub callee_contact: String,
    pub caller_sock: String,
    pub callee_sock: String,
    pub state: i64,
    pub start_time: i64,
    pub timeout: i64,
    pub sflags: i64,
    pub iflags: i64,
    pub toroute_name: Option<String>,
    pub req_uri: String,
    pub xdata: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
