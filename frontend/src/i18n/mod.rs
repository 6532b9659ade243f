//! The one i18n layer: every visible string of the UI is a [`K`] key with its zh-CN and
//! en text side by side, so a key without both translations does not compile, and a key
//! whose two texts do not use the same `{placeholders}` does not compile either
//! ([`same_placeholders`], checked for every key at build time). The table is split per
//! area (`shell.rs`, `list.rs` for the kit, one file per page); each file's macro hands its
//! keys on to the next, and the last builds the one `K` enum.
//!
//! Why not `leptos_i18n`: its 0.6 line (the one for Leptos 0.8) resolves offline, but
//! adds 33 crates to this app's lockfile (leptos-use, leptos_meta, ICU locale and plural
//! data, time, serde_yaml, darling, json5, ...) plus a locale-loading build step; on the
//! two shared cores here that is minutes more per cold build and a bigger wasm, for two
//! languages and ~120 strings. This typed table is checked by the compiler just the same
//! (a key without both texts does not compile; an unknown key does not compile), costs
//! nothing at runtime, and its keys can become leptos_i18n/Fluent message ids later.
//!
//! Chinese wording follows the operator's manual (`monitoring-manual.zh-CN.md`), which
//! is authoritative: 注册监控, 注册信息, 用户名, 域, 联系地址, 过期时间, 接收来源,
//! 刷新, 从内存加载, 删除联系, 对话管理, 活动对话（内存）, 对话记录（数据库）, 结束,
//! CDR 记录, SIP 跟踪, 拓扑隐藏, 存在服务, 离线消息, 监控面板, 系统状态, 注册用户数,
//! 活动对话数, 今日呼叫, 健康检查. Dialog states use Kamailio's meaning (1 unconfirmed,
//! 2 early, 3 confirmed without ACK, 4 confirmed, 5 deleted), not the manual's short list.
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// BCP 47 tag, used for `<html lang>`, localStorage and `data-lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language's own name (endonym), shown in the switch in every language.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::ZhCn => "中文",
            Lang::En => "English",
        }
    }

    /// `zh`, `zh-CN`, `zh-Hans-CN`, ... → zh-CN; `en`, `en-US`, ... → en.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        if t == "zh" || t.starts_with("zh-") || t.starts_with("zh_") {
            Some(Lang::ZhCn)
        } else if t == "en" || t.starts_with("en-") || t.starts_with("en_") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

#[macro_use]
mod shell;
#[macro_use]
mod list;
#[macro_use]
mod registrations;
#[macro_use]
mod dialogs;
#[macro_use]
mod monitoring;
#[macro_use]
mod cdr;
#[macro_use]
mod topos;
#[macro_use]
mod presence;
#[macro_use]
mod msilo;
#[macro_use]
mod siptrace;

macro_rules! keys {
    ( ; $($key:ident => $zh:expr, $en:expr;)*) => {
        /// A message id. `K::X.text(lang)` gives its text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum K { $($key),* }

        impl K {
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        (K::$key, Lang::ZhCn) => $zh,
                        (K::$key, Lang::En) => $en,
                    )*
                }
            }
        }

        // The placeholder test, per key, at build time (frontend/build.sh fails on it).
        $(
            const _: () = assert!(
                same_placeholders($zh, $en),
                concat!("i18n key ", stringify!($key), ": zh-CN and en use different placeholders")
            );
        )*
    };
}

shell_keys! { list_keys, registrations_keys, dialogs_keys, monitoring_keys, cdr_keys, topos_keys, presence_keys, msilo_keys, siptrace_keys, keys ; }

/// Whether `a` and `b` use the same set of `{name}` placeholders: each `{...}` of one
/// occurs in the other. A const fn, so that the check runs in the compiler.
pub const fn same_placeholders(a: &str, b: &str) -> bool {
    all_in(a.as_bytes(), b.as_bytes()) && all_in(b.as_bytes(), a.as_bytes())
}

/// Every `{...}` of `a` occurs in `b`; an unclosed `{` fails.
const fn all_in(a: &[u8], b: &[u8]) -> bool {
    let mut i = 0;
    while i < a.len() {
        if a[i] == b'{' {
            let mut j = i + 1;
            while j < a.len() && a[j] != b'}' {
                j += 1;
            }
            if j == a.len() || !occurs(b, a, i, j + 1) {
                return false;
            }
            i = j;
        }
        i += 1;
    }
    true
}

/// `src[from..to]` occurs in `hay`.
const fn occurs(hay: &[u8], src: &[u8], from: usize, to: usize) -> bool {
    let n = to - from;
    let mut s = 0;
    while s + n <= hay.len() {
        let mut k = 0;
        while k < n && hay[s + k] == src[from + k] {
            k += 1;
        }
        if k == n {
            return true;
        }
        s += 1;
    }
    false
}

// The checker's own tests, also at build time: it must tell these apart.
const _: () = {
    assert!(same_placeholders("第 {n} 页", "Page {n}"));
    assert!(same_placeholders("{date}（{tz}）", "{date} ({tz})"));
    assert!(same_placeholders("无", "none"));
    assert!(!same_placeholders("第 {n} 页", "Page {m}"));
    assert!(!same_placeholders("{user} 已删除", "Deleted"));
    assert!(!same_placeholders("剩余 秒", "{n} s left"));
    assert!(!same_placeholders("{date}（{tz}）", "{date}"));
    assert!(!same_placeholders("{n", "{n}"));
};

/// `K::X` with `{name}` placeholders filled.
pub fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut s = text.to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

const STORAGE_KEY: &str = "kamscope.lang";

/// The UI language, in context. Reading it inside a closure makes the closure reactive.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    pub fn t(&self, k: K) -> &'static str {
        k.text(self.lang.get())
    }

    pub fn f(&self, k: K, args: &[(&str, &str)]) -> String {
        fill(self.t(k), args)
    }

    pub fn set(&self, lang: Lang) {
        self.lang.set(lang);
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The stored choice, else the first zh*/en* of the browser's languages, else zh-CN
/// (the manual's language).
fn initial_lang() -> Lang {
    let Some(window) = web_sys::window() else {
        return Lang::ZhCn;
    };
    if let Ok(Some(storage)) = window.local_storage() {
        if let Ok(Some(stored)) = storage.get_item(STORAGE_KEY) {
            if let Some(lang) = Lang::from_tag(&stored) {
                return lang;
            }
        }
    }
    let nav = window.navigator();
    for tag in nav.languages().iter() {
        if let Some(lang) = tag.as_string().as_deref().and_then(Lang::from_tag) {
            return lang;
        }
    }
    nav.language()
        .as_deref()
        .and_then(Lang::from_tag)
        .unwrap_or(Lang::ZhCn)
}

/// Creates the language signal, provides it, and keeps `<html lang>` and localStorage
/// in step with it.
pub fn provide_i18n() -> I18n {
    let i18n = I18n {
        lang: RwSignal::new(initial_lang()),
    };
    provide_context(i18n);
    let first = StoredValue::new(true);
    Effect::new(move |_| {
        let lang = i18n.lang.get();
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = doc.document_element() {
                let _ = root.set_attribute("lang", lang.code());
            }
        }
        // Only an explicit choice is remembered; the first run just applies the default.
        if first.get_value() {
            first.set_value(false);
            return;
        }
        if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
            let _ = storage.set_item(STORAGE_KEY, lang.code());
        }
    });
    i18n
}
