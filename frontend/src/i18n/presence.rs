//! Texts of 存在服务 (manual §6): `Key => "zh-CN", "en";`
//! (chained into the one `K` table by `i18n/mod.rs`).
macro_rules! presence_keys {
    ($next:ident $(, $rest:ident)* ; $($acc:tt)*) => {
        $next! { $($rest),* ; $($acc)*
        // Tabs and sources (manual §6.2 Presentity, §6.3 Watchers)
        PresTabPresentity => "Presentity", "Presentity";
        PresTabWatchers => "Watchers", "Watchers";
        PresSrcPresentity => "数据来源：数据库 presentity 表（presence 模块保存的 PUBLISH 状态），按 ID 排列。", "Source: the database's presentity table (the states PUBLISH gave the presence module), by id.";
        PresSrcWatchers => "数据来源：数据库 active_watchers 表（订阅），授权状态来自 watchers 表，按 ID 排列。", "Source: the database's active_watchers table (subscriptions), their authorization from the watchers table, by id.";
        PresEmptyPresentity => "presentity 表中没有记录", "No records in the presentity table";
        PresEmptyWatchers => "active_watchers 表中没有订阅", "No subscriptions in the active_watchers table";
        PresEmptyFiltered => "没有符合筛选条件的记录", "No records match the filters";
        PresEmptyHint => "记录需要 presence 模块使用数据库（db_url），并且有用户发送 PUBLISH 或 SUBSCRIBE。", "Records need the presence module on the database (db_url) and users sending PUBLISH or SUBSCRIBE.";
        PresRefreshHint => "重新加载当前标签", "Reload this tab";
        PresRows => "本页 {n} 条", "{n} on this page";

        // Filters
        PresFilterUser => "用户名", "Username";
        PresFilterUserPh => "用户名的一部分", "Part of the username";
        PresFilterDomain => "域", "Domain";
        PresFilterDomainPh => "完整的域", "Exact domain";
        PresFilterEvent => "事件", "Event";
        PresFilterEventPh => "如 presence", "e.g. presence";
        PresFilterPresentity => "Presentity URI", "Presentity URI";
        PresFilterPresentityPh => "URI 的一部分", "Part of the URI";
        PresFilterWatcher => "Watcher", "Watcher";
        PresFilterWatcherPh => "用户名的一部分或 user@domain", "Part of the username, or user@domain";
        PresFilterStatus => "状态", "Status";
        PresFilterStatusAny => "全部状态", "Any status";

        // Columns (manual §6.2, §6.3)
        PresColUsername => "用户名", "Username";
        PresColDomain => "域", "Domain";
        PresColEvent => "事件", "Event";
        PresColExpires => "过期时间", "Expires";
        PresColReceived => "接收时间", "Received";
        PresColSender => "发送方", "Sender";
        PresColSize => "文档大小", "Document size";
        PresColPresentity => "Presentity URI", "Presentity URI";
        PresColWatcher => "Watcher", "Watcher";
        PresColStatus => "状态", "Status";
        PresColAuth => "授权状态", "Authorization";
        PresColContact => "联系地址", "Contact";
        PresExpired => "已过期", "expired";
        PresBytes => "{n} 字节", "{n} bytes";
        PresNoAuth => "无授权记录", "no authorization record";

        // Status labels (presence module subscribe.h)
        PresStatusActive => "活动", "active";
        PresStatusPending => "待定", "pending";
        PresStatusTerminated => "已终止", "terminated";
        PresStatusWaiting => "等待", "waiting";
        PresStatusUnknown => "未知", "unknown";

        // Details
        PresDetId => "记录 ID", "Record ID";
        PresDetEtag => "ETag", "ETag";
        PresDetPriority => "优先级", "Priority";
        PresDetRuid => "RUID", "RUID";
        PresDetDocument => "发布的文档", "Published document";
        PresDocEmpty => "（空文档）", "(empty document)";
        PresDocLoading => "正在加载文档…", "Loading the document…";
        PresDocFailed => "无法加载文档", "Could not load the document";
        PresDetReason => "原因", "Reason";
        PresDetAuthReason => "授权原因", "Authorization reason";
        PresDetAuthTime => "授权记录时间", "Authorization recorded";
        PresDetEventId => "事件 ID", "Event id";
        PresDetLocalContact => "本地联系地址", "Local contact";
        PresDetCallId => "Call-ID", "Call-ID";
        PresDetFromTag => "From tag", "From tag";
        PresDetToTag => "To tag", "To tag";
        PresDetCseq => "CSeq（本地 / 远端）", "CSeq (local / remote)";
        PresDetVersion => "版本", "Version";
        PresDetSocket => "Socket", "Socket";
        PresDetUserAgent => "User-Agent", "User-Agent";

        // Clean expired (manual §6.4)
        PresClean => "清理过期", "Clean expired";
        PresCleanHint => "清理过期的 Presentity 和 Watcher 记录（presence.cleanup）", "Remove expired presentity and watcher records (presence.cleanup)";
        PresCleanTitle => "清理过期的存在服务记录", "Clean expired presence records";
        PresCleanBody => "Kamailio 先执行 presence.cleanup，然后 kamscope 删除仍然留下的已过期记录。未过期的记录不受影响。删除后无法恢复。", "Kamailio runs presence.cleanup first, then kamscope removes the expired rows still left. Rows that have not expired stay. Removed rows cannot be restored.";
        PresCleanOk => "清理", "Clean";
        PresCleaning => "正在清理…", "Cleaning…";
        PresCleanFailed => "清理失败", "Cleanup failed";
        PresCleanDone => "已清理过期记录：共 {n} 条", "Expired records removed: {n} in all";
        PresCleanResult => "上次清理（节点 {node}，截止 {cutoff}，Kamailio 回答：{answer}）", "Last cleanup (node {node}, cutoff {cutoff}, Kamailio answered: {answer})";
        PresCleanColTable => "表", "Table";
        PresCleanColRemoved => "已删除", "Removed";
        PresCleanColKamailio => "由 Kamailio 删除", "By Kamailio";
        PresCleanColKamscope => "由 kamscope 删除", "By kamscope";

        // Refresh watchers (manual §6.5 presence.refreshWatchers)
        PresRefreshWatchers => "刷新订阅者", "Refresh watchers";
        PresRefreshWatchersHint => "让 Kamailio 重新向该 Presentity 的订阅者发送 NOTIFY（presence.refreshWatchers）", "Have Kamailio notify this presentity's watchers again (presence.refreshWatchers)";
        PresRefreshTitle => "刷新订阅者", "Refresh watchers";
        PresRefreshBody => "Kamailio 将重新通知该 Presentity 的订阅者。", "Kamailio notifies the presentity's watchers again.";
        PresRefreshUri => "Presentity URI", "Presentity URI";
        PresRefreshEvent => "事件", "Event";
        PresRefreshType => "刷新类型", "Refresh type";
        PresRefreshType0 => "0 · 授权已变更（需要 xcap 表中的 pres-rules 文档）", "0 · authorization changed (needs a pres-rules document in xcap)";
        PresRefreshType1 => "1 · 发布的状态已变更", "1 · published state changed";
        PresRefreshOk => "刷新", "Refresh";
        PresRefreshing => "正在刷新…", "Refreshing…";
        PresRefreshFailed => "Kamailio 未能刷新订阅者", "Kamailio did not refresh the watchers";
        PresRefreshNeedUri => "请填写 Presentity URI（如 sip:alice@example.com）", "Enter the presentity URI (e.g. sip:alice@example.com)";
        PresRefreshDone => "已刷新 {uri} 的订阅者", "Watchers of {uri} refreshed";
        }
    };
}
