//! Texts of 离线消息 (manual §7): `Key => "zh-CN", "en";`
//! (chained into the one `K` table by `i18n/mod.rs`).
macro_rules! msilo_keys {
    ($next:ident $(, $rest:ident)* ; $($acc:tt)*) => {
        $next! { $($rest),* ; $($acc)*
        MsgList => "待投递的消息", "Messages waiting for delivery";
        MsgSrc => "数据来源：数据库 silo 表（msilo 模块为离线用户保存的 MESSAGE），最早的在前（投递顺序）。用户注册时 msilo 投递并删除消息。", "Source: the database's silo table (the MESSAGEs msilo keeps for offline users), oldest first (delivery order). msilo delivers and removes them when the user registers.";
        MsgEmpty => "silo 表中没有待投递的消息", "No messages waiting in the silo table";
        MsgEmptyFiltered => "没有符合筛选条件的消息", "No messages match the filters";
        MsgEmptyHint => "消息需要 msilo 模块使用数据库（db_url），并在用户离线时调用 m_store()。", "Messages need the msilo module on the database (db_url), calling m_store() while the user is offline.";
        MsgRefreshHint => "重新加载消息列表", "Reload the message list";
        MsgRows => "本页 {n} 条", "{n} on this page";

        // Filters
        MsgFilterSrc => "源地址", "Source address";
        MsgFilterSrcPh => "发送者 URI 的一部分", "Part of the sender's URI";
        MsgFilterDst => "目标地址", "Destination address";
        MsgFilterDstPh => "接收者 URI 的一部分", "Part of the recipient's URI";

        // Columns (manual §7.3)
        MsgColSrc => "源地址", "Source address";
        MsgColDst => "目标地址", "Destination address";
        MsgColStored => "存储时间", "Stored";
        MsgColExpires => "过期时间", "Expires";
        MsgColCtype => "内容类型", "Content type";
        MsgColBody => "消息内容（预览）", "Body (preview)";
        MsgExpired => "已过期", "expired";
        MsgBytes => "{n} 字节", "{n} bytes";

        // Details
        MsgDetId => "消息 ID", "Message ID";
        MsgDetAccount => "接收账户", "Recipient account";
        MsgDetSndTime => "提醒发送时间", "Reminder time";
        MsgDetCallId => "Call-ID", "Call-ID";
        MsgDetStatus => "状态", "Status";
        MsgDetSize => "大小", "Size";
        MsgDetExtra => "附加头", "Extra headers";
        MsgDetBody => "消息内容", "Body";
        MsgBodyEmpty => "（空消息）", "(empty body)";
        MsgBodyLoading => "正在加载消息内容…", "Loading the body…";
        MsgBodyFailed => "无法加载消息内容", "Could not load the body";

        // Delete (manual §7.4)
        MsgDelete => "删除", "Delete";
        MsgDeleteHint => "删除这条消息：它将不会被投递", "Delete this message: it will not be delivered";
        MsgDeleteTitle => "删除离线消息", "Delete the offline message";
        MsgDeleteBody => "这条消息将从 silo 表中删除，不会再投递给接收者。删除后无法恢复。", "The message is removed from the silo table and will not be delivered. It cannot be restored.";
        MsgDeleting => "正在删除…", "Deleting…";
        MsgDeleteFailed => "删除失败", "Deleting failed";
        MsgDeleted => "已删除消息 {id}", "Message {id} deleted";
        MsgAlreadyGone => "消息 {id} 已不存在（可能已投递或已删除）", "Message {id} is gone already (delivered or removed)";

        // Clean expired (manual §7.4)
        MsgClean => "清理过期", "Clean expired";
        MsgCleanHint => "删除所有已过期的消息", "Remove every expired message";
        MsgCleanTitle => "清理过期的离线消息", "Clean expired offline messages";
        MsgCleanBody => "过期时间已过的消息将从 silo 表中删除；未过期的消息保留。删除后无法恢复。", "Messages whose expiry time has passed are removed from the silo table; the others stay. Removed messages cannot be restored.";
        MsgCleaning => "正在清理…", "Cleaning…";
        MsgCleanFailed => "清理失败", "Cleanup failed";
        MsgCleanDone => "已清理过期消息：{n} 条", "Expired messages removed: {n}";
        MsgCleanResult => "上次清理：删除 {n} 条已过期的消息（截止 {cutoff}）", "Last cleanup: {n} expired messages removed (cutoff {cutoff})";
        }
    };
}
