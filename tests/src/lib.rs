//! The lab harness for acceptance tests: each test gets its own Kamailio (free ports,
//! its own database on the chosen backend) started by the lab scripts, real SIPp
//! traffic, and kamscope spawned in-process on a random port. Nothing is shared, so
//! tests do not race each other.
pub mod bench;
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use anyhow::{bail, Context};
use kamscope_server::configuration::Settings;
use kamscope_server::startup::Application;
use serde_json::{json, Value};

pub const LAB_TZ: &str = "Asia/Shanghai";

/// The database backend a test's Kamailio writes to (kamscope's own notion of it).
pub use kamscope_db::Backend;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The lab's run directory, as the lab scripts choose it (`lab/rundir.sh`: lab/run, or a
/// directory outside the clone when the database users cannot reach the clone).
pub fn lab_run() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let out = std::process::Command::new("bash")
            .arg(repo_root().join("lab/rundir.sh"))
            .output()
            .expect("running lab/rundir.sh");
        assert!(out.status.success(), "lab/rundir.sh failed: {}", String::from_utf8_lossy(&out.stderr));
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
}

/// Runs a lab script; fails with its output when it fails.
pub async fn lab(script: &str, args: &[&str]) -> anyhow::Result<String> {
    lab_env(script, args, &[]).await
}

/// Runs a lab script with extra environment (e.g. `LAB_CALL_HOLD_MS` for sipp.sh).
pub async fn lab_env(script: &str, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<String> {
    let mut cmd = tokio::process::Command::new("bash");
    cmd.arg(repo_root().join("lab").join(script)).args(args).env("TZ", LAB_TZ).current_dir(repo_root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().await.with_context(|| format!("running lab/{script}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        bail!(
            "lab/{script} {} failed ({}):\n{}\n{}",
            args.join(" "),
            out.status,
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(stdout)
}

/// A lab script running in the background in its own process group: dropping it stops
/// the script and what it started (SIPp), so no caller or callee outlives its test.
pub struct LabProcess(tokio::process::Child);

impl std::ops::Deref for LabProcess {
    type Target = tokio::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for LabProcess {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for LabProcess {
    fn drop(&mut self) {
        if let Some(pid) = self.0.id() {
            let _ = std::process::Command::new("kill").args(["-TERM", "--", &format!("-{pid}")]).output();
        }
    }
}

/// Starts a lab script in the background (e.g. a SIPp UAS or long calls) with extra env.
pub fn lab_spawn(script: &str, args: &[&str], env: &[(&str, &str)]) -> LabProcess {
    let mut cmd = tokio::process::Command::new("bash");
    cmd.arg(repo_root().join("lab").join(script))
        .args(args)
        .env("TZ", LAB_TZ)
        .current_dir(repo_root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .process_group(0);
    for (k, v) in env {
        cmd.env(k, v);
    }
    LabProcess(cmd.spawn().expect("spawning a lab script"))
}

/// Waits until `f` returns Some, polling every 250 ms, for at most `secs`.
pub async fn eventually<T, F, Fut>(secs: u64, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "timed out after {secs}s waiting for {what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// A port free for TCP and UDP on loopback right now, from a range other tests' ports
/// are unlikely to hit (each call moves on).
pub fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    // Above lab/sipp.sh's UAC ports (20000-29999).
    let base = 30000 + (std::process::id() % 100) * 100;
    loop {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let port = (base + (n % 5000)) as u16;
        // Kamailio's SIP port is also taken on [::1] (the lab's IPv6 listener), where
        // loopback has IPv6 at all.
        let free = |ip: &str| TcpListener::bind((ip, port)).is_ok() && UdpSocket::bind((ip, port)).is_ok();
        if !wireshark_claims(port) && free("127.0.0.1") && (!ipv6_loopback() || free("::1")) {
            return port;
        }
    }
}

/// Whether Wireshark gives `port` to another protocol (`tshark -G decodes`: e.g. UDP 32000
/// uaudp, TCP 30074 mrcpv2). It tries that dissector before SIP's, so a Kamailio there
/// would make the PCAP tests read its calls as something else; lab/sipp.sh skips them too.
fn wireshark_claims(port: u16) -> bool {
    static CLAIMED: std::sync::OnceLock<std::collections::HashSet<u16>> = std::sync::OnceLock::new();
    CLAIMED
        .get_or_init(|| {
            let out = std::process::Command::new("tshark").args(["-G", "decodes"]).output();
            let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
            text.lines()
                .filter_map(|l| {
                    let mut f = l.split('\t');
                    matches!(f.next(), Some("udp.port" | "tcp.port")).then(|| f.next()?.parse().ok()).flatten()
                })
                .collect()
        })
        .contains(&port)
}

/// Whether loopback has `::1` (the lab's Kamailio listens there too; lab/kamailio.sh
/// says so and stops when it is missing).
pub fn ipv6_loopback() -> bool {
    static V6: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *V6.get_or_init(|| UdpSocket::bind(("::1", 0)).is_ok())
}

fn unique_name(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}

/// How a test's Kamailio is set up (`Kamailio::start_with`).
#[derive(Clone, Debug)]
pub struct Options {
    /// usrloc `use_domain`.
    pub use_domain: bool,
    /// Kamailio's TZ: the zone of the naive MySQL DATETIMEs / PostgreSQL TIMESTAMPs it
    /// writes (SQLite's Julian days are UTC whatever it is). kamscope's `timezone`
    /// follows it in `settings_for`.
    pub tz: &'static str,
    /// acc, missed_calls and acc_cdrs exactly as Kamailio's acc-create.sql makes them
    /// (no db_extra / cdr_extra columns) and acc's db_extra / cdr_extra off.
    pub stock_acc: bool,
    /// topos' own cleaner (`clean_interval`, s): tests that back-date topos rows slow it
    /// so that they, not Kamailio's timer, decide what goes.
    pub topos_clean_interval: u32,
    /// presence `subs_db_mode`: 1 write-through (the lab's), 3 database only.
    pub presence_subs_db_mode: u8,
    /// presence's own timers (`clean_period`, `db_update_period`, s): tests that back-date
    /// presence rows slow them so that they, not Kamailio, decide what goes.
    pub presence_clean_period: u32,
    pub presence_db_update_period: u32,
    /// msilo `check_time` (s): delivered messages leave `silo` on the next check (and
    /// expired ones every `check_time` × msilo's `clean_period` of 10).
    pub msilo_check_time: u32,
    /// siptrace through core events (`trace_mode` 2, `KAMSCOPE_SIPTRACE=core`): every
    /// packet Kamailio sends or receives, the relayed ACK and local requests included.
    /// Off: the lab's flag mode (`sip_trace()` per request and its transaction).
    pub trace_core: bool,
    /// siptrace's `traced_user_avp` = each request's From user (`KAMSCOPE_TRACED_USER=1`,
    /// flag mode only): every traced message stored twice, `traced_user` '' and the user.
    pub traced_user: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            use_domain: false,
            tz: LAB_TZ,
            stock_acc: false,
            topos_clean_interval: 60,
            presence_subs_db_mode: 1,
            presence_clean_period: 30,
            presence_db_update_period: 20,
            msilo_check_time: 30,
            trace_core: false,
            traced_user: false,
        }
    }
}

/// One Kamailio with its own database; stopped when dropped.
pub struct Kamailio {
    pub backend: Backend,
    pub dir: PathBuf,
    pub sip_port: u16,
    pub rpc_port: u16,
    /// The database URL (the same string works for Kamailio and kamscope).
    pub db_url: String,
    pub use_domain: bool,
    /// Kamailio's TZ (`Options::tz`).
    pub tz: &'static str,
    /// Stock acc tables and config (`Options::stock_acc`).
    pub stock_acc: bool,
    pub topos_clean_interval: u32,
    /// The presence and msilo settings of `Options`.
    pub presence_subs_db_mode: u8,
    pub presence_clean_period: u32,
    pub presence_db_update_period: u32,
    pub msilo_check_time: u32,
    /// `Options::trace_core`.
    pub trace_core: bool,
    /// `Options::traced_user`.
    pub traced_user: bool,
}

impl Kamailio {
    pub async fn start(backend: Backend, use_domain: bool) -> anyhow::Result<Self> {
        Self::start_with(backend, Options { use_domain, ..Options::default() }).await
    }

    pub async fn start_with(backend: Backend, opts: Options) -> anyhow::Result<Self> {
        let _: chrono_tz::Tz = opts.tz.parse().map_err(|e| anyhow::anyhow!("Options::tz {:?}: {e}", opts.tz))?;
        let name = unique_name(&format!("ks_{}", backend.name()));
        let dir = lab_run().join("tests").join(&name);
        std::fs::create_dir_all(&dir)?;
        let stock: &[&str] = if opts.stock_acc { &["--stock-acc"] } else { &[] };
        let db_url = match backend {
            Backend::Sqlite => {
                let file = dir.join("kamailio.sqlite");
                lab("schema.sh", &[&["sqlite", file.to_str().unwrap()], stock].concat()).await?;
                format!("sqlite://{}", file.display())
            }
            Backend::Mysql => {
                lab("schema.sh", &[&["mysql", name.as_str()], stock].concat())
                    .await
                    .context("is MariaDB running? (lab/mariadb.sh start)")?;
                lab("mariadb.sh", &["url", &name]).await?.trim().to_string()
            }
            Backend::Postgres => {
                lab("schema.sh", &[&["postgres", name.as_str()], stock].concat())
                    .await
                    .context("is PostgreSQL running? (lab/postgres.sh start)")?;
                lab("postgres.sh", &["url", &name]).await?.trim().to_string()
            }
        };
        let sip_port = free_port();
        let rpc_port = free_port();
        let k = Kamailio {
            backend,
            dir,
            sip_port,
            rpc_port,
            db_url,
            use_domain: opts.use_domain,
            tz: opts.tz,
            stock_acc: opts.stock_acc,
            topos_clean_interval: opts.topos_clean_interval,
            presence_subs_db_mode: opts.presence_subs_db_mode,
            presence_clean_period: opts.presence_clean_period,
            presence_db_update_period: opts.presence_db_update_period,
            msilo_check_time: opts.msilo_check_time,
            trace_core: opts.trace_core,
            traced_user: opts.traced_user,
        };
        k.start_again().await?;
        Ok(k)
    }

    /// Starts (again) with the same ports, database and options.
    pub async fn start_again(&self) -> anyhow::Result<()> {
        let (sip, rpc) = (self.sip_port.to_string(), self.rpc_port.to_string());
        let ud = if self.use_domain { "1" } else { "0" };
        let clean = self.topos_clean_interval.to_string();
        let (subs, pclean, pupdate, check) = (
            self.presence_subs_db_mode.to_string(),
            self.presence_clean_period.to_string(),
            self.presence_db_update_period.to_string(),
            self.msilo_check_time.to_string(),
        );
        let env = [
            ("KAMSCOPE_LAB_TZ", self.tz),
            ("KAMSCOPE_STOCK_ACC", if self.stock_acc { "1" } else { "0" }),
            ("KAMSCOPE_TOPOS_CLEAN_INTERVAL", clean.as_str()),
            ("KAMSCOPE_PRESENCE_SUBS_DB_MODE", subs.as_str()),
            ("KAMSCOPE_PRESENCE_CLEAN_PERIOD", pclean.as_str()),
            ("KAMSCOPE_PRESENCE_DB_UPDATE_PERIOD", pupdate.as_str()),
            ("KAMSCOPE_MSILO_CHECK_TIME", check.as_str()),
            ("KAMSCOPE_SIPTRACE", if self.trace_core { "core" } else { "flag" }),
            ("KAMSCOPE_TRACED_USER", if self.traced_user { "1" } else { "0" }),
        ];
        lab_env("kamailio.sh", &["start", self.dir.to_str().unwrap(), &self.db_url, &sip, &rpc, ud], &env).await?;
        Ok(())
    }

    /// Runs `lab/sipp.sh <subcommand> <sip_port> <args...>` against this Kamailio, e.g.
    /// `k.sipp("callee-bye", &["2", "alice", "hugo"], &[("LAB_CALL_HOLD_MS", "1500")])`.
    pub async fn sipp(&self, subcommand: &str, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<()> {
        let sip = self.sip_port.to_string();
        lab_env("sipp.sh", &[&[subcommand, sip.as_str()], args].concat(), env).await.map(|_| ())
    }

    pub async fn stop(&self) -> anyhow::Result<()> {
        lab("kamailio.sh", &["stop", self.dir.to_str().unwrap()]).await.map(|_| ())
    }

    pub fn rpc_url(&self) -> String {
        format!("http://127.0.0.1:{}/RPC", self.rpc_port)
    }

    /// Calls Kamailio's JSON-RPC directly (not through kamscope), for checking.
    pub async fn rpc(&self, method: &str, params: Value) -> anyhow::Result<Value> {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 1});
        let resp: Value = reqwest::Client::new()
            .post(self.rpc_url())
            .timeout(Duration::from_secs(10))
            .json(&body)
            .send()
            .await?
            .json()
            .await?;
        Ok(resp)
    }

    /// Rows of Kamailio's own database, read directly (not through kamscope), each
    /// column as text (`NULL` as `None`), for checking outcomes at the source.
    pub async fn sql(&self, query: &str) -> anyhow::Result<Vec<Vec<Option<String>>>> {
        use sea_orm::{ConnectionTrait, Database, Statement};
        let url = self.db_url.replacen("mariadb://", "mysql://", 1);
        let conn = Database::connect(url.as_str()).await?;
        let rows = conn.query_all(Statement::from_string(conn.get_database_backend(), query)).await?;
        let mut out = Vec::new();
        for r in rows {
            let mut vals = Vec::new();
            for c in r.column_names() {
                let v = r
                    .try_get::<Option<String>>("", &c)
                    .ok()
                    .flatten()
                    .or_else(|| r.try_get::<Option<i64>>("", &c).ok().flatten().map(|v| v.to_string()))
                    .or_else(|| r.try_get::<Option<i32>>("", &c).ok().flatten().map(|v| v.to_string()))
                    .or_else(|| r.try_get::<Option<u32>>("", &c).ok().flatten().map(|v| v.to_string()))
                    .or_else(|| r.try_get::<Option<f64>>("", &c).ok().flatten().map(|v| v.to_string()));
                vals.push(v);
            }
            out.push(vals);
        }
        conn.close().await?;
        Ok(out)
    }

    /// Runs one statement that returns no rows against Kamailio's database.
    pub async fn sql_exec(&self, statement: &str) -> anyhow::Result<()> {
        use sea_orm::{ConnectionTrait, Database, Statement};
        let url = self.db_url.replacen("mariadb://", "mysql://", 1);
        let conn = Database::connect(url.as_str()).await?;
        conn.execute(Statement::from_string(conn.get_database_backend(), statement)).await?;
        conn.close().await?;
        Ok(())
    }

    /// SQL for a DATETIME column as Kamailio stored it, as text `YYYY-MM-DD HH:MM:SS`:
    /// UTC on SQLite (Julian days), Kamailio's zone (`tz`) on MySQL and PostgreSQL.
    /// Read it back with `parse_time`.
    pub fn time_sql(&self, column: &str) -> String {
        match self.backend {
            // db_sqlite stores t - 0.5 s (see time_literal), give or take a rounding error:
            // round, never truncate (strftime would show every row a second early).
            Backend::Sqlite => {
                format!("datetime(CAST(ROUND(({column} - 2440587.5) * 86400.0 + 0.5) AS INTEGER), 'unixepoch')")
            }
            Backend::Mysql => format!("DATE_FORMAT({column}, '%Y-%m-%d %H:%i:%s')"),
            Backend::Postgres => format!("to_char({column}, 'YYYY-MM-DD HH24:MI:SS')"),
        }
    }

    /// The instant a `time_sql` text stands for.
    pub fn parse_time(&self, text: &str) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
        use chrono::TimeZone;
        let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
            .with_context(|| format!("not a time: {text:?}"))?;
        Ok(match self.backend {
            Backend::Sqlite => chrono::Utc.from_utc_datetime(&naive),
            _ => {
                let tz: chrono_tz::Tz = self.tz.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
                // At a DST fold Kamailio's text is ambiguous too; the earlier reading is as good as any.
                tz.from_local_datetime(&naive)
                    .earliest()
                    .context("a local time that does not exist")?
                    .with_timezone(&chrono::Utc)
            }
        })
    }

    /// The SQL literal Kamailio's db driver writes for `at` (whole seconds) into a DATETIME
    /// column: db_sqlite binds the Julian-day REAL `((double)t - 0.5) / 86400.0 + 2440587.5`
    /// (its `timet_to_sqlite`: half a second early, so `(x - 2440587.5) * 86400` is t - 0.5
    /// give or take 4e-5 s; its reader adds the 0.5 back); db_mysql and db_postgres write
    /// `'YYYY-MM-DD HH:MM:SS'` in Kamailio's local time.
    pub fn time_literal(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        match self.backend {
            // The same double operations as the C code; f64's Display is the shortest text
            // that reads back as the same double.
            Backend::Sqlite => format!("{}", (at.timestamp() as f64 - 0.5) / 86400.0 + 2440587.5),
            _ => {
                let tz: chrono_tz::Tz = self.tz.parse().expect("checked in start_with");
                format!("'{}'", at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S"))
            }
        }
    }

    /// Inserts a row into `acc` or `missed_calls` exactly as this Kamailio writes one (the
    /// same columns, `time` in the backend's form for the instant `row.at`, the lab's
    /// db_extra values unless the tables are stock); returns its id. For back-dated rows.
    pub async fn insert_acc(&self, table: &str, row: &AccRow) -> anyhow::Result<i64> {
        anyhow::ensure!(table == "acc" || table == "missed_calls", "insert_acc: {table} is not acc or missed_calls");
        let q = |v: &str| format!("'{}'", v.replace('\'', "''"));
        let reason = if row.sip_reason.is_empty() { reason_phrase(row.sip_code) } else { &row.sip_reason };
        let mut cols = vec!["method", "from_tag", "to_tag", "callid", "sip_code", "sip_reason", "time"];
        let mut vals = vec![
            q(&row.method),
            q(&row.from_tag),
            q(&row.to_tag),
            q(&row.callid),
            q(&row.sip_code.to_string()),
            q(reason),
            self.time_literal(row.at),
        ];
        if !self.stock_acc {
            // db_extra = src_user=$fU;src_domain=$fd;src_ip=$si;dst_ouser=$tU;dst_user=$rU;dst_domain=$rd
            cols.extend(["src_user", "src_domain", "src_ip", "dst_ouser", "dst_user", "dst_domain"]);
            let dom = "127.0.0.1";
            vals.extend([q(&row.src_user), q(dom), q(dom), q(&row.dst_user), q(&row.dst_user), q(dom)]);
        }
        let insert = format!("INSERT INTO {table} ({}) VALUES ({})", cols.join(", "), vals.join(", "));
        // The new id, found by its (unique) Call-ID and From tag: one way on all three backends.
        self.sql_exec(&insert).await?;
        let rows = self
            .sql(&format!(
                "SELECT MAX(id) FROM {table} WHERE callid = {} AND from_tag = {}",
                q(&row.callid),
                q(&row.from_tag)
            ))
            .await?;
        rows.first().and_then(|r| r[0].as_deref()).and_then(|v| v.parse().ok()).context("the inserted row's id")
    }

    /// Every AoR in Kamailio's memory (`ul.dump brief`).
    pub async fn aors_in_memory(&self) -> anyhow::Result<Vec<String>> {
        let v = self.rpc("ul.dump", json!(["brief"])).await?;
        let mut out = Vec::new();
        for d in v["result"]["Domains"].as_array().context("ul.dump answer")? {
            for a in d["Domain"]["AoRs"].as_array().into_iter().flatten() {
                let a = a.get("Info").unwrap_or(a);
                out.push(a["AoR"].as_str().unwrap_or_default().to_string());
            }
        }
        out.sort();
        Ok(out)
    }

    /// Registers `count` users `<prefix>0001..` with SIPp, Contact port `contact_port`.
    pub async fn register(
        &self,
        count: usize,
        prefix: &str,
        contact_port: u16,
        domain: Option<&str>,
    ) -> anyhow::Result<()> {
        let (sip, n, cp) = (self.sip_port.to_string(), count.to_string(), contact_port.to_string());
        let mut args = vec!["register", &sip, &n, prefix, &cp];
        if let Some(d) = domain {
            args.push(d);
        }
        lab("sipp.sh", &args).await.map(|_| ())
    }

    /// A numeric Kamailio statistic (`stats.fetchn`), e.g. `core.rcv_requests`.
    pub async fn stat(&self, name: &str) -> anyhow::Result<i64> {
        let group = format!("{}:", name.split('.').next().unwrap_or_default());
        let v = self.rpc("stats.fetchn", json!([group])).await?;
        v["result"][name].as_i64().with_context(|| format!("no statistic {name} in {v}"))
    }

    /// One more contact for `user`.
    pub async fn register_one(&self, user: &str, contact_port: u16, domain: Option<&str>) -> anyhow::Result<()> {
        let (sip, cp) = (self.sip_port.to_string(), contact_port.to_string());
        let mut args = vec!["register-one", &sip, user, &cp];
        if let Some(d) = domain {
            args.push(d);
        }
        lab("sipp.sh", &args).await.map(|_| ())
    }
}

/// One `acc` / `missed_calls` row for `Kamailio::insert_acc`. Empty `sip_reason` = the
/// usual phrase for `sip_code`; `src_user`/`dst_user` only go where the db_extra columns exist.
#[derive(Clone, Debug, Default)]
pub struct AccRow {
    pub method: String,
    pub sip_code: u16,
    pub sip_reason: String,
    pub callid: String,
    pub from_tag: String,
    pub to_tag: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub src_user: String,
    pub dst_user: String,
}

impl AccRow {
    /// `method` answered `sip_code` at `at`, caller `src_user`, callee `dst_user`.
    pub fn new(
        method: &str,
        sip_code: u16,
        callid: &str,
        from_tag: &str,
        at: chrono::DateTime<chrono::Utc>,
        src_user: &str,
        dst_user: &str,
    ) -> Self {
        AccRow {
            method: method.into(),
            sip_code,
            callid: callid.into(),
            from_tag: from_tag.into(),
            at,
            src_user: src_user.into(),
            dst_user: dst_user.into(),
            ..Default::default()
        }
    }
}

/// The reason phrase Kamailio (and lab/sipp.sh's UASes) send with `code`.
pub fn reason_phrase(code: u16) -> &'static str {
    match code {
        200 => "OK",
        302 => "Moved Temporarily",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        410 => "Gone",
        480 => "Temporarily Unavailable",
        484 => "Address Incomplete",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        500 => "Server Internal Error",
        503 => "Service Unavailable",
        504 => "Server Time-out",
        600 => "Busy Everywhere",
        603 => "Decline",
        604 => "Does Not Exist Anywhere",
        606 => "Not Acceptable",
        _ => "Rejected",
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash")
            .arg(repo_root().join("lab/kamailio.sh"))
            .args(["stop", self.dir.to_str().unwrap()])
            .output();
    }
}

/// kamscope, in-process on a random port.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
}

pub fn settings_for(k: &Kamailio) -> Settings {
    Settings {
        listen: "127.0.0.1:0".into(),
        database_url: k.db_url.clone(),
        kamailio_rpc_url: k.rpc_url(),
        kamailio_nodes: Vec::new(),
        // Short, so a test sees Kamailio stop and come back quickly.
        cache_ttl_ms: 300,
        rpc_timeout_ms: 3000,
        // Kamailio's own zone; days and shown times in the lab's (the test process's) zone.
        timezone: k.tz.into(),
        report_timezone: (k.tz != LAB_TZ).then(|| LAB_TZ.into()),
        use_domain: k.use_domain,
        sip_domains: vec!["127.0.0.1".into()],
        spa_dir: repo_root().join("frontend/dist").display().to_string(),
    }
}

pub async fn spawn_app(settings: Settings) -> anyhow::Result<TestApp> {
    let app = Application::build(settings).await?;
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    Ok(TestApp { address, client: reqwest::Client::new() })
}

pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
}

impl TestApp {
    pub async fn request(&self, method: reqwest::Method, path: &str) -> Reply {
        let resp = self
            .client
            .request(method, format!("{}{}", self.address, path))
            .timeout(Duration::from_secs(60))
            .send()
            .await
            .expect("kamscope answers");
        let status = resp.status().as_u16();
        let content_type =
            resp.headers().get("content-type").map(|v| v.to_str().unwrap_or_default().to_string()).unwrap_or_default();
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, content_type, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.request(reqwest::Method::GET, path).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.request(reqwest::Method::DELETE, path).await
    }

    pub async fn post(&self, path: &str) -> Reply {
        self.request(reqwest::Method::POST, path).await
    }

    /// Follows `next_cursor` to the end; returns every item and the number of pages.
    pub async fn all_pages(&self, path_with_query: &str) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let sep = if path_with_query.contains('?') { '&' } else { '?' };
            let url = match &cursor {
                Some(c) => format!("{path_with_query}{sep}cursor={}", urlencode(c)),
                None => path_with_query.to_string(),
            };
            let r = self.get(&url).await;
            assert_eq!(r.status, 200, "GET {url}: {}", r.body);
            pages += 1;
            items.extend(r.body["items"].as_array().unwrap().iter().cloned());
            match r.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
            assert!(pages < 100_000, "paging does not end");
        }
        (items, pages)
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Asserts an RFC 9457 problem with the status and a detail that mentions `mentions`.
pub fn assert_problem(r: &Reply, status: u16, mentions: &str) {
    assert_eq!(r.status, status, "expected {status}, got {}: {}", r.status, r.body);
    assert!(r.content_type.starts_with("application/problem+json"), "content-type {}", r.content_type);
    assert_eq!(r.body["status"].as_u64(), Some(status as u64), "{}", r.body);
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(r.body["title"].is_string(), "problem without title: {}", r.body);
    assert!(
        detail.to_lowercase().contains(&mentions.to_lowercase()),
        "problem detail {detail:?} should mention {mentions:?}"
    );
}
