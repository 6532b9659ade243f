//! 离线消息 /kamailio/msilo (manual §7): the MESSAGEs msilo keeps for offline users
//! (`silo`), oldest first, with source / destination filters and the page size in the
//! URL; a row's details load the whole body (as text); delete one message behind a
//! confirmation; "Clean expired" removes the expired ones and says how many.
//! Sources, destinations, content types and bodies are what SIP users sent: text only.
use kamscope_api_types::cleanup::CleanupReport;
use kamscope_api_types::msilo::OfflineMessage;
use kamscope_api_types::query::OfflineMessagesQuery;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::feedback::inline_error;
use crate::ui::{
    action_button, apply_or_reload, col, confirm_fields, confirm_flow, detail_items, details_row,
    filter_text, keep_in_url, limit_param, load_once, local_time, or_dash, time_or_dash, url_limit,
    ConfirmSpec, Expand, FilterButtons, ListDef, PageHead, PageSize, Paged, RefreshButton,
    TableList, TextFilter, Toast, ToastMsg, UrlQuery,
};

const DELETE_SPEC: ConfirmSpec = ConfirmSpec {
    kind: "delete-message",
    title: K::MsgDeleteTitle,
    ok: K::MsgDelete,
    busy: K::MsgDeleting,
    fail: K::MsgDeleteFailed,
};

const CLEAN_SPEC: ConfirmSpec = ConfirmSpec {
    kind: "msilo-cleanup",
    title: K::MsgCleanTitle,
    ok: K::MsgClean,
    busy: K::MsgCleaning,
    fail: K::MsgCleanFailed,
};

fn removed(r: &CleanupReport) -> u64 {
    r.tables.iter().map(|t| t.rows).sum()
}

#[component]
pub fn MsiloPage() -> impl IntoView {
    let i18n = use_i18n();
    let url = UrlQuery::current();
    let f_src = RwSignal::new(url.get("src"));
    let f_dst = RwSignal::new(url.get("dst"));
    let limit = RwSignal::new(url_limit(&url));
    let filter = RwSignal::new(OfflineMessagesQuery {
        src: url.opt("src"),
        dst: url.opt("dst"),
        ..Default::default()
    });
    keep_in_url(move || {
        let f = filter.get();
        vec![
            ("src", f.src.unwrap_or_default()),
            ("dst", f.dst.unwrap_or_default()),
            ("limit", limit_param(limit.get())),
        ]
    });
    let reload = RwSignal::new(0u32);
    let apply = move || {
        let q = OfflineMessagesQuery {
            src: filter_text(f_src.get_untracked()),
            dst: filter_text(f_dst.get_untracked()),
            ..Default::default()
        };
        apply_or_reload(filter, q, reload);
    };
    let clear = move || {
        f_src.set(String::new());
        f_dst.set(String::new());
        filter.set(OfflineMessagesQuery::default());
    };
    let filtered = move || filter.with(|f| *f != OfflineMessagesQuery::default());
    let empty = Signal::derive(move || {
        i18n.t(if filtered() {
            K::MsgEmptyFiltered
        } else {
            K::MsgEmpty
        })
        .to_string()
    });

    let toast = Toast::new();
    let delete_target: RwSignal<Option<OfflineMessage>> = RwSignal::new(None);
    let clean_target: RwSignal<Option<()>> = RwSignal::new(None);
    let last_clean: RwSignal<Option<CleanupReport>> = RwSignal::new(None);

    view! {
        <section class="page page-msilo" data-testid="page-msilo">
            <PageHead title=K::PageMsilo desc=K::DescMsilo/>
            <div class="toolbar toolbar-alone msilo-filters" data-testid="toolbar">
                <div class="filter-row">
                    <TextFilter value=f_src testid="filter-src" label=K::MsgFilterSrc
                        placeholder=K::MsgFilterSrcPh on_enter=apply/>
                    <TextFilter value=f_dst testid="filter-dst" label=K::MsgFilterDst
                        placeholder=K::MsgFilterDstPh on_enter=apply/>
                    <FilterButtons filtered=Signal::derive(filtered) on_apply=apply on_clear=clear/>
                    <div class="spacer"></div>
                    <RefreshButton reload=reload hint=K::MsgRefreshHint/>
                    <button type="button" class="btn btn-danger" data-testid="msilo-clean-button"
                        title=move || i18n.t(K::MsgCleanHint) on:click=move |_| clean_target.set(Some(()))>
                        {move || i18n.t(K::MsgClean)}
                    </button>
                    <PageSize limit=limit on_change=|| ()/>
                </div>
            </div>
            {move || last_clean.get().map(|r| {
                let n = removed(&r).to_string();
                let attr = n.clone();
                let cutoff = r.tables.first().map(|t| local_time(&t.cutoff)).unwrap_or_default();
                view! {
                    <div class="panel clean-result" data-testid="msilo-cleanup-result" data-removed=attr>
                        {move || i18n.f(K::MsgCleanResult, &[("n", &n), ("cutoff", &cutoff)])}
                    </div>
                }
            })}
            // The list is made anew when its query changes: it starts on page 1.
            {move || {
                let q = OfflineMessagesQuery { limit: Some(limit.get()), ..filter.get() };
                view! { <MessageList query=q reload=reload empty=empty target=delete_target/> }
            }}
            {confirm_flow(delete_target, |_| DELETE_SPEC, |m: OfflineMessage| api::delete_offline_message(m.id),
                move |m, r| {
                    let msg = |key, tone| ToastMsg { key, name: "id", value: m.id.to_string(), testid: "message-id", tone };
                    match r {
                        Ok(()) => toast.show(msg(K::MsgDeleted, "ok")),
                        // Delivered or removed between the list and the click: say so, look again.
                        Err(ApiError::Http { status: 404, .. }) => toast.show(msg(K::MsgAlreadyGone, "warn")),
                        Err(e) => return Err(e),
                    }
                    reload.update(|n| *n += 1);
                    Ok(())
                },
                move |m| delete_body(i18n, m))}
            {confirm_flow(clean_target, |_| CLEAN_SPEC,
                move |_| async move {
                    let r = api::offline_messages_cleanup().await?;
                    last_clean.set(Some(r));
                    Ok(())
                },
                move |_, r| {
                    r?;
                    let n = last_clean.with_untracked(|r| r.as_ref().map(removed).unwrap_or(0));
                    toast.show(ToastMsg { key: K::MsgCleanDone, name: "n", value: n.to_string(),
                        testid: "clean-count", tone: "ok" });
                    reload.update(|n| *n += 1);
                    Ok(())
                },
                move |_| view! { <p data-testid="confirm-text">{move || i18n.t(K::MsgCleanBody)}</p> })}
            {toast.view()}
        </section>
    }
}

/// What the delete dialog names: the message's parties, time and the start of its body.
fn delete_body(i18n: I18n, m: OfflineMessage) -> impl IntoView {
    let stored = m.inc_time.as_ref().map(local_time).unwrap_or_default();
    confirm_fields(
        i18n,
        K::MsgDeleteBody,
        vec![
            (K::MsgDetId, "confirm-id", m.id.to_string()),
            (K::MsgColSrc, "confirm-src", m.src_addr),
            (K::MsgColDst, "confirm-dst", m.dst_addr),
            (K::MsgColStored, "confirm-stored", stored),
            (K::MsgColBody, "confirm-body", m.body_preview),
        ],
    )
}

const MESSAGES: ListDef = ListDef {
    id: "offline-messages",
    title: K::MsgList,
    source_note: K::MsgSrc,
    empty_hint: K::MsgEmptyHint,
    rows: K::MsgRows,
    testid: "messages-table",
    class: "",
    cols: &[
        col("src", K::MsgColSrc),
        col("dst", K::MsgColDst),
        col("stored", K::MsgColStored),
        col("expires", K::MsgColExpires),
        col("ctype", K::MsgColCtype),
        col("body", K::MsgColBody),
        col("actions", K::ColActions),
    ],
    expandable: true,
};

#[component]
fn MessageList(
    query: OfflineMessagesQuery,
    reload: RwSignal<u32>,
    empty: Signal<String>,
    target: RwSignal<Option<OfflineMessage>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TableList def=MESSAGES paged=Paged::of(reload, query, api::list_offline_messages)
            reload=reload empty=empty row=move |m, odd, expand| message_row(i18n, m, odd, expand, target)/>
    }
}

fn message_row(
    i18n: I18n,
    m: OfflineMessage,
    odd: bool,
    expand: Expand,
    target: RwSignal<Option<OfflineMessage>>,
) -> impl IntoView {
    let (open, toggle) = expand.row(i18n, m.id.to_string());
    let id = m.id;
    let details = move || view! { <MessageDetails id=id/> }.into_any();
    let expired = m.expired;
    let size = m.body_size;
    let for_delete = m.clone();
    view! {
        <tr class="message-row" class:odd=odd class:open=move || open.get() data-testid="message-row"
            data-id=m.id.to_string() data-src=m.src_addr.clone() data-dst=m.dst_addr.clone()
            data-expired=m.expired.to_string()>
            {toggle}
            <td class="tech cell-wrap" data-testid="cell-src">{m.src_addr.clone()}</td>
            <td class="tech cell-wrap" data-testid="cell-dst">{m.dst_addr.clone()}</td>
            <td class="tech" data-testid="cell-stored">{time_or_dash(m.inc_time.as_ref())}</td>
            <td class="tech" data-testid="cell-expires" data-expired=expired.to_string()>
                {time_or_dash(m.exp_time.as_ref())}
                {expired.then(|| view! { <span class="badge badge-expired">{move || i18n.t(K::MsgExpired)}</span> })}
            </td>
            <td class="tech" data-testid="cell-ctype">{or_dash(Some(m.ctype.clone()))}</td>
            <td class="cell-wrap body-preview" data-testid="cell-body">
                <span class="tech" data-testid="body-preview">{m.body_preview.clone()}</span>
                <span class="muted small">" · "{move || i18n.f(K::MsgBytes, &[("n", &size.to_string())])}</span>
            </td>
            <td class="cell-actions">
                {action_button(i18n, "delete-message", K::MsgDelete, K::MsgDeleteHint, "btn-danger",
                    move |_| target.set(Some(for_delete.clone())))}
            </td>
        </tr>
        {details_row(open, 7, details)}
    }
}

/// One message from `GET /offline-messages/{id}`: its fields and the whole body, as text.
#[component]
fn MessageDetails(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let msg = load_once(api::offline_message(id));
    move || match msg.get() {
        None => view! { <p class="muted">{move || i18n.t(K::MsgBodyLoading)}</p> }.into_any(),
        Some(Err(e)) => inline_error(i18n, K::MsgBodyFailed, &e, "body-error").into_any(),
        Some(Ok(m)) => {
            let fields = vec![
                (K::MsgDetId, "id", Some(m.id.to_string())),
                (
                    K::MsgDetAccount,
                    "account",
                    Some(format!("{}@{}", m.username, m.domain)),
                ),
                (K::MsgDetCallId, "callid", Some(m.callid.clone())),
                (K::MsgDetStatus, "status", Some(m.status.to_string())),
                (
                    K::MsgDetSize,
                    "size",
                    Some(i18n.f(K::MsgBytes, &[("n", &m.body_size.to_string())])),
                ),
                (
                    K::MsgDetSndTime,
                    "snd-time",
                    m.snd_time.as_ref().map(local_time),
                ),
                (K::MsgDetExtra, "extra-hdrs", m.extra_hdrs.clone()),
            ];
            view! {
                <dl class="details">{detail_items(i18n, fields)}</dl>
                <div class="document" data-testid="message-body">
                    <h3 class="document-title">{move || i18n.t(K::MsgDetBody)}</h3>
                    {match m.body.filter(|b| !b.is_empty()) {
                        // A text node: whatever markup a sender put in is shown, never run.
                        Some(b) => view! { <pre class="body-text tech" data-testid="body-text">{b}</pre> }.into_any(),
                        None => view! { <p class="muted" data-testid="body-empty">{move || i18n.t(K::MsgBodyEmpty)}</p> }.into_any(),
                    }}
                </div>
            }
            .into_any()
        }
    }
}
