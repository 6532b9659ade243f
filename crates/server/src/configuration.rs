//! Typed configuration: defaults, then a TOML file, then `KAMSCOPE_*` environment variables.
use std::path::Path;
use std::time::Duration;

use chrono_tz::Tz;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `KAMSCOPE_LISTEN`: address the API and UI listen on.
    pub listen: String,
    /// `KAMSCOPE_DATABASE_URL`: Kamailio's database (sqlite://, mysql://, postgres://).
    pub database_url: String,
    /// `KAMSCOPE_KAMAILIO_RPC_URL`: Kamailio's jsonrpcs endpoint (xhttp), when there
    /// is one node (named `kamailio`).
    pub kamailio_rpc_url: String,
    /// `KAMSCOPE_KAMAILIO_NODES=name=url,name=url`: several Kamailio nodes (they may share
    /// the database). The first is the default of `node=`. Overrides `kamailio_rpc_url`.
    pub kamailio_nodes: Vec<NodeConfig>,
    /// `KAMSCOPE_CACHE_TTL_MS`: how long dashboard/health answers are shared by viewers.
    pub cache_ttl_ms: u64,
    /// `KAMSCOPE_RPC_TIMEOUT_MS`: how long one JSON-RPC call may take.
    pub rpc_timeout_ms: u64,
    /// `KAMSCOPE_TIMEZONE`: the IANA zone Kamailio writes naive DATETIME columns in
    /// (MySQL/PostgreSQL); API times are printed in it too. Default: `TZ`, else UTC.
    pub timezone: String,
    /// `KAMSCOPE_REPORT_TIMEZONE`: the IANA zone operators read times in: the API shows
    /// times in it and counts days and hours (today's calls, CDR figures) in it.
    /// Default: `timezone` (Kamailio's).
    pub report_timezone: Option<String>,
    /// `KAMSCOPE_USE_DOMAIN`: usrloc's `use_domain` (AoRs are `user@domain` when true).
    pub use_domain: bool,
    /// `KAMSCOPE_SIP_DOMAINS`: the SIP domains this Kamailio serves, comma separated.
    /// With `use_domain` false, an AoR `user@domain` is accepted only for these domains,
    /// so `bob@elsewhere` never touches the local `bob`.
    pub sip_domains: Vec<String>,
    /// `KAMSCOPE_SPA_DIR`: the built SPA (frontend/dist) when the binary does not carry it.
    pub spa_dir: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    pub name: String,
    pub rpc_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://lab/run/kamailio.sqlite".into(),
            kamailio_rpc_url: "http://127.0.0.1:5071/RPC".into(),
            kamailio_nodes: Vec::new(),
            cache_ttl_ms: 2000,
            rpc_timeout_ms: 3000,
            report_timezone: None,
            timezone: std::env::var("TZ").ok().filter(|t| t.parse::<Tz>().is_ok()).unwrap_or_else(|| "UTC".into()),
            use_domain: false,
            sip_domains: vec!["127.0.0.1".into(), "localhost".into()],
            spa_dir: "frontend/dist".into(),
        }
    }
}

impl Settings {
    /// Loads the settings; `KAMSCOPE_*` variables that name no setting are returned as
    /// warnings (other tools of ours, like the lab's `KAMSCOPE_LAB_DIR`, share the
    /// prefix), while an unknown key in the TOML file stays an error.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        Self::load_with_warnings(file).map(|(s, _)| s)
    }

    /// The names of the settings, as their environment variables spell them after `KAMSCOPE_`.
    fn keys() -> Vec<String> {
        match serde_json::to_value(Settings::default()) {
            Ok(serde_json::Value::Object(m)) => m.keys().map(|k| k.to_uppercase()).collect(),
            _ => Vec::new(),
        }
    }

    pub fn load_with_warnings(file: Option<&Path>) -> anyhow::Result<(Self, Vec<String>)> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(f) = file {
            anyhow::ensure!(f.exists(), "configuration file {} does not exist", f.display());
            fig = fig.merge(Toml::file(f));
        }
        // KAMSCOPE_SIP_DOMAINS=a,b: figment reads "[a, b]" as a list; accept plain commas too.
        if let Ok(list) = std::env::var("KAMSCOPE_SIP_DOMAINS") {
            let domains: Vec<String> =
                list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            fig = fig.merge(Serialized::default("sip_domains", domains));
        }
        if let Ok(list) = std::env::var("KAMSCOPE_KAMAILIO_NODES") {
            let mut nodes = Vec::new();
            for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let (name, url) = item
                    .split_once('=')
                    .ok_or_else(|| anyhow::anyhow!("KAMSCOPE_KAMAILIO_NODES: {item:?} is not name=url"))?;
                nodes.push(NodeConfig { name: name.trim().into(), rpc_url: url.trim().into() });
            }
            fig = fig.merge(Serialized::default("kamailio_nodes", nodes));
        }
        let keys = Self::keys();
        // Read by main's CLI, and by the two list parsers above.
        let handled = ["SIP_DOMAINS", "KAMAILIO_NODES", "CONFIG"];
        let mut warnings = Vec::new();
        for (name, _) in std::env::vars() {
            if let Some(rest) = name.strip_prefix("KAMSCOPE_") {
                if !keys.iter().any(|k| k == rest) && !handled.contains(&rest) {
                    warnings.push(format!(
                        "ignoring {name}: kamscope has no such setting (the settings are KAMSCOPE_{})",
                        keys.join(", KAMSCOPE_")
                    ));
                }
            }
        }
        let fig = fig.merge(
            Env::prefixed("KAMSCOPE_")
                .ignore(&handled)
                .filter(move |k| keys.iter().any(|key| key.eq_ignore_ascii_case(k.as_str()))),
        );
        let settings: Settings = fig.extract()?;
        settings.tz()?;
        settings.report_tz()?;
        let nodes = settings.nodes();
        for (i, n) in nodes.iter().enumerate() {
            anyhow::ensure!(
                !n.name.is_empty() && n.name != "all" && !nodes[..i].iter().any(|m| m.name == n.name),
                "Kamailio node names must be unique, non-empty and not `all` (got {:?})",
                n.name
            );
        }
        Ok((settings, warnings))
    }

    /// The Kamailio nodes: `kamailio_nodes`, or one node `kamailio` at `kamailio_rpc_url`.
    pub fn nodes(&self) -> Vec<NodeConfig> {
        if self.kamailio_nodes.is_empty() {
            vec![NodeConfig { name: "kamailio".into(), rpc_url: self.kamailio_rpc_url.clone() }]
        } else {
            self.kamailio_nodes.clone()
        }
    }

    pub fn tz(&self) -> anyhow::Result<Tz> {
        self.timezone
            .parse::<Tz>()
            .map_err(|e| anyhow::anyhow!("timezone {:?} is not an IANA zone name: {e}", self.timezone))
    }

    /// How to reach Kamailio's database and read its times.
    pub fn db_config(&self) -> anyhow::Result<kamscope_db::DbConfig> {
        Ok(kamscope_db::DbConfig {
            url: self.database_url.clone(),
            timezone: self.tz()?,
            report_timezone: self.report_tz()?,
            use_domain: self.use_domain,
        })
    }

    /// The reporting zone: `report_timezone`, else Kamailio's zone.
    pub fn report_tz(&self) -> anyhow::Result<Tz> {
        match &self.report_timezone {
            None => self.tz(),
            Some(z) => {
                z.parse::<Tz>().map_err(|e| anyhow::anyhow!("report timezone {z:?} is not an IANA zone name: {e}"))
            }
        }
    }

    pub fn rpc_timeout(&self) -> Duration {
        Duration::from_millis(self.rpc_timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API
    fn env_overrides_file_and_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("k.toml", "listen = \"0.0.0.0:9000\"\nuse_domain = true\ntimezone = \"Asia/Shanghai\"")?;
            jail.set_env("KAMSCOPE_DATABASE_URL", "postgres://k@h/db");
            jail.set_env("KAMSCOPE_SIP_DOMAINS", "a.example, b.example");
            let s = Settings::load(Some(Path::new("k.toml"))).unwrap();
            assert_eq!(s.listen, "0.0.0.0:9000");
            assert!(s.use_domain);
            assert_eq!(s.database_url, "postgres://k@h/db");
            assert_eq!(s.sip_domains, vec!["a.example", "b.example"]);
            assert_eq!(s.tz().unwrap(), chrono_tz::Asia::Shanghai);
            assert_eq!(s.nodes()[0].name, "kamailio");
            jail.set_env("KAMSCOPE_KAMAILIO_NODES", "edge1=http://127.0.0.1:5071/RPC, edge2=http://127.0.0.1:6071/RPC");
            let s = Settings::load(None).unwrap();
            assert_eq!(s.nodes().iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["edge1", "edge2"]);
            jail.set_env("KAMSCOPE_KAMAILIO_NODES", "a=http://x,a=http://y");
            assert!(Settings::load(None).is_err());
            jail.set_env("KAMSCOPE_KAMAILIO_NODES", "");
            jail.set_env("KAMSCOPE_TIMEZONE", "Mars/Base");
            assert!(Settings::load(None).is_err());
            jail.set_env("KAMSCOPE_TIMEZONE", "UTC");
            assert_eq!(Settings::load(None).unwrap().report_tz().unwrap(), chrono_tz::UTC);
            jail.set_env("KAMSCOPE_REPORT_TIMEZONE", "Asia/Shanghai");
            assert_eq!(Settings::load(None).unwrap().report_tz().unwrap(), chrono_tz::Asia::Shanghai);
            jail.set_env("KAMSCOPE_REPORT_TIMEZONE", "Moon/Crater");
            assert!(Settings::load(None).is_err());
            jail.set_env("KAMSCOPE_REPORT_TIMEZONE", "Asia/Shanghai");
            // Another tool's variable with our prefix: a warning naming it, not a failure.
            jail.set_env("KAMSCOPE_LAB_DIR", "/var/tmp/lab");
            let (s, warnings) = Settings::load_with_warnings(None).unwrap();
            assert_eq!(s.timezone, "UTC");
            assert_eq!(warnings.len(), 1);
            assert!(warnings[0].contains("KAMSCOPE_LAB_DIR"), "{warnings:?}");
            // An unknown key in the file stays an error.
            jail.create_file("bad.toml", "lab_dir = \"x\"")?;
            assert!(Settings::load(Some(Path::new("bad.toml"))).is_err());
            Ok(())
        });
    }
}
