//! usrloc's `location` table (table_version 9).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "location")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ruid: String,
    pub username: String,
    pub domain: Option<String>,
    pub contact: String,
    pub received: Option<String>,
    pub path: Option<String>,
    /// DATETIME: a Julian-day REAL on SQLite, naive local time elsewhere (see `time`).
    pub expires: ChronoDateTime,
    pub q: f64,
    pub callid: String,
    pub cseq: i32,
    pub last_modified: ChronoDateTime,
    pub flags: i32,
    pub cflags: i32,
    pub user_agent: String,
    pub socket: Option<String>,
    pub methods: Option<i32>,
    pub instance: Option<String>,
    pub reg_id: i32,
    pub server_id: i32,
    pub connection_id: i32,
    pub keepalive: i32,
    pub partition: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
