//! acc's `acc_cdrs` table (table_version 2, `cdr_enable`) with the lab's `cdr_extra`
//! columns `src_user`, `dst_user`, `callid`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "acc_cdrs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub start_time: ChronoDateTime,
    pub end_time: ChronoDateTime,
    pub duration: f64,
    pub src_user: Option<String>,
    pub dst_user: Option<String>,
    pub callid: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
