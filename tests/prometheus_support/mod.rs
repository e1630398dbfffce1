//! A real, throwaway Prometheus (Debian's `prometheus`) on 127.0.0.1,
//! scraping a small exporter the test runs, every second. Killed on drop.
#![allow(dead_code)]

use crate::common::free_port;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const BINARY: &str = "prometheus";
/// Prometheus has `up` about 5–7 s after start here; this bounds the wait.
const FIRST_SCRAPE_TIMEOUT: Duration = Duration::from_secs(40);

/// Serves `metrics` (Prometheus' text format) at any path until dropped.
pub struct Exporter {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl Exporter {
    pub fn start(metrics: &'static str) -> Exporter {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        let _ = stream.set_nonblocking(false);
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                        let mut buffer = [0u8; 4096];
                        let _ = stream.read(&mut buffer);
                        let _ = write!(
                            stream,
                            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{metrics}",
                            metrics.len()
                        );
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Exporter { port, stop }
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

pub struct Prometheus {
    pub dir: tempfile::TempDir,
    pub port: u16,
    child: Child,
    _exporter: Exporter,
}

pub fn required() -> bool {
    std::env::var("OPSDECK_REQUIRE_E2E").is_ok_and(|v| v == "1")
}

/// Starts Prometheus scraping an exporter of `metrics`, waits until the
/// exporter's series are queryable; or None after saying loudly why `test`
/// is skipped (and fails instead when `OPSDECK_REQUIRE_E2E=1`).
pub fn start_or_skip(test: &str, metrics: &'static str) -> Option<Prometheus> {
    if Command::new(BINARY).arg("--version").output().is_err() {
        let why =
            "prometheus is not installed (apt-get install --no-install-recommends prometheus)";
        assert!(!required(), "{test}: {why}, and OPSDECK_REQUIRE_E2E=1");
        eprintln!("\n*** SKIPPED {test}: {why} ***\n");
        return None;
    }
    Some(Prometheus::start(metrics))
}

impl Prometheus {
    pub fn start(metrics: &'static str) -> Prometheus {
        let exporter = Exporter::start(metrics);
        let dir = tempfile::Builder::new()
            .prefix("opsdeck-prom")
            .tempdir()
            .unwrap();
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: shop\n    static_configs:\n      - targets: ['127.0.0.1:{}']\n",
                exporter.port
            ),
        )
        .unwrap();
        let port = free_port();
        let log = dir.path().join("prometheus.log");
        let child = Command::new(BINARY)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start prometheus");
        let mut prometheus = Prometheus {
            dir,
            port,
            child,
            _exporter: exporter,
        };
        let deadline = Instant::now() + FIRST_SCRAPE_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = prometheus.child.try_wait() {
                panic!(
                    "prometheus exited ({status}):\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            if prometheus.scraped() {
                return prometheus;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!(
            "prometheus did not scrape the exporter within {FIRST_SCRAPE_TIMEOUT:?}:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `up{job="shop"}` is 1.
    fn scraped(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let request =
            "GET /api/v1/query?query=up%7Bjob%3D%22shop%22%7D HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        if stream.write_all(request.as_bytes()).is_err() {
            return false;
        }
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer.contains("\"value\":[") && answer.contains(",\"1\"]")
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
