//! Texts of the shell: navigation, page titles and descriptions, system status: `Key => "zh-CN", "en";`
//! (chained into the one `K` table by `i18n/mod.rs`).
macro_rules! shell_keys {
    ($next:ident $(, $rest:ident)* ; $($acc:tt)*) => {
        $next! { $($rest),* ; $($acc)*
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
        NotBuiltBody => "当前版本提供注册监控、对话管理、CDR 记录、拓扑隐藏和监控面板页面（SIP 跟踪目前提供清理旧记录），本页面将在后续版本中提供。", "This version has the Registrations, Dialogs, CDR records, Topology hiding and Monitoring dashboard pages (the SIP trace page cleans old records for now); this page comes in a later version.";
        GoToLocations => "前往注册监控", "Go to Registrations";
        NotFoundTitle => "页面不存在", "Page not found";
        NotFoundBody => "地址 {path} 没有对应的页面。", "There is no page at {path}.";

        // Health (manual §8: 系统状态, 数据库连接, RPC 接口)
        HealthLabel => "系统状态", "System status";
        CheckOk => "正常", "OK";
        CheckDegraded => "降级", "Degraded";
        CheckDown => "故障", "Down";
        HealthUnknown => "未知", "Unknown";
        HealthUnreachable => "无法连接 API", "API unreachable";
        CheckDatabase => "数据库连接", "Database connection";
        CheckRpc => "RPC 接口", "RPC interface";
        ProcessCount => "{n} 个进程", "{n} processes";
        CheckProcesses => "Kamailio 进程", "Kamailio processes";
        }
    };
}
