//! A long job's progress bar: follows `GET /api/v1/jobs/{id}` every second until the job
//! has finished, shows done / total (or done alone when the total is unknown) and the
//! rate, and cancels with `DELETE /api/v1/jobs/{id}`.
use gloo_timers::future::TimeoutFuture;
use kamscope_api_types::jobs::{Job, JobState};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, K};
use crate::ui::feedback::error_words;
use crate::ui::format::clock_duration;

/// The words of a job's state.
fn state_key(j: &Job) -> K {
    match j.state {
        JobState::Running if j.cancel_requested => K::JobCancelling,
        JobState::Running => K::JobRunning,
        JobState::Succeeded => K::JobSucceeded,
        JobState::Failed => K::JobFailed,
        JobState::Cancelled => K::JobCancelled,
    }
}

/// The bar of job `id`; `on_finish` runs once with the finished job.
#[component]
pub fn JobBar(id: String, #[prop(into)] on_finish: Callback<Job>) -> impl IntoView {
    let i18n = use_i18n();
    let job: RwSignal<Option<Result<Job, ApiError>>> = RwSignal::new(None);
    let cancel_err: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let alive = StoredValue::new(true);
    on_cleanup(move || alive.set_value(false));
    {
        let id = id.clone();
        spawn_local(async move {
            // The bar may be gone by the time an answer or the timer lands (its owner
            // disposed): `try_` then, never a panic.
            let alive = move || alive.try_get_value().unwrap_or(false);
            while alive() {
                let r = api::job(&id).await;
                if !alive() {
                    return;
                }
                let done = matches!(&r, Ok(j) if j.state.is_finished());
                // 404: the server no longer knows the job (restarted); polling cannot help.
                let gone = matches!(&r, Err(e) if e.status() == Some(404));
                job.set(Some(r.clone()));
                if done {
                    if let Ok(j) = r {
                        on_finish.run(j);
                    }
                    return;
                }
                if gone {
                    return;
                }
                TimeoutFuture::new(1000).await;
            }
        });
    }
    let cancel = move |_| {
        let id = id.clone();
        spawn_local(async move {
            let r = api::cancel_job(&id).await.err();
            cancel_err.try_set(r);
        });
    };
    move || match job.get() {
        None => ().into_any(),
        Some(Err(e)) => {
            let (title, _) = error_words(i18n, &e);
            view! { <div class="inline-error" role="alert" data-testid="job-error">{title}</div> }
                .into_any()
        }
        Some(Ok(j)) => {
            let p = j.progress.clone();
            let pct = p
                .total
                .filter(|t| *t > 0)
                .map(|t| (p.done as f64 * 100.0 / t as f64).min(100.0));
            let (done, total) = (p.done.to_string(), p.total.map(|t| t.to_string()));
            let count = match &total {
                Some(t) => i18n.f(K::JobDoneOf, &[("done", &done), ("total", t)]),
                None => i18n.f(K::JobDone, &[("done", &done)]),
            };
            let rate = p
                .rate_per_s
                .map(|r| i18n.f(K::JobRate, &[("rate", &format!("{r:.0}"))]));
            let eta = p
                .eta_seconds
                .filter(|_| !j.state.is_finished())
                .map(|s| i18n.f(K::JobEta, &[("t", &clock_duration(s.round() as i64))]));
            let state = format!("{:?}", j.state).to_lowercase();
            view! {
                <div class="job" data-testid="job-progress" data-state=state.clone()
                    data-done=done.clone() data-total=total.clone().unwrap_or_default()>
                    <div class="job-bar" class:indeterminate=pct.is_none() role="progressbar"
                        aria-valuemin="0" aria-valuemax="100" aria-valuenow=pct.map(|v| format!("{v:.0}"))>
                        <span style=format!("width: {}%", pct.unwrap_or(100.0))></span>
                    </div>
                    <span class=format!("job-state job-{state}") data-testid="job-state">{i18n.t(state_key(&j))}</span>
                    <span class="job-count tech">{count}</span>
                    {rate.map(|r| view! { <span class="job-rate tech">{r}</span> })}
                    {eta.map(|t| view! { <span class="job-eta">{t}</span> })}
                    {j.error.clone().map(|e| view! { <span class="check-error tech" data-testid="job-error">{e}</span> })}
                    {(!j.state.is_finished() && !j.cancel_requested).then(|| view! {
                        <button type="button" class="btn btn-sm" data-testid="job-cancel" on:click=cancel.clone()>
                            {i18n.t(K::JobCancel)}
                        </button>
                    })}
                    {cancel_err.get().map(|e| view! {
                        <span class="inline-error" role="alert">{i18n.t(K::JobCancelFailed)}": "{error_words(i18n, &e).0}</span>
                    })}
                </div>
            }
            .into_any()
        }
    }
}
