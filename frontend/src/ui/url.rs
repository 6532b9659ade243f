//! List state kept in the URL (`?source=memory&q=ali&limit=100`): a reload or a shared
//! link shows the same list.
use std::str::FromStr;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;

use crate::api::enc;

/// The query of the address the page was opened with.
pub struct UrlQuery(ParamsMap);

impl UrlQuery {
    pub fn current() -> Self {
        UrlQuery(use_query_map().get_untracked())
    }

    /// The trimmed value, empty when absent.
    pub fn get(&self, name: &str) -> String {
        self.0
            .get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    }

    /// The trimmed value, `None` when absent or empty.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }

    /// The parsed value when it parses and `ok` accepts it.
    pub fn parse<T: FromStr>(&self, name: &str, ok: impl Fn(&T) -> bool) -> Option<T> {
        self.get(name).parse::<T>().ok().filter(|v| ok(v))
    }
}

/// Keeps the URL's query equal to `params` (pairs with an empty value are left out),
/// replacing the history entry, without scrolling. The first run only reads.
pub fn keep_in_url(params: impl Fn() -> Vec<(&'static str, String)> + 'static) {
    let navigate = use_navigate();
    let path = use_location().pathname.get_untracked();
    Effect::new(move |prev: Option<()>| {
        let query: Vec<String> = params()
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", enc(&v)))
            .collect();
        if prev.is_some() {
            let url = if query.is_empty() {
                path.clone()
            } else {
                format!("{path}?{}", query.join("&"))
            };
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
}
