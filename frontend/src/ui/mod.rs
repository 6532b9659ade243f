//! The UI kit: everything a page of lists is made of, built once. A page holds only its
//! columns, filters and actions (see frontend/README.md, "A new page from the kit").
//!
//! - [`page`]: the page head and the browser tab's title.
//! - [`list`]: a paged list following `next_cursor` ([`Paged`], of a [`CursorQuery`]), its
//!   section with title, source note, loading / error / empty states, pager and "updated
//!   at" ([`ListSection`]), the usual section around a data table ([`TableList`]), the
//!   refresh button; [`load`]: one request's result (not a list).
//! - [`table`]: the data table (columns, sortable headers, row toggle, details row,
//!   row actions).
//! - [`filters`]: search, text, select, page size, node, applying a filter, SIP code
//!   input; [`time_range`]: a time range with presets.
//! - [`tabs`]: a tab strip over one panel, the tab in the URL.
//! - [`url`]: list state kept in the URL (each kit part gives its own parameters' values).
//! - [`feedback`]: error box, spinner, toast, the confirmation dialog of destructive
//!   actions and what it names.
//! - [`job`]: a progress bar following `GET /api/v1/jobs/{id}`, with cancel; [`cleanup`]:
//!   the "Clean" button (dry-run counts, then the job's bar, then what was removed).
//! - [`download`]: CSV / PCAP export links; [`chart`]: small SVG bar and line charts.
//! - [`ladder`]: a message sequence chart (SIP call flow) as SVG; [`diff`]: two texts
//!   compared line by line, side by side; [`links`]: a Call-ID linking to its call flow.
//! - [`clock`]: a ticking clock, auto-refresh with pause; [`format`]: times, zones,
//!   durations, SIP codes.
pub mod chart;
pub mod cleanup;
pub mod clock;
pub mod diff;
pub mod download;
pub mod feedback;
pub mod filters;
pub mod format;
pub mod job;
pub mod ladder;
pub mod links;
pub mod list;
pub mod load;
pub mod page;
pub mod stat;
pub mod table;
pub mod tabs;
pub mod time_range;
pub mod url;

pub use cleanup::{CleanButton, CleanupDef};
pub use clock::{poll_every, AutoRefreshBox, Clock};
pub use feedback::{
    confirm_fields, confirm_flow, emph, ConfirmSpec, ErrorBox, Loading, Toast, ToastMsg,
};
pub use filters::{
    apply_or_reload, filter_text, limit_param, node_names, per_node, per_node_rows, typed_sip_code,
    url_limit, valid_sip_code, FilterButtons, NodeSelect, PageSize, SearchBox, SelectFilter,
    TextFilter, ALL_NODES,
};
pub use format::{clock_duration, local_time, num, or_dash, time_or_dash, uptime_words};
pub use links::callid_link;
pub use list::{reload_twice, ListDef, ListSection, Paged, RefreshButton, TableList};
pub use load::{load, load_once, Loaded};
pub use page::PageHead;
pub use stat::{metric, stat_card};
pub use table::{action_button, col, detail_items, details_of, details_row, DataTable, Expand};
pub use tabs::{tab_param, url_tab, Tabs};
pub use time_range::{parse_time, time_param, TimeRange};
pub use url::{keep_in_url, UrlQuery};
