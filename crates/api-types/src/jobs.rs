//! Long actions (cleanups now, scheduled retention later) run as jobs: `POST` answers
//! 202 with `Location: /api/v1/jobs/{id}`, and the job is followed here.
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Succeeded,
    Failed,
    /// Stopped on request; what it had done stays done, the rest untouched.
    Cancelled,
}

impl JobState {
    pub fn is_finished(self) -> bool {
        self != JobState::Running
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobProgress {
    /// Units done so far (rows, for cleanups); never goes down.
    pub done: u64,
    /// Units in all, when known up front.
    pub total: Option<u64>,
    /// Units per second since the job started.
    pub rate_per_s: Option<f64>,
    /// Seconds left at the current rate, when `total` is known.
    pub eta_seconds: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Job {
    pub id: String,
    /// What it does, e.g. `siptrace.cleanup`.
    pub kind: String,
    /// What it acts on (a table); one running job per target.
    pub target: String,
    pub state: JobState,
    pub progress: JobProgress,
    /// What it did, once finished (the kind defines it, e.g. rows removed per table).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    /// A cancel was asked for; the job stops at its next step.
    pub cancel_requested: bool,
    /// Who started it (user, or peer address until accounts exist).
    pub requested_by: Option<String>,
    pub started_at: DateTime<FixedOffset>,
    pub finished_at: Option<DateTime<FixedOffset>>,
}
