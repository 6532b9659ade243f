//! Texts of 拓扑隐藏 (manual §5) and the cleanup dialog (manual §4.6, §5.3): `Key => "zh-CN", "en";`
//! (chained into the one `K` table by `i18n/mod.rs`).
macro_rules! topos_keys {
    ($next:ident $(, $rest:ident)* ; $($acc:tt)*) => {
        $next! { $($rest),* ; $($acc)*
        // Tabs and sources (manual §5.2: 查看当前的拓扑隐藏对话)
        ToposTabDialogs => "拓扑隐藏对话", "Dialogs";
        ToposTabTransactions => "拓扑隐藏事务", "Transactions";
        ToposSrcDialogs => "数据来源：数据库 topos_d 表（topos 模块为每个对话保存两侧的真实地址），最新的在前。topos 在对话结束 dialog_expire 后自行删除记录。", "Source: the database's topos_d table (the topos module keeps both sides' real addresses per dialog), newest first. topos removes a record itself dialog_expire after the call.";
        ToposSrcTransactions => "数据来源：数据库 topos_t 表（topos 模块为每个事务分支保存的记录），最新的在前。topos 在 branch_expire 后自行删除记录。", "Source: the database's topos_t table (what the topos module keeps per transaction branch), newest first. topos removes a record itself after branch_expire.";
        ToposEmptyDialogs => "topos_d 表中没有记录", "No records in the topos_d table";
        ToposEmptyTransactions => "topos_t 表中没有记录", "No records in the topos_t table";
        ToposEmptyFiltered => "没有符合筛选条件的记录", "No records match the filters";
        ToposEmptyHint => "记录需要 topos 模块使用数据库存储（storage 为 db，并设置 db_url）。", "Records need the topos module storing to the database (storage db, with its db_url).";
        ToposFilterCallId => "Call ID", "Call ID";
        ToposFilterCallIdPh => "完整的 A 侧 Call-ID", "Exact a-side Call-ID";
        ToposRefreshHint => "重新加载当前标签", "Reload this tab";
        ToposRows => "本页 {n} 条", "{n} on this page";

        // Columns
        ToposColTime => "记录时间", "Recorded";
        ToposColMethod => "方法", "Method";
        ToposColCallId => "Call-ID", "Call-ID";
        ToposColAUri => "A 侧 URI", "A-side URI";
        ToposColBUri => "B 侧 URI", "B-side URI";
        ToposColRUri => "请求 URI", "Request URI";
        ToposColAContact => "A 侧联系地址（真实 / 对外）", "A-side Contact (real / wire)";
        ToposColBContact => "B 侧联系地址（真实 / 对外）", "B-side Contact (real / wire)";
        ToposColSockets => "Socket A/B", "Socket A/B";
        ToposColDirection => "方向", "Direction";
        ToposDownstream => "下行（主叫 → 被叫）", "downstream (caller → callee)";
        ToposUpstream => "上行（被叫 → 主叫）", "upstream (callee → caller)";
        ToposTraceLink => "SIP 跟踪", "SIP trace";
        ToposTraceLinkHint => "在 SIP 跟踪中查看此 Call-ID 的呼叫流程", "Show this Call-ID's call flow in the SIP trace";

        // Details
        ToposDetId => "记录 ID", "Record ID";
        ToposDetCseq => "CSeq", "CSeq";
        ToposDetAUuid => "A 侧 UUID", "A-side UUID";
        ToposDetBUuid => "B 侧 UUID", "B-side UUID";
        ToposDetATag => "A 侧 tag", "A-side tag";
        ToposDetBTag => "B 侧 tag", "B-side tag";
        ToposDetXTag => "事务 tag", "Transaction tag";
        ToposDetASrc => "A 侧来源地址", "A-side source address";
        ToposDetBSrc => "B 侧来源地址", "B-side source address";
        ToposDetASocket => "A 侧 Socket", "A-side socket";
        ToposDetBSocket => "B 侧 Socket", "B-side socket";
        ToposDetAsContact => "A 侧对外联系地址（atpsh）", "A-side Contact on the wire (atpsh)";
        ToposDetBsContact => "B 侧对外联系地址（btpsh）", "B-side Contact on the wire (btpsh)";
        ToposDetIflags => "内部标志", "Internal flags";
        ToposDetVia => "Via", "Via";
        ToposDetVbranch => "Via branch", "Via branch";

        // The cleanup (manual §4.6 and §5.3: 点击 清理 按钮, 默认清理 N 天前的记录, 确认操作)
        CleanButton => "清理", "Clean";
        CleanHint => "删除早于指定天数的记录（先显示将删除的数量）", "Remove records older than a number of days (shows how many first)";
        CleanToposTitle => "清理拓扑隐藏记录", "Clean topology hiding records";
        CleanTraceTitle => "清理 SIP 跟踪记录", "Clean SIP trace records";
        CleanDays => "清理多少天前的记录", "Remove records older than (days)";
        CleanDaysUnit => "天", "days";
        CleanBadDays => "天数应为 1 到 3650 之间的整数", "The number of days is a whole number from 1 to 3650";
        CleanCounting => "正在统计将删除的记录…", "Counting the records that would go…";
        CleanCountFailed => "无法统计将删除的记录", "Could not count the records that would go";
        CleanColTable => "表", "Table";
        CleanColCutoff => "截止时间（早于此时间的记录）", "Cutoff (records before it)";
        CleanColRows => "将删除", "Would go";
        CleanColRemoved => "已删除", "Removed";
        CleanTotal => "合计", "Total";
        CleanNothing => "没有早于截止时间的记录，无需清理。", "No records are older than the cutoff: nothing to clean.";
        CleanNote => "截止时间在任务开始时确定，之后写入的记录不受影响；记录分批删除（每批 10,000 条），Kamailio 可以继续写入。删除后无法恢复。", "The cutoff is fixed when the job starts; records written after it stay. Records go in batches of 10,000, so Kamailio keeps writing. Removed records cannot be restored.";
        CleanStart => "开始清理", "Start cleaning";
        CleanStarting => "正在启动…", "Starting…";
        CleanStartFailed => "清理未能启动", "The cleanup did not start";
        CleanConflict => "同一数据的另一个清理任务正在进行（HTTP 409），请等它结束后再试。", "Another cleanup of these tables is running (HTTP 409): try again when it has finished.";
        CleanClose => "关闭", "Close";
        CleanResultDone => "清理完成", "Cleanup finished";
        CleanResultCancelled => "清理已取消：已删除的记录如下，其余记录保留。", "Cleanup cancelled: what was removed is below, the other records stay.";
        CleanResultFailed => "清理失败", "Cleanup failed";
        CleanLast => "上次清理：{what}", "Last cleanup: {what}";
        CleanLastRows => "{table} {n} 条", "{table} {n} rows";
        }
    };
}
