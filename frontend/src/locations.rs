//! 注册监控 /kamailio/locations (manual §1): registered users and their contacts, from
//! the `location` table or Kamailio's memory; search, refresh, paging, delete.
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use gloo_timers::future::TimeoutFuture;
use kamscope_api_types::common::{DEFAULT_LIMIT, MAX_LIMIT};
use kamscope_api_types::usrloc::{ExpiryState, Registration, RegistrationSource};
use kamscope_api_types::Page;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{self, ApiError, RegQuery};
use crate::app::{set_page_title, PageId};
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::{
    detail_items, details_row, row_toggle,
    emph, local_clock, local_time, node_names, ConfirmModal, ErrorBox, NodeSelect, Pager,
    Toast, ToastMsg, ALL_NODES,
};

const LIMITS: [u32; 6] = [20, 50, 100, 200, 500, 1000];
const SEARCH_DEBOUNCE_MS: u32 = 350;

#[derive(Clone, Debug, PartialEq)]
enum DeleteTarget {
    /// The whole registration of a user (`ul.rm`): 删除联系.
    User {
        aor: String,
        username: String,
        contacts: Vec<String>,
        node: Option<String>,
    },
    /// One contact of a user with several (`ul.rm_contact`).
    Contact {
        aor: String,
        username: String,
        contact: String,
        node: Option<String>,
    },
}

impl DeleteTarget {
    fn username(&self) -> &str {
        match self {
            DeleteTarget::User { username, .. } | DeleteTarget::Contact { username, .. } => {
                username
            }
        }
    }
}

fn row_key(r: &Registration) -> String {
    format!("{}\u{1f}{}\u{1f}{}", r.node.as_deref().unwrap_or(""), r.aor, r.contact)
}

/// One user's registration: per node, for memory items read from several nodes.
fn aor_key(r: &Registration) -> String {
    format!("{}\u{1f}{}", r.node.as_deref().unwrap_or(""), r.aor)
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// A message with `{user}` in it, the user name set apart as a technical value.
fn with_user(text: &'static str, user: &str) -> impl IntoView {
    emph(text, "user", user, "user-name")
}

#[component]
pub fn LocationsPage() -> impl IntoView {
    let i18n = use_i18n();
    set_page_title(K::PageLocations);

    // Query state; source, search and page size start from the URL and are kept in it
    // (`?source=memory&q=ali&limit=100`), so a reload or a shared link shows the same.
    let initial = use_query_map().get_untracked();
    let source = RwSignal::new(match initial.get("source").as_deref() {
        Some("memory") => RegistrationSource::Memory,
        _ => RegistrationSource::Db,
    });
    let q0 = initial.get("q").map(|q| q.trim().to_string()).unwrap_or_default();
    let q_input = RwSignal::new(q0.clone());
    // Memory source with several nodes: which node (`None`: the server's default).
    let node: RwSignal<Option<String>> = RwSignal::new(initial.get("node").filter(|n| !n.is_empty()));
    let nodes = node_names();
    let q = RwSignal::new(q0);
    let limit = RwSignal::new(
        initial
            .get("limit")
            .and_then(|l| l.parse::<u32>().ok())
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .unwrap_or(DEFAULT_LIMIT),
    );
    let navigate = use_navigate();
    Effect::new(move |prev: Option<()>| {
        let mut params = Vec::new();
        if source.get() == RegistrationSource::Memory {
            params.push("source=memory".to_string());
            if let Some(n) = node.get() {
                params.push(format!("node={}", api::enc(&n)));
            }
        }
        let q = q.get();
        if !q.is_empty() {
            params.push(format!("q={}", api::enc(&q)));
        }
        let limit = limit.get();
        if limit != DEFAULT_LIMIT {
            params.push(format!("limit={limit}"));
        }
        if prev.is_some() {
            let mut url = PageId::Locations.path().to_string();
            if !params.is_empty() {
                url.push('?');
                url.push_str(&params.join("&"));
            }
            navigate(
                &url,
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    });
    // Cursors of the pages seen so far: the last one is the current page's.
    let cursors: RwSignal<Vec<Option<String>>> = RwSignal::new(vec![None]);
    let reload = RwSignal::new(0u32);

    // Result state.
    let page: RwSignal<Option<Page<Registration>>> = RwSignal::new(None);
    let loading = RwSignal::new(true);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let loaded_at = RwSignal::new(0f64);
    let seq = StoredValue::new(0u64);

    // UI state.
    let expanded: RwSignal<HashSet<String>> = RwSignal::new(HashSet::new());
    let target: RwSignal<Option<DeleteTarget>> = RwSignal::new(None);
    let toast = Toast::new();
    let debounce_gen = StoredValue::new(0u64);

    // A clock for the "seconds left" column.
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(js_sys::Date::now()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }

    // Load whenever the query changes or a reload is asked for.
    Effect::new(move |_| {
        reload.track();
        let query = RegQuery {
            source: source.get(),
            q: q.get(),
            limit: limit.get(),
            cursor: cursors.with(|c| c.last().cloned().flatten()),
            node: node.get(),
        };
        let my = seq.get_value() + 1;
        seq.set_value(my);
        loading.set(true);
        spawn_local(async move {
            let result = api::list_registrations(&query).await;
            if seq.get_value() != my {
                return; // a newer request superseded this one
            }
            match result {
                Ok(p) => {
                    page.set(Some(p));
                    error.set(None);
                }
                Err(e) => {
                    page.set(None);
                    error.set(Some(e));
                }
            }
            loaded_at.set(js_sys::Date::now());
            loading.set(false);
        });
    });

    let reset_paging = move || {
        if cursors.with_untracked(|c| c.len() != 1) {
            cursors.set(vec![None]);
        }
    };
    let apply_search = move |text: String| {
        let text = text.trim().to_string();
        if q.get_untracked() != text {
            reset_paging();
            q.set(text);
        }
    };
    let search_now = move || {
        debounce_gen.update_value(|g| *g += 1);
        let text = q_input.get_untracked();
        if q.get_untracked() == text.trim() {
            reload.update(|n| *n += 1);
        } else {
            apply_search(text);
        }
    };
    let on_search_input = move |ev| {
        let text = event_target_value(&ev);
        q_input.set(text.clone());
        debounce_gen.update_value(|g| *g += 1);
        let gen = debounce_gen.get_value();
        spawn_local(async move {
            TimeoutFuture::new(SEARCH_DEBOUNCE_MS).await;
            if debounce_gen.get_value() == gen {
                apply_search(text);
            }
        });
    };
    let clear_search = move |_| {
        debounce_gen.update_value(|g| *g += 1);
        q_input.set(String::new());
        apply_search(String::new());
    };
    let toggle_source = move |_| {
        reset_paging();
        source.update(|s| {
            *s = match s {
                RegistrationSource::Db => RegistrationSource::Memory,
                RegistrationSource::Memory => RegistrationSource::Db,
            }
        });
    };
    let show_toast = move |k: K, user: String| {
        toast.show(ToastMsg { key: k, name: "user", value: user, testid: "user-name", tone: "ok" });
    };

    // Derived views of the current page.
    let items = Memo::new(move |_| {
        page.with(|p| p.as_ref().map(|p| p.items.clone()).unwrap_or_default())
    });
    let per_aor = Memo::new(move |_| {
        let mut m: HashMap<String, Vec<String>> = HashMap::new();
        for r in items.get() {
            m.entry(aor_key(&r)).or_default().push(r.contact.clone());
        }
        m
    });
    let next_cursor = move || page.with(|p| p.as_ref().and_then(|p| p.next_cursor.clone()));

    let source_is_memory = move || source.get() == RegistrationSource::Memory;

    view! {
        <section class="page page-locations" data-testid="page-locations">
            <header class="page-head">
                <h1 data-testid="page-title">{move || i18n.t(K::PageLocations)}</h1>
                <p class="page-desc">{move || i18n.t(K::DescLocations)}</p>
            </header>

            <div class="toolbar" data-testid="toolbar">
                <div class="search">
                    <input
                        type="search"
                        data-testid="search-input"
                        aria-label=move || i18n.t(K::SearchLabel)
                        placeholder=move || i18n.t(K::SearchPlaceholder)
                        prop:value=move || q_input.get()
                        on:input=on_search_input
                        on:keydown=move |ev: KeyboardEvent| {
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                                search_now();
                            } else if ev.key() == "Escape" {
                                debounce_gen.update_value(|g| *g += 1);
                                q_input.set(String::new());
                                apply_search(String::new());
                            }
                        }
                    />
                    <button type="button" class="btn" data-testid="search-button"
                        on:click=move |_| search_now()>
                        {move || i18n.t(K::Search)}
                    </button>
                    <Show when=move || !q_input.get().is_empty()>
                        <button type="button" class="btn btn-ghost" data-testid="search-clear"
                            title=move || i18n.t(K::ClearSearch) on:click=clear_search>
                            {move || i18n.t(K::ClearSearch)}
                        </button>
                    </Show>
                </div>
                <div class="spacer"></div>
                <button type="button" class="btn" data-testid="refresh-button"
                    title=move || i18n.t(K::RefreshHint)
                    on:click=move |_| reload.update(|n| *n += 1)>
                    <span class="icon" aria-hidden="true">"⟳"</span>
                    {move || i18n.t(K::Refresh)}
                </button>
                <button type="button" class="btn" data-testid="source-toggle"
                    class:btn-primary=move || !source_is_memory()
                    aria-pressed=move || source_is_memory().to_string()
                    title=move || i18n.t(if source_is_memory() { K::LoadFromDbHint } else { K::LoadFromMemoryHint })
                    on:click=toggle_source>
                    {move || i18n.t(if source_is_memory() { K::LoadFromDb } else { K::LoadFromMemory })}
                </button>
                <Show when=source_is_memory>
                    <NodeSelect names=nodes node=node on_change=move || reset_paging()/>
                </Show>
                <span class="source-badge" data-testid="source-badge"
                    data-source=move || api::source_param(source.get())
                    class:memory=source_is_memory>
                    <span class="source-label">{move || i18n.t(K::SourceLabel)}</span>
                    <span class="source-value">
                        {move || i18n.t(if source_is_memory() { K::SourceMemory } else { K::SourceDb })}
                    </span>
                </span>
                <label class="limit">
                    <span>{move || i18n.t(K::PageSize)}</span>
                    <select data-testid="limit-select"
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                                reset_paging();
                                limit.set(n);
                            }
                        }>
                        {LIMITS
                            .into_iter()
                            .map(|n| {
                                view! {
                                    <option value=n.to_string() selected=move || limit.get() == n>
                                        {n.to_string()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>

            <div class="table-wrap" class:is-loading=move || loading.get()
                data-testid="table-wrap" aria-busy=move || loading.get().to_string()>
                {move || {
                    if let Some(err) = error.get() {
                        return view! { <ErrorBox err=err on_retry=move || reload.update(|n| *n += 1)/> }
                            .into_any();
                    }
                    if page.with(|p| p.is_none()) {
                        return view! {
                            <div class="state state-loading" data-testid="loading">
                                <span class="spinner" aria-hidden="true"></span>
                                {move || i18n.t(K::Loading)}
                            </div>
                        }
                            .into_any();
                    }
                    if items.with(|v| v.is_empty()) {
                        return view! {
                            <div class="state state-empty" data-testid="empty">
                                <p class="state-title">
                                    {move || {
                                        let q = q.get();
                                        if q.is_empty() {
                                            i18n.t(K::Empty).to_string()
                                        } else {
                                            i18n.f(K::EmptySearch, &[("q", &q)])
                                        }
                                    }}
                                </p>
                                <p class="state-hint">{move || i18n.t(K::EmptyHint)}</p>
                            </div>
                        }
                            .into_any();
                    }
                    view! {
                        <RegTable items=items per_aor=per_aor expanded=expanded target=target
                            now=now loaded_at=loaded_at
                            show_node=source_is_memory() && node.get().as_deref() == Some(ALL_NODES)/>
                    }
                        .into_any()
                }}
                <Show when=move || loading.get() && page.with(|p| p.is_some())>
                    <div class="loading-bar" data-testid="loading">
                        <span class="spinner" aria-hidden="true"></span>
                        {move || i18n.t(K::Loading)}
                    </div>
                </Show>
            </div>

            <Pager cursors=cursors next_cursor=Signal::derive(next_cursor) loading=loading>
                {move || {
                    if page.with(|p| p.is_none()) {
                        return String::new();
                    }
                    let rows = items.with(|v| v.len()).to_string();
                    let users = per_aor.with(|m| m.len()).to_string();
                    format!(
                        "{} · {} · {}",
                        i18n.f(K::RowsOnPage, &[("n", &rows)]),
                        i18n.f(K::UsersOnPage, &[("n", &users)]),
                        i18n.f(K::UpdatedAt, &[("t", &local_clock(loaded_at.get()))]),
                    )
                }}
            </Pager>

            <ConfirmDialog target=target reload=reload on_done=move |k, user| show_toast(k, user)/>

            {toast.view()}
        </section>
    }
}

#[component]
fn RegTable(
    items: Memo<Vec<Registration>>,
    per_aor: Memo<HashMap<String, Vec<String>>>,
    expanded: RwSignal<HashSet<String>>,
    target: RwSignal<Option<DeleteTarget>>,
    now: RwSignal<f64>,
    loaded_at: RwSignal<f64>,
    /// Memory rows read from every node: each says which.
    show_node: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let th = move |k: K, id: &'static str| {
        view! {
            <th class=format!("col-{id}") data-testid=format!("col-{id}") scope="col">
                {move || i18n.t(k)}
            </th>
        }
    };
    view! {
        <table class="grid" data-testid="registrations-table">
            <thead>
                <tr>
                    <th class="col-toggle" scope="col"></th>
                    {th(K::ColUsername, "username")}
                    {th(K::ColDomain, "domain")}
                    {th(K::ColContact, "contact")}
                    {th(K::ColExpires, "expires")}
                    {th(K::ColUserAgent, "user-agent")}
                    {th(K::ColReceived, "received")}
                    {th(K::ColSocket, "socket")}
                    {th(K::ColActions, "actions")}
                </tr>
            </thead>
            <tbody>
                {move || {
                    let per_aor = per_aor.get();
                    items
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let contacts = per_aor.get(&aor_key(&r)).cloned().unwrap_or_default();
                            view! {
                                <RegRow r=r contacts=contacts odd=i % 2 == 1 expanded=expanded
                                    target=target now=now loaded_at=loaded_at i18n=i18n
                                    show_node=show_node/>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
    }
}

#[component]
fn RegRow(
    r: Registration,
    contacts: Vec<String>,
    odd: bool,
    expanded: RwSignal<HashSet<String>>,
    target: RwSignal<Option<DeleteTarget>>,
    now: RwSignal<f64>,
    loaded_at: RwSignal<f64>,
    i18n: I18n,
    show_node: bool,
) -> impl IntoView {
    let key = row_key(&r);
    let node_badge = r.node.clone().filter(|_| show_node);
    let open = {
        let key = key.clone();
        Memo::new(move |_| expanded.with(|s| s.contains(&key)))
    };
    let toggle = {
        let key = key.clone();
        move |_| {
            expanded.update(|s| {
                if !s.remove(&key) {
                    s.insert(key.clone());
                }
            })
        }
    };
    let several = contacts.len() > 1;
    let n_contacts = contacts.len();

    let expiry = {
        let expires = r.expires;
        let expires_in = r.expires_in;
        let state = r.expiry_state;
        move || {
            let abs = expires.as_ref().map(local_time).unwrap_or_default();
            let (cls, text) = match state {
                ExpiryState::Permanent => ("permanent", i18n.t(K::StatePermanent).to_string()),
                ExpiryState::Deleted => ("expired", i18n.t(K::StateDeleted).to_string()),
                ExpiryState::Expired if expires_in.is_none() => {
                    ("expired", i18n.t(K::StateExpired).to_string())
                }
                _ => match expires_in {
                    Some(left_then) => {
                        let elapsed = ((now.get() - loaded_at.get()) / 1000.0).floor() as i64;
                        let left = left_then - elapsed.max(0);
                        if left < 0 {
                            ("expired", i18n.f(K::ExpiredAgo, &[("n", &(-left).to_string())]))
                        } else {
                            let cls = if left < 60 { "soon" } else { "active" };
                            (cls, i18n.f(K::SecondsLeft, &[("n", &left.to_string())]))
                        }
                    }
                    None => ("active", i18n.t(K::StateActive).to_string()),
                },
            };
            view! {
                <span class="exp-abs tech">{abs}</span>
                <span class=format!("exp-left exp-{cls}") data-testid="expires-left">{text}</span>
            }
        }
    };

    // Memory rows name the node they were read from: delete there.
    let ask_delete_user = {
        let aor = r.aor.clone();
        let username = r.username.clone();
        let contacts = contacts.clone();
        let node = r.node.clone();
        move |_| {
            target.set(Some(DeleteTarget::User {
                aor: aor.clone(),
                username: username.clone(),
                contacts: contacts.clone(),
                node: node.clone(),
            }))
        }
    };
    let ask_delete_contact = {
        let aor = r.aor.clone();
        let username = r.username.clone();
        let contact = r.contact.clone();
        let node = r.node.clone();
        move |_| {
            target.set(Some(DeleteTarget::Contact {
                aor: aor.clone(),
                username: username.clone(),
                contact: contact.clone(),
                node: node.clone(),
            }))
        }
    };

    let details = details_view(&r, i18n);
    let domain = r.domain.clone();
    let ua = opt(&r.user_agent);
    let received = opt(&r.received);
    let socket = opt(&r.socket);
    view! {
        <tr class="reg-row" class:odd=odd class:open=move || open.get() data-testid="reg-row"
            data-username=r.username.clone() data-aor=r.aor.clone() data-contact=r.contact.clone()
            data-source=api::source_param(r.source) data-node=r.node.clone().unwrap_or_default()>
            <td class="col-toggle">{row_toggle(i18n, open, toggle)}</td>
            <td class="cell-username" data-testid="cell-username">
                <span class="username tech">{r.username.clone()}</span>
                {node_badge
                    .map(|n| view! { <span class="badge badge-node tech" data-testid="row-node">{n}</span> })}
                {several
                    .then(|| {
                        view! {
                            <span class="badge" data-testid="contacts-count">
                                {move || i18n.f(K::ContactsCount, &[("n", &n_contacts.to_string())])}
                            </span>
                        }
                    })}
            </td>
            <td class="tech" data-testid="cell-domain">
                {match domain {
                    Some(d) => view! { <span>{d}</span> }.into_any(),
                    None => view! { <span class="muted">{move || i18n.t(K::NotSet)}</span> }.into_any(),
                }}
            </td>
            <td class="tech cell-contact" data-testid="cell-contact">{r.contact.clone()}</td>
            <td class="cell-expires" data-testid="cell-expires">{expiry}</td>
            <td class="tech cell-ua" data-testid="cell-user-agent" title=ua.clone()>{ua.clone()}</td>
            <td class="tech cell-wrap" data-testid="cell-received">{received}</td>
            <td class="tech cell-wrap" data-testid="cell-socket">{socket}</td>
            <td class="cell-actions">
                <button type="button" class="btn btn-danger btn-sm" data-testid="delete-user"
                    title=move || i18n.t(K::DeleteContactHint) on:click=ask_delete_user>
                    {move || i18n.t(K::DeleteContact)}
                </button>
                {several
                    .then(|| {
                        view! {
                            <button type="button" class="btn btn-ghost-danger btn-sm"
                                data-testid="delete-contact"
                                title=move || i18n.t(K::DeleteThisContactHint)
                                on:click=ask_delete_contact.clone()>
                                {move || i18n.t(K::DeleteThisContact)}
                            </button>
                        }
                    })}
            </td>
        </tr>
        {details_row(open, 8, details)}
    }
}

/// The fields that do not fit the table: q, Call-ID, CSeq, last modified, state, ...
fn details_view(r: &Registration, i18n: I18n) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
    let r = r.clone();
    move || {
        let r = r.clone();
        let state = match r.expiry_state {
            ExpiryState::Active => K::StateActive,
            ExpiryState::Permanent => K::StatePermanent,
            ExpiryState::Expired => K::StateExpired,
            ExpiryState::Deleted => K::StateDeleted,
        };
        let flags = match (r.flags, r.cflags) {
            (None, None) => None,
            (f, c) => Some(format!(
                "{} / {}",
                f.map(|v| v.to_string()).unwrap_or_else(|| "-".into()),
                c.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
            )),
        };
        let source = match r.source {
            RegistrationSource::Db => K::SourceDb,
            RegistrationSource::Memory => K::SourceMemory,
        };
        let fields: Vec<(K, &'static str, Option<String>)> = vec![
            (K::DetAor, "aor", Some(r.aor.clone())),
            (K::DetQ, "q", r.q.map(|q| format!("{q}"))),
            (K::DetCallId, "call-id", r.call_id.clone()),
            (K::DetCseq, "cseq", r.cseq.map(|v| v.to_string())),
            (K::DetLastModified, "last-modified", r.last_modified.as_ref().map(local_time)),
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
}

#[component]
fn ConfirmDialog(
    target: RwSignal<Option<DeleteTarget>>,
    reload: RwSignal<u32>,
    #[prop(into)] on_done: Callback<(K, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
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
            let result = match &t {
                DeleteTarget::User { aor, node, .. } => {
                    api::delete_registration(aor, node.as_deref()).await
                }
                DeleteTarget::Contact { aor, contact, node, .. } => {
                    api::delete_contact(aor, contact, node.as_deref()).await
                }
            };
            busy.set(false);
            match result {
                Ok(()) => {
                    target.set(None);
                    let k = match t {
                        DeleteTarget::User { .. } => K::DeletedUser,
                        DeleteTarget::Contact { .. } => K::DeletedContact,
                    };
                    on_done.run((k, t.username().to_string()));
                    reload.update(|n| *n += 1);
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };

    move || {
        target.get().map(|t| {
            let title = match &t {
                DeleteTarget::User { .. } => K::DeleteContact,
                DeleteTarget::Contact { .. } => K::DeleteThisContact,
            };
            let user = t.username().to_string();
            let (body_key, contacts) = match &t {
                DeleteTarget::User { contacts, .. } => (K::ConfirmDeleteUserBody, contacts.clone()),
                DeleteTarget::Contact { contact, .. } => {
                    (K::ConfirmDeleteContactBody, vec![contact.clone()])
                }
            };
            let kind = match &t {
                DeleteTarget::User { .. } => "user",
                DeleteTarget::Contact { .. } => "contact",
            };
            view! {
                <ConfirmModal kind=kind title=title ok_label=K::ConfirmDelete busy_label=K::Deleting
                    fail_label=K::DeleteFailed busy=busy failure=failure
                    on_cancel=move || close() on_confirm=move || confirm()>
                    <p data-testid="confirm-text">
                        {
                            let user = user.clone();
                            move || with_user(i18n.t(body_key), &user)
                        }
                    </p>
                    <ul class="confirm-contacts" data-testid="confirm-contacts">
                        {contacts
                            .into_iter()
                            .map(|c| view! { <li class="tech">{c}</li> })
                            .collect_view()}
                    </ul>
                    <p class="muted small">{move || i18n.t(K::ConfirmIrreversible)}</p>
                </ConfirmModal>
            }
        })
    }
}
