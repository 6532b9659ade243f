//! 存在服务 /kamailio/presence (manual §6): what Kamailio's presence module keeps, in two
//! tabs: Presentity (`presentity`, PUBLISH states; a row's details show the published
//! document) and Watchers (`active_watchers` with their authorization from `watchers`).
//! Tab, filters and page size are kept in the URL. "Clean expired" runs
//! `presence.cleanup` (then kamscope removes what it left) behind a confirmation and
//! shows what went per table; "Refresh watchers" runs `presence.refreshWatchers`.
//! Everything a SIP user sent (URIs, documents, etags) is shown as text.
use kamscope_api_types::presence::{
    PresenceCleanupReport, Presentity, RefreshWatchersRequest, SubscriptionStatus, Watcher,
};
use kamscope_api_types::query::{PresentitiesQuery, WatchersQuery};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, I18n, K};
use crate::ui::feedback::inline_error;
use crate::ui::{
    action_button, apply_or_reload, col, confirm_flow, detail_items, details_of, filter_text,
    keep_in_url, limit_param, load_once, local_time, or_dash, tab_param, time_or_dash, url_limit,
    url_tab, ConfirmSpec, Expand, FilterButtons, ListDef, PageHead, PageSize, Paged, RefreshButton,
    SelectFilter, TableList, Tabs, TextFilter, Toast, ToastMsg, UrlQuery,
};

/// The tabs, by their id in the URL (`?tab=`) and `data-testid="tab-{id}"`.
const TABS: [(&str, K); 2] = [
    ("presentity", K::PresTabPresentity),
    ("watchers", K::PresTabWatchers),
];

/// A status label's text (Kamailio's presence `subscribe.h` codes).
pub fn status_key(s: SubscriptionStatus) -> K {
    match s {
        SubscriptionStatus::Active => K::PresStatusActive,
        SubscriptionStatus::Pending => K::PresStatusPending,
        SubscriptionStatus::Terminated => K::PresStatusTerminated,
        SubscriptionStatus::Waiting => K::PresStatusWaiting,
        SubscriptionStatus::Unknown => K::PresStatusUnknown,
    }
}

fn status_code(s: SubscriptionStatus) -> &'static str {
    match s {
        SubscriptionStatus::Active => "active",
        SubscriptionStatus::Pending => "pending",
        SubscriptionStatus::Terminated => "terminated",
        SubscriptionStatus::Waiting => "waiting",
        SubscriptionStatus::Unknown => "unknown",
    }
}

/// What the refresh-watchers dialog starts with.
#[derive(Clone, Debug, PartialEq)]
struct RefreshTarget {
    uri: String,
    event: String,
}

const CLEAN_SPEC: ConfirmSpec = ConfirmSpec {
    kind: "presence-cleanup",
    title: K::PresCleanTitle,
    ok: K::PresCleanOk,
    busy: K::PresCleaning,
    fail: K::PresCleanFailed,
};

const REFRESH_SPEC: ConfirmSpec = ConfirmSpec {
    kind: "refresh-watchers",
    title: K::PresRefreshTitle,
    ok: K::PresRefreshOk,
    busy: K::PresRefreshing,
    fail: K::PresRefreshFailed,
};

const PRESENTITIES: ListDef = ListDef {
    id: "presentities",
    title: K::PresTabPresentity,
    source_note: K::PresSrcPresentity,
    empty_hint: K::PresEmptyHint,
    rows: K::PresRows,
    testid: "presentity-table",
    class: "",
    cols: &[
        col("username", K::PresColUsername),
        col("domain", K::PresColDomain),
        col("event", K::PresColEvent),
        col("expires", K::PresColExpires),
        col("received", K::PresColReceived),
        col("sender", K::PresColSender),
        col("size", K::PresColSize),
        col("actions", K::ColActions),
    ],
    expandable: true,
};

const WATCHERS: ListDef = ListDef {
    id: "watchers",
    title: K::PresTabWatchers,
    source_note: K::PresSrcWatchers,
    testid: "watchers-table",
    cols: &[
        col("presentity", K::PresColPresentity),
        col("watcher", K::PresColWatcher),
        col("event", K::PresColEvent),
        col("status", K::PresColStatus),
        col("auth", K::PresColAuth),
        col("expires", K::PresColExpires),
        col("contact", K::PresColContact),
        col("actions", K::ColActions),
    ],
    ..PRESENTITIES
};

#[component]
pub fn PresencePage() -> impl IntoView {
    let i18n = use_i18n();
    let url = UrlQuery::current();
    let tab = url_tab(&url, &TABS);
    // Typed values; the applied filters are the queries below.
    let f_user = RwSignal::new(url.get("user"));
    let f_domain = RwSignal::new(url.get("domain"));
    let f_event = RwSignal::new(url.get("event"));
    let f_presentity = RwSignal::new(url.get("presentity"));
    let f_watcher = RwSignal::new(url.get("watcher"));
    let status = RwSignal::new(url.parse::<u8>("status", |s| (1..=4).contains(s)));
    let limit = RwSignal::new(url_limit(&url));
    let pres_q = RwSignal::new(PresentitiesQuery {
        user: url.opt("user"),
        domain: url.opt("domain"),
        event: url.opt("event"),
        ..Default::default()
    });
    let watch_q = RwSignal::new(WatchersQuery {
        presentity: url.opt("presentity"),
        watcher: url.opt("watcher"),
        event: url.opt("event"),
        status: status.get_untracked(),
        ..Default::default()
    });
    keep_in_url(move || {
        let (p, w) = (pres_q.get(), watch_q.get());
        let watchers = tab.get() == "watchers";
        let event = if watchers { w.event.clone() } else { p.event };
        vec![
            ("tab", tab_param(tab.get(), &TABS)),
            ("user", p.user.filter(|_| !watchers).unwrap_or_default()),
            ("domain", p.domain.filter(|_| !watchers).unwrap_or_default()),
            ("event", event.unwrap_or_default()),
            (
                "presentity",
                w.presentity.filter(|_| watchers).unwrap_or_default(),
            ),
            (
                "watcher",
                w.watcher.filter(|_| watchers).unwrap_or_default(),
            ),
            (
                "status",
                w.status
                    .filter(|_| watchers)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
            ),
            ("limit", limit_param(limit.get())),
        ]
    });
    let reload = RwSignal::new(0u32);
    let apply = move || {
        if tab.get_untracked() == "watchers" {
            let q = WatchersQuery {
                presentity: filter_text(f_presentity.get_untracked()),
                watcher: filter_text(f_watcher.get_untracked()),
                event: filter_text(f_event.get_untracked()),
                status: status.get_untracked(),
                ..Default::default()
            };
            apply_or_reload(watch_q, q, reload);
        } else {
            let q = PresentitiesQuery {
                user: filter_text(f_user.get_untracked()),
                domain: filter_text(f_domain.get_untracked()),
                event: filter_text(f_event.get_untracked()),
                ..Default::default()
            };
            apply_or_reload(pres_q, q, reload);
        }
    };
    let clear = move || {
        for s in [f_user, f_domain, f_event, f_presentity, f_watcher] {
            s.set(String::new());
        }
        status.set(None);
        pres_q.set(PresentitiesQuery::default());
        watch_q.set(WatchersQuery::default());
    };
    let filtered = move || {
        if tab.get() == "watchers" {
            watch_q.with(|w| *w != WatchersQuery::default())
        } else {
            pres_q.with(|p| *p != PresentitiesQuery::default())
        }
    };
    let empty = move |k: K| {
        Signal::derive(move || {
            i18n.t(if filtered() { K::PresEmptyFiltered } else { k })
                .to_string()
        })
    };
    let status_options: Vec<_> = [
        SubscriptionStatus::Active,
        SubscriptionStatus::Pending,
        SubscriptionStatus::Terminated,
        SubscriptionStatus::Waiting,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, s)| {
        let c = i + 1;
        (
            c.to_string(),
            Signal::derive(move || format!("{c} · {}", i18n.t(status_key(s)))),
        )
    })
    .collect();

    // Clean expired: behind a confirmation; its report stays shown.
    let toast = Toast::new();
    let clean_target: RwSignal<Option<()>> = RwSignal::new(None);
    let last_clean: RwSignal<Option<PresenceCleanupReport>> = RwSignal::new(None);
    // Refresh watchers: the dialog's inputs.
    let refresh_target: RwSignal<Option<RefreshTarget>> = RwSignal::new(None);
    let r_uri = RwSignal::new(String::new());
    let r_event = RwSignal::new(String::new());
    let r_type = RwSignal::new(1u8);
    let open_refresh = move |uri: String, event: String| {
        r_uri.set(uri.clone());
        r_event.set(event.clone());
        refresh_target.set(Some(RefreshTarget { uri, event }));
    };
    // A row's "Refresh watchers": the dialog for its presentity and event.
    let on_refresh = Callback::new(move |(u, e)| open_refresh(u, e));

    view! {
        <section class="page page-presence" data-testid="page-presence">
            <PageHead title=K::PagePresence desc=K::DescPresence/>
            <Tabs tabs=TABS.to_vec() active=tab/>
            <div class="toolbar toolbar-alone presence-filters" data-testid="toolbar">
                <div class="filter-row">
                    {move || if tab.get() == "watchers" {
                        view! {
                            <TextFilter value=f_presentity testid="filter-presentity" label=K::PresFilterPresentity
                                placeholder=K::PresFilterPresentityPh on_enter=apply/>
                            <TextFilter value=f_watcher testid="filter-watcher" label=K::PresFilterWatcher
                                placeholder=K::PresFilterWatcherPh on_enter=apply/>
                            <TextFilter value=f_event testid="filter-event" label=K::PresFilterEvent
                                placeholder=K::PresFilterEventPh on_enter=apply/>
                            <SelectFilter testid="filter-status" label=K::PresFilterStatus any=K::PresFilterStatusAny
                                options=status_options.clone()
                                selected=Signal::derive(move || status.get().map(|s| s.to_string()).unwrap_or_default())
                                on_change=move |v: String| {
                                    status.set(v.parse::<u8>().ok());
                                    apply();
                                }/>
                        }
                        .into_any()
                    } else {
                        view! {
                            <TextFilter value=f_user testid="filter-user" label=K::PresFilterUser
                                placeholder=K::PresFilterUserPh on_enter=apply/>
                            <TextFilter value=f_domain testid="filter-domain" label=K::PresFilterDomain
                                placeholder=K::PresFilterDomainPh on_enter=apply/>
                            <TextFilter value=f_event testid="filter-event" label=K::PresFilterEvent
                                placeholder=K::PresFilterEventPh on_enter=apply/>
                        }
                        .into_any()
                    }}
                    <FilterButtons filtered=Signal::derive(filtered) on_apply=apply on_clear=clear/>
                </div>
                <div class="filter-row">
                    <RefreshButton reload=reload hint=K::PresRefreshHint/>
                    <button type="button" class="btn" data-testid="refresh-watchers-button"
                        title=move || i18n.t(K::PresRefreshWatchersHint)
                        on:click=move |_| open_refresh(String::new(), "presence".into())>
                        {move || i18n.t(K::PresRefreshWatchers)}
                    </button>
                    <button type="button" class="btn btn-danger" data-testid="presence-clean-button"
                        title=move || i18n.t(K::PresCleanHint) on:click=move |_| clean_target.set(Some(()))>
                        {move || i18n.t(K::PresClean)}
                    </button>
                    <div class="spacer"></div>
                    <PageSize limit=limit on_change=|| ()/>
                </div>
            </div>
            {move || last_clean.get().map(|r| clean_result(i18n, r))}
            // Each tab's list is made anew when its query changes: it starts on page 1.
            {move || match tab.get() {
                "watchers" => {
                    let q = WatchersQuery { limit: Some(limit.get()), ..watch_q.get() };
                    view! {
                        <TableList def=WATCHERS paged=Paged::of(reload, q, api::list_watchers) reload=reload
                            empty=empty(K::PresEmptyWatchers)
                            row=move |w, odd, expand| watcher_row(i18n, w, odd, expand, on_refresh)/>
                    }
                    .into_any()
                }
                _ => {
                    let q = PresentitiesQuery { limit: Some(limit.get()), ..pres_q.get() };
                    view! {
                        <TableList def=PRESENTITIES paged=Paged::of(reload, q, api::list_presentities)
                            reload=reload empty=empty(K::PresEmptyPresentity)
                            row=move |p, odd, expand| presentity_row(i18n, p, odd, expand, on_refresh)/>
                    }
                    .into_any()
                }
            }}
            {confirm_flow(clean_target, |_| CLEAN_SPEC,
                move |_| async move {
                    let r = api::presence_cleanup().await?;
                    last_clean.set(Some(r));
                    Ok(())
                },
                move |_, r| {
                    r?;
                    let n: u64 = last_clean.with_untracked(|r| {
                        r.as_ref().map(|r| r.tables.iter().map(|t| t.removed).sum()).unwrap_or(0)
                    });
                    toast.show(ToastMsg { key: K::PresCleanDone, name: "n", value: n.to_string(),
                        testid: "clean-count", tone: "ok" });
                    reload.update(|n| *n += 1);
                    Ok(())
                },
                move |_| view! { <p data-testid="confirm-text">{move || i18n.t(K::PresCleanBody)}</p> })}
            {confirm_flow(refresh_target, |_| REFRESH_SPEC,
                move |_| async move {
                    let uri = r_uri.get_untracked().trim().to_string();
                    if uri.is_empty() {
                        return Err(ApiError::Http { status: 400,
                            title: Some(i18n.t(K::PresRefreshNeedUri).to_string()), detail: None });
                    }
                    let req = RefreshWatchersRequest {
                        presentity_uri: uri,
                        event: filter_text(r_event.get_untracked()),
                        refresh_type: r_type.get_untracked(),
                        ..Default::default()
                    };
                    api::refresh_watchers(&req).await.map(|_| ())
                },
                move |_, r| {
                    r?;
                    toast.show(ToastMsg { key: K::PresRefreshDone, name: "uri",
                        value: r_uri.get_untracked().trim().to_string(), testid: "refresh-uri", tone: "ok" });
                    reload.update(|n| *n += 1);
                    Ok(())
                },
                move |_| refresh_body(i18n, r_uri, r_event, r_type))}
            {toast.view()}
        </section>
    }
}

/// The refresh-watchers dialog's form.
fn refresh_body(
    i18n: I18n,
    uri: RwSignal<String>,
    event: RwSignal<String>,
    kind: RwSignal<u8>,
) -> impl IntoView {
    view! {
        <p data-testid="confirm-text">{move || i18n.t(K::PresRefreshBody)}</p>
        <div class="refresh-form">
            <label class="filter">
                <span>{move || i18n.t(K::PresRefreshUri)}</span>
                <input type="text" class="tech" data-testid="refresh-uri-input" placeholder="sip:alice@example.com"
                    prop:value=move || uri.get() on:input=move |ev| uri.set(event_target_value(&ev))/>
            </label>
            <label class="filter">
                <span>{move || i18n.t(K::PresRefreshEvent)}</span>
                <input type="text" class="tech" data-testid="refresh-event-input" placeholder="presence"
                    prop:value=move || event.get() on:input=move |ev| event.set(event_target_value(&ev))/>
            </label>
            <label class="filter">
                <span>{move || i18n.t(K::PresRefreshType)}</span>
                <select data-testid="refresh-type-select"
                    on:change=move |ev| kind.set(event_target_value(&ev).parse().unwrap_or(1))>
                    <option value="1" selected=move || kind.get() == 1>{move || i18n.t(K::PresRefreshType1)}</option>
                    <option value="0" selected=move || kind.get() == 0>{move || i18n.t(K::PresRefreshType0)}</option>
                </select>
            </label>
        </div>
    }
}

/// The last cleanup's report: per table, what went and who removed it.
fn clean_result(i18n: I18n, r: PresenceCleanupReport) -> impl IntoView {
    let head = {
        let (node, cutoff, answer) = (r.node.clone(), local_time(&r.cutoff), r.kamailio.clone());
        move || {
            i18n.f(
                K::PresCleanResult,
                &[("node", &node), ("cutoff", &cutoff), ("answer", &answer)],
            )
        }
    };
    view! {
        <div class="panel clean-result" data-testid="presence-cleanup-result">
            <p class="small">{head}</p>
            <table class="grid compact">
                <thead>
                    <tr>
                        <th>{move || i18n.t(K::PresCleanColTable)}</th>
                        <th>{move || i18n.t(K::PresCleanColRemoved)}</th>
                        <th>{move || i18n.t(K::PresCleanColKamailio)}</th>
                        <th>{move || i18n.t(K::PresCleanColKamscope)}</th>
                    </tr>
                </thead>
                <tbody>
                    {r.tables.into_iter().map(|t| view! {
                        <tr data-testid="cleanup-table-row" data-table=t.table.clone()
                            data-removed=t.removed.to_string()>
                            <td class="tech">{t.table.clone()}</td>
                            <td class="num" data-testid="cell-removed">{t.removed}</td>
                            <td class="num">{t.by_kamailio}</td>
                            <td class="num">{t.by_kamscope}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A row's "Refresh watchers" of its presentity and event.
fn refresh_cell(
    i18n: I18n,
    uri: String,
    event: String,
    on_refresh: Callback<(String, String)>,
) -> impl IntoView {
    view! {
        <td class="cell-actions">
            {action_button(i18n, "row-refresh-watchers", K::PresRefreshWatchers, K::PresRefreshWatchersHint, "",
                move |_| on_refresh.run((uri.clone(), event.clone())))}
        </td>
    }
}

/// Expiry time, with "expired" once it has passed.
fn expires_cell(
    i18n: I18n,
    t: Option<&chrono::DateTime<chrono::FixedOffset>>,
    expired: bool,
) -> impl IntoView {
    view! {
        <td class="tech" data-testid="cell-expires" data-expired=expired.to_string()>
            {time_or_dash(t)}
            {expired.then(|| view! { <span class="badge badge-expired">{move || i18n.t(K::PresExpired)}</span> })}
        </td>
    }
}

fn presentity_row(
    i18n: I18n,
    p: Presentity,
    odd: bool,
    expand: Expand,
    on_refresh: Callback<(String, String)>,
) -> impl IntoView {
    let (open, toggle) = expand.row(i18n, p.id.to_string());
    let details = move |p: Presentity| {
        let id = p.id;
        let fields = vec![
            (K::PresDetId, "id", Some(p.id.to_string())),
            (K::PresDetEtag, "etag", Some(p.etag)),
            (K::PresDetPriority, "priority", Some(p.priority.to_string())),
            (K::PresDetRuid, "ruid", p.ruid),
        ];
        view! {
            <dl class="details">{detail_items(i18n, fields)}</dl>
            <PresentityDocument id=id/>
        }
        .into_any()
    };
    let (uri, event) = (format!("sip:{}@{}", p.username, p.domain), p.event.clone());
    let size = i18n_bytes(i18n, K::PresBytes, p.body_size);
    view! {
        <tr class="presentity-row" class:odd=odd class:open=move || open.get() data-testid="presentity-row"
            data-id=p.id.to_string() data-username=p.username.clone() data-domain=p.domain.clone()
            data-event=p.event.clone() data-expired=p.expired.to_string()>
            {toggle}
            <td class="tech" data-testid="cell-username">{p.username.clone()}</td>
            <td class="tech" data-testid="cell-domain">{p.domain.clone()}</td>
            <td class="tech" data-testid="cell-event">{p.event.clone()}</td>
            {expires_cell(i18n, p.expires.as_ref(), p.expired)}
            <td class="tech" data-testid="cell-received">{time_or_dash(p.received_time.as_ref())}</td>
            <td class="tech cell-wrap" data-testid="cell-sender">{or_dash(Some(p.sender.clone()))}</td>
            <td class="num" data-testid="cell-size">{size}</td>
            {refresh_cell(i18n, uri, event, on_refresh)}
        </tr>
        {details_of(open, 8, p.clone(), details)}
    }
}

fn i18n_bytes(i18n: I18n, k: K, n: u64) -> impl Fn() -> String + Send + Sync + 'static {
    move || i18n.f(k, &[("n", &n.to_string())])
}

/// The published document, loaded with `GET /presence/presentities/{id}`, as text.
#[component]
fn PresentityDocument(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let doc = load_once(api::presentity(id));
    view! {
        <div class="document" data-testid="presentity-document">
            <h3 class="document-title">{move || i18n.t(K::PresDetDocument)}</h3>
            {move || match doc.get() {
                None => view! { <p class="muted">{move || i18n.t(K::PresDocLoading)}</p> }.into_any(),
                Some(Err(e)) => inline_error(i18n, K::PresDocFailed, &e, "document-error").into_any(),
                Some(Ok(p)) => match p.body.filter(|b| !b.is_empty()) {
                    // A text node: the document's markup is shown, never interpreted.
                    Some(b) => view! { <pre class="body-text tech" data-testid="document-text">{b}</pre> }.into_any(),
                    None => view! { <p class="muted" data-testid="document-empty">{move || i18n.t(K::PresDocEmpty)}</p> }.into_any(),
                },
            }}
        </div>
    }
}

/// "2 · pending": Kamailio's code and its label.
fn status_cell(
    i18n: I18n,
    testid: &'static str,
    code: i64,
    label: SubscriptionStatus,
) -> impl IntoView {
    view! {
        <td data-testid=testid data-status=code.to_string() data-label=status_code(label)>
            <span class=format!("status-label status-{}", status_code(label))>
                {move || format!("{code} · {}", i18n.t(status_key(label)))}
            </span>
        </td>
    }
}

fn watcher_row(
    i18n: I18n,
    w: Watcher,
    odd: bool,
    expand: Expand,
    on_refresh: Callback<(String, String)>,
) -> impl IntoView {
    let (open, toggle) = expand.row(i18n, w.id.to_string());
    let details = move |w: Watcher| {
        let auth = w.authorization.clone();
        let fields = vec![
            (K::PresDetId, "id", Some(w.id.to_string())),
            (K::PresDetReason, "reason", w.reason),
            (
                K::PresDetAuthReason,
                "auth-reason",
                auth.as_ref().and_then(|a| a.reason.clone()),
            ),
            (
                K::PresDetAuthTime,
                "auth-time",
                auth.as_ref()
                    .and_then(|a| a.inserted_time.as_ref())
                    .map(local_time),
            ),
            (K::PresDetEventId, "event-id", w.event_id),
            (
                K::PresDetLocalContact,
                "local-contact",
                Some(w.local_contact),
            ),
            (K::PresDetCallId, "callid", Some(w.callid)),
            (K::PresDetFromTag, "from-tag", Some(w.from_tag)),
            (K::PresDetToTag, "to-tag", Some(w.to_tag)),
            (
                K::PresDetCseq,
                "cseq",
                Some(format!("{} / {}", w.local_cseq, w.remote_cseq)),
            ),
            (K::PresDetVersion, "version", Some(w.version.to_string())),
            (K::PresDetSocket, "socket", Some(w.socket_info)),
            (K::PresDetUserAgent, "user-agent", w.user_agent),
        ];
        view! { <dl class="details">{detail_items(i18n, fields)}</dl> }.into_any()
    };
    let auth_cell = match &w.authorization {
        Some(a) => status_cell(i18n, "cell-auth", a.status, a.status_label).into_any(),
        None => view! {
            <td data-testid="cell-auth" data-status="">
                <span class="muted">{move || i18n.t(K::PresNoAuth)}</span>
            </td>
        }
        .into_any(),
    };
    let (uri, event) = (w.presentity_uri.clone(), w.event.clone());
    view! {
        <tr class="watcher-row" class:odd=odd class:open=move || open.get() data-testid="watcher-row"
            data-id=w.id.to_string() data-presentity=w.presentity_uri.clone() data-watcher=w.watcher_uri.clone()
            data-event=w.event.clone() data-expired=w.expired.to_string()>
            {toggle}
            <td class="tech cell-wrap" data-testid="cell-presentity">{w.presentity_uri.clone()}</td>
            <td class="tech cell-wrap" data-testid="cell-watcher">{w.watcher_uri.clone()}</td>
            <td class="tech" data-testid="cell-event">{w.event.clone()}</td>
            {status_cell(i18n, "cell-status", w.status, w.status_label)}
            {auth_cell}
            {expires_cell(i18n, w.expires.as_ref(), w.expired)}
            <td class="tech cell-wrap" data-testid="cell-contact">{or_dash(Some(w.contact.clone()))}</td>
            {refresh_cell(i18n, uri, event, on_refresh)}
        </tr>
        {details_of(open, 8, w.clone(), details)}
    }
}
