//! Number tiles: a statistic with its label and hint (`stat-{id}`), and a metric of a
//! card (`node-{id}`, big or small), both carrying the raw value in `data-value`.
use leptos::prelude::*;

use crate::i18n::{I18n, K};

/// A statistic of a strip: value over label, the hint as tooltip.
pub fn stat_card(i18n: I18n, id: &'static str, label: K, hint: K, v: i64) -> impl IntoView {
    view! {
        <div class=format!("stat stat-{id}") data-testid=format!("stat-{id}") data-value=v.to_string()
            title=move || i18n.t(hint)>
            <span class="stat-value">{v.to_string()}</span>
            <span class="stat-label">{move || i18n.t(label)}</span>
        </div>
    }
}

/// A metric of a card: label over value; `testid` in full, `class` added (e.g. `metric-big`).
pub fn metric(
    i18n: I18n,
    testid: String,
    class: String,
    label: K,
    value: String,
    raw: Option<i64>,
) -> impl IntoView {
    view! {
        <div class=format!("metric {class}") data-testid=testid data-value=raw.map(|v| v.to_string()).unwrap_or_default()>
            <span class="metric-label">{move || i18n.t(label)}</span>
            <span class="metric-value">{value}</span>
        </div>
    }
}
