//! acc's `missed_calls` table (table_version 4): same layout as `acc`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "missed_calls")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub method: String,
    pub from_tag: String,
    pub to_tag: String,
    pub callid: String,
    pub sip_code: String,
    pub sip_reason: String,
    pub time: ChronoDateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
