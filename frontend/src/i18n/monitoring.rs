//! Texts of 监控面板 (manual §8): `Key => "zh-CN", "en";`
//! (chained into the one `K` table by `i18n/mod.rs`).
macro_rules! monitoring_keys {
    ($next:ident $(, $rest:ident)* ; $($acc:tt)*) => {
        $next! { $($rest),* ; $($acc)*
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
        CheckedAt => "检查时间 {t}", "Checked at {t}";
        NoNodes => "未配置 Kamailio 节点", "No Kamailio nodes configured";
        }
    };
}
