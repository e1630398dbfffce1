//! What breaks around the console must not freeze it: a thousand health
//! checks, a third of them against an endpoint that never answers.

mod tmux_support;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tmux_support::Tmux;

/// Answers 200 to every request (bounded number of connections) and keeps
/// the distinct paths it was asked for.
fn serve_ok() -> (u16, Arc<Mutex<HashSet<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = Arc::new(Mutex::new(HashSet::new()));
    let counter = served.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20_000) {
            let Ok(mut stream) = stream else { continue };
            let counter = counter.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 1024];
                let n = stream.read(&mut buf).unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]);
                if let Some(path) = request.split_whitespace().nth(1) {
                    counter.lock().unwrap().insert(path.to_string());
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                );
            });
        }
    });
    (port, served)
}

/// Accepts connections and never answers, holding them for a minute at most.
fn serve_hanging() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        let started = Instant::now();
        for stream in listener.incoming() {
            if started.elapsed() > Duration::from_secs(60) {
                break;
            }
            if let Ok(stream) = stream {
                held.push(stream);
            }
        }
    });
    port
}

#[test]
fn a_thousand_checks_with_a_third_hanging_leave_the_console_responsive() {
    let ((ok, served), hanging) = (serve_ok(), serve_hanging());
    let dir = tempfile::tempdir().unwrap();
    let mut checks = String::new();
    for n in 0..1000 {
        let port = if n % 3 == 0 { hanging } else { ok };
        checks.push_str(&format!("  - {{id: c{n}, http: \"http://127.0.0.1:{port}/health/c{n}\", interval: 1s, timeout: 2s}}\n"));
    }
    let playbook = dir.path().join("many.md");
    std::fs::write(&playbook, format!("---\ntitle: Many\nchecks:\n{checks}---\n# Many\n\n## One\nFirst.\n\n## Two\nSecond.\n\n## Three\nThird.\n")).unwrap();
    let script = format!(
        "OPSDECK_CONFIG=/dev/null OPSDECK_DATA_DIR={} {} open {}; echo EXIT=$?; sleep 30",
        dir.path().join("data").display(),
        env!("CARGO_BIN_EXE_opsdeck"),
        playbook.display()
    );
    let Some(tmux) = Tmux::start("many", &script) else {
        return;
    };
    tmux.wait_for("┌ One");
    // Let the checks pile up, hanging ones included.
    std::thread::sleep(Duration::from_secs(3));
    for (key, title) in [("j", "┌ Two"), ("j", "┌ Three"), ("k", "┌ Two")] {
        let sent = Instant::now();
        tmux.keys(&[key]);
        tmux.wait_for(title);
        // Generous for a loaded 2-core machine; a frozen console never gets here.
        assert!(
            sent.elapsed() < Duration::from_secs(5),
            "`{key}` took {:?}",
            sent.elapsed()
        );
    }
    // The console stayed responsive because the probes ran beside it, not
    // because they never started: every answering check was asked.
    // Bounded wait: hanging checks hold their slots for their 2 s timeout.
    let deadline = Instant::now() + Duration::from_secs(30);
    let probed = || served.lock().unwrap().len();
    while probed() < 666 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    let asked = probed();
    assert!(
        asked >= 666,
        "only {asked} of 666 answering checks were probed"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}
