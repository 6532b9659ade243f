//! Links between pages: a Call-ID shown as a link to its SIP trace call flow.
use leptos::prelude::*;

use crate::api;
use crate::i18n::{I18n, K};
use crate::ui::format::or_dash;

/// The Call-ID as a link to its call flow (`data-testid="flow-link"`), or a dash. The
/// link's text is the Call-ID alone, so the cell still reads as the Call-ID.
pub fn callid_link(i18n: I18n, call_id: Option<String>) -> AnyView {
    match call_id.filter(|c| !c.is_empty()) {
        Some(id) => view! {
            <a class="callid-link" data-testid="flow-link" href=api::flow_link(&[&id])
                title=move || i18n.t(K::TrFlowLinkHint)>{id.clone()}</a>
        }
        .into_any(),
        None => or_dash(None),
    }
}
