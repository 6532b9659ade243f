//! acc's `acc` table (table_version 5) with the lab's `db_extra` columns.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "acc")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub method: String,
    pub from_tag: String,
    pub to_tag: String,
    pub callid: String,
    pub sip_code: String,
    pub sip_reason: String,
    /// DATETIME (Julian-day REAL on SQLite).
    pub time: ChronoDateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
