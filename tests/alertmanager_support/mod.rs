//! A real, throwaway Alertmanager (Debian's `prometheus-alertmanager`) on
//! 127.0.0.1: a minimal config with one receiver that sends nothing, its own
//! storage in a temp dir, no cluster port. Killed on drop.
#![allow(dead_code)]

use crate::common::free_port;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = "prometheus-alertmanager";
const READY_TIMEOUT: Duration = Duration::from_secs(20);

const CONFIG: &str = "route:\n  receiver: \"null\"\n  group_by: [alertname, namespace]\n  group_wait: 0s\nreceivers:\n  - name: \"null\"\n";

pub struct Alertmanager {
    pub dir: tempfile::TempDir,
    pub port: u16,
    child: Child,
}

/// True when tests must fail rather than skip (CI).
pub fn required() -> bool {
    std::env::var("OPSDECK_REQUIRE_E2E").is_ok_and(|v| v == "1")
}

/// Starts Alertmanager, or returns None after saying loudly why `test` is
/// skipped (and fails instead when `OPSDECK_REQUIRE_E2E=1`).
pub fn start_or_skip(test: &str) -> Option<Alertmanager> {
    if Command::new(BINARY).arg("--version").output().is_err() {
        let why = "prometheus-alertmanager is not installed (apt-get install --no-install-recommends prometheus-alertmanager)";
        assert!(!required(), "{test}: {why}, and OPSDECK_REQUIRE_E2E=1");
        eprintln!("\n*** SKIPPED {test}: {why} ***\n");
        return None;
    }
    Some(Alertmanager::start())
}

impl Alertmanager {
    pub fn start() -> Alertmanager {
        let mut dir = tempfile::Builder::new()
            .prefix("opsdeck-am")
            .tempdir()
            .unwrap();
        let config = dir.path().join("alertmanager.yml");
        std::fs::write(&config, CONFIG).unwrap();
        let mut last_log = String::new();
        // A port can be taken between probing and binding: then try another.
        for attempt in 0..3 {
            let port = free_port();
            let log = dir.path().join(format!("alertmanager-{attempt}.log"));
            let child = Command::new(BINARY)
                .arg(format!("--config.file={}", config.display()))
                .arg(format!(
                    "--storage.path={}",
                    dir.path().join("data").display()
                ))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg("--cluster.listen-address=")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .expect("start prometheus-alertmanager");
            let mut am = Alertmanager { dir, port, child };
            if am.wait_ready() {
                return am;
            }
            last_log = std::fs::read_to_string(&log).unwrap_or_default();
            let _ = am.child.kill();
            let _ = am.child.wait();
            dir = std::mem::replace(&mut am.dir, tempfile::tempdir().unwrap());
        }
        panic!("Alertmanager did not become ready on 127.0.0.1; its log:\n{last_log}");
    }

    /// Polls `/-/ready`, at most `READY_TIMEOUT`.
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + READY_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if matches!(self.request("GET", "/-/ready", None), Ok((200, _))) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Posts alerts (a JSON list of `{labels, annotations}`) and waits until
    /// Alertmanager lists them all (bounded).
    pub fn fire(&self, alerts: &serde_json::Value) {
        let (status, body) = self
            .request("POST", "/api/v2/alerts", Some(&alerts.to_string()))
            .unwrap();
        assert_eq!(status, 200, "posting alerts: {body}");
        let want = alerts.as_array().map_or(0, Vec::len);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.alerts().as_array().map_or(0, Vec::len) >= want {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("Alertmanager did not list the posted alerts");
    }

    /// `GET /api/v2/alerts`, parsed.
    pub fn alerts(&self) -> serde_json::Value {
        self.get_json("/api/v2/alerts")
    }

    /// `GET /api/v2/silences`, parsed.
    pub fn silences(&self) -> serde_json::Value {
        self.get_json("/api/v2/silences")
    }

    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.request("GET", path, None).unwrap();
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    /// One HTTP/1.0 exchange (no chunked answers), bounded by timeouts.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect_timeout(
            &([127, 0, 0, 1], self.port).into(),
            Duration::from_secs(2),
        )?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.set_write_timeout(Some(Duration::from_secs(5)))?;
        let body = body.unwrap_or("");
        write!(
            stream,
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        let status = answer
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        Ok((status, body))
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
