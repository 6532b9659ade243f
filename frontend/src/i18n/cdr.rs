//! Texts of CDR 记录 (manual §3): `Key => "zh-CN", "en";`
//! (chained into the one `K` table by `i18n/mod.rs`).
macro_rules! cdr_keys {
    ($next:ident $(, $rest:ident)* ; $($acc:tt)*) => {
        $next! { $($rest),* ; $($acc)*
        // Today's figures (manual §3.5: 今日呼叫总数, 成功呼叫数, 失败呼叫数, 未接来电数)
        CdrTodayTitle => "今日呼叫", "Calls today";
        CdrStatTotal => "今日呼叫总数", "Calls today";
        CdrStatTotalHint => "acc 表中有最终应答的 INVITE：成功 + 失败", "INVITEs in the acc table with a final reply: successful + failed";
        CdrStatAnswered => "成功呼叫数", "Successful calls";
        CdrStatAnsweredHint => "acc 表中以 200–299 应答的 INVITE", "INVITEs in the acc table answered 2xx";
        CdrStatFailed => "失败呼叫数", "Failed calls";
        CdrStatFailedHint => "acc 表中应答 300 及以上的 INVITE", "INVITEs in the acc table answered 300 or above";
        CdrStatMissed => "未接来电数", "Missed calls";
        CdrStatMissedHint => "missed_calls 表中的 INVITE（db_missed_flag）；失败呼叫同时写入两表时两处各计一次", "INVITEs in the missed_calls table (db_missed_flag); a failed call written to both tables counts once in each";
        CdrCountedIn => "按 {tz} 时区统计", "counted in {tz}";
        CdrStatsUnavailable => "无法读取今日统计", "Today's figures are unavailable";

        // Tabs (manual §3.2: CDR 记录, 未接来电)
        CdrTabRecords => "CDR 记录", "CDR records";
        CdrTabMissed => "未接来电", "Missed calls";
        CdrTabCalls => "通话", "Calls";
        CdrTabKpis => "KPI 指标", "KPIs";
        CdrSrcRecords => "数据来源：数据库 acc 表（acc 模块记录的每个事务：INVITE、BYE 等），最新的在前。", "Source: the database's acc table (each transaction the acc module recorded: INVITE, BYE...), newest first.";
        CdrSrcMissed => "数据来源：数据库 missed_calls 表（acc 模块的 db_missed_flag），最新的在前。", "Source: the database's missed_calls table (the acc module's db_missed_flag), newest first.";
        CdrSrcCallsAcc => "数据来源：acc 表，每个已接通的 INVITE 与其 BYE 配对（相同 Call-ID 与对话 tag，主叫或被叫挂断均可），最新的在前。", "Source: the acc table, each answered INVITE paired with its BYE (same Call-ID and dialog tags, whoever hung up), newest first.";
        CdrSrcCallsAccCdrs => "数据来源：acc_cdrs 表（acc 模块的 cdr_enable），每个对话结束时写入一行，最新的在前。", "Source: the acc_cdrs table (the acc module's cdr_enable), one row written when each dialog ends, newest first.";
        CdrSrcKpis => "呼叫尝试：acc 与 missed_calls 中每个 (Call-ID, From tag) 计一次，去掉 401/407 认证质询，不计 re-INVITE，以最后的最终应答为准。", "A seizure is one call attempt: one per (Call-ID, From tag) over acc and missed_calls, 401/407 challenges dropped, re-INVITEs not counted, its last final reply deciding.";
        CdrKpiFormulas => "ASR = 应答 / 呼叫尝试（ITU-T E.411）；NER = 以 200、486、480、600、603 结束的呼叫尝试 / 呼叫尝试（ITU-T E.425）；SER = 应答 / (呼叫尝试 − 重定向)，SEER = 上述有效呼叫 / (呼叫尝试 − 重定向)（RFC 6076）；ACD = 已结束的应答通话的平均时长。487（主叫取消）计入呼叫尝试，但不是应答也不是有效呼叫。", "ASR = answered / seizures (ITU-T E.411); NER = seizures ending in 200, 486, 480, 600 or 603 / seizures (ITU-T E.425); SER = answered / (seizures − redirected), SEER = those effective seizures / (seizures − redirected) (RFC 6076); ACD = mean duration of the answered calls that have ended. 487 (caller cancelled) counts as a seizure, neither answered nor effective.";

        // Filters (manual §3.3: 主叫用户, 被叫用户, Call ID, 开始时间, 结束时间, SIP 状态码)
        CdrFilterCaller => "主叫用户", "Caller";
        CdrFilterCallerPh => "完整的主叫用户名", "Exact caller username";
        CdrFilterCallee => "被叫用户", "Callee";
        CdrFilterCalleePh => "完整的被叫用户名", "Exact callee username";
        CdrFilterCallId => "Call ID", "Call ID";
        CdrFilterCallIdPh => "完整的 Call-ID", "Exact Call-ID";
        CdrFilterSipCode => "SIP 状态码", "SIP status code";
        CdrFilterSipCodePh => "例如 486", "e.g. 486";
        CdrFilterMethod => "SIP 方法", "SIP method";
        CdrFilterMethodAny => "全部方法", "Any method";
        CdrBadSipCode => "SIP 状态码应为 100 到 699 之间的整数", "The SIP status code is a whole number from 100 to 699";
        CdrCallsFilterNote => "通话列表按主叫、被叫、Call ID 和开始时间筛选；SIP 状态码和方法不适用。", "Calls are filtered by caller, callee, Call ID and start time; the SIP status code and method do not apply.";
        CdrKpiFilterNote => "KPI 统计时间范围内的全部呼叫（未设置时为今天）；其他筛选条件不适用。", "KPIs count every call in the time range (today when none is set); the other filters do not apply.";
        CdrRefreshHint => "重新加载今日统计和当前标签", "Reload today's figures and this tab";

        // Records and missed calls (manual §3.4)
        CdrColTime => "时间", "Time";
        CdrColMethod => "方法", "Method";
        CdrColCallId => "Call-ID", "Call-ID";
        CdrColSipCode => "SIP 状态码", "SIP code";
        CdrColSipReason => "SIP 原因", "SIP reason";
        CdrColSrcUser => "主叫用户", "Caller";
        CdrColDstUser => "被叫用户", "Callee";
        CdrColSrcIp => "主叫 IP", "Caller IP";
        CdrDetId => "记录 ID", "Record ID";
        CdrDetFromTag => "From tag", "From tag";
        CdrDetToTag => "To tag", "To tag";
        CdrDetSrcDomain => "主叫域", "Caller domain";
        CdrDetDstOuser => "所拨号码（To 用户）", "Number dialled (To user)";
        CdrDetDstDomain => "被叫域", "Callee domain";
        CdrDetExtra => "其他字段（db_extra）", "Other columns (db_extra)";
        CdrEmpty => "acc 表中没有记录", "No records in the acc table";
        CdrEmptyMissed => "missed_calls 表中没有记录", "No records in the missed_calls table";
        CdrEmptyCalls => "没有已接通的通话", "No answered calls";
        CdrEmptyFiltered => "没有符合筛选条件的记录", "No records match the filters";
        CdrEmptyHint => "CDR 需要 acc 模块把记录写入数据库（acc 的 db_url 和 db_flag）。", "CDRs need the acc module writing to the database (acc's db_url and db_flag).";
        CdrEmptyMissedHint => "未接来电需要 acc 模块的 db_missed_flag。", "Missed calls need the acc module's db_missed_flag.";
        CdrEmptyCallsHint => "通话由 acc 表中的 INVITE 与 BYE 配对而来；acc_cdrs 来源需要 acc 的 cdr_enable。", "Calls are paired from the INVITEs and BYEs of the acc table; the acc_cdrs source needs acc's cdr_enable.";
        CdrRows => "本页 {n} 条", "{n} on this page";

        // Calls
        CdrCallSource => "数据来源", "Source";
        CdrSourceAcc => "acc（INVITE 与 BYE 配对）", "acc (INVITE/BYE pairs)";
        CdrSourceAccCdrs => "acc_cdrs（对话 CDR）", "acc_cdrs (dialog CDRs)";
        CdrColStart => "开始时间", "Start";
        CdrColEnd => "结束时间", "End";
        CdrColDuration => "时长", "Duration";
        CdrColCaller => "主叫", "Caller";
        CdrColCallee => "被叫", "Callee";
        CdrColOutcome => "结果", "Outcome";
        CdrColEndedBy => "挂断方", "Ended by";
        CdrOutEnded => "已结束", "ended";
        CdrOutUp => "通话中", "up";
        CdrOutFailed => "未接通", "not answered";
        CdrByCaller => "主叫", "caller";
        CdrByCallee => "被叫", "callee";
        CdrByKamailio => "Kamailio（无 BYE）", "Kamailio (no BYE)";

        // KPIs
        CdrGroupBy => "分组", "Group by";
        CdrGroupHour => "按小时", "By hour";
        CdrGroupDay => "按天", "By day";
        CdrGroupCaller => "按主叫", "By caller";
        CdrGroupCallee => "按被叫", "By callee";
        CdrKpiHour => "小时", "Hour";
        CdrKpiDay => "日期", "Day";
        CdrKpiUser => "用户", "User";
        CdrKpiSeizures => "呼叫尝试", "Seizures";
        CdrKpiAnswered => "应答", "Answered";
        CdrKpiAsr => "ASR", "ASR";
        CdrKpiNer => "NER", "NER";
        CdrKpiSer => "SER", "SER";
        CdrKpiSeer => "SEER", "SEER";
        CdrKpiAcd => "ACD", "ACD";
        CdrKpiTotal => "合计", "Total";
        CdrKpiEmpty => "该时间范围内没有呼叫尝试", "No call attempts in this time range";
        CdrChartCalls => "呼叫尝试", "Seizures";
        CdrChartAsr => "ASR（%，最高 {max}%）", "ASR (%, top {max}%)";
        CdrSeconds => "{n} 秒", "{n} s";
        }
    };
}
