//! Long actions as jobs: one runner for cleanups now and scheduled retention later.
//! A job runs in the background, reports progress as it goes, stops between steps when
//! cancelled, and is one per target (a table) at a time. Jobs live in a [`JobStore`]:
//! in memory today; the store accounts bring can persist them and let replicas share.
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use actix_web::HttpResponse;
use chrono::Utc;
use chrono_tz::Tz;
use kamscope_api_types::jobs::{Job, JobProgress, JobState};

use crate::error::ApiError;
use crate::services::Actor;

/// Where jobs are kept.
pub trait JobStore: Send + Sync {
    /// Inserts or replaces the job with this id.
    fn put(&self, job: &Job);
    fn get(&self, id: &str) -> Option<Job>;
    /// Newest first, ids below `before` when given.
    fn recent(&self, before: Option<u64>, limit: usize) -> Vec<Job>;
}

/// The last [`MemoryJobStore::KEEP`] jobs, in memory.
#[derive(Default)]
pub struct MemoryJobStore(Mutex<VecDeque<Job>>);

impl MemoryJobStore {
    pub const KEEP: usize = 500;
}

fn id_num(job: &Job) -> u64 {
    job.id.parse().unwrap_or(0)
}

impl JobStore for MemoryJobStore {
    fn put(&self, job: &Job) {
        let mut jobs = self.0.lock().expect("job store");
        match jobs.iter_mut().find(|j| j.id == job.id) {
            Some(j) => *j = job.clone(),
            None => {
                jobs.push_front(job.clone());
                // Only finished jobs are forgotten.
                while jobs.len() > Self::KEEP {
                    match jobs.iter().rposition(|j| j.state.is_finished()) {
                        Some(i) => drop(jobs.remove(i)),
                        None => break,
                    }
                }
            }
        }
    }
    fn get(&self, id: &str) -> Option<Job> {
        self.0.lock().expect("job store").iter().find(|j| j.id == id).cloned()
    }
    fn recent(&self, before: Option<u64>, limit: usize) -> Vec<Job> {
        let jobs = self.0.lock().expect("job store");
        jobs.iter().filter(|j| before.is_none_or(|b| id_num(j) < b)).take(limit).cloned().collect()
    }
}

/// What a running job uses to report progress and to see a cancel.
pub struct JobContext {
    job: Job,
    started: Instant,
    cancel: Arc<AtomicBool>,
    store: Arc<dyn JobStore>,
}

impl JobContext {
    /// Sets how many units there are in all, when the job knows.
    pub fn set_total(&mut self, total: u64) {
        self.job.progress.total = Some(total);
        self.publish();
    }

    /// `by` more units done.
    pub fn advance(&mut self, by: u64) {
        self.job.progress.done += by;
        self.publish();
    }

    /// Has a cancel been asked for? A job checks between steps and stops cleanly.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    fn publish(&mut self) {
        let secs = self.started.elapsed().as_secs_f64();
        let p = &mut self.job.progress;
        p.rate_per_s = (secs > 0.0).then(|| (p.done as f64 / secs * 10.0).round() / 10.0);
        p.eta_seconds = match (p.total, p.rate_per_s) {
            (Some(t), Some(r)) if r > 0.0 => Some(((t.saturating_sub(p.done)) as f64 / r * 10.0).round() / 10.0),
            _ => None,
        };
        self.job.cancel_requested = self.cancelled();
        self.store.put(&self.job);
    }
}

struct Running {
    id: String,
    cancel: Arc<AtomicBool>,
}

pub struct JobRunner {
    store: Arc<dyn JobStore>,
    running: Mutex<HashMap<String, Running>>,
    next_id: AtomicU64,
    tz: Tz,
}

impl JobRunner {
    pub fn new(store: Arc<dyn JobStore>, tz: Tz) -> Self {
        JobRunner { store, running: Mutex::new(HashMap::new()), next_id: AtomicU64::new(1), tz }
    }

    /// Starts `run` in the background as a job of `kind` on `target`. A second job on a
    /// target whose job still runs is a 409 naming the running one. `run` returns the
    /// job's result (what it did); when it was cancelled, that partial result is kept.
    pub fn start<F, Fut>(self: &Arc<Self>, kind: &str, target: &str, actor: &Actor, run: F) -> Result<Job, ApiError>
    where
        F: FnOnce(JobContext) -> Fut + Send + 'static,
        Fut: Future<Output = (JobContext, Result<serde_json::Value, String>)> + Send + 'static,
    {
        let mut running = self.running.lock().expect("job runner");
        if let Some(r) = running.get(target) {
            return Err(ApiError::Conflict(format!(
                "job {} is already running on {target}; follow it at /api/v1/jobs/{}, or cancel it first",
                r.id, r.id
            )));
        }
        let id = self.next_id.fetch_add(1, Ordering::SeqCst).to_string();
        let cancel = Arc::new(AtomicBool::new(false));
        let job = Job {
            id: id.clone(),
            kind: kind.into(),
            target: target.into(),
            state: JobState::Running,
            progress: JobProgress { done: 0, total: None, rate_per_s: None, eta_seconds: None },
            result: None,
            error: None,
            cancel_requested: false,
            requested_by: actor.user.clone().or_else(|| actor.addr.clone()),
            started_at: Utc::now().with_timezone(&self.tz).fixed_offset(),
            finished_at: None,
        };
        self.store.put(&job);
        running.insert(target.to_string(), Running { id: id.clone(), cancel: cancel.clone() });
        drop(running);
        tracing::info!(job = id, kind, target, "job started");
        let ctx = JobContext { job: job.clone(), started: Instant::now(), cancel, store: self.store.clone() };
        let this = self.clone();
        let target = target.to_string();
        let fallback = job.clone();
        let task = tokio::spawn(run(ctx));
        tokio::spawn(async move {
            // Awaited through the JoinHandle so a panicking job still ends as failed.
            let mut done = match task.await {
                Ok((ctx, outcome)) => {
                    let mut j = ctx.job;
                    j.cancel_requested = ctx.cancel.load(Ordering::SeqCst);
                    match outcome {
                        Ok(v) => {
                            j.state = if j.cancel_requested { JobState::Cancelled } else { JobState::Succeeded };
                            j.result = Some(v);
                        }
                        Err(e) => {
                            j.state = JobState::Failed;
                            j.error = Some(e);
                        }
                    }
                    j
                }
                Err(e) => Job {
                    state: JobState::Failed,
                    error: Some(format!("the job stopped unexpectedly: {e}")),
                    ..fallback
                },
            };
            done.finished_at = Some(Utc::now().with_timezone(&this.tz).fixed_offset());
            tracing::info!(job = done.id, state = ?done.state, result = ?done.result, error = ?done.error, "job finished");
            this.store.put(&done);
            this.running.lock().expect("job runner").remove(&target);
        });
        Ok(job)
    }

    pub fn get(&self, id: &str) -> Result<Job, ApiError> {
        self.store.get(id).ok_or_else(|| {
            ApiError::NotFound(format!(
                "There is no job {id} (kamscope keeps the last {} jobs since it started)",
                MemoryJobStore::KEEP
            ))
        })
    }

    pub fn recent(&self, before: Option<u64>, limit: usize) -> Vec<Job> {
        self.store.recent(before, limit)
    }

    /// Asks a running job to stop at its next step.
    pub fn cancel(&self, id: &str) -> Result<Job, ApiError> {
        let job = self.get(id)?;
        let running = self.running.lock().expect("job runner");
        match running.get(&job.target).filter(|r| r.id == id) {
            Some(r) => {
                r.cancel.store(true, Ordering::SeqCst);
                tracing::info!(job = id, "job cancel requested");
                Ok(Job { cancel_requested: true, ..job })
            }
            None => Err(ApiError::Conflict(format!("job {id} has already finished ({:?})", job.state).to_lowercase())),
        }
    }
}

/// The answer to a `POST` that started a job: 202, `Location` to follow it, the job.
pub fn accepted(job: &Job) -> HttpResponse {
    HttpResponse::Accepted().insert_header(("Location", format!("/api/v1/jobs/{}", job.id))).json(job)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::sync::mpsc;

    fn runner() -> Arc<JobRunner> {
        Arc::new(JobRunner::new(Arc::new(MemoryJobStore::default()), chrono_tz::UTC))
    }

    /// A job of `steps` steps of one unit; each step waits for a token on the channel.
    fn stepped(r: &Arc<JobRunner>, target: &str, steps: u64) -> (Job, mpsc::UnboundedSender<()>) {
        let (tx, mut rx) = mpsc::unbounded_channel::<()>();
        let job = r
            .start("test.steps", target, &Actor::default(), move |mut ctx| async move {
                ctx.set_total(steps);
                for _ in 0..steps {
                    if ctx.cancelled() {
                        break;
                    }
                    if rx.recv().await.is_none() {
                        break;
                    }
                    ctx.advance(1);
                }
                let done = ctx.job.progress.done;
                (ctx, Ok(serde_json::json!({ "done": done })))
            })
            .unwrap();
        (job, tx)
    }

    async fn until(r: &JobRunner, id: &str, f: impl Fn(&Job) -> bool) -> Job {
        for _ in 0..200 {
            let j = r.get(id).unwrap();
            if f(&j) {
                return j;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("job {id} never got there: {:?}", r.get(id));
    }

    #[tokio::test]
    async fn progress_is_monotonic_and_ends_at_the_result() {
        let r = runner();
        let (job, tx) = stepped(&r, "t", 5);
        let mut seen = vec![];
        for _ in 0..5 {
            tx.send(()).unwrap();
            let j =
                until(&r, &job.id, |j| j.progress.done > seen.last().copied().unwrap_or(0) || j.state.is_finished())
                    .await;
            seen.push(j.progress.done);
        }
        let j = until(&r, &job.id, |j| j.state.is_finished()).await;
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert_eq!((j.state, j.progress.done, j.progress.total), (JobState::Succeeded, 5, Some(5)));
        assert_eq!(j.result, Some(serde_json::json!({"done": 5})));
        assert!(j.finished_at.is_some());
    }

    #[tokio::test]
    async fn one_job_per_target_and_a_409_names_the_running_one() {
        let r = runner();
        let (job, tx) = stepped(&r, "sip_trace", 1);
        let second =
            r.start("test.steps", "sip_trace", &Actor::default(), |ctx| async { (ctx, Ok(serde_json::Value::Null)) });
        let err = second.unwrap_err();
        assert!(matches!(err, ApiError::Conflict(_)) && err.to_string().contains(&format!("job {}", job.id)), "{err}");
        // Another target runs at the same time.
        let (other, _tx2) = stepped(&r, "topos_d", 1);
        assert_ne!(other.id, job.id);
        tx.send(()).unwrap();
        until(&r, &job.id, |j| j.state.is_finished()).await;
        // Finished: the target is free again.
        assert!(r
            .start("test.steps", "sip_trace", &Actor::default(), |ctx| async { (ctx, Ok(serde_json::Value::Null)) })
            .is_ok());
    }

    #[tokio::test]
    async fn cancel_stops_between_steps_and_keeps_what_was_done() {
        let r = runner();
        let (job, tx) = stepped(&r, "t", 10);
        tx.send(()).unwrap();
        tx.send(()).unwrap();
        until(&r, &job.id, |j| j.progress.done == 2).await;
        let c = r.cancel(&job.id).unwrap();
        assert!(c.cancel_requested);
        tx.send(()).unwrap(); // the step in flight finishes, then the job sees the cancel
        let j = until(&r, &job.id, |j| j.state.is_finished()).await;
        assert_eq!(j.state, JobState::Cancelled);
        assert!(j.progress.done <= 3, "{j:?}");
        assert!(matches!(r.cancel(&job.id), Err(ApiError::Conflict(_))));
        assert!(matches!(r.cancel("999"), Err(ApiError::NotFound(_))));
    }

    #[tokio::test]
    async fn a_panicking_job_ends_as_failed_and_frees_its_target() {
        let r = runner();
        let job = r
            .start("test.panic", "t", &Actor::default(), |ctx| async move {
                if !ctx.cancelled() {
                    panic!("boom");
                }
                (ctx, Ok(serde_json::Value::Null))
            })
            .unwrap();
        let j = until(&r, &job.id, |j| j.state.is_finished()).await;
        assert_eq!(j.state, JobState::Failed);
        assert!(j.error.unwrap().contains("unexpectedly"));
        assert!(r.recent(None, 10).iter().any(|x| x.id == job.id));
    }
}
