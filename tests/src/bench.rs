//! What the benchmarks (`tests/benches/`) share: the release binary they run as its own
//! process (so its memory, read from /proc, is its own), their sizes from the
//! environment, and kamscope's cursor encoding (a bench forges deep cursors).
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context};

/// A size or count from the environment, else `default`.
pub fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `cargo bench -- --list`: there is nothing to list (harness = false), nothing to run.
pub fn listing_only() -> bool {
    std::env::args().any(|a| a == "--list")
}

/// The kamscope binary to measure: BENCH_KAMSCOPE_BIN, else the workspace's release build.
pub fn kamscope_bin() -> anyhow::Result<PathBuf> {
    let bin = PathBuf::from(
        std::env::var("BENCH_KAMSCOPE_BIN")
            .unwrap_or_else(|_| crate::repo_root().join("target/release/kamscope").display().to_string()),
    );
    if !bin.exists() {
        bail!(
            "{} not found: build it (cargo build --release -p kamscope-server) or run scripts/bench.sh",
            bin.display()
        );
    }
    Ok(bin)
}

/// The end of a bench: its report printed and written to `tests/output/<file>`, then
/// an error listing `errors` if there are any (a goal missed is a number, not an error).
pub fn finish(file: &str, out: &str, errors: &[String]) -> anyhow::Result<()> {
    println!("{out}");
    let dir = crate::repo_root().join("tests/output");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(file), out)?;
    eprintln!("written to tests/output/{file}");
    if !errors.is_empty() {
        bail!("{} error(s):\n{}", errors.len(), errors.join("\n"));
    }
    Ok(())
}

/// `bin` with only the given configuration: kamscope rejects KAMSCOPE_* settings it does
/// not know, and the bench's own environment must not leak into what is measured.
pub fn kamscope_cmd(bin: &Path, env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(bin);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("KAMSCOPE_")) {
        cmd.env_remove(k);
    }
    cmd.env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// `kamscope serve` as its own process, killed when dropped.
pub struct BenchKamscope {
    child: std::process::Child,
    pub address: String,
    pub client: reqwest::Client,
}

impl BenchKamscope {
    /// Serves on the first free port of `ports` once /api/v1/health answers (any status:
    /// health may warn, e.g. about missing indexes); `healthy` waits for a 2xx instead.
    pub async fn start(
        bin: &Path,
        ports: std::ops::Range<u16>,
        env: &[(&str, &str)],
        healthy: bool,
    ) -> anyhow::Result<Self> {
        let port = ports
            .clone()
            .find(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
            .with_context(|| format!("ports {}-{} are all taken", ports.start, ports.end - 1))?;
        let child = kamscope_cmd(bin, env)
            .arg("serve")
            .env("KAMSCOPE_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let ks = BenchKamscope { child, address: format!("http://127.0.0.1:{port}"), client: reqwest::Client::new() };
        for _ in 0..100 {
            if let Ok(r) = ks.client.get(format!("{}/api/v1/health", ks.address)).send().await {
                if !healthy || r.status().is_success() {
                    return Ok(ks);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("kamscope did not answer /api/v1/health within 10 s")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A `/proc/<pid>/status` figure in kB (VmRSS:, VmHWM:).
    pub fn status_kb(&self, key: &str) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    }

    /// (VmRSS, VmHWM) in MiB.
    pub fn memory(&self) -> (f64, f64) {
        (self.status_kb("VmRSS:") / 1024.0, self.status_kb("VmHWM:") / 1024.0)
    }

    /// Starts VmHWM again from the current RSS (Linux's clear_refs 5).
    pub fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    /// The body of a successful GET (an error otherwise).
    pub async fn get(&self, path: &str, deadline: Duration) -> anyhow::Result<Vec<u8>> {
        let r = self.client.get(format!("{}{path}", self.address)).timeout(deadline).send().await?;
        if !r.status().is_success() {
            bail!("GET {path}: {} {}", r.status(), r.text().await.unwrap_or_default());
        }
        Ok(r.bytes().await?.to_vec())
    }
}

impl Drop for BenchKamscope {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// RFC 4648 URL-safe base64 without padding, as kamscope's cursors are.
pub fn base64url(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..=c.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

pub fn unbase64url(text: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        _ => 63,
    } as u32;
    let mut out = Vec::new();
    for c in text.as_bytes().chunks(4) {
        let n = c.iter().enumerate().fold(0u32, |n, (i, &b)| n | val(b) << (18 - 6 * i));
        out.extend(&n.to_be_bytes()[1..c.len()]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..40u8 {
            let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(250)).collect();
            let text = base64url(&data);
            assert!(!text.contains(['+', '/', '=']));
            assert_eq!(unbase64url(&text), data);
        }
        assert_eq!(base64url(b"{\"t\":1}"), "eyJ0IjoxfQ");
    }
}
