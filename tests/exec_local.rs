//! `opsdeck exec` and the local runner: exit codes, order, timeouts, cancel,
//! refusals, injection, and what lands in the incident log.

mod common;

use common::run_opsdeck_env;
use opsdeck::exec::local::LocalRunner;
use opsdeck::exec::{Line, Runner, Stream};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

const PLAYBOOK: &str = r#"---
title: Exec test
service: shop
variables:
  unit: {default: shop-web}
  token: {secret: true, env: EXEC_TEST_TOKEN}
---
# Exec test

## Look
```sh {id=order}
echo one; echo two >&2; echo three
```

```sh {id=fail}
exit 7
```

```sh {id=signal allow=process-control}
kill -9 $$
```

```sh {id=slow timeout=1s}
sleep 30
```

```sh {id=echo-unit}
echo unit={{unit}}
```

```sh {id=show-token}
echo "token is" {{token}}
```

```sh {id=missing-var}
echo {{nobody_set_this}}
```

```sh {id=shown run=false}
echo never
```

## Fix
```sh {id=restart kind=remediate}
echo restarting {{unit}}
```
"#;

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pb.md"), PLAYBOOK).unwrap();
        Fixture { dir }
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn exec(&self, args: &[&str]) -> common::Output {
        let mut all = vec!["exec", "pb.md"];
        all.extend_from_slice(args);
        let data = self.data();
        run_opsdeck_env(
            self.dir.path(),
            all,
            &[
                ("OPSDECK_DATA_DIR", &data),
                ("EXEC_TEST_TOKEN", "tok-0123456789-secret"),
            ],
        )
    }

    fn events(&self) -> String {
        let incidents = self.dir.path().join("data/incidents");
        let dir = std::fs::read_dir(incidents)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        std::fs::read_to_string(dir.join("events.jsonl")).unwrap()
    }
}

#[test]
fn exit_codes_are_the_commands_own() {
    let f = Fixture::new();
    f.exec(&["order"]).assert_exit(0);
    f.exec(&["fail"]).assert_exit(7);
    f.exec(&["signal"]).assert_exit(128 + 9);
}

#[test]
fn a_timeout_stops_the_command_and_exits_124() {
    let f = Fixture::new();
    let started = Instant::now();
    f.exec(&["slow"]).assert_exit(124);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "timeout of 1s took {:?}",
        started.elapsed()
    );
}

#[test]
fn remediation_without_yes_and_without_a_terminal_is_refused_with_3() {
    let f = Fixture::new();
    let out = f.exec(&["restart"]);
    out.assert_exit(3);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert!(!out.stdout.contains("restarting"), "it ran: {}", out.stdout);
    f.exec(&["restart", "--yes", "--read-only"]).assert_exit(3);
    let ran = f.exec(&["restart", "--yes"]);
    ran.assert_exit(0);
    assert!(ran.stdout.contains("restarting shop-web"));
}

#[test]
fn missing_placeholders_and_show_only_commands_are_refused() {
    let f = Fixture::new();
    let out = f.exec(&["missing-var"]);
    out.assert_exit(3);
    assert!(
        out.stderr.contains("--var nobody_set_this=VALUE"),
        "{}",
        out.stderr
    );
    f.exec(&["shown"]).assert_exit(3);
    let out = f.exec(&["no-such-command"]);
    out.assert_exit(1);
    assert!(
        out.stderr.contains("order"),
        "lists the ids: {}",
        out.stderr
    );
}

#[test]
fn dry_run_prints_the_resolved_command_and_runs_nothing() {
    let f = Fixture::new();
    let out = f.exec(&["restart", "--dry-run", "--var", "unit=api"]);
    out.assert_exit(0);
    assert!(out.stdout.contains("echo restarting api"), "{}", out.stdout);
    // Shown, not run: no line is the command's own output.
    assert!(
        !out.stdout.lines().any(|l| l.trim() == "restarting api"),
        "the command ran: {}",
        out.stdout
    );
    assert!(
        !f.dir.path().join("data/incidents").exists(),
        "a dry run records nothing"
    );
}

#[test]
fn a_hostile_variable_value_cannot_break_out_of_its_quotes() {
    let f = Fixture::new();
    let pwned = f.dir.path().join("pwned");
    let value = format!("'; touch {} #", pwned.display());
    let out = f.exec(&["echo-unit", "--var", &format!("unit={value}")]);
    out.assert_exit(0);
    assert!(!pwned.exists(), "the injected command ran");
    assert!(
        out.stdout.contains(&format!("unit={value}")),
        "the value arrives intact: {}",
        out.stdout
    );
}

#[test]
fn runs_are_recorded_with_output_and_secrets_redacted() {
    let f = Fixture::new();
    f.exec(&["order"]).assert_exit(0);
    f.exec(&["show-token"]).assert_exit(0);
    let events = f.events();
    for kind in [
        "opened",
        "command_confirmed",
        "command_started",
        "command_finished",
    ] {
        assert!(
            events.contains(&format!("\"kind\":\"{kind}\"")),
            "no {kind}: {events}"
        );
    }
    assert!(events.contains("\"exit_code\":0"));
    assert!(
        events.lines().count() >= 7,
        "both runs share the open incident: {events}"
    );
    let incident = std::fs::read_dir(f.dir.path().join("data/incidents"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut outputs: Vec<_> = std::fs::read_dir(incident.join("output"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    outputs.sort();
    let order = std::fs::read_to_string(&outputs[0]).unwrap();
    assert!(
        order.contains("one\n") && order.contains("three\n"),
        "{order}"
    );
    for file in [incident.join("events.jsonl"), outputs[1].clone()] {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains("tok-0123456789-secret"),
            "{} leaks the secret",
            file.display()
        );
    }
    let verify = run_opsdeck_env(
        Path::new("."),
        [
            "log",
            "verify",
            incident.file_name().unwrap().to_str().unwrap(),
        ],
        &[("OPSDECK_DATA_DIR", &f.data())],
    );
    verify.assert_exit(0);
}

#[test]
fn an_unwritable_data_dir_is_reported_and_the_command_still_runs() {
    let f = Fixture::new();
    let blocker = f.dir.path().join("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    let data = blocker.join("data").display().to_string();
    let out = run_opsdeck_env(
        f.dir.path(),
        ["exec", "pb.md", "order"],
        &[("OPSDECK_DATA_DIR", &data)],
    );
    out.assert_exit(0);
    assert!(
        out.stderr.contains("incident log is not being written"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("three"));
}

fn collect(
    script: &str,
    timeout: Duration,
    cancel_after: Option<Duration>,
) -> (Vec<Line>, opsdeck::exec::Finished) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (tx, mut rx) = mpsc::channel(16);
        let (cancel_tx, cancel_rx) = watch::channel(false);
        let script = script.to_string();
        let run =
            tokio::spawn(async move { LocalRunner.run(&script, timeout, tx, cancel_rx).await });
        if let Some(after) = cancel_after {
            tokio::spawn(async move {
                tokio::time::sleep(after).await;
                let _ = cancel_tx.send(true);
            });
        }
        // Chunks of whole lines, flattened into one line each.
        let mut lines = Vec::new();
        while let Some(chunk) = rx.recv().await {
            lines.extend(chunk.lines().map(|text| Line {
                stream: chunk.stream,
                text: text.to_string(),
            }));
        }
        (lines, run.await.unwrap().unwrap())
    })
}

#[test]
fn stdout_lines_arrive_in_order_and_streams_are_told_apart() {
    let (lines, finished) = collect(
        "for i in $(seq 1 500); do echo $i; done; echo oops >&2",
        Duration::from_secs(10),
        None,
    );
    let out: Vec<&str> = lines
        .iter()
        .filter(|l| l.stream == Stream::Stdout)
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        out,
        (1..=500)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    assert!(
        lines
            .iter()
            .any(|l| l.stream == Stream::Stderr && l.text == "oops")
    );
    assert_eq!(finished.exit_code, Some(0));
}

#[test]
fn cancel_stops_the_command_and_its_grandchildren() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("grandchild");
    let script = format!(
        "sh -c 'sleep 300 & echo $! > {}; wait' ; sleep 300",
        pid_file.display()
    );
    let started = Instant::now();
    let (_, finished) = collect(
        &script,
        Duration::from_secs(60),
        Some(Duration::from_millis(500)),
    );
    assert!(finished.cancelled);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "cancel took {:?}",
        started.elapsed()
    );
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let alive = Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ");
    assert!(!alive, "grandchild {pid} outlived the cancel");
}

#[test]
fn an_endless_line_is_cut_into_bounded_pieces() {
    let (lines, _) = collect(
        "head -c 300000 /dev/zero | tr '\\0' x",
        Duration::from_secs(10),
        None,
    );
    assert!(
        lines
            .iter()
            .all(|l| l.text.len() <= opsdeck::exec::local::MAX_LINE)
    );
    assert_eq!(lines.iter().map(|l| l.text.len()).sum::<usize>(), 300_000);
}

#[test]
fn a_million_lines_stay_within_the_memory_bound() {
    let f = Fixture::new();
    std::fs::write(
        f.dir.path().join("big.md"),
        "# Big\n\n```sh {id=big}\nseq 1 1000000\n```\n",
    )
    .unwrap();
    let data = f.data();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["exec", "big.md", "big"])
        .current_dir(f.dir.path())
        .env("OPSDECK_DATA_DIR", &data)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(&status_path)
            && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
        {
            peak_kib = peak_kib.max(line.split_whitespace().nth(1).unwrap().parse().unwrap());
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "a million lines took over 60 s");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(status.success());
    assert!(peak_kib > 0, "could not read the peak memory");
    assert!(
        peak_kib < 64 * 1024,
        "peak memory {peak_kib} KiB exceeds 64 MiB"
    );
    eprintln!("a million lines: peak RSS {peak_kib} KiB");
}

#[test]
fn a_full_disk_while_logging_is_reported_and_keeps_what_was_written() {
    let f = Fixture::new();
    // The first run fills the incident log's file past a tiny file-size limit.
    let data = f.data();
    f.exec(&["order"]).assert_exit(0);
    let before = f.events();
    // RLIMIT_FSIZE makes writes past 1 KiB fail (EFBIG, with SIGXFSZ ignored) like a full disk.
    let script = format!(
        "ulimit -f 1; trap '' XFSZ; OPSDECK_DATA_DIR={data} exec {} exec pb.md order",
        env!("CARGO_BIN_EXE_opsdeck")
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(f.dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "the command still runs: {out:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("WARNING"),
        "the failure is reported: {stderr}"
    );
    let after = f.events();
    assert!(
        after.starts_with(&before),
        "what was written before is kept"
    );
    let replayed = opsdeck::incident::replay::replay_bytes(after.as_bytes());
    assert!(replayed.chain_break.is_none(), "{:?}", replayed.chain_break);
}
