//! "Clean": removes a table set's old rows as a job (SIP trace 30 days, topos 7 days;
//! manual §4.6, §5.3). The dialog first shows the dry run (rows per table older than the
//! cutoff), then starts the job and follows it with [`JobBar`] (cancel there), then says
//! what was removed per table. A second cleanup of the same tables is refused (409).
use kamscope_api_types::cleanup::{CleanupCount, CleanupReport};
use kamscope_api_types::jobs::{Job, JobState};
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::feedback::{error_words, inline_error};
use crate::ui::format::local_time;
use crate::ui::job::JobBar;

/// One cleanup: its endpoint, its default days, the dialog's title and `data-kind`.
#[derive(Clone, Copy)]
pub struct CleanupDef {
    pub path: &'static str,
    pub days: u32,
    pub title: K,
    pub kind: &'static str,
}

const MAX_DAYS: u32 = 3650;

fn parse_days(s: &str) -> Option<u32> {
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=MAX_DAYS).contains(d))
}

/// The "Clean" button, the dialog it opens, and the last result next to the button.
/// `on_done` runs when a cleanup has finished (the page reloads its lists).
#[component]
pub fn CleanButton(def: CleanupDef, #[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let days = RwSignal::new(def.days.to_string());
    let preview: RwSignal<Option<Result<CleanupReport, ApiError>>> = RwSignal::new(None);
    let starting = RwSignal::new(false);
    let start_err: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let job_id: RwSignal<Option<String>> = RwSignal::new(None);
    let finished: RwSignal<Option<Job>> = RwSignal::new(None);
    let last: RwSignal<Option<CleanupReport>> = RwSignal::new(None);
    let seq = StoredValue::new(0u64);

    // The dry run, again whenever the days change while the dialog asks.
    Effect::new(move |_| {
        if !open.get() || job_id.with(|j| j.is_some()) {
            return;
        }
        let my = seq.get_value() + 1;
        seq.set_value(my);
        preview.set(None);
        let Some(d) = days.with(|d| parse_days(d)) else {
            return;
        };
        spawn_local(async move {
            let r = api::cleanup_preview(def.path, d).await;
            if seq.try_get_value() == Some(my) {
                preview.try_set(Some(r));
            }
        });
    });
    let total = move || {
        preview.with(|p| match p {
            Some(Ok(r)) => Some(r.tables.iter().map(|t| t.rows).sum::<u64>()),
            _ => None,
        })
    };
    let running = move || job_id.with(|j| j.is_some()) && finished.with(|f| f.is_none());
    let can_close = move || !starting.get() && !running();
    let close = move || {
        if !can_close() {
            return;
        }
        if let Some(j) = finished.get_untracked() {
            last.set(report_of(&j));
        }
        open.set(false);
        job_id.set(None);
        finished.set(None);
        start_err.set(None);
        preview.set(None);
    };
    let start = move || {
        let Some(d) = days.with_untracked(|d| parse_days(d)) else {
            return;
        };
        starting.set(true);
        start_err.set(None);
        spawn_local(async move {
            let r = api::cleanup_start(def.path, d).await;
            starting.try_set(false);
            match r {
                Ok(j) => {
                    job_id.try_set(Some(j.id));
                }
                Err(e) => {
                    start_err.try_set(Some(e));
                }
            }
        });
    };
    let on_finish = move |j: Job| {
        finished.set(Some(j));
        on_done.run(());
    };
    let cancel_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(btn) = cancel_ref.get() {
            let _ = btn.focus();
        }
    });

    let dialog = move || {
        open.get().then(|| {
            view! {
                <div class="modal-backdrop" on:click=move |_| close()>
                    <div class="modal modal-wide" role="dialog" aria-modal="true" aria-labelledby="cleanup-title"
                        data-testid="confirm-dialog" data-kind=def.kind
                        on:click=|ev| ev.stop_propagation()
                        on:keydown=move |ev: KeyboardEvent| {
                            if ev.key() == "Escape" {
                                close();
                            }
                        }>
                        <h2 id="cleanup-title">{move || i18n.t(def.title)}</h2>
                        {move || match job_id.get() {
                            None => confirm_body(i18n, days, preview, total).into_any(),
                            Some(id) => view! {
                                <JobBar id=id on_finish=on_finish/>
                                {move || finished.get().map(|j| result_view(i18n, j))}
                            }
                            .into_any(),
                        }}
                        {move || start_err.get().map(|e| start_error(i18n, e))}
                        <div class="modal-actions">
                            <button type="button" class="btn" data-testid="confirm-cancel" node_ref=cancel_ref
                                disabled=move || !can_close() on:click=move |_| close()>
                                {move || i18n.t(if job_id.with(|j| j.is_some()) { K::CleanClose } else { K::Cancel })}
                            </button>
                            <Show when=move || job_id.with(|j| j.is_none())>
                                <button type="button" class="btn btn-danger" data-testid="confirm-ok"
                                    disabled=move || starting.get() || total().unwrap_or(0) == 0
                                    on:click=move |_| start()>
                                    {move || i18n.t(if starting.get() { K::CleanStarting } else { K::CleanStart })}
                                </button>
                            </Show>
                        </div>
                    </div>
                </div>
            }
        })
    };

    view! {
        <span class="cleanup" data-testid="cleanup">
            <button type="button" class="btn btn-ghost-danger" data-testid="clean-button"
                title=move || i18n.t(K::CleanHint)
                on:click=move |_| {
                    days.set(def.days.to_string());
                    open.set(true);
                }>
                {move || i18n.t(K::CleanButton)}
            </button>
            {move || last.get().map(|r| {
                let what = r.tables.iter()
                    .map(|t| i18n.f(K::CleanLastRows, &[("table", &t.table), ("n", &t.rows.to_string())]))
                    .collect::<Vec<_>>()
                    .join(", ");
                view! {
                    <span class="muted small cleanup-last" data-testid="cleanup-last">
                        {i18n.f(K::CleanLast, &[("what", &what)])}
                    </span>
                }
            })}
            {dialog}
        </span>
    }
}

/// What a finished cleanup job removed (its `result`).
fn report_of(j: &Job) -> Option<CleanupReport> {
    j.result
        .clone()
        .and_then(|v| serde_json::from_value::<CleanupReport>(v).ok())
}

/// The days input and the dry run's counts per table.
fn confirm_body(
    i18n: I18n,
    days: RwSignal<String>,
    preview: RwSignal<Option<Result<CleanupReport, ApiError>>>,
    total: impl Fn() -> Option<u64> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let bad = move || days.with(|d| parse_days(d).is_none());
    view! {
        <label class="filter cleanup-days">
            <span>{move || i18n.t(K::CleanDays)}</span>
            <input type="number" min="1" max=MAX_DAYS.to_string() step="1" data-testid="cleanup-days"
                prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev))/>
            <span>{move || i18n.t(K::CleanDaysUnit)}</span>
        </label>
        <Show when=bad>
            <p class="inline-error" role="alert" data-testid="cleanup-bad-days">{move || i18n.t(K::CleanBadDays)}</p>
        </Show>
        {move || match preview.get() {
            None if !bad() => view! {
                <p class="muted" data-testid="cleanup-counting">{move || i18n.t(K::CleanCounting)}</p>
            }
            .into_any(),
            None => ().into_any(),
            Some(Err(e)) => inline_error(i18n, K::CleanCountFailed, &e, "cleanup-preview-error").into_any(),
            Some(Ok(r)) => view! {
                {counts_table(i18n, "cleanup-preview", K::CleanColRows, &r.tables)}
                {(total() == Some(0)).then(|| view! {
                    <p class="muted" data-testid="cleanup-nothing">{move || i18n.t(K::CleanNothing)}</p>
                })}
            }
            .into_any(),
        }}
        <p class="muted small">{move || i18n.t(K::CleanNote)}</p>
    }
}

/// Per table: its name, the cutoff, the rows (that would go, or went).
fn counts_table(
    i18n: I18n,
    testid: &'static str,
    rows_label: K,
    tables: &[CleanupCount],
) -> impl IntoView {
    let sum: u64 = tables.iter().map(|t| t.rows).sum();
    let rows = tables
        .iter()
        .map(|t| {
            view! {
                <tr data-testid=format!("{testid}-row") data-table=t.table.clone() data-rows=t.rows.to_string()
                    data-cutoff=t.cutoff.to_rfc3339()>
                    <td class="tech">{t.table.clone()}</td>
                    <td class="tech">{local_time(&t.cutoff)}</td>
                    <td class="num tech">{t.rows.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid cleanup-counts" data-testid=testid data-total=sum.to_string()>
            <thead>
                <tr>
                    <th scope="col">{move || i18n.t(K::CleanColTable)}</th>
                    <th scope="col">{move || i18n.t(K::CleanColCutoff)}</th>
                    <th scope="col" class="num">{move || i18n.t(rows_label)}</th>
                </tr>
            </thead>
            <tbody>
                {rows}
                <tr class="cleanup-total">
                    <td>{move || i18n.t(K::CleanTotal)}</td>
                    <td></td>
                    <td class="num tech" data-testid=format!("{testid}-total")>{sum.to_string()}</td>
                </tr>
            </tbody>
        </table>
    }
}

/// What the finished job did: removed rows per table, or why it stopped.
fn result_view(i18n: I18n, j: Job) -> impl IntoView {
    let (key, tone) = match j.state {
        JobState::Succeeded => (K::CleanResultDone, "ok"),
        JobState::Cancelled => (K::CleanResultCancelled, "warn"),
        _ => (K::CleanResultFailed, "error"),
    };
    let report = report_of(&j);
    view! {
        <div class="cleanup-result" data-testid="cleanup-result" data-state=format!("{:?}", j.state).to_lowercase()>
            <p class=format!("cleanup-result-title tone-{tone}")>{move || i18n.t(key)}</p>
            {report.map(|r| counts_table(i18n, "cleanup-result", K::CleanColRemoved, &r.tables))}
        </div>
    }
}

/// A refused start: 409 in words of its own, anything else as the server said.
fn start_error(i18n: I18n, e: ApiError) -> impl IntoView {
    let status = e.status().map(|s| s.to_string()).unwrap_or_default();
    let (title, detail) = error_words(i18n, &e);
    let conflict = e.status() == Some(409);
    view! {
        <div class="inline-error" role="alert" data-testid="cleanup-error" data-status=status>
            {if conflict {
                view! {
                    <strong>{move || i18n.t(K::CleanConflict)}</strong>
                    {detail.map(|d| view! { <div class="tech small">{d}</div> })}
                }
                .into_any()
            } else {
                view! {
                    <strong>{move || i18n.t(K::CleanStartFailed)}": "</strong>
                    <span class="tech">{title}</span>
                    {detail.map(|d| view! { <div class="tech small">{d}</div> })}
                }
                .into_any()
            }}
        </div>
    }
}
