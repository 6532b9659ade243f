//! Cleanups: rows older than N days out of the tables Kamailio keeps appending to
//! (`sip_trace`; topos' `topos_d` and `topos_t`), as a job, in batches, exactly.
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use chrono_tz::Tz;
use kamscope_api_types::cleanup::{CleanupCount, CleanupReport};
use kamscope_api_types::jobs::Job;
use kamscope_db::CleanupDb;
use serde_json::json;

use super::{Actor, AuditLog, Change};
use crate::error::ApiError;
use crate::jobs::JobRunner;

/// What a cleanup cleans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CleanupTarget {
    /// `sip_trace` by `time_stamp` (manual §4.6: default 30 days).
    Siptrace,
    /// `topos_d` and `topos_t` by `rectime` (manual page 5: default 7 days).
    Topos,
}

impl CleanupTarget {
    pub fn default_days(self) -> u32 {
        match self {
            CleanupTarget::Siptrace => 30,
            CleanupTarget::Topos => 7,
        }
    }

    fn tables(self) -> &'static [(&'static str, &'static str)] {
        match self {
            CleanupTarget::Siptrace => &[("sip_trace", "time_stamp")],
            CleanupTarget::Topos => &[("topos_d", "rectime"), ("topos_t", "rectime")],
        }
    }

    /// The job's kind; also the target: one cleanup of these tables at a time.
    fn kind(self) -> &'static str {
        match self {
            CleanupTarget::Siptrace => "siptrace.cleanup",
            CleanupTarget::Topos => "topos.cleanup",
        }
    }
}

/// Rows per progress step (a job's unit of work and of cancel), and the pause between two.
/// Within a step the db layer splits the rows into DELETEs of ~50 ms each with pauses that
/// let Kamailio's waiting writers in (`kamscope_db::cleanup`; measured at 5M rows: worst
/// concurrent insert 82 ms SQLite, 31 ms MariaDB, 98 ms PostgreSQL).
pub const BATCH: u64 = 10_000;
const PAUSE: Duration = Duration::from_millis(20);

#[async_trait]
pub trait Cleanups: Send + Sync {
    /// What a cleanup would remove now (a dry run): rows older than the cutoff per table.
    async fn preview(&self, target: CleanupTarget, days: u32) -> Result<CleanupReport, ApiError>;
    /// Starts the cleanup as a job; the cutoff is fixed now.
    async fn start(&self, actor: &Actor, target: CleanupTarget, days: u32) -> Result<Job, ApiError>;
}

pub struct CleanupService {
    pub db: Arc<dyn CleanupDb>,
    pub jobs: Arc<JobRunner>,
    pub tz: Tz,
    pub audit: Arc<dyn AuditLog>,
}

#[async_trait]
impl Cleanups for CleanupService {
    async fn preview(&self, target: CleanupTarget, days: u32) -> Result<CleanupReport, ApiError> {
        let cutoff = Utc::now() - chrono::Duration::days(days.into());
        let mut tables = Vec::new();
        for (table, col) in target.tables() {
            let rows = self.db.count_older(table, col, cutoff).await?;
            tables.push(CleanupCount {
                table: table.to_string(),
                cutoff: cutoff.with_timezone(&self.tz).fixed_offset(),
                rows,
            });
        }
        Ok(CleanupReport { tables, cancelled: false })
    }

    async fn start(&self, actor: &Actor, target: CleanupTarget, days: u32) -> Result<Job, ApiError> {
        let cutoff = Utc::now() - chrono::Duration::days(days.into());
        let (db, audit, tz, who) = (self.db.clone(), self.audit.clone(), self.tz, actor.clone());
        let target_name = target.tables().iter().map(|(t, _)| *t).collect::<Vec<_>>().join("+");
        let job_target = target_name.clone();
        self.jobs.start(target.kind(), &job_target, actor, move |mut ctx| async move {
            let mut total = 0;
            for (table, col) in target.tables() {
                match db.count_older(table, col, cutoff).await {
                    Ok(n) => total += n,
                    Err(e) => return (ctx, Err(e.to_string())),
                }
            }
            ctx.set_total(total);
            let mut report = CleanupReport { tables: Vec::new(), cancelled: false };
            'tables: for (table, col) in target.tables() {
                let mut removed = 0;
                loop {
                    if ctx.cancelled() {
                        report.cancelled = true;
                        report.tables.push(CleanupCount {
                            table: table.to_string(),
                            cutoff: cutoff.with_timezone(&tz).fixed_offset(),
                            rows: removed,
                        });
                        break 'tables;
                    }
                    let n = match db.delete_older(table, col, cutoff, BATCH).await {
                        Ok(n) => n,
                        Err(e) => return (ctx, Err(format!("{table}: {e} (after removing {removed} rows)"))),
                    };
                    removed += n;
                    ctx.advance(n);
                    if n < BATCH {
                        break;
                    }
                    tokio::time::sleep(PAUSE).await;
                }
                report.tables.push(CleanupCount {
                    table: table.to_string(),
                    cutoff: cutoff.with_timezone(&tz).fixed_offset(),
                    rows: removed,
                });
            }
            audit.record(
                &who,
                &Change { action: target.kind(), target: target_name.clone(), node: None, detail: json!(&report) },
            );
            (ctx, serde_json::to_value(&report).map_err(|e| e.to_string()))
        })
    }
}
