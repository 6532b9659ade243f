//! SIP 跟踪 /kamailio/siptrace (manual §4). The search and the call flow come later
//! (their API is not built yet); the page offers the cleanup of old `sip_trace` rows
//! already (manual §4.6: 30 days by default), and names the Call-ID a link asked for.
use leptos::prelude::*;

use crate::api;
use crate::i18n::{use_i18n, K};
use crate::ui::{emph, CleanButton, CleanupDef, PageHead, UrlQuery};

/// The SIP trace cleanup: `sip_trace`, 30 days by default (manual §4.6).
pub const TRACE_CLEANUP: CleanupDef = CleanupDef {
    path: api::TRACES_CLEANUP,
    days: 30,
    title: K::CleanTraceTitle,
    kind: "trace-cleanup",
};

#[component]
pub fn SiptracePage() -> impl IntoView {
    let i18n = use_i18n();
    // A trace link (`?call_id=`, e.g. from the topos page) names its call.
    let call_id = UrlQuery::current().opt("call_id");
    view! {
        <section class="page page-siptrace" data-testid="page-siptrace">
            <PageHead title=K::PageSiptrace desc=K::DescSiptrace/>
            <div class="toolbar" data-testid="toolbar">
                <div class="spacer"></div>
                <CleanButton def=TRACE_CLEANUP on_done=|| ()/>
            </div>
            <div class="notice" data-testid="siptrace-soon">
                <h2>{move || i18n.t(K::SiptraceSoonTitle)}</h2>
                <p>{move || i18n.t(K::SiptraceSoonBody)}</p>
                {call_id.map(|id| view! {
                    <p data-testid="siptrace-call-id">{move || emph(i18n.t(K::SiptraceCallId), "id", &id, "call-id")}</p>
                })}
            </div>
        </section>
    }
}
