//! dialog RPCs (`dlg.*`).
use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use kamscope_api_types::dialog::{Dialog, DialogLeg, DialogSource, DialogState};
use serde::Deserialize;
use serde_json::Value;

use crate::{KamailioRpc, RpcError};

/// `dlg.stats_active`.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct ActiveStats {
    pub starting: i64,
    pub connecting: i64,
    pub answering: i64,
    pub ongoing: i64,
    pub all: i64,
}

#[async_trait]
pub trait DialogRpc: Send + Sync {
    /// `dlg.list`: every dialog in memory, as Kamailio prints it.
    async fn list(&self) -> Result<Vec<Value>, RpcError>;
    async fn stats_active(&self) -> Result<ActiveStats, RpcError>;
    /// `dlg.end_dlg`: BYE to both sides; `false` when Kamailio has no such dialog.
    async fn end(&self, h_entry: u32, h_id: u32) -> Result<bool, RpcError>;
}

#[async_trait]
impl DialogRpc for KamailioRpc {
    async fn list(&self) -> Result<Vec<Value>, RpcError> {
        let v: Value = self.call("dlg.list", &[]).await?;
        match v {
            Value::Array(items) => Ok(items),
            // Some versions print nothing at all for no dialogs.
            Value::Null => Ok(Vec::new()),
            Value::Object(_) => Ok(vec![v]),
            _ => Err(RpcError::protocol("dlg.list", "expected an array")),
        }
    }

    async fn stats_active(&self) -> Result<ActiveStats, RpcError> {
        self.call("dlg.stats_active", &[]).await
    }

    async fn end(&self, h_entry: u32, h_id: u32) -> Result<bool, RpcError> {
        match self.call_values::<Value>("dlg.end_dlg", vec![h_entry.into(), h_id.into()]).await {
            Ok(_) => Ok(true),
            Err(RpcError::Kamailio { code: 404, .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

fn s(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn i(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn leg(v: Option<&Value>) -> DialogLeg {
    let Some(v) = v else { return DialogLeg::default() };
    DialogLeg {
        tag: s(v, "tag"),
        contact: s(v, "contact"),
        cseq: s(v, "cseq"),
        route_set: s(v, "route_set"),
        socket: s(v, "socket"),
    }
}

/// One `dlg.list` object as the API's dialog (times in `tz`; epoch 0 means "not yet").
pub fn to_dialog(v: &Value, node: &str, tz: Tz) -> Option<Dialog> {
    let at = |secs: Option<i64>| {
        secs.filter(|s| *s > 0)
            .and_then(|s| Utc.timestamp_opt(s, 0).single())
            .map(|t| t.with_timezone(&tz).fixed_offset())
    };
    let state = i(v, "state").unwrap_or(0);
    let mut variables = BTreeMap::new();
    for var in v.get("variables").and_then(Value::as_array).into_iter().flatten() {
        if let Some(obj) = var.as_object() {
            for (k, val) in obj {
                variables.insert(k.clone(), val.as_str().map(String::from).unwrap_or_else(|| val.to_string()));
            }
        }
    }
    Some(Dialog {
        h_entry: i(v, "h_entry")? as u32,
        h_id: i(v, "h_id")? as u32,
        call_id: s(v, "call-id").unwrap_or_default(),
        from_uri: s(v, "from_uri").unwrap_or_default(),
        to_uri: s(v, "to_uri").unwrap_or_default(),
        state,
        state_label: DialogState::from_code(state),
        start: at(i(v, "start_ts")),
        timeout: at(i(v, "timeout")),
        duration: i(v, "duration"),
        caller: leg(v.get("caller")),
        callee: leg(v.get("callee")),
        req_uri: None,
        variables,
        source: DialogSource::Memory,
        node: Some(node.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_dlg_list_objects() {
        let v = json!({"h_entry":2337,"h_id":10238,"ref":2,"call-id":"c@h","from_uri":"sip:alice@h","to_uri":"sip:bob@h",
            "state":4,"start_ts":1795678186,"init_ts":1795678185,"end_ts":0,"duration":36,"timeout":1795681786,
            "caller":{"tag":"t1","contact":"sip:alice@h:5090","cseq":"1","route_set":"","socket":"udp:127.0.0.1:5060"},
            "callee":{"tag":"t2","contact":"sip:bob@h:5080","cseq":"0","route_set":"","socket":"udp:127.0.0.1:5060"},
            "variables":[{"start_time":"1795678186.012"}]});
        let d = to_dialog(&v, "n1", chrono_tz::Asia::Shanghai).unwrap();
        assert_eq!((d.h_entry, d.h_id), (2337, 10238));
        assert_eq!(d.call_id, "c@h");
        assert_eq!(d.state_label, DialogState::Confirmed);
        assert_eq!(d.caller.tag.as_deref(), Some("t1"));
        assert_eq!(d.callee.tag.as_deref(), Some("t2"));
        assert!(d.start.unwrap().to_rfc3339().ends_with("+08:00"));
        assert_eq!(d.variables["start_time"], "1795678186.012");
        assert_eq!(d.node.as_deref(), Some("n1"));
    }
}
