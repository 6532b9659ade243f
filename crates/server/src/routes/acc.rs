//! CDRs: Kamailio's acc (`acc`, `missed_calls`). Manual page 3.
use actix_web::{get, web, HttpResponse};
use chrono_tz::Tz;
use kamscope_api_types::acc::{Call, Cdr, CdrStats, Kpis};
use kamscope_api_types::query::{CallsQuery, CdrQuery, CdrStatsQuery, KpiQuery, ListFormat};
use kamscope_api_types::Page;
use kamscope_db::AccTable;

use crate::csv_export::{self, CsvColumns, CsvRecord};
use crate::error::responses::{BadRequest, Unavailable};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::services::Acc;

super::area! {
    tag: "acc",
    description: "CDRs (Kamailio acc: `acc`, `missed_calls`)",
    state: acc,
    operations: [cdr_stats: Viewer, cdr_kpis: Viewer, list_cdrs: Viewer, list_missed_calls: Viewer, list_calls: Viewer],
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

impl CsvColumns for Call {
    const COLUMNS: &'static [&'static str] = &[
        "call_id", "caller", "callee", "start", "end", "duration", "outcome", "ended_by", "from_tag", "to_tag",
        "source",
    ];
}

impl CsvRecord for Cdr {
    fn write_fields(&self, w: &mut csv::Writer<Vec<u8>>) -> csv::Result<()> {
        let opt = |v: &Option<String>| v.as_deref().unwrap_or("").to_owned();
        let mut num = itoa_buf();
        w.write_field(num.format(self.id))?;
        match &self.time {
            // As serde writes a DateTime (the JSON list's form).
            Some(t) => w.write_field(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))?,
            None => w.write_field("")?,
        }
        w.write_field(&self.method)?;
        w.write_field(&self.call_id)?;
        match self.sip_code {
            Some(c) => w.write_field(num.format(c))?,
            None => w.write_field("")?,
        }
        w.write_field(&self.sip_reason)?;
        for v in [&self.src_user, &self.src_domain, &self.src_ip, &self.dst_ouser, &self.dst_user, &self.dst_domain] {
            w.write_field(opt(v))?;
        }
        w.write_field(&self.from_tag)?;
        w.write_field(&self.to_tag)?;
        // The JSON object, as the generic CSV writes a nested value.
        if self.extra.is_empty() {
            w.write_field("{}")
        } else {
            w.write_field(serde_json::to_string(&self.extra).unwrap_or_default())
        }
    }
}

/// Integers as text without an allocation per field.
fn itoa_buf() -> IntText {
    IntText(String::with_capacity(20))
}

struct IntText(String);

impl IntText {
    fn format(&mut self, n: impl std::fmt::Display) -> &str {
        use std::fmt::Write;
        self.0.clear();
        let _ = write!(self.0, "{n}");
        &self.0
    }
}

async fn records(svc: web::Data<dyn Acc>, tz: Tz, table: AccTable, q: CdrQuery) -> Result<HttpResponse, ApiError> {
    let what = if table == AccTable::Acc { "cdrs" } else { "missed-calls" };
    if q.format == Some(ListFormat::Csv) {
        // One streamed SELECT written as it is read, not pages re-sorted one by one.
        let rows = svc.export(table, &q).await?;
        return csv_export::download_rows(what, tz, rows).await;
    }
    csv_export::page_or_csv(what, tz, q, svc.into_inner(), move |svc, q| async move { svc.records(table, &q).await })
        .await
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
/// Hours that ended more than 2 minutes ago are kept once counted, and checked against
/// both tables on every request: a row written since into a kept hour, or the oldest
/// rows deleted (a cleanup), has the day counted again at once; a row deleted from the
/// middle of a past day or changed in place shows within 60 s.
#[utoipa::path(
    tag = "acc",
    params(CdrStatsQuery),
    responses((status = 200, description = "The day's figures", body = CdrStats), BadRequest, Unavailable)
)]
#[get("/cdrs/stats")]
pub async fn cdr_stats(svc: web::Data<dyn Acc>, q: ApiQuery<CdrStatsQuery>) -> Result<web::Json<CdrStats>, ApiError> {
    Ok(web::Json(svc.stats(q.date).await?))
}

/// Calls, newest first, one item per call. `source=acc` (default) pairs each answered
/// INVITE in `acc` with the BYE of its dialog (same Call-ID and tags, either direction:
/// `ended_by` says whether the caller or the callee hung up); re-INVITEs are not calls.
/// A call with no BYE is `up` while its dialog is in Kamailio's `dialog` table (dialog
/// `db_mode` 1 or more), else it was ended by Kamailio (`dlg.end_dlg`, a timeout: acc
/// writes no BYE row then) and its end comes from `acc_cdrs` where that has the call.
/// `source=acc_cdrs` lists acc's CDRs instead: one row per dialog, written when it ends,
/// failed calls included (duration 0); with `cdr_start_on_confirmed 1` its start is the
/// answer (as here), with 0 it is the INVITE, so ringing counts in its duration.
/// Works alike on SQLite, MySQL and PostgreSQL (no stored procedure).
#[utoipa::path(
    tag = "acc",
    params(CallsQuery),
    responses(
        (status = 200, description = "One page of calls (or, with `format=csv`, all of them as CSV)",
            content((Page<Call> = "application/json"), (String = "text/csv"))),
        BadRequest, Unavailable,
    )
)]
#[get("/calls")]
pub async fn list_calls(
    svc: web::Data<dyn Acc>,
    tz: web::Data<Tz>,
    q: ApiQuery<CallsQuery>,
) -> Result<HttpResponse, ApiError> {
    csv_export::page_or_csv("calls", **tz, q.0, svc.into_inner(), |svc, q| async move { svc.calls(&q).await }).await
}

/// Telecom KPIs over `from`..`to` (default: today in the reporting zone), per hour, day,
/// caller or callee, and in total. A **seizure** is one call attempt: one per (Call-ID,
/// From tag) over the INVITEs of `acc` and `missed_calls`; 401/407 challenges are
/// dropped (an attempt only ever challenged is none); re-INVITEs are not counted; the
/// first 2xx decides, else the last final reply.
/// **ASR** = answered (2xx) / seizures (ITU-T E.411). **NER** = seizures ending in 2xx,
/// 486, 480, 600 or 603 / seizures (ITU-T E.425: answered, user busy, no answer, refused,
/// mapped to SIP). **SER** = answered / (seizures - 3xx) and **SEER** = (2xx, 480, 486,
/// 600, 603) / (seizures - 3xx) (RFC 6076 §4.5, §4.6: redirects leave the denominator).
/// **ACD** = mean seconds from answer to the dialog's first BYE, over the answered calls
/// that have ended. A 487 (the caller cancelled before the answer) is a seizure that is
/// neither answered nor effective, so it lowers ASR, NER, SER and SEER; `cancelled`
/// counts them so they can be told apart from network failures. Ratios are 0 to 1.
#[utoipa::path(
    tag = "acc",
    params(KpiQuery),
    responses((status = 200, description = "The KPIs", body = Kpis), BadRequest, Unavailable)
)]
#[get("/cdrs/kpis")]
pub async fn cdr_kpis(svc: web::Data<dyn Acc>, q: ApiQuery<KpiQuery>) -> Result<web::Json<Kpis>, ApiError> {
    Ok(web::Json(svc.kpis(&q).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The typed CSV of a record is the generic one (each column read from the item's
    /// JSON): the export and the JSON list agree field by field.
    #[test]
    fn the_typed_csv_of_records_is_the_json_lists() {
        let t = chrono_tz::Asia::Shanghai.with_ymd_and_hms(2026, 12, 1, 0, 0, 5).unwrap().fixed_offset();
        let full = Cdr {
            id: 12,
            method: "INVITE".into(),
            call_id: "a,b\"c@192.0.2.1".into(),
            sip_code: Some(486),
            sip_reason: "Busy Here".into(),
            time: Some(t),
            from_tag: "f1".into(),
            to_tag: "t\n2".into(),
            src_user: Some("alice".into()),
            src_domain: Some("lab.example".into()),
            src_ip: Some("198.51.100.7".into()),
            dst_ouser: Some("bob".into()),
            dst_user: Some("bob".into()),
            dst_domain: Some("lab.example".into()),
            extra: [("custom".to_string(), "x,\"y\"".to_string())].into(),
        };
        let utc = Cdr {
            id: 13,
            sip_code: None,
            time: Some(chrono::Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap().fixed_offset()),
            src_user: None,
            src_domain: None,
            src_ip: None,
            dst_ouser: None,
            dst_user: None,
            dst_domain: None,
            extra: Default::default(),
            ..full.clone()
        };
        let bare = Cdr { id: 14, time: None, ..utc.clone() };
        let items = [full, utc, bare];
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        w.write_record(Cdr::COLUMNS).unwrap();
        for c in &items {
            c.write_fields(&mut w).unwrap();
            w.write_record(None::<&[u8]>).unwrap();
        }
        let typed = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let generic = String::from_utf8(csv_export::csv_chunk(&items, true).unwrap().to_vec()).unwrap();
        assert_eq!(typed, generic);
        assert!(typed.contains("2026-12-01T00:00:05+08:00"), "{typed}");
    }
}
