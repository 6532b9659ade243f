//! The one i18n layer: every visible string of the UI is a [`K`] key with its zh-CN and
//! en text side by side, so a key without both translations does not compile.
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
//! 刷新, 从内存加载, 删除联系, 对话管理, CDR 记录, SIP 跟踪, 拓扑隐藏, 存在服务,
//! 离线消息, 监控面板.
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

macro_rules! keys {
    ($($key:ident => $zh:expr, $en:expr;)*) => {
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
    };
}

keys! {
    // Shell
    AppTagline => "Kamailio 监控", "Kamailio monitoring";
    NavSection => "监控管理", "Monitoring";
    Language => "语言", "Language";
    Soon => "待建", "soon";

    // Pages (manual section titles) and what they are for (manual x.1)
    PageLocations => "注册监控", "Registrations";
    PageDialogs => "对话管理", "Dialogs";
    PageCdr => "CDR 记录", "CDR records";
    PageSiptrace => "SIP 跟踪", "SIP trace";
    PageTopos => "拓扑隐藏", "Topology hiding";
    PagePresence => "存在服务", "Presence";
    PageMsilo => "离线消息", "Offline messages";
    PageMonitoring => "监控面板", "Monitoring dashboard";
    DescLocations => "查看当前在线的 SIP 用户及其注册信息。", "The SIP users now online and their registration data.";
    DescDialogs => "监控当前活动的 SIP 对话（正在进行的通话）。", "Monitors the active SIP dialogs (calls in progress).";
    DescCdr => "查看通话详单和未接来电记录。", "Call detail records and missed calls.";
    DescSiptrace => "记录和查看 SIP 消息，便于问题排查和调试。", "Records and shows SIP messages, for troubleshooting and debugging.";
    DescTopos => "隐藏内部网络拓扑，查看拓扑隐藏的对话记录。", "Hides the internal network topology; shows the topology-hiding dialog records.";
    DescPresence => "管理用户的在线状态订阅和通知。", "Manages presence subscriptions and notifications.";
    DescMsilo => "存储发送给离线用户的消息，待用户上线后投递。", "Messages stored for offline users, delivered when they come online.";
    DescMonitoring => "提供系统整体状态概览。", "An overview of the whole system's state.";
    NotBuiltTitle => "此页面尚未构建", "This page is not built yet";
    NotBuiltBody => "当前版本只提供注册监控页面，本页面将在后续版本中提供。", "This version only has the Registrations page; this page comes in a later version.";
    GoToLocations => "前往注册监控", "Go to Registrations";
    NotFoundTitle => "页面不存在", "Page not found";
    NotFoundBody => "地址 {path} 没有对应的页面。", "There is no page at {path}.";

    // Health (manual §8: 系统状态, 数据库连接, RPC 接口)
    HealthLabel => "系统状态", "System status";
    HealthOk => "正常", "OK";
    HealthDegraded => "降级", "Degraded";
    HealthDown => "故障", "Down";
    HealthUnknown => "未知", "Unknown";
    HealthUnreachable => "无法连接 API", "API unreachable";
    CheckDatabase => "数据库连接", "Database connection";
    CheckRpc => "RPC 接口", "RPC interface";
    ProcessCount => "{n} 个进程", "{n} processes";
    CheckProcesses => "Kamailio 进程", "Kamailio processes";

    // Registrations toolbar
    SearchLabel => "用户名", "Username";
    SearchPlaceholder => "按用户名搜索", "Search by username";
    Search => "搜索", "Search";
    ClearSearch => "清除搜索", "Clear search";
    Refresh => "刷新", "Refresh";
    RefreshHint => "刷新注册列表", "Reload the registration list";
    LoadFromMemory => "从内存加载", "Load from memory";
    LoadFromMemoryHint => "从 Kamailio 内存获取最新数据", "Take the latest data from Kamailio's memory";
    LoadFromDb => "从数据库加载", "Load from database";
    LoadFromDbHint => "显示数据库中的注册记录", "Show the registrations stored in the database";
    SourceLabel => "数据来源", "Source";
    SourceDb => "数据库", "Database";
    SourceMemory => "Kamailio 内存", "Kamailio memory";
    PageSize => "每页条数", "Rows per page";

    // Registrations table (manual §1.3)
    ColUsername => "用户名", "Username";
    ColDomain => "域", "Domain";
    ColContact => "联系地址", "Contact";
    ColExpires => "过期时间", "Expires";
    ColUserAgent => "User-Agent", "User-Agent";
    ColReceived => "接收来源", "Received";
    ColSocket => "Socket", "Socket";
    ColActions => "操作", "Actions";
    ShowDetails => "展开详情", "Show details";
    HideDetails => "收起详情", "Hide details";
    ContactsCount => "{n} 个联系地址", "{n} contacts";

    // Details
    DetAor => "地址记录 (AOR)", "Address of record (AOR)";
    DetQ => "优先级 (q)", "Priority (q)";
    DetCallId => "Call-ID", "Call-ID";
    DetCseq => "CSeq", "CSeq";
    DetLastModified => "最后修改时间", "Last modified";
    DetState => "状态", "State";
    DetUlState => "内存同步状态", "Memory sync state";
    DetPath => "Path", "Path";
    DetInstance => "实例 (+sip.instance)", "Instance (+sip.instance)";
    DetRegId => "Reg-Id", "Reg-Id";
    DetRuid => "RUID", "RUID";
    DetFlags => "标志 (flags / cflags)", "Flags (flags / cflags)";
    DetMethods => "方法位掩码 (methods)", "Methods bitmask";
    DetSource => "数据来源", "Source";
    DetNode => "Kamailio 节点", "Kamailio node";
    NotSet => "—", "—";

    // Expiry
    StateActive => "有效", "active";
    StatePermanent => "永久", "permanent";
    StateExpired => "已过期", "expired";
    StateDeleted => "已删除", "deleted";
    SecondsLeft => "剩余 {n} 秒", "{n} s left";
    ExpiredAgo => "已过期 {n} 秒", "expired {n} s ago";

    // Delete (manual §1.4: 删除联系 = delete the specified user's registration)
    DeleteContact => "删除联系", "Delete contact";
    DeleteContactHint => "删除该用户的全部注册", "Remove all of this user's registrations";
    DeleteThisContact => "删除此联系地址", "Delete this contact";
    DeleteThisContactHint => "只删除这一个联系地址，保留该用户的其他联系地址", "Remove only this contact; the user's other contacts stay";
    ConfirmDeleteUserBody => "确定删除用户 {user} 的注册吗？该用户的全部联系地址都将被删除：", "Delete the registration of user {user}? All of the user's contacts will be removed:";
    ConfirmDeleteContactBody => "确定删除用户 {user} 的以下联系地址吗？该用户的其他联系地址将保留。", "Delete this contact of user {user}? The user's other contacts stay.";
    ConfirmIrreversible => "此操作直接修改 Kamailio 的注册数据，无法撤销。", "This changes Kamailio's registration data directly and cannot be undone.";
    Cancel => "取消", "Cancel";
    ConfirmDelete => "删除", "Delete";
    Deleting => "正在删除…", "Deleting…";
    DeletedUser => "已删除用户 {user} 的注册", "Deleted the registration of user {user}";
    DeletedContact => "已删除用户 {user} 的一个联系地址", "Deleted one contact of user {user}";
    DeleteFailed => "删除失败", "Delete failed";

    // States of the list
    Loading => "加载中…", "Loading…";
    Empty => "当前没有注册用户", "No registered users";
    EmptySearch => "没有用户名匹配“{q}”的注册", "No registrations match “{q}”";
    EmptyHint => "看不到注册用户？检查用户是否已注册、usrloc 模块配置，或尝试从内存加载。", "No users shown? Check that the user is registered and the usrloc configuration, or try Load from memory.";
    LoadFailed => "加载失败", "Loading failed";
    Retry => "重试", "Retry";
    Unavailable503 => "Kamailio 或数据库当前不可用（HTTP 503），请检查 Kamailio 进程与数据库连接。", "Kamailio or the database is unavailable (HTTP 503): check the Kamailio process and the database connection.";
    NetworkError => "无法连接 kamscope 服务器", "Cannot reach the kamscope server";
    DecodeError => "服务器返回了无法识别的数据", "The server's answer could not be read";
    HttpStatus => "HTTP 状态 {n}", "HTTP status {n}";

    // Paging and status line
    FirstPage => "第一页", "First page";
    PrevPage => "上一页", "Previous page";
    NextPage => "下一页", "Next page";
    PageN => "第 {n} 页", "Page {n}";
    RowsOnPage => "本页 {n} 条", "{n} rows on this page";
    UsersOnPage => "{n} 个用户", "{n} users";
    UpdatedAt => "更新于 {t}", "Updated {t}";
}

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
