//! CDRs: Kamailio's acc (`acc`, `missed_calls`). Manual page 3.
use actix_web::{get, web, HttpResponse};
use chrono_tz::Tz;
use kamscope_api_types::acc::{Cdr, CdrStats};
use kamscope_api_types::query::{CdrQuery, CdrStatsQuery, ListFormat, MAX_LIMIT};
use kamscope_api_types::Page;
use kamscope_db::AccTable;

use crate::csv_export::{self, CsvColumns};
use crate::error::responses::{BadRequest, Unavailable};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::services::Acc;

super::area! {
    tag: "acc",
    description: "CDRs (Kamailio acc: `acc`, `missed_calls`)",
    state: acc,
    operations: [cdr_stats: Viewer, list_cdrs: Viewer, list_missed_calls: Viewer],
}

impl CsvColumns for Cdr {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "time",
        "method",
        "call_id",
        "sip_code",
        "sip_reason",
        "src_user",
        "src_domain",
        "src_ip",
        "dst_ouser",
        "dst_user",
        "dst_domain",
        "from_tag",
        "to_tag",
        "extra",
    ];
}

async fn records(svc: web::Data<dyn Acc>, tz: Tz, table: AccTable, q: CdrQuery) -> Result<HttpResponse, ApiError> {
    if q.format == Some(ListFormat::Csv) {
        let svc = svc.into_inner();
        let what = if table == AccTable::Acc { "cdrs" } else { "missed-calls" };
        return csv_export::download(what, tz, move |cursor| {
            let (svc, q) = (svc.clone(), CdrQuery { cursor, limit: Some(MAX_LIMIT), ..q.clone() });
            async move { svc.records(table, &q).await }
        })
        .await;
    }
    Ok(HttpResponse::Ok().json(svc.records(table, &q).await?))
}

/// Accounting records (`acc`): one row per transaction acc recorded (INVITE answered
/// or failed, BYE...), newest first. `caller`/`callee` need the `src_user`/`dst_user`
/// columns acc's `db_extra` adds: on a stock table they are a 400 that says so, and the
/// list still works without them. `format=csv` downloads the whole filtered list.
#[utoipa::path(
    tag = "acc",
    params(CdrQuery),
    responses(
        (status = 200, description = "One page of records (or, with `format=csv`, all of them as CSV)",
            content((Page<Cdr> = "application/json"), (String = "text/csv"))),
        BadRequest, Unavailable,
    )
)]
#[get("/cdrs")]
pub async fn list_cdrs(
    svc: web::Data<dyn Acc>,
    tz: web::Data<Tz>,
    q: ApiQuery<CdrQuery>,
) -> Result<HttpResponse, ApiError> {
    records(svc, **tz, AccTable::Acc, q.0).await
}

/// Missed calls (`missed_calls`, acc's `db_missed_flag`), newest first; the same
/// filters as `/cdrs`.
#[utoipa::path(
    tag = "acc",
    params(CdrQuery),
    responses(
        (status = 200, description = "One page of missed calls (or, with `format=csv`, all of them as CSV)",
            content((Page<Cdr> = "application/json"), (String = "text/csv"))),
        BadRequest, Unavailable,
    )
)]
#[get("/missed-calls")]
pub async fn list_missed_calls(
    svc: web::Data<dyn Acc>,
    tz: web::Data<Tz>,
    q: ApiQuery<CdrQuery>,
) -> Result<HttpResponse, ApiError> {
    records(svc, **tz, AccTable::MissedCalls, q.0).await
}

/// A day's calls in the reporting zone (`KAMSCOPE_REPORT_TIMEZONE`), the figures of the
/// dashboard's `calls_today` from the same code, plus the same per hour. `answered`:
/// INVITEs in `acc` answered 2xx; `failed`: INVITEs in `acc` answered 300 or more;
/// `total` = answered + failed; `missed`: INVITEs in `missed_calls`. A failed call acc
/// writes to both tables counts once in `failed` and once in `missed`, once in `total`.
/// These count acc's rows: a call challenged 407 and then answered is one failed and one
/// answered here (the KPIs count call attempts instead).
#[utoipa::path(
    tag = "acc",
    params(CdrStatsQuery),
    responses((status = 200, description = "The day's figures", body = CdrStats), BadRequest, Unavailable)
)]
#[get("/cdrs/stats")]
pub async fn cdr_stats(svc: web::Data<dyn Acc>, q: ApiQuery<CdrStatsQuery>) -> Result<web::Json<CdrStats>, ApiError> {
    Ok(web::Json(svc.stats(q.date).await?))
}
