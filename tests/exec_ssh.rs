//! The SSH runner against a real sshd on 127.0.0.1 (see tests/ssh_support):
//! streaming, connection reuse, host keys, timeouts, cancel, fan-out, injection.

mod common;
mod ssh_support;

use opsdeck::exec::ssh::{SshPool, SshRunner, SshTarget};
use opsdeck::exec::{Runner, Stream};
use ssh_support::run::{collect, runtime, target, texts};
use ssh_support::{Sshd, start_or_skip};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

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
    let timed_out = sshd.dir.path().join("grandchild-alive-after-timeout");
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
        let after_timeout = format!("(sleep 3; touch {}) & sleep 30", timed_out.display());
        let (_, done) = collect(&runner, &after_timeout, Duration::from_secs(1), None).await;
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
    assert!(!timed_out.exists(), "a grandchild outlived the timeout");
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
        let err = refusal(&pool, &changed, "a changed host key must be refused").await;
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
        let err = refusal(&pool, &unknown, "an unknown host key must be refused").await;
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

/// Runs `true` on `target`, which must be refused; returns the refusal.
async fn refusal(pool: &SshPool, target: &SshTarget, why: &str) -> String {
    let (_, done) = collect(
        &SshRunner::new(pool, target),
        "true",
        Duration::from_secs(10),
        None,
    )
    .await;
    done.expect_err(why).to_string()
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

/// A playbook whose host group `web` lists `hosts` (aliases in the sshd's ssh_config).
struct Remote {
    dir: tempfile::TempDir,
}

impl Remote {
    fn new(sshd: &Sshd, hosts: &[&str]) -> Remote {
        let config = sshd.ssh_config(&["web1", "web2", "web3"]);
        // `down` reaches a port where nothing listens.
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str(&format!(
            "Host down\n  HostName 127.0.0.1\n  Port {}\n  User root\n",
            ssh_support::free_port()
        ));
        std::fs::write(&config, text).unwrap();
        let playbook = format!(
            r#"---
title: Remote exec
hosts:
  web: {{hosts: [{hosts}], ssh_config: {config}}}
variables:
  unit: {{default: shop-web}}
---
# Remote exec

## Look
```sh {{id=hello host=web}}
echo hello; echo warn >&2
```

```sh {{id=fail host=web}}
exit 3
```

```sh {{id=echo-unit host=web}}
echo unit={{{{unit}}}}
```

```sh {{id=slow host=web timeout=1s}}
sleep 30
```

```sh {{id=quoted host=web}}
printf '%s|' {{{{v}}}} 'x{{{{v}}}}y' "x{{{{v}}}}y" "$(printf '%s' {{{{v}}}})"
```
"#,
            hosts = hosts.join(", "),
            config = config.display()
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pb.md"), playbook).unwrap();
        Remote { dir }
    }

    fn exec(&self, args: &[&str]) -> common::Output {
        let mut all = vec!["exec", "pb.md"];
        all.extend_from_slice(args);
        let data = self.dir.path().join("data").display().to_string();
        common::run_opsdeck_env(
            self.dir.path(),
            all,
            &[
                ("OPSDECK_DATA_DIR", &data),
                ("OPSDECK_SSH_CONNECT_TIMEOUT", "3s"),
            ],
        )
    }

    /// The `kind` and `host` of every event of the (one) incident.
    fn events(&self) -> Vec<(String, String)> {
        let incidents = self.dir.path().join("data/incidents");
        let dir = std::fs::read_dir(incidents)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        std::fs::read_to_string(dir.join("events.jsonl"))
            .unwrap()
            .lines()
            .map(|line| {
                let event: serde_json::Value = serde_json::from_str(line).unwrap();
                let field = |k: &str| event[k].as_str().unwrap_or("").to_string();
                (field("kind"), field("host"))
            })
            .collect()
    }
}

#[test]
fn exec_fans_out_to_every_host_with_labels_and_a_summary() {
    let Some(sshd) = start_or_skip("exec_fans_out_to_every_host_with_labels_and_a_summary") else {
        return;
    };
    let remote = Remote::new(&sshd, &["web1", "web2", "web3"]);
    let out = remote.exec(&["hello"]);
    out.assert_exit(0);
    for host in ["web1", "web2", "web3"] {
        assert!(
            out.stdout.contains(&format!("{host} | hello\n")),
            "{}",
            out.stdout
        );
        assert!(
            out.stderr.contains(&format!("{host} | warn\n")),
            "{}",
            out.stderr
        );
    }
    assert!(out.stderr.contains("3/3 ok"), "{}", out.stderr);
    let events = remote.events();
    for kind in ["command_started", "command_finished"] {
        let mut hosts: Vec<&str> = events
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, h)| h.as_str())
            .collect();
        hosts.sort();
        assert_eq!(
            hosts,
            ["web1", "web2", "web3"],
            "one {kind} per host: {events:?}"
        );
    }
    // Three aliases, three master connections.
    assert_eq!(sshd.accepted_logins(), 3, "{}", sshd.log_text());

    let failing = remote.exec(&["fail"]);
    failing.assert_exit(3);
    assert!(
        failing.stderr.contains("0/3 ok; web1: exit 3"),
        "{}",
        failing.stderr
    );
}

#[test]
fn exec_on_one_host_keeps_its_output_plain_and_its_exit_code() {
    let Some(sshd) = start_or_skip("exec_on_one_host_keeps_its_output_plain_and_its_exit_code")
    else {
        return;
    };
    let remote = Remote::new(&sshd, &["web1", "web2", "web3"]);
    let out = remote.exec(&["hello", "--host", "web2"]);
    out.assert_exit(0);
    assert_eq!(out.stdout, "hello\n");
    remote.exec(&["fail", "--host", "web3"]).assert_exit(3);
    let timed_out = remote.exec(&["slow", "--host", "web1"]);
    timed_out.assert_exit(124);
    let wrong = remote.exec(&["hello", "--host", "db9"]);
    wrong.assert_exit(1);
    assert!(
        wrong.stderr.contains("web1, web2, web3"),
        "lists the hosts: {}",
        wrong.stderr
    );
    let dry = remote.exec(&["hello", "--host", "web3", "--dry-run"]);
    dry.assert_exit(0);
    assert!(dry.stdout.contains("on web3"), "{}", dry.stdout);
}

#[test]
fn an_unreachable_host_fails_alone_and_sets_the_exit_code() {
    let Some(sshd) = start_or_skip("an_unreachable_host_fails_alone_and_sets_the_exit_code") else {
        return;
    };
    let remote = Remote::new(&sshd, &["web1", "down", "web2"]);
    let out = remote.exec(&["hello"]);
    out.assert_exit(255);
    assert!(
        out.stdout.contains("web1 | hello") && out.stdout.contains("web2 | hello"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("down | opsdeck: down: connection refused"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("2/3 ok; down: down: connection refused"),
        "{}",
        out.stderr
    );
    let finished = remote
        .events()
        .into_iter()
        .filter(|(k, _)| k == "command_finished")
        .count();
    assert_eq!(finished, 3);
}

#[test]
fn a_hostile_variable_value_cannot_break_out_over_ssh() {
    let Some(sshd) = start_or_skip("a_hostile_variable_value_cannot_break_out_over_ssh") else {
        return;
    };
    let remote = Remote::new(&sshd, &["web1"]);
    // sshd runs on this machine, so the remote /tmp is ours.
    let pwned = std::path::PathBuf::from(format!(
        "/tmp/pwned-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let value = format!("'; touch {} #", pwned.display());
    let out = remote.exec(&["echo-unit", "--var", &format!("unit={value}")]);
    out.assert_exit(0);
    assert!(!pwned.exists(), "the injected command ran on the host");
    assert_eq!(
        out.stdout,
        format!("unit={value}\n"),
        "the value arrives intact"
    );
    let other = remote.exec(&["echo-unit", "--var", "unit=$(touch /tmp/pwned-subst)x`id`"]);
    other.assert_exit(0);
    assert!(
        other.stdout.contains("unit=$(touch /tmp/pwned-subst)x`id`"),
        "{}",
        other.stdout
    );
    assert!(!std::path::Path::new("/tmp/pwned-subst").exists());
}

#[test]
fn hostile_values_reach_the_remote_host_as_data() {
    let Some(sshd) = start_or_skip("hostile_values_reach_the_remote_host_as_data") else {
        return;
    };
    let remote = Remote::new(&sshd, &["web1"]);
    let marker = format!("/tmp/opsdeck-pwned-{}", std::process::id());
    for value in [
        format!("$(touch {marker})"),
        format!("`touch {marker}`"),
        format!("'; touch {marker}; '"),
        format!("\"; touch {marker}; \""),
        format!("a\ntouch {marker}\n"),
        "<pod> $Y {{z}} \\ -n".to_string(),
    ] {
        let out = remote.exec(&["quoted", "--var", &format!("v={value}")]);
        out.assert_exit(0);
        let plain = value.trim_end_matches('\n');
        assert_eq!(
            out.stdout,
            format!("{value}|x{value}y|x{value}y|{plain}|\n"),
            "the remote shell printed something else for {value:?}"
        );
        assert!(
            !std::path::Path::new(&marker).exists(),
            "{value:?} ran as code"
        );
    }
}
