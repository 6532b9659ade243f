//! A time range filter: two `datetime-local` inputs in the browser's zone and presets.
#![allow(dead_code)] // for the CDR and SIP trace lists (issues 7, 8)

use chrono::{DateTime, Duration as Span, FixedOffset, Local, NaiveDateTime, TimeZone};
use leptos::prelude::*;

use crate::i18n::{use_i18n, K};

/// An RFC 3339 time (the URL's `from=` / `to=`, the API's time keys).
pub fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

/// `from=` / `to=`'s value: RFC 3339, empty without a bound.
pub fn time_param(t: Option<DateTime<FixedOffset>>) -> String {
    t.map(|t| t.to_rfc3339()).unwrap_or_default()
}

/// The presets of [`TimeRange`]: how far back from now (`None`: no bound).
const PRESETS: [(K, Option<i64>); 5] = [
    (K::PresetAny, None),
    (K::Preset15m, Some(15 * 60)),
    (K::Preset1h, Some(3600)),
    (K::Preset24h, Some(86400)),
    (K::Preset7d, Some(7 * 86400)),
];

/// A time range: two `datetime-local` inputs in the browser's zone and presets
/// ("last hour", ...) that set both. `on_change` runs after either bound changed.
#[component]
pub fn TimeRange(
    from: RwSignal<Option<DateTime<FixedOffset>>>,
    to: RwSignal<Option<DateTime<FixedOffset>>>,
    #[prop(into)] on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let fmt = |t: Option<DateTime<FixedOffset>>| {
        t.map(|t| t.with_timezone(&Local).format("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    };
    let parse = |s: String| {
        NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M")
            .ok()
            .and_then(|n| Local.from_local_datetime(&n).earliest())
            .map(|t| t.fixed_offset())
    };
    let input = move |sig: RwSignal<Option<DateTime<FixedOffset>>>,
                      testid: &'static str,
                      label: K| {
        view! {
            <label class="filter">
                <span>{move || i18n.t(label)}</span>
                <input type="datetime-local" data-testid=testid prop:value=move || fmt(sig.get())
                    on:change=move |ev| {
                        sig.set(parse(event_target_value(&ev)));
                        on_change.run(());
                    }/>
            </label>
        }
    };
    view! {
        <div class="time-range" data-testid="time-range">
            {input(from, "time-from", K::TimeFrom)}
            {input(to, "time-to", K::TimeTo)}
            <span class="presets">
                {PRESETS
                    .into_iter()
                    .map(|(k, back)| {
                        view! {
                            <button type="button" class="btn btn-ghost btn-sm" data-testid="time-preset"
                                on:click=move |_| {
                                    let now = Local::now().fixed_offset();
                                    from.set(back.map(|s| now - Span::seconds(s)));
                                    to.set(None);
                                    on_change.run(());
                                }>
                                {move || i18n.t(k)}
                            </button>
                        }
                    })
                    .collect_view()}
            </span>
        </div>
    }
}
