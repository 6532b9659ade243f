//! 注册监控 /kamailio/locations (manual §1): registered users and their contacts, from
//! the `location` table or Kamailio's memory; search, refresh, paging, delete. What is
//! particular to it: the source toggle, the columns and details, the expiry countdown,
//! and the two deletes (the whole user, or one of several contacts).
use std::collections::HashMap;

use kamscope_api_types::query::{ContactQuery, RegistrationsQuery};
use kamscope_api_types::usrloc::{ExpiryState, Registration, RegistrationSource};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::{
    action_button, col, confirm_flow, detail_items, details_of, emph, keep_in_url, limit_param,
    local_time, node_names, url_limit, Clock, ConfirmSpec, DataTable, Expand, ListSection,
    NodeSelect, PageHead, PageSize, Paged, RefreshButton, SearchBox, Toast, ToastMsg, UrlQuery,
    ALL_NODES,
};

/// What a delete removes: the whole registration of the user (`ul.rm`, 删除联系: all of
/// `contacts`), or only `r.contact` of a user with several (`ul.rm_contact`).
#[derive(Clone, Debug, PartialEq)]
struct DeleteTarget {
    r: Registration,
    contacts: Vec<String>,
    whole_user: bool,
}

fn row_key(r: &Registration) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}",
        r.node.as_deref().unwrap_or(""),
        r.aor,
        r.contact
    )
}

/// One user's registration: per node, for memory items read from several nodes.
fn aor_key(r: &Registration) -> String {
    format!("{}\u{1f}{}", r.node.as_deref().unwrap_or(""), r.aor)
}

#[component]
pub fn LocationsPage() -> impl IntoView {
    let i18n = use_i18n();
    // Source, search, node and page size start from the URL and are kept in it.
    let url = UrlQuery::current();
    let memory0 = url.get("source") == "memory";
    let source = RwSignal::new(if memory0 {
        RegistrationSource::Memory
    } else {
        RegistrationSource::Db
    });
    let q = RwSignal::new(url.get("q"));
    // Memory source with several nodes: which node (`None`: the server's default).
    let node = RwSignal::new(url.opt("node"));
    let limit = RwSignal::new(url_limit(&url));
    let is_memory = move || source.get() == RegistrationSource::Memory;
    keep_in_url(move || {
        let memory = is_memory();
        vec![
            (
                "source",
                if memory {
                    "memory".into()
                } else {
                    String::new()
                },
            ),
            ("node", node.get().filter(|_| memory).unwrap_or_default()),
            ("q", q.get()),
            ("limit", limit_param(limit.get())),
        ]
    });
    let reload = RwSignal::new(0u32);
    let paged = Paged::new(reload, move |cursor| {
        let query = RegistrationsQuery {
            source: Some(source.get()),
            q: Some(q.get()).filter(|q| !q.is_empty()),
            node: node.get().filter(|_| is_memory()),
            limit: Some(limit.get()),
            cursor,
            ..Default::default()
        };
        api::list_registrations(query)
    });
    let nodes = node_names();
    let target: RwSignal<Option<DeleteTarget>> = RwSignal::new(None);
    let toast = Toast::new();
    let expand = Expand::new();
    let clock = Clock::new();

    let per_aor = Memo::new(move |_| {
        let mut m: HashMap<String, Vec<String>> = HashMap::new();
        for r in paged.items() {
            m.entry(aor_key(&r)).or_default().push(r.contact.clone());
        }
        m
    });
    let toggle_source = move |_| {
        paged.reset();
        source.update(|s| {
            *s = match s {
                RegistrationSource::Db => RegistrationSource::Memory,
                RegistrationSource::Memory => RegistrationSource::Db,
            }
        });
    };
    let empty = move || match q.get() {
        q if q.is_empty() => i18n.t(K::Empty).to_string(),
        q => i18n.f(K::EmptySearch, &[("q", &q)]),
    };
    let status = move || {
        let rows = paged.len().to_string();
        let users = per_aor.with(|m| m.len()).to_string();
        format!(
            "{} · {}",
            i18n.f(K::RowsOnPage, &[("n", &rows)]),
            i18n.f(K::UsersOnPage, &[("n", &users)])
        )
    };

    view! {
        <section class="page page-locations" data-testid="page-locations">
            <PageHead title=K::PageLocations desc=K::DescLocations/>
            <div class="toolbar" data-testid="toolbar">
                <SearchBox value=q reload=reload label=K::SearchLabel placeholder=K::SearchPlaceholder
                    on_change=move || paged.reset()/>
                <div class="spacer"></div>
                <RefreshButton reload=reload hint=K::RefreshHint/>
                <button type="button" class="btn" data-testid="source-toggle"
                    class:btn-primary=move || !is_memory() aria-pressed=move || is_memory().to_string()
                    title=move || i18n.t(if is_memory() { K::LoadFromDbHint } else { K::LoadFromMemoryHint })
                    on:click=toggle_source>
                    {move || i18n.t(if is_memory() { K::LoadFromDb } else { K::LoadFromMemory })}
                </button>
                <Show when=is_memory>
                    <NodeSelect names=nodes node=node on_change=move || paged.reset()/>
                </Show>
                <span class="source-badge" data-testid="source-badge"
                    data-source=move || api::source_param(source.get()) class:memory=is_memory>
                    <span class="source-label">{move || i18n.t(K::SourceLabel)}</span>
                    <span class="source-value">
                        {move || i18n.t(if is_memory() { K::SourceMemory } else { K::SourceDb })}
                    </span>
                </span>
                <PageSize limit=limit on_change=move || paged.reset()/>
            </div>

            <ListSection paged=paged reload=reload empty=Signal::derive(empty) empty_hint=K::EmptyHint
                status=Signal::derive(status)>
                {move || {
                    let per_aor = per_aor.get();
                    let show_node = is_memory() && node.get().as_deref() == Some(ALL_NODES);
                    let rows = paged
                        .items()
                        .into_iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let contacts = per_aor.get(&aor_key(&r)).cloned().unwrap_or_default();
                            reg_row(i18n, r, contacts, i % 2 == 1, show_node, expand, target, clock, paged.loaded_at)
                        })
                        .collect_view();
                    view! {
                        <DataTable testid="registrations-table" expandable=true cols=vec![
                            col("username", K::ColUsername), col("domain", K::ColDomain),
                            col("contact", K::ColContact), col("expires", K::ColExpires),
                            col("user-agent", K::ColUserAgent), col("received", K::ColReceived),
                            col("socket", K::ColSocket), col("actions", K::ColActions),
                        ]>
                            {rows}
                        </DataTable>
                    }
                }}
            </ListSection>

            {confirm_flow(target, delete_spec, delete, move |t, r| {
                r.map(|()| {
                    let key = if t.whole_user { K::DeletedUser } else { K::DeletedContact };
                    let value = t.r.username.clone();
                    toast.show(ToastMsg { key, name: "user", value, testid: "user-name", tone: "ok" });
                    reload.update(|n| *n += 1);
                })
            }, move |t| delete_body(i18n, t))}
            {toast.view()}
        </section>
    }
}

#[allow(clippy::too_many_arguments)]
fn reg_row(
    i18n: I18n,
    r: Registration,
    contacts: Vec<String>,
    odd: bool,
    show_node: bool,
    expand: Expand,
    target: RwSignal<Option<DeleteTarget>>,
    clock: Clock,
    loaded_at: RwSignal<f64>,
) -> impl IntoView {
    let (open, toggle) = expand.row(i18n, row_key(&r));
    let several = contacts.len() > 1;
    let n_contacts = contacts.len().to_string();
    let (expires, expires_in, state) = (r.expires, r.expires_in, r.expiry_state);
    let expiry = move || {
        let abs = expires.as_ref().map(local_time).unwrap_or_default();
        let (cls, text) = match state {
            ExpiryState::Permanent => ("permanent", i18n.t(K::StatePermanent).to_string()),
            ExpiryState::Deleted => ("expired", i18n.t(K::StateDeleted).to_string()),
            ExpiryState::Expired if expires_in.is_none() => {
                ("expired", i18n.t(K::StateExpired).to_string())
            }
            _ => match expires_in {
                // Counted down between reloads.
                Some(left_then) => match left_then - clock.secs_since(loaded_at.get()) {
                    left if left < 0 => (
                        "expired",
                        i18n.f(K::ExpiredAgo, &[("n", &(-left).to_string())]),
                    ),
                    left => (
                        if left < 60 { "soon" } else { "active" },
                        i18n.f(K::SecondsLeft, &[("n", &left.to_string())]),
                    ),
                },
                None => ("active", i18n.t(K::StateActive).to_string()),
            },
        };
        view! {
            <span class="exp-abs tech">{abs}</span>
            <span class=format!("exp-left exp-{cls}") data-testid="expires-left">{text}</span>
        }
    };
    // Memory rows name the node they were read from: delete there.
    let (user, one) = {
        let t = |whole_user| DeleteTarget {
            r: r.clone(),
            contacts: contacts.clone(),
            whole_user,
        };
        (t(true), t(false))
    };
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let ua = opt(&r.user_agent);
    view! {
        <tr class="reg-row" class:odd=odd class:open=move || open.get() data-testid="reg-row"
            data-username=r.username.clone() data-aor=r.aor.clone() data-contact=r.contact.clone()
            data-source=api::source_param(r.source) data-node=opt(&r.node)>
            {toggle}
            <td class="cell-username" data-testid="cell-username">
                <span class="username tech">{r.username.clone()}</span>
                {r.node.clone().filter(|_| show_node)
                    .map(|n| view! { <span class="badge badge-node tech" data-testid="row-node">{n}</span> })}
                {several.then(|| view! {
                    <span class="badge" data-testid="contacts-count">
                        {move || i18n.f(K::ContactsCount, &[("n", &n_contacts)])}
                    </span>
                })}
            </td>
            <td class="tech" data-testid="cell-domain">
                {match r.domain.clone() {
                    Some(d) => view! { <span>{d}</span> }.into_any(),
                    None => view! { <span class="muted">{move || i18n.t(K::NotSet)}</span> }.into_any(),
                }}
            </td>
            <td class="tech cell-contact" data-testid="cell-contact">{r.contact.clone()}</td>
            <td class="cell-expires" data-testid="cell-expires">{expiry}</td>
            <td class="tech cell-ua" data-testid="cell-user-agent" title=ua.clone()>{ua.clone()}</td>
            <td class="tech cell-wrap" data-testid="cell-received">{opt(&r.received)}</td>
            <td class="tech cell-wrap" data-testid="cell-socket">{opt(&r.socket)}</td>
            <td class="cell-actions">
                {action_button(i18n, "delete-user", K::DeleteContact, K::DeleteContactHint, "btn-danger",
                    move |_| target.set(Some(user.clone())))}
                {several.then(|| action_button(i18n, "delete-contact", K::DeleteThisContact,
                    K::DeleteThisContactHint, "btn-ghost-danger", move |_| target.set(Some(one.clone()))))}
            </td>
        </tr>
        {details_of(open, 8, r.clone(), move |r| details_view(i18n, r))}
    }
}

/// The fields that do not fit the table: q, Call-ID, CSeq, last modified, state, ...
fn details_view(i18n: I18n, r: Registration) -> AnyView {
    let state = match r.expiry_state {
        ExpiryState::Active => K::StateActive,
        ExpiryState::Permanent => K::StatePermanent,
        ExpiryState::Expired => K::StateExpired,
        ExpiryState::Deleted => K::StateDeleted,
    };
    let dash = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
    let flags = (r.flags.is_some() || r.cflags.is_some())
        .then(|| format!("{} / {}", dash(r.flags), dash(r.cflags)));
    let source = match r.source {
        RegistrationSource::Db => K::SourceDb,
        RegistrationSource::Memory => K::SourceMemory,
    };
    let fields: Vec<(K, &'static str, Option<String>)> = vec![
        (K::DetAor, "aor", Some(r.aor.clone())),
        (K::DetQ, "q", r.q.map(|q| format!("{q}"))),
        (K::DetCallId, "call-id", r.call_id.clone()),
        (K::DetCseq, "cseq", r.cseq.map(|v| v.to_string())),
        (
            K::DetLastModified,
            "last-modified",
            r.last_modified.as_ref().map(local_time),
        ),
        (K::DetUlState, "ul-state", r.ul_state.clone()),
        (K::DetNode, "node", r.node.clone()),
        (K::DetPath, "path", r.path.clone()),
        (K::DetInstance, "instance", r.instance.clone()),
        (K::DetRegId, "reg-id", r.reg_id.map(|v| v.to_string())),
        (K::DetRuid, "ruid", r.ruid.clone()),
        (K::DetFlags, "flags", flags),
        (K::DetMethods, "methods", r.methods.map(|v| v.to_string())),
    ];
    view! {
        <dl class="details">
            <div data-testid="detail-state">
                <dt>{move || i18n.t(K::DetState)}</dt>
                <dd>{move || i18n.t(state)}</dd>
            </div>
            <div data-testid="detail-source">
                <dt>{move || i18n.t(K::DetSource)}</dt>
                <dd>{move || i18n.t(source)}</dd>
            </div>
            {detail_items(i18n, fields)}
        </dl>
    }
    .into_any()
}

fn delete_spec(t: &DeleteTarget) -> ConfirmSpec {
    let (kind, title) = match t.whole_user {
        true => ("user", K::DeleteContact),
        false => ("contact", K::DeleteThisContact),
    };
    ConfirmSpec {
        kind,
        title,
        ok: K::ConfirmDelete,
        busy: K::Deleting,
        fail: K::DeleteFailed,
    }
}

async fn delete(t: DeleteTarget) -> Result<(), ApiError> {
    let (aor, node) = (t.r.aor, t.r.node);
    match t.whole_user {
        true => api::delete_registration(&aor, node).await,
        false => {
            api::delete_contact(
                &aor,
                &ContactQuery {
                    contact: t.r.contact,
                    node,
                },
            )
            .await
        }
    }
}

fn delete_body(i18n: I18n, t: DeleteTarget) -> impl IntoView {
    let user = t.r.username;
    let (body, contacts) = match t.whole_user {
        true => (K::ConfirmDeleteUserBody, t.contacts),
        false => (K::ConfirmDeleteContactBody, vec![t.r.contact]),
    };
    view! {
        <p data-testid="confirm-text">{move || emph(i18n.t(body), "user", &user, "user-name")}</p>
        <ul class="confirm-contacts" data-testid="confirm-contacts">
            {contacts.into_iter().map(|c| view! { <li class="tech">{c}</li> }).collect_view()}
        </ul>
        <p class="muted small">{move || i18n.t(K::ConfirmIrreversible)}</p>
    }
}
