//! Texts of the kit (ui/): list states, paging, filters, confirmations, jobs, formatters: `Key => "zh-CN", "en";`
//! (chained into the one `K` table by `i18n/mod.rs`).
macro_rules! list_keys {
    ($next:ident $(, $rest:ident)* ; $($acc:tt)*) => {
        $next! { $($rest),* ; $($acc)*
        Search => "搜索", "Search";
        ClearSearch => "清除搜索", "Clear search";
        Refresh => "刷新", "Refresh";
        PageSize => "每页条数", "Rows per page";
        ColActions => "操作", "Actions";
        ShowDetails => "展开详情", "Show details";
        HideDetails => "收起详情", "Hide details";
        NotSet => "—", "—";
        Cancel => "取消", "Cancel";
        // States of the list
        Loading => "加载中…", "Loading…";
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

        // Paging and status line
        FirstPage => "第一页", "First page";
        PrevPage => "上一页", "Previous page";
        NextPage => "下一页", "Next page";
        PageN => "第 {n} 页", "Page {n}";
        UpdatedAt => "更新于 {t}", "Updated {t}";

        // Formatters, clock and time range
        TimesIn => "时间按 {zone} 时区显示", "times in {zone}";
        AgoSeconds => "{n} 秒前", "{n} s ago";
        AgoMinutes => "{n} 分钟前", "{n} min ago";
        AgoHours => "{n} 小时前", "{n} h ago";
        AgoDays => "{n} 天前", "{n} d ago";
        TimeFrom => "开始时间", "From";
        TimeTo => "结束时间", "To";
        PresetAny => "不限时间", "Any time";
        Preset15m => "最近 15 分钟", "Last 15 min";
        Preset1h => "最近 1 小时", "Last hour";
        Preset24h => "最近 24 小时", "Last 24 hours";
        Preset7d => "最近 7 天", "Last 7 days";
        SortAsc => "升序排列", "Sort ascending";
        SortDesc => "降序排列", "Sort descending";

        // Jobs (GET /api/v1/jobs/{id}) and exports
        JobCancelling => "正在取消…", "Cancelling…";
        JobEta => "剩余约 {t}", "about {t} left";
        JobRunning => "进行中", "Running";
        JobSucceeded => "已完成", "Done";
        JobFailed => "失败", "Failed";
        JobCancelled => "已取消", "Cancelled";
        JobDoneOf => "{done} / {total}", "{done} / {total}";
        JobDone => "已处理 {done}", "{done} done";
        JobRate => "{rate} 条/秒", "{rate}/s";
        JobCancel => "取消任务", "Cancel job";
        JobCancelFailed => "取消失败", "Cancelling failed";
        DownloadCsv => "导出 CSV", "Export CSV";
        DownloadPcap => "导出 PCAP", "Export PCAP";
        }
    };
}
