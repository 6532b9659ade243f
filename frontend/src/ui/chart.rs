//! Small SVG charts: bars (one value per label) and a line (values over time), scaled to
//! the largest value, no library.
#![allow(dead_code)] // for the CDR statistics and the monitoring history (issues 7, 11)

use leptos::prelude::*;

const W: f64 = 600.0;
const H: f64 = 160.0;
const PAD: f64 = 20.0;

fn top(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, f64::max).max(1.0)
}

/// A bar per `(label, value)`, the value on top, the label under it.
pub fn bar_chart(testid: &'static str, data: Vec<(String, f64)>) -> impl IntoView {
    let max = top(data.iter().map(|d| d.1));
    let slot = (W - 2.0 * PAD) / data.len().max(1) as f64;
    let bars = data
        .into_iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let h = (H - 2.0 * PAD) * v / max;
            let x = PAD + i as f64 * slot + slot * 0.15;
            let (w, y) = (slot * 0.7, H - PAD - h);
            view! {
                <g class="bar" data-value=v.to_string()>
                    <rect x=x.to_string() y=y.to_string() width=w.to_string() height=h.to_string()></rect>
                    <text class="value" x=(x + w / 2.0).to_string() y=(y - 4.0).to_string()>{v.to_string()}</text>
                    <text class="label" x=(x + w / 2.0).to_string() y=(H - 4.0).to_string()>{label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart chart-bar" data-testid=testid viewBox=format!("0 0 {W} {H}") role="img">
            <line class="axis" x1=PAD.to_string() y1=(H - PAD).to_string() x2=(W - PAD).to_string() y2=(H - PAD).to_string()></line>
            {bars}
        </svg>
    }
}

/// A line through `points` (x, y), both axes scaled to the data.
pub fn line_chart(testid: &'static str, points: Vec<(f64, f64)>) -> impl IntoView {
    let (x0, x1) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    line_chart_in(testid, points, (x0, x1))
}

/// [`line_chart`] over a given x range, e.g. `(-0.5, n - 0.5)` for point `i` to sit over
/// bar `i` of a [`bar_chart`] of `n` bars; each point is marked (a lone point shows too).
pub fn line_chart_in(
    testid: &'static str,
    points: Vec<(f64, f64)>,
    (x0, x1): (f64, f64),
) -> impl IntoView {
    let span = (x1 - x0).max(1e-9);
    let max = top(points.iter().map(|p| p.1));
    let xy: Vec<(f64, f64, f64)> = points
        .iter()
        .map(|(x, y)| {
            let px = PAD + (x - x0) / span * (W - 2.0 * PAD);
            let py = H - PAD - y / max * (H - 2.0 * PAD);
            (px, py, *y)
        })
        .collect();
    let path = xy
        .iter()
        .map(|(px, py, _)| format!("{px:.1},{py:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let marks = xy
        .into_iter()
        .map(|(px, py, v)| {
            view! {
                <circle class="pt" cx=format!("{px:.1}") cy=format!("{py:.1}") r="3" data-value=v.to_string()></circle>
            }
        })
        .collect_view();
    view! {
        <svg class="chart chart-line" data-testid=testid viewBox=format!("0 0 {W} {H}") role="img">
            <line class="axis" x1=PAD.to_string() y1=(H - PAD).to_string() x2=(W - PAD).to_string() y2=(H - PAD).to_string()></line>
            <polyline points=path></polyline>
            {marks}
            <text class="value" x=PAD.to_string() y=(PAD - 6.0).to_string()>{max.to_string()}</text>
        </svg>
    }
}
