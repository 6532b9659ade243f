//! Formatters: times (in the browser's zone, and which zone that is), relative times,
//! durations, SIP codes, and a dash for what is missing.
use chrono::{DateTime, FixedOffset, Local};
use leptos::prelude::*;

use crate::i18n::{I18n, K};

/// `2026-11-26 10:12:03` in the browser's time zone ([`browser_zone`]).
pub fn local_time(dt: &DateTime<FixedOffset>) -> String {
    dt.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// `10:12:03` of a `Date.now()` value, in the browser's time zone.
pub fn local_clock(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!(
        "{:02}:{:02}:{:02}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// The zone the times are shown in: the browser's IANA name (`Asia/Shanghai`), else its
/// UTC offset (`UTC+08:00`).
pub fn browser_zone() -> String {
    let opts = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&opts, &"timeZone".into())
        .ok()
        .and_then(|v| v.as_string())
        .filter(|z| !z.is_empty())
        .unwrap_or_else(|| format!("UTC{}", Local::now().format("%:z")))
}

/// `5 s ago`, `3 min ago`, `2 h ago`, `4 d ago` between two `Date.now()` values.
#[allow(dead_code)] // for the CDR and SIP trace lists (issues 7, 8)
pub fn relative(i18n: I18n, now_ms: f64, then_ms: f64) -> String {
    let s = ((now_ms - then_ms) / 1000.0).floor().max(0.0) as i64;
    let (k, n) = match s {
        0..=59 => (K::AgoSeconds, s),
        60..=3599 => (K::AgoMinutes, s / 60),
        3600..=86399 => (K::AgoHours, s / 3600),
        _ => (K::AgoDays, s / 86400),
    };
    i18n.f(k, &[("n", &n.to_string())])
}

/// A call's length: `0:42`, `12:05`, `1:02:03`.
pub fn clock_duration(secs: i64) -> String {
    let s = secs.max(0);
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// An uptime in words: `3 d 4 h 5 min`, `4 h 5 min`, `5 min 6 s`.
pub fn uptime_words(i18n: I18n, secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m, sec) = (s / 86400, (s / 3600) % 24, (s / 60) % 60, s % 60);
    let (d, h, m, sec) = (d.to_string(), h.to_string(), m.to_string(), sec.to_string());
    let args = [
        ("d", d.as_str()),
        ("h", h.as_str()),
        ("m", m.as_str()),
        ("s", sec.as_str()),
    ];
    let k = if s >= 86400 {
        K::UptimeDays
    } else if s >= 3600 {
        K::UptimeHours
    } else {
        K::UptimeMinutes
    };
    i18n.f(k, &args)
}

/// A number, or a dash when there is none.
pub fn num(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_else(|| "—".into())
}

/// A text value, or a muted dash when it is missing or empty.
pub fn or_dash(v: Option<String>) -> AnyView {
    match v {
        Some(v) if !v.is_empty() => view! { <span>{v}</span> }.into_any(),
        _ => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// A time in the browser's zone ([`local_time`]), or a muted dash.
pub fn time_or_dash(t: Option<&DateTime<FixedOffset>>) -> AnyView {
    or_dash(t.map(local_time))
}

/// RFC 3261's reason phrase of a SIP status code (the common ones).
#[allow(dead_code)] // for the CDR and SIP trace lists (issues 7, 8)
pub fn sip_reason(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Trying",
        180 => "Ringing",
        181 => "Call Is Being Forwarded",
        182 => "Queued",
        183 => "Session Progress",
        200 => "OK",
        202 => "Accepted",
        301 => "Moved Permanently",
        302 => "Moved Temporarily",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        483 => "Too Many Hops",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        500 => "Server Internal Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Server Time-out",
        600 => "Busy Everywhere",
        603 => "Decline",
        604 => "Does Not Exist Anywhere",
        _ => return None,
    })
}

/// A SIP status code with its reason phrase, coloured by class (`sip-2xx` ... `sip-6xx`).
#[allow(dead_code)] // for the CDR and SIP trace lists (issues 7, 8)
pub fn sip_code(code: u16) -> impl IntoView {
    let text = match sip_reason(code) {
        Some(r) => format!("{code} {r}"),
        None => code.to_string(),
    };
    view! { <span class=format!("sip-code sip-{}xx tech", code / 100) data-code=code.to_string()>{text}</span> }
}

/// `ok` / `degraded` / `down`: the CSS class and `data-status` of a health status.
pub fn status_class(s: kamscope_api_types::health::CheckStatus) -> &'static str {
    use kamscope_api_types::health::CheckStatus;
    match s {
        CheckStatus::Ok => "ok",
        CheckStatus::Degraded => "degraded",
        CheckStatus::Down => "down",
    }
}

/// A health check by its manual name (§8.3); `None` for a newer server's other checks
/// (shown raw).
pub fn check_name(name: &str) -> Option<K> {
    match name {
        "database" => Some(K::CheckDatabase),
        "kamailio_rpc" => Some(K::CheckRpc),
        "kamailio_processes" => Some(K::CheckProcesses),
        _ => None,
    }
}

/// A health status in words (正常 / 降级 / 故障).
pub fn status_words(s: kamscope_api_types::health::CheckStatus) -> K {
    use kamscope_api_types::health::CheckStatus;
    match s {
        CheckStatus::Ok => K::CheckOk,
        CheckStatus::Degraded => K::CheckDegraded,
        CheckStatus::Down => K::CheckDown,
    }
}

/// A health check's name: its manual name, or the raw name as a technical value.
pub fn check_label(i18n: I18n, name: &str) -> AnyView {
    match check_name(name) {
        Some(k) => view! { <span>{move || i18n.t(k)}</span> }.into_any(),
        None => view! { <span class="tech">{name.to_string()}</span> }.into_any(),
    }
}
