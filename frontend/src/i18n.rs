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
    NotBuiltBody => "当前版本提供注册监控、对话管理和监控面板页面，本页面将在后续版本中提供。", "This version has the Registrations, Dialogs and Monitoring dashboard pages; this page comes in a later version.";
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

    // Shared
    NodeLabel => "Kamailio 节点", "Kamailio node";
    NodeDefault => "默认节点", "Default node";
    NodeAll => "全部节点", "All nodes";
    UptimeDays => "{d} 天 {h} 小时 {m} 分", "{d} d {h} h {m} min";
    UptimeHours => "{h} 小时 {m} 分", "{h} h {m} min";
    UptimeMinutes => "{m} 分 {s} 秒", "{m} min {s} s";
    ApplyFilter => "筛选", "Filter";
    ClearFilter => "清除筛选", "Clear filters";

    // Dialogs (manual §2: 对话管理, 活动对话（内存）, 对话记录（数据库）, 结束)
    DlgStatsTitle => "对话统计", "Dialog statistics";
    DlgStatActive => "活动对话", "Active";
    DlgStatActiveHint => "当前活动的对话（dialog:active_dialogs）", "Dialogs active now (dialog:active_dialogs)";
    DlgStatOngoing => "通话中", "Ongoing";
    DlgStatOngoingHint => "已接通的通话（dlg.stats_active）", "Answered calls in progress (dlg.stats_active)";
    DlgStatEarly => "建立中", "Setting up";
    DlgStatEarlyHint => "尚未接通的对话：发起 + 振铃 + 应答中（dlg.stats_active）", "Dialogs not yet answered: starting + connecting + answering (dlg.stats_active)";
    DlgStatProcessed => "已处理", "Processed";
    DlgStatProcessedHint => "Kamailio 启动以来处理的对话总数", "Dialogs handled since Kamailio started";
    DlgStatFailed => "失败", "Failed";
    DlgStatFailedHint => "Kamailio 启动以来失败的对话", "Dialogs that failed since Kamailio started";
    DlgStatExpired => "已超时", "Expired";
    DlgStatExpiredHint => "Kamailio 启动以来因超时结束的对话", "Dialogs ended by timeout since Kamailio started";
    DlgStatsSince => "已处理、失败、已超时为 Kamailio 启动以来的累计值。", "Processed, failed and expired count since Kamailio started.";
    FilterCallId => "Call-ID", "Call-ID";
    FilterCallIdPh => "完整的 Call-ID", "Exact Call-ID";
    FilterFrom => "主叫 (From)", "From";
    FilterFromPh => "From URI 的一部分", "Part of the From URI";
    FilterTo => "被叫 (To)", "To";
    FilterToPh => "To URI 的一部分", "Part of the To URI";
    FilterState => "状态", "State";
    FilterStateAny => "全部状态", "Any state";
    RefreshDialogsHint => "重新加载统计和全部列表", "Reload the statistics and every list";
    SecMemory => "活动对话（内存）", "Active dialogs (memory)";
    SecMemorySource => "数据来源：Kamailio 内存（dlg.list），即当前正在进行的通话。", "Source: Kamailio's memory (dlg.list): the calls in progress now.";
    SecDb => "对话记录（数据库）", "Dialog records (database)";
    SecDbSource => "数据来源：数据库 dialog 表。Kamailio 在通话结束时删除对应记录，因此这里只有尚未结束的对话。", "Source: the database's dialog table. Kamailio deletes a dialog's row when the call ends, so only dialogs not yet ended are here.";
    SecHistory => "已结束通话（CDR）", "Ended calls (CDRs)";
    SecHistorySource => "数据来源：数据库 acc_cdrs 表（acc 模块的 CDR），最新的在前。", "Source: the database's acc_cdrs table (the acc module's CDRs), newest first.";
    ColHashEntry => "Hash Entry", "Hash entry";
    ColHashId => "Hash ID", "Hash ID";
    ColCallId => "Call-ID", "Call-ID";
    ColFromUri => "From URI", "From URI";
    ColToUri => "To URI", "To URI";
    ColState => "状态", "State";
    ColStart => "开始时间", "Start";
    ColDuration => "时长", "Duration";
    ColNode => "节点", "Node";
    ColCaller => "主叫", "Caller";
    ColCallee => "被叫", "Callee";
    ColEnd => "结束时间", "End";
    DlgState1 => "未确认", "unconfirmed";
    DlgState2 => "早期对话", "early";
    DlgState3 => "已确认（未收到 ACK）", "confirmed (no ACK)";
    DlgState4 => "已确认", "confirmed";
    DlgState5 => "已删除", "deleted";
    DlgStateUnknown => "未知", "unknown";
    DlgNotAnswered => "未接通", "not answered";
    DetCallerTag => "主叫 tag", "Caller tag";
    DetCallerContact => "主叫联系地址", "Caller contact";
    DetCallerCseq => "主叫 CSeq", "Caller CSeq";
    DetCallerSocket => "主叫 Socket", "Caller socket";
    DetCalleeTag => "被叫 tag", "Callee tag";
    DetCalleeContact => "被叫联系地址", "Callee contact";
    DetCalleeCseq => "被叫 CSeq", "Callee CSeq";
    DetCalleeSocket => "被叫 Socket", "Callee socket";
    DetReqUri => "请求 URI", "Request URI";
    DetTimeout => "超时时间", "Timeout";
    DetVariables => "对话变量", "Dialog variables";
    DetNoVariables => "无（仅内存中的对话有变量）", "none (only dialogs in memory have variables)";
    EndDialog => "结束", "End";
    EndDialogHint => "结束此对话：Kamailio 向双方发送 BYE", "End this dialog: Kamailio sends BYE to both parties";
    EndDialogTitle => "结束对话", "End dialog";
    EndDialogBody => "确定结束以下对话吗？Kamailio 将向主叫和被叫双方发送 BYE，通话立即中断。", "End this dialog? Kamailio sends BYE to the caller and the callee; the call is cut off at once.";
    Ending => "正在结束…", "Ending…";
    EndFailed => "结束失败", "Ending failed";
    DialogEnded => "已结束对话 {call}", "Ended dialog {call}";
    DialogAlreadyEnded => "对话 {call} 已经结束", "Dialog {call} has already ended";
    DlgEmpty => "当前没有活动对话", "No active dialogs";
    DlgEmptyDb => "dialog 表中没有对话记录", "No dialog records in the dialog table";
    DlgEmptyHistory => "没有已结束通话的 CDR", "No CDRs of ended calls";
    DlgEmptyFiltered => "没有符合筛选条件的对话", "No dialogs match the filters";
    DlgEmptyHint => "看不到对话？检查 dialog 模块是否加载，以及通话是否经过 Kamailio。", "No dialogs shown? Check that the dialog module is loaded and that calls go through Kamailio.";
    DlgEmptyDbHint => "dialog 表需要 dialog 模块的 db_mode 大于 0。", "The dialog table needs the dialog module's db_mode above 0.";
    DlgEmptyHistoryHint => "CDR 需要 acc 模块的 cdr_enable。", "CDRs need the acc module's cdr_enable.";
    DlgRows => "本页 {n} 条", "{n} on this page";

    // Monitoring (manual §8: 监控面板, 系统状态, 注册用户数, 活动对话数, 今日呼叫, 健康检查)
    LastUpdated => "最后更新 {t}", "Last updated {t}";
    AutoRefresh => "每 5 秒自动刷新", "Refreshes every 5 s";
    AutoRefreshPaused => "自动刷新已暂停", "Auto-refresh paused";
    Pause => "暂停", "Pause";
    Resume => "继续", "Resume";
    PauseHint => "暂停 / 继续每 5 秒自动刷新", "Pause / resume refreshing every 5 s";
    RefreshNow => "立即刷新", "Refresh now";
    NodeRunning => "运行中", "Running";
    NodeDown => "不可用", "Down";
    NodeVersion => "版本", "Version";
    NodeUptime => "运行时间", "Uptime";
    NodeProcesses => "进程数", "Processes";
    NodeRegistered => "注册用户数", "Registered users";
    NodeContacts => "联系地址数", "Contacts";
    NodeActiveDialogs => "活动对话数", "Active dialogs";
    NodeEarlyDialogs => "早期对话数", "Early dialogs";
    SipCountersTitle => "SIP 统计（自启动以来）", "SIP counters (since start)";
    CntRequests => "收到的请求", "Requests received";
    CntInvites => "INVITE", "INVITE";
    CntRegisters => "REGISTER", "REGISTER";
    CntTransactions => "事务", "Transactions";
    CntActiveTransactions => "活动事务", "Active transactions";
    CntReplies => "最终应答", "Final replies";
    CallsTodayTitle => "今日呼叫", "Calls today";
    CallsTotal => "总数", "Total";
    CallsAnswered => "已接通", "Answered";
    CallsFailed => "失败", "Failed";
    CallsMissed => "未接", "Missed";
    CallsDate => "{date}（{tz}）", "{date} ({tz})";
    CallsTodayUnavailable => "无法统计今日呼叫", "Calls today are unavailable";
    HealthTitle => "健康检查", "Health checks";
    CheckOk => "正常", "OK";
    CheckDegraded => "降级", "Degraded";
    CheckDown => "故障", "Down";
    CheckedAt => "检查时间 {t}", "Checked at {t}";
    NoNodes => "未配置 Kamailio 节点", "No Kamailio nodes configured";

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
