//! Texts of SIP 跟踪 (manual §4): the search, the message pane, the call flow (ladder,
//! message, compare) and the links to it from other pages: `Key => "zh-CN", "en";`
//! (chained into the one `K` table by `i18n/mod.rs`).
macro_rules! siptrace_keys {
    ($next:ident $(, $rest:ident)* ; $($acc:tt)*) => {
        $next! { $($rest),* ; $($acc)*
        // The filter form (manual §4.2: 按 Call-ID、用户、方法、IP 搜索)
        TrFilterCallId => "Call-ID", "Call-ID";
        TrFilterCallIdPh => "完整的 Call-ID", "Exact Call-ID";
        TrFilterUser => "跟踪用户", "Traced user";
        TrFilterUserPh => "traced_user 的值", "Value of traced_user";
        TrFilterMethod => "方法", "Method";
        TrMethodAny => "全部方法", "Any method";
        TrFilterStatus => "响应码", "Status";
        TrFilterStatusPh => "如 486", "e.g. 486";
        TrBadStatus => "响应码应为 100 到 699 之间的整数", "The status is a whole number from 100 to 699";
        TrFilterFromIp => "源地址", "From address";
        TrFilterToIp => "目的地址", "To address";
        TrFilterIpPh => "IP、IP:端口 或 udp:IP:端口", "IP, IP:port or udp:IP:port";
        TrFilterDirection => "方向", "Direction";
        TrDirAny => "全部方向", "Any direction";
        TrDirIn => "Kamailio 接收", "received by Kamailio";
        TrDirOut => "Kamailio 发送", "sent by Kamailio";
        TrRefreshHint => "重新搜索", "Search again";

        // The window the server used (the reply's `window`)
        TrWindow => "搜索的时间范围：", "Time window searched:";
        TrWindowRange => "{from} 至 {to}", "{from} to {to}";
        TrWindowSince => "{from} 起", "since {from}";
        TrWindowUntil => "{to} 之前", "until {to}";
        TrWindowAll => "不限时间（按有索引的列搜索）", "no time bound (an indexed search)";
        TrWindowDefaulted => "默认范围：未指定时间时为最近 1 小时", "the default: the last hour when no time is given";
        TrWindowMax => "最长 {n}", "at most {n}";
        TrDays => "{n} 天", "{n} days";
        TrHours => "{n} 小时", "{n} h";

        // The results
        TrTitle => "SIP 消息", "SIP messages";
        TrSrc => "数据来源：数据库 sip_trace 表（siptrace 模块），最新的在前，时间精确到微秒。", "Source: the database's sip_trace table (the siptrace module), newest first, times to the microsecond.";
        TrEmpty => "sip_trace 表中没有记录", "No records in the sip_trace table";
        TrEmptyFiltered => "没有符合筛选条件的消息", "No messages match the filters";
        TrEmptyHint => "记录需要 siptrace 模块写入数据库（trace_to_database 1）。搜索有时间范围时，可以选择更长的范围。", "Records need the siptrace module writing to the database (trace_to_database 1). When the search has a time window, choose a longer one.";
        TrRows => "本页 {n} 条", "{n} on this page";
        TrColTime => "时间", "Time";
        TrColMethod => "方法 / 响应", "Method / status";
        TrColFirstLine => "首行", "First line";
        TrColRoute => "源 → 目的", "From → to";
        TrColDirection => "方向", "Direction";
        TrColCallId => "Call-ID", "Call-ID";
        TrView => "查看", "View";
        TrViewHint => "打开此 Call-ID 的呼叫流程", "Open this Call-ID's call flow";
        TrCallIdAsked => "Call-ID：{id}", "Call-ID: {id}";
        TrViewFlow => "查看呼叫流程", "View the call flow";

        // One message (GET /traces/{id})
        TrHeaders => "{n} 个头部", "{n} headers";
        TrBody => "消息体 {n} 字节", "body {n} bytes";
        TrTracedUser => "跟踪用户", "Traced user";
        TrClose => "关闭", "Close";

        // The call flow
        TrFlowTitle => "呼叫流程", "Call flow";
        TrFlowSrc => "数据来源：数据库 sip_trace 表，按时间排序；同一消息的重复记录只显示一次。", "Source: the database's sip_trace table, in time order; a message stored more than once is shown once.";
        TrBack => "返回搜索", "Back to the search";
        TrFlowCount => "{m} 条消息，{e} 个端点", "{m} messages, {e} endpoints";
        TrTruncated => "消息太多：只显示前 10,000 条。", "Too many messages: only the first 10,000 are shown.";
        TrTimesAbs => "绝对时间", "Absolute times";
        TrTimesDelta => "与上一条的间隔", "Delta to previous";
        TrKamailio => "Kamailio", "Kamailio";
        TrKindReq => "请求", "request";
        TrKind1 => "1xx 临时响应", "1xx provisional";
        TrKind2 => "2xx 成功", "2xx success";
        TrKind3 => "3xx 重定向", "3xx redirect";
        TrKindErr => "4xx–6xx 失败", "4xx–6xx failure";
        TrSdp => "带 SDP", "carries SDP";
        TrDownloadText => "导出文本", "Export text";
        TrAddCallId => "添加 Call-ID", "Add Call-ID";
        TrAddCallIdPh => "同一呼叫的另一段（B2BUA）", "Another leg of the call (B2BUA)";
        TrAdd => "添加", "Add";
        TrRemoveCallId => "移除此 Call-ID", "Remove this Call-ID";
        TrClickHint => "点击箭头查看消息；勾选两条消息后可以比较。", "Click an arrow to see its message; tick two messages to compare them.";
        TrMarkHint => "勾选以比较", "Tick to compare";
        TrPrev => "上一条", "Previous";
        TrNext => "下一条", "Next";
        TrMsgOf => "第 {i} 条，共 {n} 条", "Message {i} of {n}";
        TrAlso => "另存 {n} 次（traced_user）", "stored {n} more times (traced_user)";
        TrSince => "距第一条 {t}", "{t} after the first";
        TrCompare => "比较", "Compare";
        TrCompareHint => "比较勾选的两条消息", "Compare the two ticked messages";
        TrMarked => "已勾选 {n} / 2", "{n} / 2 ticked";
        TrCompareTitle => "比较两条消息", "Two messages compared";
        TrDiffLegend => "标记的行只出现在其中一条消息中或内容不同。", "Marked lines differ or are in one message only.";
        TrDiffSame => "两条消息内容相同。", "The two messages are the same.";
        TrDiffCount => "不同的行：{n}", "Lines that differ: {n}";
        TrCompareClose => "结束比较", "End the comparison";

        // Links from other pages (dialogs, CDRs)
        TrFlowLinkHint => "在 SIP 跟踪中查看此 Call-ID 的呼叫流程", "Show this Call-ID's call flow in the SIP trace";
        }
    };
}
