//! Pieces shared by the pages: time formats, the error box, the confirmation dialog,
//! the toast, the pager and the Kamailio node selector.
use std::future::Future;

use chrono::{DateTime, FixedOffset, Local};
use gloo_timers::future::TimeoutFuture;
use kamscope_api_types::Page;
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, I18n, K};

/// `2026-11-26 10:12:03` in the browser's time zone.
pub fn local_time(dt: &DateTime<FixedOffset>) -> String {
    dt.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// `10:12:03` of a `Date.now()` value, in the browser's time zone.
pub fn local_clock(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!(
        "{:02}:{:02}:{:02}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// A call's length: `0:42`, `12:05`, `1:02:03`.
pub fn clock_duration(secs: i64) -> String {
    let s = secs.max(0);
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// An uptime in words: `3 d 4 h 5 min`, `4 h 5 min`, `5 min 6 s`.
pub fn uptime_words(i18n: I18n, secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m, sec) = (s / 86400, (s / 3600) % 24, (s / 60) % 60, s % 60);
    let args = [
        ("d", d.to_string()),
        ("h", h.to_string()),
        ("m", m.to_string()),
        ("s", sec.to_string()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let k = if d > 0 {
        K::UptimeDays
    } else if h > 0 {
        K::UptimeHours
    } else {
        K::UptimeMinutes
    };
    i18n.f(k, &args)
}

/// A message with `{name}` in it, the value set apart as a technical value with the
/// given `data-testid`.
pub fn emph(text: &'static str, name: &str, value: &str, testid: &'static str) -> impl IntoView {
    let pat = format!("{{{name}}}");
    let (before, after) = text.split_once(pat.as_str()).unwrap_or((text, ""));
    view! {
        {before}
        <strong class="tech" data-testid=testid>{value.to_string()}</strong>
        {after}
    }
}

/// `(title, detail)` of an error, in words.
pub fn error_words(i18n: I18n, e: &ApiError) -> (String, Option<String>) {
    match e.clone() {
        ApiError::Http { status, title, detail } => (
            title.unwrap_or_else(|| i18n.f(K::HttpStatus, &[("n", &status.to_string())])),
            detail,
        ),
        ApiError::Network(m) => (i18n.t(K::NetworkError).to_string(), Some(m)),
        ApiError::Decode(m) => (i18n.t(K::DecodeError).to_string(), Some(m)),
    }
}

#[component]
pub fn ErrorBox(err: ApiError, #[prop(into)] on_retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let status = err.status();
    let (title, detail) = match &err {
        ApiError::Http { title, detail, .. } => (title.clone(), detail.clone()),
        ApiError::Network(m) | ApiError::Decode(m) => (None, Some(m.clone())),
    };
    let kind = err.clone();
    let heading = move || match (&kind, &title) {
        (ApiError::Http { .. }, Some(t)) => t.clone(),
        (ApiError::Http { status, .. }, None) => {
            i18n.f(K::HttpStatus, &[("n", &status.to_string())])
        }
        (ApiError::Network(_), _) => i18n.t(K::NetworkError).to_string(),
        (ApiError::Decode(_), _) => i18n.t(K::DecodeError).to_string(),
    };
    view! {
        <div class="state state-error" role="alert" data-testid="error"
            data-status=status.map(|s| s.to_string()).unwrap_or_default()>
            <p class="state-kicker">
                {move || i18n.t(K::LoadFailed)}
                {status.map(|s| view! { <span class="status-code tech">{format!(" · HTTP {s}")}</span> })}
            </p>
            <p class="state-title" data-testid="error-title">{heading}</p>
            {detail.map(|d| view! { <p class="state-detail tech" data-testid="error-detail">{d}</p> })}
            {(status == Some(503))
                .then(|| view! { <p class="state-hint" data-testid="error-503">{move || i18n.t(K::Unavailable503)}</p> })}
            <button type="button" class="btn" data-testid="retry-button" on:click=move |_| on_retry.run(())>
                {move || i18n.t(K::Retry)}
            </button>
        </div>
    }
}

/// A confirmation dialog for a destructive action. Render it only while it is open.
/// "Cancel" has the focus, so Enter does not confirm by accident; Escape and a click
/// outside cancel (not while busy).
#[component]
pub fn ConfirmModal(
    /// `data-kind` of the dialog (what it confirms).
    kind: &'static str,
    title: K,
    ok_label: K,
    busy_label: K,
    fail_label: K,
    busy: RwSignal<bool>,
    failure: RwSignal<Option<ApiError>>,
    #[prop(into)] on_cancel: Callback<()>,
    #[prop(into)] on_confirm: Callback<()>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let cancel_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(btn) = cancel_ref.get() {
            let _ = btn.focus();
        }
    });
    let close = move || {
        if !busy.get_untracked() {
            on_cancel.run(());
        }
    };
    view! {
        <div class="modal-backdrop" on:click=move |_| close()>
            <div class="modal" role="dialog" aria-modal="true" aria-labelledby="confirm-title"
                data-testid="confirm-dialog" data-kind=kind
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev: KeyboardEvent| {
                    if ev.key() == "Escape" {
                        close();
                    }
                }>
                <h2 id="confirm-title">{move || i18n.t(title)}</h2>
                {children()}
                {move || {
                    failure
                        .get()
                        .map(|e| {
                            let (title, detail) = error_words(i18n, &e);
                            view! {
                                <div class="inline-error" role="alert" data-testid="confirm-error">
                                    <strong>{move || i18n.t(fail_label)}": "</strong>
                                    <span class="tech">{title}</span>
                                    {detail.map(|d| view! { <div class="tech small">{d}</div> })}
                                </div>
                            }
                        })
                }}
                <div class="modal-actions">
                    <button type="button" class="btn" data-testid="confirm-cancel"
                        node_ref=cancel_ref disabled=move || busy.get() on:click=move |_| close()>
                        {move || i18n.t(K::Cancel)}
                    </button>
                    <button type="button" class="btn btn-danger" data-testid="confirm-ok"
                        disabled=move || busy.get() on:click=move |_| on_confirm.run(())>
                        {move || i18n.t(if busy.get() { busy_label } else { ok_label })}
                    </button>
                </div>
            </div>
        </div>
    }
}

/// A short message in the corner: a text key with one `{name}` value set apart.
#[derive(Clone, Debug, PartialEq)]
pub struct ToastMsg {
    pub key: K,
    pub name: &'static str,
    pub value: String,
    pub testid: &'static str,
    /// `ok` (green) or `warn` (amber).
    pub tone: &'static str,
}

#[derive(Clone, Copy)]
pub struct Toast {
    msg: RwSignal<Option<ToastMsg>>,
    gen: StoredValue<u64>,
}

impl Toast {
    pub fn new() -> Self {
        Toast { msg: RwSignal::new(None), gen: StoredValue::new(0) }
    }

    /// Shows the message for 5 s.
    pub fn show(&self, m: ToastMsg) {
        let (msg, gen) = (self.msg, self.gen);
        msg.set(Some(m));
        gen.update_value(|g| *g += 1);
        let mine = gen.get_value();
        spawn_local(async move {
            TimeoutFuture::new(5000).await;
            if gen.get_value() == mine {
                msg.set(None);
            }
        });
    }

    pub fn view(&self) -> impl IntoView {
        let i18n = use_i18n();
        let msg = self.msg;
        move || {
            msg.get().map(|m| {
                view! {
                    <div class=format!("toast toast-{}", m.tone) role="status" data-testid="toast"
                        data-tone=m.tone>
                        {move || emph(i18n.t(m.key), m.name, &m.value, m.testid)}
                    </div>
                }
            })
        }
    }
}

/// One paged list: its cursors (the last one is the current page's), the page, and
/// its loading and error state.
pub struct Paged<T: Send + Sync + 'static> {
    pub cursors: RwSignal<Vec<Option<String>>>,
    pub page: RwSignal<Option<Page<T>>>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<ApiError>>,
    pub loaded_at: RwSignal<f64>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Clone + Send + Sync + 'static> Paged<T> {
    /// Loads whenever a signal read by `fetch` (before its first `.await`: it builds the
    /// query from signals and returns the request) or `reload` changes.
    pub fn new<F, Fut>(reload: RwSignal<u32>, fetch: F) -> Self
    where
        F: Fn(Option<String>) -> Fut + 'static,
        Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
    {
        let p = Paged {
            cursors: RwSignal::new(vec![None]),
            page: RwSignal::new(None),
            loading: RwSignal::new(true),
            error: RwSignal::new(None),
            loaded_at: RwSignal::new(0.0),
        };
        let seq = StoredValue::new(0u64);
        Effect::new(move |_| {
            reload.track();
            let cursor = p.cursors.with(|c| c.last().cloned().flatten());
            let fut = fetch(cursor);
            let my = seq.get_value() + 1;
            seq.set_value(my);
            p.loading.set(true);
            spawn_local(async move {
                let result = fut.await;
                if seq.get_value() != my {
                    return; // a newer request superseded this one
                }
                match result {
                    Ok(page) => {
                        p.page.set(Some(page));
                        p.error.set(None);
                    }
                    Err(e) => {
                        p.page.set(None);
                        p.error.set(Some(e));
                    }
                }
                p.loaded_at.set(js_sys::Date::now());
                p.loading.set(false);
            });
        });
        p
    }

    pub fn reset(&self) {
        if self.cursors.with_untracked(|c| c.len() != 1) {
            self.cursors.set(vec![None]);
        }
    }

    pub fn items(&self) -> Vec<T> {
        self.page.with(|p| p.as_ref().map(|p| p.items.clone()).unwrap_or_default())
    }

    pub fn next_cursor(&self) -> Option<String> {
        self.page.with(|p| p.as_ref().and_then(|p| p.next_cursor.clone()))
    }
}

/// First / previous / page n / next, following `next_cursor`; `children` is the status
/// line on the right.
#[component]
pub fn Pager(
    cursors: RwSignal<Vec<Option<String>>>,
    #[prop(into)] next_cursor: Signal<Option<String>>,
    #[prop(into)] loading: Signal<bool>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let page_no = move || cursors.with(|c| c.len());
    view! {
        <footer class="pager" data-testid="pager">
            <button type="button" class="btn" data-testid="first-page"
                disabled=move || page_no() <= 1 || loading.get()
                on:click=move |_| cursors.set(vec![None])>
                {move || i18n.t(K::FirstPage)}
            </button>
            <button type="button" class="btn" data-testid="prev-page"
                disabled=move || page_no() <= 1 || loading.get()
                on:click=move |_| cursors.update(|c| {
                    if c.len() > 1 {
                        c.pop();
                    }
                })>
                {move || i18n.t(K::PrevPage)}
            </button>
            <span class="page-no" data-testid="page-number">
                {move || i18n.f(K::PageN, &[("n", &page_no().to_string())])}
            </span>
            <button type="button" class="btn" data-testid="next-page"
                disabled=move || next_cursor.get().is_none() || loading.get()
                on:click=move |_| {
                    if let Some(c) = next_cursor.get_untracked() {
                        cursors.update(|v| v.push(Some(c)));
                    }
                }>
                {move || i18n.t(K::NextPage)}
            </button>
            <span class="spacer"></span>
            <span class="status-line" data-testid="status-line">{children()}</span>
        </footer>
    }
}

/// The spinner shown while a list loads for the first time.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="state state-loading" data-testid="loading">
            <span class="spinner" aria-hidden="true"></span>
            {move || i18n.t(K::Loading)}
        </div>
    }
}

/// The configured Kamailio nodes' names, from `GET /api/v1/dashboard` (empty until
/// known, or when the dashboard cannot be read).
pub fn node_names() -> RwSignal<Vec<String>> {
    let names = RwSignal::new(Vec::new());
    spawn_local(async move {
        if let Ok(d) = api::dashboard().await {
            names.set(d.nodes.into_iter().map(|n| n.name).collect());
        }
    });
    names
}

/// The value of a `node=` parameter: `None` is the server's default (first) node.
pub const ALL_NODES: &str = "all";

/// A node selector, shown only when the server has several nodes: the default node,
/// each node, or all of them.
#[component]
pub fn NodeSelect(
    names: RwSignal<Vec<String>>,
    node: RwSignal<Option<String>>,
    #[prop(into)] on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let list = names.get();
        (list.len() > 1).then(|| {
            view! {
                <label class="limit node-select">
                    <span>{move || i18n.t(K::NodeLabel)}</span>
                    <select data-testid="node-select"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            node.set(if v.is_empty() { None } else { Some(v) });
                            on_change.run(());
                        }>
                        <option value="" selected=move || node.get().is_none()>
                            {move || i18n.t(K::NodeDefault)}
                        </option>
                        {list
                            .into_iter()
                            .map(|n| {
                                let n2 = n.clone();
                                view! {
                                    <option value=n.clone()
                                        selected=move || node.get().as_deref() == Some(n2.as_str())>
                                        {n.clone()}
                                    </option>
                                }
                            })
                            .collect_view()}
                        <option value=ALL_NODES
                            selected=move || node.get().as_deref() == Some(ALL_NODES)>
                            {move || i18n.t(K::NodeAll)}
                        </option>
                    </select>
                </label>
            }
        })
    }
}

/// `<dt>/<dd>` pairs of a details row; empty values show a dash.
pub fn detail_items(i18n: I18n, fields: Vec<(K, &'static str, Option<String>)>) -> impl IntoView {
    fields
        .into_iter()
        .map(|(k, id, v)| {
            view! {
                <div data-testid=format!("detail-{id}")>
                    <dt>{move || i18n.t(k)}</dt>
                    <dd class="tech">
                        {match v {
                            Some(v) if !v.is_empty() => v.into_any(),
                            _ => view! { <span class="muted">"—"</span> }.into_any(),
                        }}
                    </dd>
                </div>
            }
        })
        .collect_view()
}

/// The row under a table row that shows its details while `open`: an empty cell under
/// the toggle, then the details across the other `span` columns.
pub fn details_row<F>(open: Memo<bool>, span: usize, details: F) -> impl IntoView
where
    F: Fn() -> AnyView + Clone + Send + Sync + 'static,
{
    view! {
        <Show when=move || open.get()>
            <tr class="details-row" data-testid="details-row">
                <td></td>
                <td colspan=span.to_string()>{details.clone()}</td>
            </tr>
        </Show>
    }
}

/// The ▸/▾ button that opens a row's details.
pub fn row_toggle(
    i18n: I18n,
    open: Memo<bool>,
    toggle: impl FnMut(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let label = move || i18n.t(if open.get() { K::HideDetails } else { K::ShowDetails });
    view! {
        <button type="button" class="btn-icon" data-testid="row-toggle"
            aria-expanded=move || open.get().to_string()
            title=label
            aria-label=label
            on:click=toggle>
            {move || if open.get() { "▾" } else { "▸" }}
        </button>
    }
}
