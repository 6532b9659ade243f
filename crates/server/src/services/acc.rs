//! CDRs (Kamailio's acc): `acc` and `missed_calls` newest first, and a day's figures.
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use kamscope_api_types::acc::{Call, CallOutcome, CallSource, Cdr, CdrStats, EndedBy, KpiGroup, KpiRow, Kpis};
use kamscope_api_types::dialog::DialogRecord;
use kamscope_api_types::query::{CallsQuery, CdrQuery, KpiQuery, DEFAULT_LIMIT};
use kamscope_api_types::Page;
use kamscope_db::{AccDb, AccTable, CdrCursor, CdrFilter, CdrRecordFilter, CdrStream, DialogDb};
use serde::{Deserialize, Serialize};

use crate::cursor;
use crate::error::ApiError;

#[async_trait]
pub trait Acc: Send + Sync {
    /// `acc` (`AccTable::Acc`) or `missed_calls`, newest first.
    async fn records(&self, table: AccTable, q: &CdrQuery) -> Result<Page<Cdr>, ApiError>;
    /// A day's figures in the reporting zone (default today), with the hours.
    async fn stats(&self, date: Option<chrono::NaiveDate>) -> Result<CdrStats, ApiError>;
    /// Answered calls, newest first: INVITE paired with BYE (`acc`), or `acc_cdrs`.
    async fn calls(&self, q: &CallsQuery) -> Result<Page<Call>, ApiError>;
    /// Telecom KPIs over a time range, grouped.
    async fn kpis(&self, q: &KpiQuery) -> Result<Kpis, ApiError>;
    /// Every record `q`'s filters select (`limit`/`cursor` do not apply), newest first,
    /// as one streamed query: the CSV export.
    async fn export(&self, table: AccTable, q: &CdrQuery) -> Result<CdrStream, ApiError>;
}

/// A cursor names its table, so one from `acc` cannot page `missed_calls`.
#[derive(Serialize, Deserialize)]
struct RecordsCursor {
    tb: String,
    #[serde(flatten)]
    at: CdrCursor,
}

/// Where a calls page ended: the source and the last row examined.
#[derive(Serialize, Deserialize)]
#[serde(tag = "s", rename_all = "snake_case")]
enum CallsCursor {
    Acc(CdrCursor),
    AccCdrs { id: i64 },
}

pub struct AccService {
    pub db: Arc<dyn AccDb>,
    /// For calls: the `dialog` table (still up?) and `acc_cdrs`.
    pub dialogs: Arc<dyn DialogDb>,
    /// The reporting zone.
    pub tz: Tz,
}

#[async_trait]
impl Acc for AccService {
    async fn records(&self, table: AccTable, q: &CdrQuery) -> Result<Page<Cdr>, ApiError> {
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
        let after = match q.cursor.as_deref().map(cursor::decode::<RecordsCursor>).transpose()? {
            Some(c) if c.tb != table.name() => {
                return Err(ApiError::bad_param(
                    "cursor",
                    format!("belongs to the list of `{}`; start again without a cursor", c.tb),
                ))
            }
            c => c.map(|c| c.at),
        };
        let (items, next) = self.db.records(table, &cdr_filter(q), limit.into(), after).await?;
        let tb = table.name().to_string();
        Ok(Page { items, next_cursor: next.map(|at| cursor::encode(&RecordsCursor { tb, at })) })
    }

    async fn calls(&self, q: &CallsQuery) -> Result<Page<Call>, ApiError> {
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
        let after = q.cursor.as_deref().map(cursor::decode::<CallsCursor>).transpose()?;
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let wrong = || ApiError::bad_param("cursor", "belongs to the other `source`; start again without a cursor");
        let (from, to) = (q.from.map(|t| t.with_timezone(&Utc)), q.to.map(|t| t.with_timezone(&Utc)));
        match q.source.unwrap_or_default() {
            CallSource::AccCdrs => {
                let before = match after {
                    None => None,
                    Some(CallsCursor::AccCdrs { id }) => Some(id),
                    Some(CallsCursor::Acc(_)) => return Err(wrong()),
                };
                let f = CdrRecordFilter {
                    call_id: text(&q.call_id),
                    caller: text(&q.caller),
                    callee: text(&q.callee),
                    from,
                    to,
                };
                let (rows, next) = self.dialogs.dialog_records(&f, limit.into(), before).await?;
                let items = rows.into_iter().map(cdr_call).collect();
                Ok(Page { items, next_cursor: next.map(|id| cursor::encode(&CallsCursor::AccCdrs { id })) })
            }
            CallSource::Acc => {
                let after = match after {
                    None => None,
                    Some(CallsCursor::Acc(c)) => Some(c),
                    Some(CallsCursor::AccCdrs { .. }) => return Err(wrong()),
                };
                let f = CdrFilter {
                    caller: text(&q.caller),
                    callee: text(&q.callee),
                    call_id: text(&q.call_id),
                    from,
                    to,
                    method: Some("INVITE".into()),
                    answered_only: true,
                    sip_code: None,
                };
                let (answers, next) = self.db.records(AccTable::Acc, &f, limit.into(), after).await?;
                let ids: Vec<String> =
                    answers.iter().map(|c| c.call_id.clone()).collect::<HashSet<_>>().into_iter().collect();
                let related = self.db.records_of_calls(AccTable::Acc, &ids).await?;
                let mut calls = pair_calls(&answers, &related);
                // Answered, no BYE: up while its dialog is there, else Kamailio ended it.
                let open: Vec<String> =
                    calls.iter().filter(|c| c.end.is_none()).filter_map(|c| c.call_id.clone()).collect();
                if !open.is_empty() {
                    let up = self.dialogs.dialog_call_ids(&open).await?;
                    let starts: Vec<DateTime<Utc>> = calls
                        .iter()
                        .filter(|c| c.end.is_none() && c.call_id.as_ref().is_some_and(|id| !up.contains(id)))
                        .filter_map(|c| c.start.map(|t| t.with_timezone(&Utc)))
                        .collect();
                    let cdrs = match (starts.iter().min(), starts.iter().max()) {
                        (Some(lo), Some(hi)) => {
                            self.dialogs.cdrs_for(&open, *lo - Duration::seconds(2), *hi + Duration::seconds(3)).await?
                        }
                        _ => vec![],
                    };
                    for c in calls.iter_mut().filter(|c| c.end.is_none()) {
                        if c.call_id.as_ref().is_some_and(|id| up.contains(id)) {
                            c.outcome = CallOutcome::Up;
                        } else {
                            end_by_kamailio(c, &cdrs, self.tz);
                        }
                    }
                }
                Ok(Page { items: calls, next_cursor: next.map(|c| cursor::encode(&CallsCursor::Acc(c))) })
            }
        }
    }

    async fn kpis(&self, q: &KpiQuery) -> Result<Kpis, ApiError> {
        let from = match q.from {
            Some(f) => f,
            None => {
                let today = Utc::now().with_timezone(&self.tz).date_naive();
                let start = today.and_hms_opt(0, 0, 0).expect("midnight");
                self.tz
                    .from_local_datetime(&start)
                    .earliest()
                    .map(|t| t.fixed_offset())
                    .unwrap_or_else(|| Utc::now().fixed_offset())
            }
        };
        let to = q.to.unwrap_or(from + Duration::days(1));
        if to <= from {
            return Err(ApiError::bad_param("to", format!("must be after `from` ({from}), got {to}")));
        }
        if to - from > Duration::days(MAX_KPI_DAYS) {
            return Err(ApiError::bad_param(
                "to",
                format!("is more than {MAX_KPI_DAYS} days after `from`: ask for a shorter range"),
            ));
        }
        let group_by = q.group_by.unwrap_or_default();
        // One streamed query ordered by Call-ID: each call's rows are decided (its
        // seizures and their durations) and dropped as they come, so memory holds the
        // figures of each group, not the range's rows. A call's BYE may come up to a day
        // after the range.
        let (from_utc, to_utc) = (from.with_timezone(&Utc), to.with_timezone(&Utc));
        let mut rows = self.db.kpi_rows(from_utc, to_utc, to_utc + Duration::days(1)).await?;
        let mut acc = KpiAcc::new(from, to, group_by, self.tz);
        let mut call: Vec<Cdr> = Vec::new();
        while let Some(r) = futures::StreamExt::next(&mut rows).await {
            let r = r?;
            // The rows of one Call-ID come together.
            if call.first().is_some_and(|c| c.call_id != r.call_id) {
                acc.add_call(std::mem::take(&mut call));
            }
            call.push(r);
        }
        acc.add_call(call);
        Ok(acc.finish())
    }

    async fn export(&self, table: AccTable, q: &CdrQuery) -> Result<CdrStream, ApiError> {
        Ok(self.db.stream_records(table, &cdr_filter(q)).await?)
    }

    async fn stats(&self, date: Option<chrono::NaiveDate>) -> Result<CdrStats, ApiError> {
        let date = date.unwrap_or_else(|| Utc::now().with_timezone(&self.tz).date_naive());
        let (day, hourly) = self.db.day_figures(date).await?;
        Ok(CdrStats {
            date: day.date,
            timezone: day.timezone,
            total: day.total,
            answered: day.answered,
            failed: day.failed,
            missed: day.missed,
            hourly,
        })
    }
}

/// The filters of `/cdrs` and `/missed-calls`.
fn cdr_filter(q: &CdrQuery) -> CdrFilter {
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    CdrFilter {
        caller: text(&q.caller),
        callee: text(&q.callee),
        call_id: text(&q.call_id),
        from: q.from.map(|t| t.with_timezone(&Utc)),
        to: q.to.map(|t| t.with_timezone(&Utc)),
        sip_code: q.sip_code,
        method: text(&q.method).map(|m| m.to_uppercase()),
        answered_only: false,
    }
}

/// The longest range `/cdrs/kpis` reads at once.
pub const MAX_KPI_DAYS: i64 = 93;

fn same_dialog(a: &Cdr, b: &Cdr) -> bool {
    a.call_id == b.call_id
        && ((a.from_tag == b.from_tag && a.to_tag == b.to_tag) || (a.from_tag == b.to_tag && a.to_tag == b.from_tag))
}

fn order(c: &Cdr) -> (Option<DateTime<FixedOffset>>, i64) {
    (c.time, c.id)
}

/// Each answered INVITE of `answers` (newest first) as a call: re-INVITEs (an earlier
/// 2xx INVITE of the same dialog, in either direction) left out; ended by the first BYE
/// of the dialog after it (same Call-ID and tags, either direction: caller or callee).
pub fn pair_calls(answers: &[Cdr], related: &[Cdr]) -> Vec<Call> {
    let mut out = Vec::new();
    for a in answers {
        let reinvite = related.iter().any(|r| {
            r.method == "INVITE"
                && r.sip_code.is_some_and(|c| (200..300).contains(&c))
                && same_dialog(r, a)
                && order(r) < order(a)
        });
        if reinvite {
            continue;
        }
        let bye = related
            .iter()
            .filter(|r| r.method == "BYE" && same_dialog(r, a) && order(r) > order(a))
            .min_by_key(|r| order(r));
        let (end, ended_by) = match bye {
            Some(b) => (b.time, Some(if b.from_tag == a.from_tag { EndedBy::Caller } else { EndedBy::Callee })),
            None => (None, None),
        };
        out.push(Call {
            call_id: Some(a.call_id.clone()),
            from_tag: Some(a.from_tag.clone()),
            to_tag: Some(a.to_tag.clone()),
            caller: a.src_user.clone(),
            callee: a.dst_user.clone(),
            start: a.time,
            end,
            duration: match (a.time, end) {
                (Some(s), Some(e)) => Some((e - s).num_milliseconds() as f64 / 1000.0),
                _ => None,
            },
            outcome: CallOutcome::Ended,
            ended_by,
            source: CallSource::Acc,
        });
    }
    out
}

/// A call with no BYE whose dialog is gone: Kamailio ended it (`dlg.end_dlg`, a
/// timeout). Its end is the matching `acc_cdrs` row's (by Call-ID, or, for the rows
/// `dlg.end_dlg` writes without one, by the start time) where there is one.
fn end_by_kamailio(c: &mut Call, cdrs: &[DialogRecord], tz: Tz) {
    c.outcome = CallOutcome::Ended;
    c.ended_by = Some(EndedBy::Kamailio);
    let near = |r: &DialogRecord| match (r.start_time, c.start) {
        (Some(a), Some(b)) => (a - b).num_seconds().abs() <= 2,
        _ => false,
    };
    let m = cdrs
        .iter()
        .find(|r| r.call_id.is_some() && r.call_id == c.call_id)
        .or_else(|| cdrs.iter().find(|r| r.call_id.is_none() && near(r)));
    if let Some(r) = m {
        c.end = r.end_time.map(|t| t.with_timezone(&tz).fixed_offset());
        c.duration = r.duration;
    }
}

/// An `acc_cdrs` row as a call: acc writes failed calls with duration 0.
fn cdr_call(r: DialogRecord) -> Call {
    let answered = r.duration.is_some_and(|d| d > 0.0);
    Call {
        call_id: r.call_id,
        from_tag: None,
        to_tag: None,
        caller: r.src_user,
        callee: r.dst_user,
        start: r.start_time,
        end: r.end_time,
        duration: r.duration,
        outcome: if answered { CallOutcome::Ended } else { CallOutcome::Failed },
        ended_by: None,
        source: CallSource::AccCdrs,
    }
}

/// One call attempt.
#[derive(Debug, Clone)]
pub struct Seizure {
    pub call_id: String,
    pub from_tag: String,
    pub start: Option<DateTime<FixedOffset>>,
    pub caller: Option<String>,
    pub callee: Option<String>,
    /// The final reply that decides: the first 2xx, else the last one.
    pub code: u16,
    /// The answering INVITE row (its time and To tag), when answered.
    pub answer: Option<Cdr>,
}

/// Call attempts from INVITE rows of `acc` and `missed_calls`: one per (Call-ID, From
/// tag); 401/407 challenges dropped (an attempt that was only challenged is none); the
/// first 2xx decides, else the last final reply (a row in both tables is the same reply
/// twice, which changes neither); later INVITEs of an answered dialog are re-INVITEs,
/// also those the callee sends (its From tag is the answer's To tag).
pub fn seizures(mut invites: Vec<Cdr>) -> Vec<Seizure> {
    invites.sort_by_key(|c| (c.time, c.id));
    // Keys borrowed from the rows: the KPIs run this for each of hundreds of thousands of
    // calls, and a call is mostly one or two rows.
    let mut groups: BTreeMap<(&str, &str), Vec<&Cdr>> = BTreeMap::new();
    for c in &invites {
        if c.sip_code.is_some_and(|code| code != 401 && code != 407) {
            groups.entry((c.call_id.as_str(), c.from_tag.as_str())).or_default().push(c);
        }
    }
    let mut out: Vec<Seizure> = groups
        .into_iter()
        .map(|((call_id, from_tag), rows)| {
            let answer =
                rows.iter().find(|r| r.sip_code.is_some_and(|c| (200..300).contains(&c))).map(|r| (*r).clone());
            let code = answer.as_ref().or(rows.last().copied()).and_then(|r| r.sip_code).unwrap_or(0);
            let first = rows[0];
            Seizure {
                call_id: call_id.to_string(),
                from_tag: from_tag.to_string(),
                start: first.time,
                caller: first.src_user.clone(),
                callee: first.dst_user.clone(),
                code,
                answer,
            }
        })
        .collect();
    // The callee's re-INVITE: its From tag is the To tag of an answer that came first
    // (so there are two attempts at least).
    if out.len() > 1 {
        let answers: HashMap<(&str, &str), Option<DateTime<FixedOffset>>> = out
            .iter()
            .filter_map(|s| s.answer.as_ref().map(|a| ((s.call_id.as_str(), a.to_tag.as_str()), a.time)))
            .collect();
        let keep: Vec<bool> = out
            .iter()
            .map(|s| match answers.get(&(s.call_id.as_str(), s.from_tag.as_str())) {
                Some(answered_at) => *answered_at >= s.start,
                None => true,
            })
            .collect();
        let mut keep = keep.into_iter();
        out.retain(|_| keep.next().unwrap_or(true));
    }
    out.sort_by_key(|s| s.start);
    out
}

fn ratio(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| (n as f64 / d as f64 * 10_000.0).round() / 10_000.0)
}

/// The counts one KPI row is computed from.
#[derive(Debug, Clone, Default)]
struct Tally {
    seizures: i64,
    answered: i64,
    effective: i64,
    redirected: i64,
    cancelled: i64,
    /// Seconds of the answered seizures that have ended, and how many.
    duration_sum: f64,
    durations: i64,
}

impl Tally {
    fn add(&mut self, s: &Seizure, duration: Option<f64>) {
        self.seizures += 1;
        let answered = (200..300).contains(&s.code);
        self.answered += i64::from(answered);
        self.effective += i64::from(answered || matches!(s.code, 480 | 486 | 600 | 603));
        self.redirected += i64::from((300..400).contains(&s.code));
        self.cancelled += i64::from(s.code == 487);
        if let Some(d) = duration {
            self.duration_sum += d;
            self.durations += 1;
        }
    }

    fn row(&self, key: String) -> KpiRow {
        let n = self.seizures;
        KpiRow {
            key,
            seizures: n,
            answered: self.answered,
            effective: self.effective,
            redirected: self.redirected,
            cancelled: self.cancelled,
            asr: ratio(self.answered, n),
            ner: ratio(self.effective, n),
            ser: ratio(self.answered, n - self.redirected),
            seer: ratio(self.effective, n - self.redirected),
            acd: (self.durations > 0).then(|| (self.duration_sum / self.durations as f64 * 1000.0).round() / 1000.0),
        }
    }
}

/// The KPIs of a range, built one call at a time (see [`kpis`]): only the counts of each
/// row are kept, not the seizures.
pub struct KpiAcc {
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    group_by: KpiGroup,
    tz: Tz,
    /// Hour or day starts of the range, every one listed (zeros included).
    starts: Vec<DateTime<FixedOffset>>,
    by_time: HashMap<DateTime<FixedOffset>, Tally>,
    by_user: BTreeMap<String, Tally>,
    total: Tally,
}

impl KpiAcc {
    pub fn new(from: DateTime<FixedOffset>, to: DateTime<FixedOffset>, group_by: KpiGroup, tz: Tz) -> Self {
        let mut k = KpiAcc {
            from,
            to,
            group_by,
            tz,
            starts: Vec::new(),
            by_time: HashMap::new(),
            by_user: BTreeMap::new(),
            total: Tally::default(),
        };
        if matches!(group_by, KpiGroup::Hour | KpiGroup::Day) {
            // A local day is 23 to 25 hours: 26 hours on, truncated, is the next day's start.
            let step = if group_by == KpiGroup::Day { Duration::hours(26) } else { Duration::hours(1) };
            let mut starts = vec![k.bucket_start(from)];
            loop {
                let last = *starts.last().expect("one start");
                let mut next = k.bucket_start(last + step);
                if next <= last {
                    // The repeated hour of a DST fold maps back: step over it.
                    next = last + step;
                }
                if next >= to {
                    break;
                }
                starts.push(next);
            }
            k.starts = starts;
        }
        k
    }

    fn bucket_start(&self, t: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        let l = t.with_timezone(&self.tz);
        let naive = match self.group_by {
            KpiGroup::Day => l.date_naive().and_hms_opt(0, 0, 0).expect("midnight"),
            _ => l.date_naive().and_hms_opt(chrono::Timelike::hour(&l), 0, 0).expect("an hour"),
        };
        self.tz.from_local_datetime(&naive).earliest().map(|t| t.fixed_offset()).unwrap_or(t)
    }

    /// A seizure, with its duration when it was answered and has ended.
    pub fn add(&mut self, s: &Seizure, duration: Option<f64>) {
        self.total.add(s, duration);
        match self.group_by {
            KpiGroup::Hour | KpiGroup::Day => {
                if let Some(t) = s.start {
                    // The last bucket start at or before it (as bucket_start gives, without a
                    // zone conversion per seizure).
                    let i = self.starts.partition_point(|b| *b <= t);
                    let b = match i.checked_sub(1).and_then(|i| self.starts.get(i)) {
                        Some(b) => *b,
                        None => self.bucket_start(t),
                    };
                    self.by_time.entry(b).or_default().add(s, duration);
                }
            }
            KpiGroup::Caller | KpiGroup::Callee => {
                let who = if self.group_by == KpiGroup::Caller { &s.caller } else { &s.callee };
                self.by_user.entry(who.clone().unwrap_or_default()).or_default().add(s, duration);
            }
        }
    }

    /// Every row of one Call-ID: its INVITEs become seizures, its BYEs their ends.
    pub fn add_call(&mut self, rows: Vec<Cdr>) {
        if rows.is_empty() {
            return;
        }
        let (byes, invites): (Vec<Cdr>, Vec<Cdr>) = rows.into_iter().partition(|r| r.method == "BYE");
        let invites = invites.into_iter().filter(|r| r.method == "INVITE").collect();
        for s in seizures(invites) {
            let d = duration(&s, &byes);
            self.add(&s, d);
        }
    }

    pub fn finish(self) -> Kpis {
        let tz = self.tz;
        let rows = match self.group_by {
            KpiGroup::Hour | KpiGroup::Day => self
                .starts
                .iter()
                .map(|b| {
                    let key = b.with_timezone(&tz).fixed_offset().to_rfc3339();
                    self.by_time.get(b).cloned().unwrap_or_default().row(key)
                })
                .collect(),
            KpiGroup::Caller | KpiGroup::Callee => {
                let mut rows: Vec<KpiRow> = self.by_user.iter().map(|(k, t)| t.row(k.clone())).collect();
                rows.sort_by(|a, b| b.seizures.cmp(&a.seizures).then(a.key.cmp(&b.key)));
                rows
            }
        };
        Kpis {
            from: self.from.with_timezone(&tz).fixed_offset(),
            to: self.to.with_timezone(&tz).fixed_offset(),
            group_by: self.group_by,
            timezone: tz.name().to_string(),
            rows,
            total: self.total.row("total".into()),
        }
    }
}

/// An answered seizure's seconds from its answer to the dialog's first BYE after it.
fn duration(s: &Seizure, byes: &[Cdr]) -> Option<f64> {
    let a = s.answer.as_ref()?;
    let bye = byes.iter().filter(|b| same_dialog(b, a) && order(b) > order(a)).min_by_key(|b| order(b))?;
    Some((bye.time? - a.time?).num_milliseconds() as f64 / 1000.0)
}

/// The KPIs of `seizures` between `from` and `to`, grouped. Hours and days are the
/// reporting zone's, every one of the range listed (zeros included) so charts have no
/// gaps; callers and callees by seizures, most first.
pub fn kpis(
    seizures: &[Seizure],
    byes: &[Cdr],
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    group_by: KpiGroup,
    tz: Tz,
) -> Kpis {
    let mut byes_of: HashMap<&str, Vec<Cdr>> = HashMap::new();
    for b in byes {
        byes_of.entry(b.call_id.as_str()).or_default().push(b.clone());
    }
    let mut k = KpiAcc::new(from, to, group_by, tz);
    for s in seizures {
        let d = duration(s, byes_of.get(s.call_id.as_str()).map(Vec::as_slice).unwrap_or_default());
        k.add(s, d);
    }
    k.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cdr(id: i64, method: &str, call: &str, from_tag: &str, to_tag: &str, code: u16, secs: i64) -> Cdr {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap() + Duration::seconds(secs);
        Cdr {
            id,
            method: method.into(),
            call_id: call.into(),
            sip_code: Some(code),
            sip_reason: String::new(),
            time: Some(t.fixed_offset()),
            from_tag: from_tag.into(),
            to_tag: to_tag.into(),
            src_user: Some("alice".into()),
            src_domain: None,
            src_ip: None,
            dst_ouser: None,
            dst_user: Some("bob".into()),
            dst_domain: None,
            extra: Default::default(),
        }
    }

    #[test]
    fn calls_pair_with_the_bye_of_their_dialog_in_either_direction() {
        let related = vec![
            cdr(1, "INVITE", "c1", "a", "b", 200, 0),
            cdr(2, "INVITE", "c1", "b", "a", 200, 5), // the callee's re-INVITE
            cdr(3, "BYE", "c1", "b", "a", 200, 12),   // the callee hangs up
            cdr(4, "INVITE", "c2", "x", "y", 200, 1),
            cdr(5, "BYE", "c2", "x", "y", 200, 4),    // the caller hangs up
            cdr(6, "INVITE", "c3", "p", "q", 200, 2), // still up, or ended by Kamailio
        ];
        let mut answers: Vec<Cdr> = related.iter().filter(|c| c.method == "INVITE").cloned().collect();
        answers.reverse();
        let calls = pair_calls(&answers, &related);
        let got: Vec<(Option<&str>, Option<f64>, Option<EndedBy>)> =
            calls.iter().map(|c| (c.call_id.as_deref(), c.duration, c.ended_by)).collect();
        assert_eq!(
            got,
            [
                (Some("c3"), None, None),
                (Some("c2"), Some(3.0), Some(EndedBy::Caller)),
                (Some("c1"), Some(12.0), Some(EndedBy::Callee))
            ]
        );
    }

    #[test]
    fn seizures_drop_challenges_and_reinvites_and_the_first_answer_decides() {
        let s = seizures(vec![
            cdr(1, "INVITE", "c1", "a", "", 407, 0),   // challenged...
            cdr(2, "INVITE", "c1", "a", "b", 200, 1),  // ...then answered
            cdr(3, "INVITE", "c1", "a", "b", 200, 30), // a re-INVITE of the caller
            cdr(4, "INVITE", "c1", "b", "a", 200, 40), // a re-INVITE of the callee
            cdr(5, "INVITE", "c2", "x", "y", 486, 2),  // busy, in acc...
            cdr(6, "INVITE", "c2", "x", "y", 486, 2),  // ...and in missed_calls
            cdr(7, "INVITE", "c3", "p", "", 407, 3),   // only challenged: no attempt
            cdr(8, "INVITE", "c4", "m", "n", 302, 4),
            cdr(9, "INVITE", "c5", "k", "l", 487, 5),
        ]);
        let got: Vec<(&str, u16)> = s.iter().map(|s| (s.call_id.as_str(), s.code)).collect();
        assert_eq!(got, [("c1", 200), ("c2", 486), ("c4", 302), ("c5", 487)]);
        let byes = vec![cdr(10, "BYE", "c1", "a", "b", 200, 61)];
        let from = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap().fixed_offset();
        let k = kpis(&s, &byes, from, from + Duration::days(1), KpiGroup::Hour, chrono_tz::Asia::Shanghai);
        let t = &k.total;
        assert_eq!((t.seizures, t.answered, t.effective, t.redirected, t.cancelled), (4, 1, 2, 1, 1));
        assert_eq!(
            (t.asr, t.ner, t.ser, t.seer, t.acd),
            (Some(0.25), Some(0.5), Some(0.3333), Some(0.6667), Some(60.0))
        );
        // 24 hours from 08:00 Shanghai; the calls at 02:00Z fall in 10:00.
        assert_eq!(k.rows.len(), 24);
        assert_eq!(k.rows[0].key, "2026-12-01T08:00:00+08:00");
        assert_eq!(k.rows[2].seizures, 4);
        let by_caller = kpis(&s, &byes, from, from + Duration::days(1), KpiGroup::Caller, chrono_tz::UTC);
        assert_eq!((by_caller.rows.len(), by_caller.rows[0].key.as_str(), by_caller.rows[0].seizures), (1, "alice", 4));
    }

    /// The streamed path: each call's rows (INVITEs and BYEs, in any order) given at once
    /// and then dropped count as the whole range's seizures and BYEs do.
    #[test]
    fn kpis_one_call_at_a_time_equal_the_whole_range() {
        let rows = vec![
            cdr(2, "INVITE", "c1", "a", "b", 200, 1),
            cdr(10, "BYE", "c1", "b", "a", 200, 31), // the callee hangs up after 30 s
            cdr(1, "INVITE", "c1", "a", "", 407, 0),
            cdr(4, "INVITE", "c1", "b", "a", 200, 20), // the callee's re-INVITE
            cdr(5, "INVITE", "c2", "x", "y", 486, 3600),
            cdr(6, "INVITE", "c2", "x", "y", 486, 3600), // also in missed_calls
            cdr(7, "INVITE", "c3", "p", "q", 200, 3700),
            cdr(11, "BYE", "c3", "p", "q", 200, 3790),
            cdr(8, "INVITE", "c4", "m", "n", 200, 7300), // no BYE yet
            cdr(9, "INVITE", "c5", "k", "l", 487, 7400),
        ];
        let from = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap().fixed_offset();
        let to = from + Duration::days(1);
        let tz = chrono_tz::Asia::Shanghai;
        let invites: Vec<Cdr> = rows.iter().filter(|r| r.method == "INVITE").cloned().collect();
        let byes: Vec<Cdr> = rows.iter().filter(|r| r.method == "BYE").cloned().collect();
        for group_by in [KpiGroup::Hour, KpiGroup::Day, KpiGroup::Caller] {
            let whole = kpis(&seizures(invites.clone()), &byes, from, to, group_by, tz);
            let mut k = KpiAcc::new(from, to, group_by, tz);
            for call in ["c3", "c1", "c5", "c2", "c4"] {
                k.add_call(rows.iter().filter(|r| r.call_id == call).cloned().collect());
            }
            let streamed = k.finish();
            assert_eq!(serde_json::to_value(&streamed).unwrap(), serde_json::to_value(&whole).unwrap());
            let t = &streamed.total;
            assert_eq!((t.seizures, t.answered, t.cancelled, t.acd), (5, 3, 1, Some(60.0)));
        }
    }
}
