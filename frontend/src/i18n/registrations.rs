//! Texts of 注册监控 (manual §1): `Key => "zh-CN", "en";`
//! (chained into the one `K` table by `i18n/mod.rs`).
macro_rules! registrations_keys {
    ($next:ident $(, $rest:ident)* ; $($acc:tt)*) => {
        $next! { $($rest),* ; $($acc)*
        // Registrations toolbar
        SearchLabel => "用户名", "Username";
        SearchPlaceholder => "按用户名搜索", "Search by username";
        RefreshHint => "刷新注册列表", "Reload the registration list";
        LoadFromMemory => "从内存加载", "Load from memory";
        LoadFromMemoryHint => "从 Kamailio 内存获取最新数据", "Take the latest data from Kamailio's memory";
        LoadFromDb => "从数据库加载", "Load from database";
        LoadFromDbHint => "显示数据库中的注册记录", "Show the registrations stored in the database";
        SourceLabel => "数据来源", "Source";
        SourceDb => "数据库", "Database";
        SourceMemory => "Kamailio 内存", "Kamailio memory";

        // Registrations table (manual §1.3)
        ColUsername => "用户名", "Username";
        ColDomain => "域", "Domain";
        ColContact => "联系地址", "Contact";
        ColExpires => "过期时间", "Expires";
        ColUserAgent => "User-Agent", "User-Agent";
        ColReceived => "接收来源", "Received";
        ColSocket => "Socket", "Socket";
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
        ConfirmDelete => "删除", "Delete";
        Deleting => "正在删除…", "Deleting…";
        DeletedUser => "已删除用户 {user} 的注册", "Deleted the registration of user {user}";
        DeletedContact => "已删除用户 {user} 的一个联系地址", "Deleted one contact of user {user}";
        DeleteFailed => "删除失败", "Delete failed";

        Empty => "当前没有注册用户", "No registered users";
        EmptySearch => "没有用户名匹配“{q}”的注册", "No registrations match “{q}”";
        EmptyHint => "看不到注册用户？检查用户是否已注册、usrloc 模块配置，或尝试从内存加载。", "No users shown? Check that the user is registered and the usrloc configuration, or try Load from memory.";
        RowsOnPage => "本页 {n} 条", "{n} rows on this page";
        UsersOnPage => "{n} 个用户", "{n} users";
        }
    };
}
