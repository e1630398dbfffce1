//! The simulated service of a drill: a real HTTP server on 127.0.0.1 whose
//! health depends on files in its drill directory, which the playbook's
//! commands read and change like a responder would on a real host.

use super::scenarios::{Fault, Scenario};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The simulated data volume; the service refuses writes above 90 % of it.
pub const VOLUME_BYTES: u64 = 100 * 1024 * 1024;
/// A wedged cache makes each request wait this long.
pub const WEDGED_DELAY: Duration = Duration::from_millis(1500);

/// Lays out the drill directory with the fault in place.
pub fn prepare(dir: &Path, scenario: &Scenario) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("data"))?;
    std::fs::write(dir.join("app.log"), "")?;
    match scenario.fault {
        Fault::BadDeploy => {
            std::fs::write(dir.join("current"), "v42\n")?;
            std::fs::write(
                dir.join("deploys.log"),
                "2026-11-21T22:10:00Z deployed v41 (ok)\n2026-11-22T02:55:00Z deployed v42 (checkout refactor)\n",
            )?;
        }
        Fault::SlowDependency => {
            std::fs::write(dir.join("current"), "v41\n")?;
            std::fs::write(dir.join("cache.state"), "wedged\n")?;
        }
        Fault::DiskFull => {
            std::fs::write(dir.join("current"), "v41\n")?;
            // Sparse: it counts against the simulated volume, not the real disk.
            let dump = std::fs::File::create(dir.join("data/core.12345"))?;
            dump.set_len(VOLUME_BYTES * 95 / 100)?;
            std::fs::write(dir.join("data/orders.db"), vec![b'x'; 64 * 1024])?;
        }
    }
    Ok(())
}

/// Serves until the drill directory disappears or `stop` is written to it.
pub fn serve(dir: PathBuf, scenario: &Scenario) -> std::io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", scenario.port))?;
    listener.set_nonblocking(true)?;
    let fault = scenario.fault;
    let started = Instant::now();
    loop {
        if !dir.is_dir()
            || dir.join("stop").exists()
            || started.elapsed() > Duration::from_secs(4 * 3600)
        {
            return Ok(());
        }
        match listener.accept() {
            Ok((stream, _)) => {
                let dir = dir.clone();
                std::thread::spawn(move || answer(stream, &dir, fault));
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Err(e) => return Err(e),
        }
    }
}

fn answer(stream: TcpStream, dir: &Path, fault: Fault) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // Drain the headers; the answer does not depend on them.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (status, body) = health(dir, fault);
    log(
        dir,
        &format!(
            "{} GET {path} -> {status} {body}",
            crate::incident::actor::timestamp(std::time::SystemTime::now())
        ),
    );
    let reason = match status {
        200 => "OK",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Insufficient Storage",
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// What `/health` answers right now, from the state of the drill directory.
pub fn health(dir: &Path, fault: Fault) -> (u16, String) {
    let version = std::fs::read_to_string(dir.join("current"))
        .unwrap_or_default()
        .trim()
        .to_string();
    match fault {
        Fault::BadDeploy if version == "v42" => (
            500,
            "error: NullPointerException in CheckoutController (v42)".into(),
        ),
        Fault::SlowDependency if cache_wedged(dir) => {
            std::thread::sleep(WEDGED_DELAY);
            (
                503,
                "error: timed out waiting for cache at 127.0.0.1:6379".into(),
            )
        }
        Fault::DiskFull if used_bytes(&dir.join("data")) * 100 / VOLUME_BYTES >= 90 => (
            507,
            "error: cannot write session: no space left on device".into(),
        ),
        _ => (200, format!("ok {version}")),
    }
}

fn cache_wedged(dir: &Path) -> bool {
    if dir.join("restart-cache").exists() {
        let _ = std::fs::remove_file(dir.join("restart-cache"));
        let _ = std::fs::write(dir.join("cache.state"), "ok\n");
    }
    std::fs::read_to_string(dir.join("cache.state")).is_ok_and(|s| s.trim() == "wedged")
}

fn used_bytes(data: &Path) -> u64 {
    std::fs::read_dir(data)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn log(dir: &Path, line: &str) {
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("app.log"))
    {
        let _ = writeln!(file, "{line}");
    }
}
