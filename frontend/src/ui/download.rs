//! Export links: a plain link to the API's list URL with `format=csv` (or `pcap`), so
//! the browser downloads what the server streams, with the list's filters.
#![allow(dead_code)] // for the CDR (CSV) and SIP trace (PCAP) lists (issues 7, 8)

use leptos::prelude::*;

use crate::i18n::{use_i18n, K};

/// The export formats the API offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Pcap,
}

impl Format {
    fn param(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Pcap => "pcap",
        }
    }
}

/// `path?…&format=csv`: a list query with its filters, without paging (an export is
/// the whole filtered list), and the format.
pub fn export_url(path: &str, query: &str, format: Format) -> String {
    let query: Vec<&str> = query
        .split('&')
        .filter(|p| {
            !p.is_empty()
                && !["limit=", "cursor=", "format="]
                    .iter()
                    .any(|k| p.starts_with(k))
        })
        .collect();
    let sep = if query.is_empty() { "" } else { "&" };
    format!("{path}?{}{sep}format={}", query.join("&"), format.param())
}

/// A download link that looks like a button (`data-testid="download-csv"` / `-pcap`).
#[component]
pub fn DownloadButton(#[prop(into)] href: Signal<String>, format: Format) -> impl IntoView {
    let i18n = use_i18n();
    let label = match format {
        Format::Csv => K::DownloadCsv,
        Format::Pcap => K::DownloadPcap,
    };
    view! {
        <a class="btn" href=move || href.get() download="" data-testid=format!("download-{}", format.param())>
            <span class="icon" aria-hidden="true">"⤓"</span>
            {move || i18n.t(label)}
        </a>
    }
}
