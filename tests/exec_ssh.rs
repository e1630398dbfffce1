//! The SSH runner against a real sshd on 127.0.0.1 (see tests/ssh_support):
//! streaming, connection reuse, host keys, timeouts, cancel, fan-out, injection.

mod common;
mod ssh_support;

use opsdeck::exec::ssh::{SshPool, SshRunner, SshTarget};
use opsdeck::exec::{Finished, Line, Runner, Stream};
use ssh_support::{Sshd, start_or_skip};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn target(sshd: &Sshd) -> SshTarget {
    let mut target = SshTarget::new("127.0.0.1");
    target.port = Some(sshd.port);
    target.user = Some("root".into());
    target.identity_file = Some(sshd.client_key.clone());
    target.known_hosts = Some(sshd.known_hosts.clone());
    target
}

/// Runs `script` and collects its lines; `cancel_after` flips the cancel switch.
async fn collect(
    runner: &SshRunner,
    script: &str,
    timeout: Duration,
    cancel_after: Option<Duration>,
) -> (Vec<Line>, std::io::Result<Finished>) {
    let (tx, mut rx) = mpsc::channel(64);
    let (cancel_tx, cancel_rx) = watch::channel(false);
    if let Some(after) = cancel_after {
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            let _ = cancel_tx.send(true);
            // Keep the sender alive so the switch stays on.
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
    }
    let run = runner.run(script, timeout, tx, cancel_rx);
    let gather = async {
        let mut lines = Vec::new();
        while let Some(line) = rx.recv().await {
            lines.push(line);
        }
        lines
    };
    let bounded =
        tokio::time::timeout(Duration::from_secs(30), async { tokio::join!(run, gather) });
    let (result, lines) = bounded.await.expect("the SSH run hung for 30 s");
    (lines, result)
}

fn texts(lines: &[Line], stream: Stream) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.stream == stream)
        .map(|l| l.text.clone())
        .collect()
}

#[test]
fn a_command_runs_streams_and_keeps_its_exit_code() {
    let Some(sshd) = start_or_skip("a_command_runs_streams_and_keeps_its_exit_code") else {
        return;
    };
    runtime().block_on(async {
        let pool = SshPool::default();
        let runner = SshRunner::new(&pool, &target(&sshd));
        let (lines, done) = collect(
            &runner,
            "echo one; echo two >&2; printf 'no newline'; exit 7",
            Duration::from_secs(10),
            None,
        )
        .await;
        let done = done.expect("the run failed");
        assert_eq!(done.exit_code, Some(7));
        assert_eq!(texts(&lines, Stream::Stdout), ["one", "no newline"]);
        assert_eq!(texts(&lines, Stream::Stderr), ["two"]);

        // Streaming: the first line arrives long before the command ends.
        let (tx, mut rx) = mpsc::channel(64);
        let (_cancel_tx, cancel_rx) = watch::channel(false);
        let started = Instant::now();
        let run = runner.run(
            "echo early; sleep 2; echo late",
            Duration::from_secs(10),
            tx,
            cancel_rx,
        );
        let watch_first = async {
            let first = rx.recv().await.unwrap();
            let at = started.elapsed();
            while rx.recv().await.is_some() {}
            (first.text, at)
        };
        let (done, (first, at)) = tokio::join!(run, watch_first);
        assert_eq!(done.unwrap().exit_code, Some(0));
        assert_eq!(first, "early");
        assert!(
            at < Duration::from_millis(1500),
            "first line only after {at:?}"
        );
    });
}

#[test]
fn one_master_connection_serves_every_later_command() {
    let Some(sshd) = start_or_skip("one_master_connection_serves_every_later_command") else {
        return;
    };
    runtime().block_on(async {
        let pool = SshPool::default();
        let runner = SshRunner::new(&pool, &target(&sshd));
        for i in 0..5 {
            let (lines, done) = collect(
                &runner,
                &format!("echo run {i}"),
                Duration::from_secs(10),
                None,
            )
            .await;
            assert_eq!(done.unwrap().exit_code, Some(0));
            assert_eq!(texts(&lines, Stream::Stdout), [format!("run {i}")]);
        }
        // A second runner for the same target shares the connection too.
        let again = SshRunner::new(&pool, &target(&sshd));
        let (_, done) = collect(&again, "true", Duration::from_secs(10), None).await;
        assert_eq!(done.unwrap().exit_code, Some(0));
        assert_eq!(runner.masters_opened(), 1);
    });
    assert_eq!(sshd.accepted_logins(), 1, "sshd log:\n{}", sshd.log_text());
}

#[test]
fn a_timeout_and_a_cancel_stop_the_remote_process_group() {
    let Some(sshd) = start_or_skip("a_timeout_and_a_cancel_stop_the_remote_process_group") else {
        return;
    };
    let marker = sshd.dir.path().join("grandchild-alive");
    runtime().block_on(async {
        let pool = SshPool::default();
        let runner = SshRunner::new(&pool, &target(&sshd));
        // Connect first, so the cancel reaches a running command.
        let (_, warm) = collect(&runner, "true", Duration::from_secs(10), None).await;
        assert_eq!(warm.unwrap().exit_code, Some(0));
        // A grandchild that would touch the marker if it outlived the cancel.
        let script = format!("(sleep 3; touch {}) & sleep 30", marker.display());
        let started = Instant::now();
        let (_, done) = collect(
            &runner,
            &script,
            Duration::from_secs(60),
            Some(Duration::from_millis(300)),
        )
        .await;
        let done = done.unwrap();
        assert!(done.cancelled, "{done:?}");
        assert_eq!(done.signal, Some(2), "SIGINT: {done:?}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "cancel took {:?}",
            started.elapsed()
        );

        let started = Instant::now();
        let (_, done) = collect(&runner, "sleep 30", Duration::from_secs(1), None).await;
        let done = done.unwrap();
        assert!(done.timed_out, "{done:?}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "timeout took {:?}",
            started.elapsed()
        );

        // The shell is still in step: the next command runs normally.
        let (lines, done) =
            collect(&runner, "echo still fine", Duration::from_secs(10), None).await;
        assert_eq!(done.unwrap().exit_code, Some(0));
        assert_eq!(texts(&lines, Stream::Stdout), ["still fine"]);
        tokio::time::sleep(Duration::from_secs(4)).await;
    });
    assert!(!marker.exists(), "a grandchild outlived the cancel");
}

#[test]
fn an_unknown_or_changed_host_key_is_refused_with_its_fingerprint() {
    let Some(sshd) =
        start_or_skip("an_unknown_or_changed_host_key_is_refused_with_its_fingerprint")
    else {
        return;
    };
    let fingerprint = fingerprint_of(&sshd.dir.path().join("host_key.pub"));
    runtime().block_on(async {
        let pool = SshPool::new(Duration::from_secs(5));
        let mut changed = target(&sshd);
        changed.known_hosts = Some(sshd.wrong_known_hosts());
        let (_, done) = collect(
            &SshRunner::new(&pool, &changed),
            "true",
            Duration::from_secs(10),
            None,
        )
        .await;
        let err = done
            .expect_err("a changed host key must be refused")
            .to_string();
        assert!(err.contains("CHANGED"), "{err}");
        assert!(
            err.contains(&fingerprint),
            "names the offered key {fingerprint}: {err}"
        );
        assert!(
            err.contains("ssh-keygen -f") && err.contains(" -R "),
            "says how to accept: {err}"
        );

        let mut unknown = target(&sshd);
        let empty = sshd.dir.path().join("empty_known_hosts");
        std::fs::write(&empty, "").unwrap();
        unknown.known_hosts = Some(empty.clone());
        let (_, done) = collect(
            &SshRunner::new(&pool, &unknown),
            "true",
            Duration::from_secs(10),
            None,
        )
        .await;
        let err = done
            .expect_err("an unknown host key must be refused")
            .to_string();
        assert!(err.contains("not in"), "{err}");
        assert!(
            err.contains(&fingerprint),
            "names the offered key {fingerprint}: {err}"
        );
        assert!(
            err.contains("host_key_check: accept-new"),
            "says how to accept: {err}"
        );
        assert_eq!(
            std::fs::read_to_string(&empty).unwrap(),
            "",
            "nothing was recorded"
        );

        // Opting in records the key on first connect.
        unknown.accept_new_host_key = true;
        let (_, done) = collect(
            &SshRunner::new(&pool, &unknown),
            "true",
            Duration::from_secs(10),
            None,
        )
        .await;
        assert_eq!(done.unwrap().exit_code, Some(0));
        assert!(
            std::fs::read_to_string(&empty)
                .unwrap()
                .contains("ssh-ed25519")
        );
    });
    assert_eq!(sshd.accepted_logins(), 1, "refused keys never logged in");
}

#[test]
fn a_closed_port_or_a_silent_server_fails_within_the_connect_timeout() {
    if !ssh_support::have_ssh("a_closed_port_or_a_silent_server_fails_within_the_connect_timeout") {
        return;
    }
    runtime().block_on(async {
        let pool = SshPool::new(Duration::from_secs(2));
        let mut closed = SshTarget::new("127.0.0.1");
        closed.port = Some(ssh_support::free_port());
        let started = Instant::now();
        let (_, done) = collect(
            &SshRunner::new(&pool, &closed),
            "true",
            Duration::from_secs(10),
            None,
        )
        .await;
        let err = done.expect_err("nothing listens there").to_string();
        assert!(err.contains("connection refused"), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "took {:?}",
            started.elapsed()
        );

        // Accepts TCP, never speaks SSH: ssh's ConnectTimeout covers the handshake.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut mute = SshTarget::new("127.0.0.1");
        mute.port = Some(silent.local_addr().unwrap().port());
        let started = Instant::now();
        let (_, done) = collect(
            &SshRunner::new(&pool, &mute),
            "true",
            Duration::from_secs(10),
            None,
        )
        .await;
        let err = done.expect_err("the server never answers").to_string();
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "took {:?}: {err}",
            started.elapsed()
        );
        assert!(
            err.contains("timeout") || err.contains("timed out"),
            "{err}"
        );
    });
}

fn fingerprint_of(public_key: &std::path::Path) -> String {
    let out = std::process::Command::new("ssh-keygen")
        .arg("-lf")
        .arg(public_key)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.split_whitespace().nth(1).unwrap().to_string()
}
