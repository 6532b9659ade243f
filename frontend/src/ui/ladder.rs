//! A ladder diagram (message sequence chart) as SVG: one column per endpoint, one row
//! per message with an arrow from its sender's column to its receiver's, labelled and
//! coloured by kind; a time per row on the left, with a tick box to mark rows (e.g. to
//! compare two). A click on a row selects it. Labels are SVG text nodes, never markup.
use leptos::prelude::*;

use crate::i18n::{use_i18n, K};

/// One column: `label` on top (e.g. `127.0.0.1:5060`), `sub` under it; `own` columns
/// are drawn apart and named by [`Ladder`]'s `own_label` (e.g. "Kamailio").
#[derive(Clone, Debug)]
pub struct LadderCol {
    pub label: String,
    pub sub: String,
    pub own: bool,
}

/// One row: the arrow `from` → `to` (column indexes), its label, its kind (a CSS class
/// suffix: `ladder-{kind}`), an optional note after the label (e.g. "SDP"), and the two
/// time texts the time column can show.
#[derive(Clone, Debug)]
pub struct LadderRow {
    pub key: i64,
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub kind: &'static str,
    pub note: Option<&'static str>,
    pub times: [String; 2],
}

const TIME_W: f64 = 136.0;
const COL_W: f64 = 200.0;
const HEAD_H: f64 = 52.0;
const ROW_H: f64 = 30.0;
const TOP: f64 = HEAD_H + 8.0;
/// Characters of a label that fit between two neighbouring columns.
const LABEL_MAX: usize = 25;

fn x_of(col: usize) -> f64 {
    TIME_W + COL_W * (col as f64 + 0.5)
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// The ladder (`data-testid="ladder"`): columns `ladder-col` (`data-own`), rows
/// `ladder-arrow` (`data-key`, `data-from`, `data-to`, `data-kind`, `aria-selected`) with
/// a tick box `ladder-mark` each. `time_mode` picks `times[0]` or `times[1]`.
#[component]
pub fn Ladder(
    cols: Vec<LadderCol>,
    rows: Vec<LadderRow>,
    selected: RwSignal<Option<i64>>,
    marked: RwSignal<Vec<i64>>,
    /// How many rows may be marked; marking one more drops the oldest mark.
    max_marks: usize,
    own_label: K,
    mark_hint: K,
    #[prop(into)] time_mode: Signal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let width = TIME_W + COL_W * cols.len().max(1) as f64 + 10.0;
    let height = TOP + ROW_H * rows.len() as f64 + 12.0;
    let n_cols = cols.len();
    let heads = cols
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let x = x_of(i);
            let sub = c.sub.clone();
            view! {
                <g class="ladder-col" class:own=c.own data-testid="ladder-col" data-own=c.own.to_string()
                    data-label=c.label.clone()>
                    <title>{c.label.clone()}</title>
                    <rect class="ladder-head" x=format!("{:.1}", x - COL_W / 2.0 + 8.0) y="4"
                        width=format!("{:.1}", COL_W - 16.0) height=format!("{:.1}", HEAD_H - 10.0) rx="5"></rect>
                    <text class="ladder-head-label tech" x=format!("{x:.1}") y="22">{short(&c.label, 28)}</text>
                    <text class="ladder-head-sub" x=format!("{x:.1}") y="38">
                        {move || if c.own { format!("{} · {sub}", i18n.t(own_label)) } else { sub.clone() }}
                    </text>
                    <line class="ladder-life" x1=format!("{x:.1}") y1=format!("{:.1}", HEAD_H - 6.0)
                        x2=format!("{x:.1}") y2=format!("{height:.1}")></line>
                </g>
            }
        })
        .collect_view();
    let body = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let y = TOP + ROW_H * i as f64 + ROW_H - 8.0;
            let key = r.key;
            let sel = move || selected.get() == Some(key);
            let is_marked = move || marked.with(|m| m.contains(&key));
            let toggle_mark = move |ev: leptos::ev::MouseEvent| {
                ev.stop_propagation();
                marked.update(|m| {
                    if let Some(p) = m.iter().position(|k| *k == key) {
                        m.remove(p);
                    } else {
                        if m.len() >= max_marks {
                            m.remove(0);
                        }
                        m.push(key);
                    }
                });
            };
            let (from, to) = (r.from.min(n_cols.saturating_sub(1)), r.to.min(n_cols.saturating_sub(1)));
            let (x1, x2) = (x_of(from), x_of(to));
            let arrow = if from == to {
                // To itself: a loop on the right of the column.
                let d = format!("M{x1:.1},{:.1} h34 v12 h-30", y - 12.0);
                let head = format!("{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", x1 + 2.0, y, x1 + 10.0, y - 4.0, x1 + 10.0, y + 4.0);
                view! {
                    <path class="ladder-line" d=d fill="none"></path>
                    <polygon class="ladder-tip" points=head></polygon>
                }
                .into_any()
            } else {
                let dir = if x2 > x1 { 1.0 } else { -1.0 };
                let tip = x2 - dir * 3.0;
                let head = format!(
                    "{tip:.1},{y:.1} {:.1},{:.1} {:.1},{:.1}",
                    tip - dir * 9.0,
                    y - 4.5,
                    tip - dir * 9.0,
                    y + 4.5
                );
                view! {
                    <line class="ladder-line" x1=format!("{:.1}", x1 + dir * 3.0) y1=format!("{y:.1}")
                        x2=format!("{:.1}", tip - dir * 8.0) y2=format!("{y:.1}")></line>
                    <polygon class="ladder-tip" points=head></polygon>
                }
                .into_any()
            };
            let mid = if from == to { x1 + 40.0 } else { (x1 + x2) / 2.0 };
            let anchor = if from == to { "start" } else { "middle" };
            let times = r.times.clone();
            view! {
                <g class=format!("ladder-row ladder-{}", r.kind) class:selected=sel class:marked=is_marked
                    data-testid="ladder-arrow" data-key=key.to_string() data-from=from.to_string()
                    data-to=to.to_string() data-kind=r.kind aria-selected=move || sel().to_string()
                    data-label=r.label.clone()
                    on:click=move |_| selected.set(Some(key))>
                    <rect class="ladder-hit" x="0" y=format!("{:.1}", y - ROW_H + 8.0)
                        width=format!("{width:.1}") height=format!("{ROW_H:.1}")></rect>
                    <g class="ladder-mark" data-testid="ladder-mark" role="checkbox"
                        aria-checked=move || is_marked().to_string() on:click=toggle_mark>
                        <title>{move || i18n.t(mark_hint)}</title>
                        <rect x="6" y=format!("{:.1}", y - 11.0) width="12" height="12" rx="2"></rect>
                        <Show when=is_marked>
                            <path d=format!("M8.5,{:.1} l3,3 l5,-6", y - 5.0) fill="none"></path>
                        </Show>
                    </g>
                    <text class="ladder-time tech" x="24" y=format!("{:.1}", y - 1.0)>
                        {move || times[time_mode.get().min(1)].clone()}
                    </text>
                    {arrow}
                    <text class="ladder-label tech" x=format!("{mid:.1}") y=format!("{:.1}", y - 6.0) text-anchor=anchor>
                        {short(&r.label, LABEL_MAX)}
                        {r.note.map(|n| view! { <tspan class="ladder-note" dx="5">{n}</tspan> })}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <div class="ladder-wrap">
            <svg class="ladder" data-testid="ladder" width=format!("{width:.0}") height=format!("{height:.0}")
                viewBox=format!("0 0 {width:.0} {height:.0}") role="img">
                {heads}
                {body}
            </svg>
        </div>
    }
}
