//! An SSH host that drops while a command runs: the run ends with the host
//! named and exit 255, it is recorded, and nothing hangs.

mod common;
mod ssh_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_host_that_drops_mid_command_is_reported_and_recorded() {
    let Some(sshd) =
        ssh_support::start_or_skip("a_host_that_drops_mid_command_is_reported_and_recorded")
    else {
        return;
    };
    let config = sshd.ssh_config(&["web1"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pb.md"),
        format!(
            "---\ntitle: Drop\nhosts:\n  web: {{hosts: [web1], ssh_config: {}}}\n---\n# Drop\n\n## Wait\n```sh {{id=long host=web}}\necho started; sleep 30; echo never\n```\n",
            config.display()
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["exec", "pb.md", "long"])
        .current_dir(dir.path())
        .env("OPSDECK_DATA_DIR", dir.path().join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("started"), "{first}");

    // Cut every connection: the per-connection sshd processes die.
    let sessions = children_of(sshd.pid());
    assert!(!sessions.is_empty(), "no sshd session to kill");
    for pid in sessions {
        // SAFETY: kill(2) on a process this test's sshd started; no memory is touched.
        unsafe {
            libc::kill(pid as i32, libc::SIGKILL);
        }
    }

    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "opsdeck exec hung after the host dropped"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(
        status.code(),
        Some(255),
        "an unreachable host exits 255: {stderr}"
    );
    assert!(
        stderr.contains("connection closed"),
        "the reason is said: {stderr}"
    );
    let events = common::only_incident_events(&dir.path().join("data"));
    assert!(
        events.contains("\"kind\":\"command_finished\""),
        "the run is recorded: {events}"
    );
    eprintln!("dropped host: exit {:?}, stderr: {stderr}", status.code());
}

/// Processes whose parent is `parent`, from /proc (no procps needed).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `pid (comm) state ppid ...`: the fields after the last `)`.
            let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            after
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok())
                == Some(parent)
        })
        .collect()
}
