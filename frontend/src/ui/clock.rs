//! Time that moves: a ticking clock for "seconds left" and running durations, and the
//! auto-refresh box of a page that polls (pause, last updated, refresh now).
use std::future::Future;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{use_i18n, K};
use crate::ui::format::local_clock;

/// `Date.now()`, updated every second while the page is shown.
#[derive(Clone, Copy)]
pub struct Clock(pub RwSignal<f64>);

impl Clock {
    pub fn new() -> Self {
        let now = RwSignal::new(js_sys::Date::now());
        if let Ok(h) =
            set_interval_with_handle(move || now.set(js_sys::Date::now()), Duration::from_secs(1))
        {
            on_cleanup(move || h.clear());
        }
        Clock(now)
    }

    /// Whole seconds since `then_ms` (a `Date.now()` value), never negative.
    pub fn secs_since(self, then_ms: f64) -> i64 {
        ((self.0.get() - then_ms) / 1000.0).floor().max(0.0) as i64
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}

/// Runs `poll` every `secs` seconds unless `paused`, while the page is shown.
pub fn every(secs: u64, paused: RwSignal<bool>, poll: impl Fn() + 'static) {
    let tick = move || {
        if !paused.get_untracked() {
            poll();
        }
    };
    if let Ok(h) = set_interval_with_handle(tick, Duration::from_secs(secs)) {
        on_cleanup(move || h.clear());
    }
}

/// A page that polls: whether it is paused, when the last round ended, and "poll now".
#[derive(Clone, Copy)]
pub struct Poll {
    pub paused: RwSignal<bool>,
    pub updated_at: RwSignal<f64>,
    pub now: Callback<()>,
}

/// Runs `round` now and every `secs` seconds unless paused, one round at a time.
pub fn poll_every<F, Fut>(secs: u64, round: F) -> Poll
where
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let (paused, updated_at) = (RwSignal::new(false), RwSignal::new(0f64));
    let busy = StoredValue::new(false);
    let now = Callback::new(move |()| {
        if busy.get_value() {
            return; // the previous round is still out
        }
        busy.set_value(true);
        spawn_local(async move {
            round().await;
            updated_at.set(js_sys::Date::now());
            busy.set_value(false);
        });
    });
    now.run(());
    every(secs, paused, move || now.run(()));
    Poll {
        paused,
        updated_at,
        now,
    }
}

/// "Refreshes every 5 s" with its pulse, "last updated", pause / resume, refresh now.
#[component]
pub fn AutoRefreshBox(poll: Poll) -> impl IntoView {
    let i18n = use_i18n();
    let Poll {
        paused,
        updated_at,
        now,
    } = poll;
    view! {
        <div class="refresh-box" data-testid="refresh-box">
            <span class="refresh-state" class:paused=move || paused.get() data-testid="auto-refresh-state">
                <span class="dot" class:pulse=move || !paused.get()></span>
                {move || i18n.t(if paused.get() { K::AutoRefreshPaused } else { K::AutoRefresh })}
            </span>
            <span class="last-updated" data-testid="last-updated" data-ts=move || updated_at.get().to_string()>
                {move || match updated_at.get() {
                    0.0 => "…".to_string(),
                    t => i18n.f(K::LastUpdated, &[("t", &local_clock(t))]),
                }}
            </span>
            <button type="button" class="btn" data-testid="pause-toggle"
                aria-pressed=move || paused.get().to_string() title=move || i18n.t(K::PauseHint)
                on:click=move |_| paused.update(|p| *p = !*p)>
                {move || if paused.get() { "▶" } else { "❚❚" }}
                " "
                {move || i18n.t(if paused.get() { K::Resume } else { K::Pause })}
            </button>
            <button type="button" class="btn" data-testid="refresh-button" on:click=move |_| now.run(())>
                <span class="icon" aria-hidden="true">"⟳"</span>
                {move || i18n.t(K::RefreshNow)}
            </button>
        </div>
    }
}
