//! Feedback: the error box, the spinner, the toast, and the confirmation dialog of
//! destructive actions (with its busy and failure states).
use std::future::Future;

use gloo_timers::future::TimeoutFuture;
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::i18n::{use_i18n, I18n, K};

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
        ApiError::Http {
            status,
            title,
            detail,
        } => (
            title.unwrap_or_else(|| i18n.f(K::HttpStatus, &[("n", &status.to_string())])),
            detail,
        ),
        ApiError::Network(m) => (i18n.t(K::NetworkError).to_string(), Some(m)),
        ApiError::Decode(m) => (i18n.t(K::DecodeError).to_string(), Some(m)),
    }
}

/// A one-line error inside a panel: "<label>: title · detail".
pub fn inline_error(i18n: I18n, label: K, e: &ApiError, testid: &'static str) -> impl IntoView {
    let (title, detail) = error_words(i18n, e);
    view! {
        <div class="inline-error" role="alert" data-testid=testid>
            <strong>{move || i18n.t(label)}": "</strong>
            <span class="tech">{title}</span>
            {detail.map(|d| view! { <span class="tech small">" · "{d}</span> })}
        </div>
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
        Toast {
            msg: RwSignal::new(None),
            gen: StoredValue::new(0),
        }
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

/// What a confirmation dialog says: its `data-kind`, title and button labels.
#[derive(Clone, Copy)]
pub struct ConfirmSpec {
    pub kind: &'static str,
    pub title: K,
    pub ok: K,
    pub busy: K,
    pub fail: K,
}

/// A destructive action behind a confirmation: the dialog is open while `target` holds
/// what it acts on; "OK" runs `action` (busy meanwhile), then `done` sees the result.
/// `done` returns `Err` to keep the dialog open with that failure, `Ok` to close it.
pub fn confirm_flow<T, A, Fut, D, B, V>(
    target: RwSignal<Option<T>>,
    spec: fn(&T) -> ConfirmSpec,
    action: A,
    done: D,
    body: B,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    A: Fn(T) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<(), ApiError>> + 'static,
    D: Fn(&T, Result<(), ApiError>) -> Result<(), ApiError> + Copy + Send + Sync + 'static,
    B: Fn(T) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let busy = RwSignal::new(false);
    let failure: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let close = move || {
        target.set(None);
        failure.set(None);
    };
    let confirm = move || {
        let Some(t) = target.get_untracked() else {
            return;
        };
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            let result = action(t.clone()).await;
            busy.set(false);
            match done(&t, result) {
                Ok(()) => close(),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    move || {
        target.get().map(|t| {
            let s = spec(&t);
            view! {
                <ConfirmModal kind=s.kind title=s.title ok_label=s.ok busy_label=s.busy
                    fail_label=s.fail busy=busy failure=failure
                    on_cancel=move || close() on_confirm=move || confirm()>
                    {body(t)}
                </ConfirmModal>
            }
        })
    }
}

/// What a confirmation names, as `<dl class="confirm-fields">`: (label, testid, value)
/// rows, preceded by the dialog's sentence `text` (`confirm-text`).
pub fn confirm_fields(
    i18n: I18n,
    text: K,
    fields: Vec<(K, &'static str, String)>,
) -> impl IntoView {
    view! {
        <p data-testid="confirm-text">{move || i18n.t(text)}</p>
        <dl class="confirm-fields">
            {fields
                .into_iter()
                .map(|(k, id, v)| view! {
                    <div data-testid=id>
                        <dt>{move || i18n.t(k)}</dt>
                        <dd class="tech">{v}</dd>
                    </div>
                })
                .collect_view()}
        </dl>
    }
}
