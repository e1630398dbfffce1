//! Runs end when they must, even when a process the command started has
//! left its process group (`setsid`, a double fork that calls setsid) and
//! keeps the output pipes open: at the timeout, at a cancel, and when the
//! shell simply exits. The run stops reading within a bounded time and says
//! so in the output. `nohup … &` and a plain double fork stay in the group
//! and are killed with it.
//!
//! Every stray process writes its pid to a file and is killed by pid when
//! the test ends; every wait is bounded.

mod common;
mod ssh_support;

use opsdeck::exec::local::LocalRunner;
use opsdeck::exec::ssh::{SshPool, SshRunner};
use opsdeck::exec::{Finished, Line, Runner, Stream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// What the run says when it stops reading output a stray process holds.
const NOTE: &str = "opsdeck: output still open: a background process holds it; stopped reading";

/// Pid files of processes started by a test; each is SIGKILLed on drop.
struct Strays {
    dir: tempfile::TempDir,
    files: Vec<PathBuf>,
}

impl Strays {
    fn new() -> Strays {
        Strays {
            dir: tempfile::tempdir().unwrap(),
            files: Vec::new(),
        }
    }

    /// A fresh pid file: the script writes the stray's pid into it.
    fn pid_file(&mut self) -> PathBuf {
        let path = self.dir.path().join(format!("stray-{}", self.files.len()));
        self.files.push(path.clone());
        path
    }

    /// The stray's pid, waiting (bounded) for the script to write it.
    fn pid(path: &Path) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Some(pid) = std::fs::read_to_string(path)
                .ok()
                .and_then(|t| t.trim().parse().ok())
            {
                return Some(pid);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Strays {
    fn drop(&mut self) {
        for file in &self.files {
            if let Some(pid) = std::fs::read_to_string(file)
                .ok()
                .and_then(|t| t.trim().parse::<i32>().ok())
                && alive(pid)
            {
                // SAFETY: kill(2) on the pid of a `sleep` this test started; no memory is touched.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
    }
}

/// True while `pid` runs (a zombie counts as gone).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit_once(')')
            .is_some_and(|(_, s)| s.trim_start().starts_with('Z'))
    })
}

/// A process that leaves the group (its own session) and holds both pipes
/// for 20 s; the script goes on once it has left (it wrote its pid).
fn setsid_sleeper(pid_file: &Path) -> String {
    format!(
        "setsid sh -c 'echo $$ > {0}; exec sleep 20' & {1}",
        pid_file.display(),
        wait_for(pid_file)
    )
}

/// A double fork whose grandchild also leaves the group, as daemons do.
fn double_fork_setsid_sleeper(pid_file: &Path) -> String {
    format!(
        "(setsid sh -c 'echo $$ > {0}; exec sleep 20' &) ; {1}",
        pid_file.display(),
        wait_for(pid_file)
    )
}

/// Shell code that waits (at most 10 s) until `pid_file` is written.
fn wait_for(pid_file: &Path) -> String {
    format!(
        "i=0; while [ ! -s {0} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done;",
        pid_file.display()
    )
}

fn local_run(
    script: &str,
    timeout: Duration,
    cancel_after: Option<Duration>,
    read_delay: Duration,
) -> (Vec<Line>, Finished, Duration) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (tx, mut rx) = mpsc::channel(16);
        let (cancel_tx, cancel_rx) = watch::channel(false);
        let script = script.to_string();
        let started = Instant::now();
        let run =
            tokio::spawn(async move { LocalRunner.run(&script, timeout, tx, cancel_rx).await });
        tokio::spawn(async move {
            if let Some(after) = cancel_after {
                tokio::time::sleep(after).await;
                let _ = cancel_tx.send(true);
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
            drop(cancel_tx);
        });
        // A slow reader: nothing is read for `read_delay`.
        tokio::time::sleep(read_delay).await;
        let gather = async {
            let mut lines = Vec::new();
            while let Some(chunk) = rx.recv().await {
                lines.extend(chunk.lines().map(|text| Line {
                    stream: chunk.stream,
                    text: text.to_string(),
                }));
            }
            lines
        };
        let bounded = tokio::time::timeout(Duration::from_secs(30), async {
            let lines = gather.await;
            (lines, run.await.unwrap().unwrap())
        });
        let (lines, finished) = bounded.await.expect("the run hung for 30 s");
        (lines, finished, started.elapsed())
    })
}

fn said_so(lines: &[Line]) -> bool {
    lines.iter().any(|l| l.text == NOTE)
}

#[test]
fn a_shell_that_exits_while_a_setsid_process_holds_its_output_ends_the_run() {
    let mut strays = Strays::new();
    let pid_file = strays.pid_file();
    let script = format!("{} echo started", setsid_sleeper(&pid_file));
    let (lines, finished, took) = local_run(&script, Duration::from_secs(60), None, Duration::ZERO);
    eprintln!("setsid holder, shell exits: run ended after {took:?}");
    assert!(took < Duration::from_secs(10), "the run took {took:?}");
    assert_eq!(finished.exit_code, Some(0), "{finished:?}");
    assert!(!finished.timed_out && !finished.cancelled, "{finished:?}");
    assert!(lines.iter().any(|l| l.text == "started"), "{lines:?}");
    assert!(
        said_so(&lines),
        "the output says why reading stopped: {lines:?}"
    );
    let pid = Strays::pid(&pid_file).expect("the stray wrote its pid");
    assert!(
        alive(pid),
        "the stray left the group: the run cannot reach it"
    );
}

#[test]
fn a_timeout_ends_the_run_within_the_grace_period_though_the_pipes_stay_open() {
    let mut strays = Strays::new();
    let pid_file = strays.pid_file();
    let script = format!("{} echo started; sleep 30", setsid_sleeper(&pid_file));
    let (lines, finished, took) = local_run(&script, Duration::from_secs(2), None, Duration::ZERO);
    eprintln!("setsid holder, timeout 2 s: run ended after {took:?}");
    assert!(finished.timed_out, "{finished:?}");
    assert!(
        took < Duration::from_secs(2) + opsdeck::exec::local::KILL_GRACE + Duration::from_secs(2),
        "a 2 s timeout took {took:?}"
    );
    assert!(said_so(&lines), "{lines:?}");
    assert!(Strays::pid(&pid_file).is_some());
}

#[test]
fn a_cancel_ends_the_run_within_the_grace_period_though_the_pipes_stay_open() {
    let mut strays = Strays::new();
    let pid_file = strays.pid_file();
    let script = format!(
        "{} echo started; sleep 30",
        double_fork_setsid_sleeper(&pid_file)
    );
    let (lines, finished, took) = local_run(
        &script,
        Duration::from_secs(60),
        Some(Duration::from_millis(500)),
        Duration::ZERO,
    );
    eprintln!("double-forked setsid holder, cancel at 0.5 s: run ended after {took:?}");
    assert!(finished.cancelled, "{finished:?}");
    assert!(
        took < Duration::from_millis(500)
            + opsdeck::exec::local::KILL_GRACE
            + Duration::from_secs(2),
        "the cancel took {took:?}"
    );
    assert!(said_so(&lines), "{lines:?}");
    assert!(lines.iter().any(|l| l.text == "started"), "{lines:?}");
}

#[test]
fn nohup_and_a_plain_double_fork_stay_in_the_group_and_die_with_it() {
    let mut strays = Strays::new();
    let (nohup, forked) = (strays.pid_file(), strays.pid_file());
    let script = format!(
        "nohup sh -c 'echo $$ > {}; exec sleep 20' & (sh -c 'echo $$ > {}; exec sleep 20' &) ; {} {} echo started",
        nohup.display(),
        forked.display(),
        wait_for(&nohup),
        wait_for(&forked)
    );
    let (lines, finished, took) = local_run(&script, Duration::from_secs(60), None, Duration::ZERO);
    eprintln!("nohup and double fork, shell exits: run ended after {took:?}");
    assert_eq!(finished.exit_code, Some(0), "{finished:?}");
    assert!(took < Duration::from_secs(5), "the run took {took:?}");
    assert!(lines.iter().any(|l| l.text == "started"), "{lines:?}");
    assert!(
        !said_so(&lines),
        "their pipes closed with the group: {lines:?}"
    );
    for file in [nohup, forked] {
        let pid = Strays::pid(&file).expect("the background process wrote its pid");
        let deadline = Instant::now() + Duration::from_secs(3);
        while alive(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!alive(pid), "{} outlived its group", file.display());
    }
}

#[test]
fn a_slow_reader_still_gets_all_the_output_of_a_shell_that_exited() {
    // The bounded wait after the shell's exit counts time spent waiting on
    // the pipe, not on the reader: a reader that pauses loses nothing.
    let (lines, finished, took) = local_run(
        "seq 1 200000",
        Duration::from_secs(60),
        None,
        opsdeck::exec::local::KILL_GRACE + Duration::from_secs(1),
    );
    assert_eq!(finished.exit_code, Some(0));
    assert!(!said_so(&lines), "{:?}", &lines[lines.len() - 3..]);
    let out: Vec<&str> = lines
        .iter()
        .filter(|l| l.stream == Stream::Stdout)
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(out.len(), 200_000, "took {took:?}");
    assert_eq!(out.last(), Some(&"200000"));
}

/// A playbook with the reproduction: a timeout of 3 s, a stray holding the pipes.
fn exec_fixture(strays: &mut Strays, tail: &str) -> (tempfile::TempDir, PathBuf) {
    let pid_file = strays.pid_file();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pb.md"),
        format!(
            "# Daemon\n\n## Start\n```sh {{id=daemon timeout=3s}}\n{} echo started; {tail}\n```\n",
            setsid_sleeper(&pid_file)
        ),
    )
    .unwrap();
    (dir, pid_file)
}

fn last_lines_of_finished(data: &Path) -> Vec<String> {
    let events = common::only_incident_events(data);
    let finished = events
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|e| e["kind"] == "command_finished")
        .expect("a command_finished event");
    finished["last_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn exec_of_the_reproduction_ends_and_records_why() {
    let mut strays = Strays::new();
    // The reproduction as reported: the shell exits after 1 s, the stray sleeps 20 s.
    let (dir, _) = exec_fixture(&mut strays, "sleep 1");
    let data = dir.path().join("data");
    let started = Instant::now();
    let out = common::run_opsdeck_env(
        dir.path(),
        ["exec", "pb.md", "daemon"],
        &[("OPSDECK_DATA_DIR", data.to_str().unwrap())],
    );
    let took = started.elapsed();
    eprintln!("exec, shell exits after 1 s: {took:?}");
    out.assert_exit(0);
    assert!(took < Duration::from_secs(8), "exec took {took:?}");
    assert!(out.stdout.contains("started"), "{}", out.stdout);
    assert!(out.stderr.contains(NOTE), "{}", out.stderr);
    let last = last_lines_of_finished(&data);
    assert!(
        last.iter().any(|l| l == NOTE),
        "the event says so: {last:?}"
    );

    // Its timeout, reached while the stray holds the pipes: exit 124, on time.
    let (dir, _) = exec_fixture(&mut strays, "sleep 30");
    let data = dir.path().join("data");
    let started = Instant::now();
    let out = common::run_opsdeck_env(
        dir.path(),
        ["exec", "pb.md", "daemon"],
        &[("OPSDECK_DATA_DIR", data.to_str().unwrap())],
    );
    let took = started.elapsed();
    eprintln!("exec, timeout=3s: {took:?}");
    out.assert_exit(124);
    assert!(took < Duration::from_secs(8), "a 3 s timeout took {took:?}");
    assert!(out.stderr.contains(NOTE), "{}", out.stderr);
    assert!(last_lines_of_finished(&data).iter().any(|l| l == NOTE));
}

#[test]
fn ctrl_c_ends_exec_while_a_stray_holds_the_pipes() {
    let mut strays = Strays::new();
    let (dir, pid_file) = exec_fixture(&mut strays, "sleep 30");
    std::fs::write(
        dir.path().join("pb.md"),
        std::fs::read_to_string(dir.path().join("pb.md"))
            .unwrap()
            .replace("timeout=3s", "timeout=60s"),
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["exec", "pb.md", "daemon"])
        .current_dir(dir.path())
        .env("OPSDECK_DATA_DIR", dir.path().join("data"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    Strays::pid(&pid_file).expect("the command started its stray");
    let interrupted = Instant::now();
    // SAFETY: kill(2) on the opsdeck this test started; no memory is touched.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let deadline = interrupted + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Ctrl-C did not end exec within 15 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = interrupted.elapsed();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    eprintln!("exec, Ctrl-C: ended {took:?} after SIGINT ({status:?})");
    assert!(took < Duration::from_secs(6), "Ctrl-C took {took:?}");
    assert_ne!(
        status.code(),
        Some(0),
        "a cancelled run is no success: {stderr}"
    );
    assert!(stderr.contains(NOTE), "{stderr}");
}

/// Over SSH the remote driver waits for the command's shell, not for its
/// pipes, and kills its group: a stray that left the group cannot hold the
/// run, at its end, its timeout or a cancel, and the shell stays in step.
#[test]
fn over_ssh_a_stray_that_left_the_group_cannot_hold_the_run() {
    let Some(sshd) =
        ssh_support::start_or_skip("over_ssh_a_stray_that_left_the_group_cannot_hold_the_run")
    else {
        return;
    };
    let mut strays = Strays::new();
    let files: Vec<PathBuf> = (0..3).map(|_| strays.pid_file()).collect();
    let runtime = ssh_support::run::runtime();
    runtime.block_on(async {
        let pool = SshPool::default();
        let runner = SshRunner::new(&pool, &ssh_support::run::target(&sshd));
        let (_, warm) =
            ssh_support::run::collect(&runner, "true", Duration::from_secs(10), None).await;
        assert_eq!(warm.unwrap().exit_code, Some(0));

        let cases = [
            (
                format!("{} echo started", setsid_sleeper(&files[0])),
                Duration::from_secs(60),
                None,
            ),
            (
                format!("{} echo started; sleep 30", setsid_sleeper(&files[1])),
                Duration::from_secs(2),
                None,
            ),
            (
                format!(
                    "{} echo started; sleep 30",
                    double_fork_setsid_sleeper(&files[2])
                ),
                Duration::from_secs(60),
                Some(Duration::from_millis(500)),
            ),
        ];
        for (script, timeout, cancel) in cases {
            let started = Instant::now();
            let (lines, done) = ssh_support::run::collect(&runner, &script, timeout, cancel).await;
            let took = started.elapsed();
            eprintln!("ssh: {script:?}: ended after {took:?}");
            let done = done.expect("the run failed");
            assert!(took < Duration::from_secs(8), "{script}: took {took:?}");
            assert!(lines.iter().any(|l| l.text == "started"), "{lines:?}");
            assert_eq!(
                done.timed_out,
                timeout < Duration::from_secs(10),
                "{done:?}"
            );
            assert_eq!(done.cancelled, cancel.is_some(), "{done:?}");
            // Still in step: the next command's output is its own.
            let (lines, done) =
                ssh_support::run::collect(&runner, "echo next", Duration::from_secs(10), None)
                    .await;
            assert_eq!(done.unwrap().exit_code, Some(0));
            assert_eq!(ssh_support::run::texts(&lines, Stream::Stdout), ["next"]);
        }
    });
    drop(runtime);
    for file in &files {
        assert!(Strays::pid(file).is_some(), "{} never ran", file.display());
    }
}

/// `opsdeck exec` over SSH ends though a stray that left the group still
/// holds the remote channel's output when the connection is closed.
#[test]
fn exec_over_ssh_ends_though_a_stray_holds_the_remote_output() {
    let Some(sshd) =
        ssh_support::start_or_skip("exec_over_ssh_ends_though_a_stray_holds_the_remote_output")
    else {
        return;
    };
    let mut strays = Strays::new();
    let pid_file = strays.pid_file();
    let config = sshd.ssh_config(&["web1"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pb.md"),
        format!(
            "---\ntitle: Daemon\nhosts:\n  web: {{hosts: [web1], ssh_config: {}}}\n---\n# Daemon\n\n## Start\n```sh {{id=daemon host=web timeout=3s}}\n{} echo started; sleep 1\n```\n",
            config.display(),
            setsid_sleeper(&pid_file)
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let started = Instant::now();
    let out = common::run_opsdeck_env(
        dir.path(),
        ["exec", "pb.md", "daemon"],
        &[("OPSDECK_DATA_DIR", data.to_str().unwrap())],
    );
    let took = started.elapsed();
    eprintln!("exec over ssh, stray holds the channel: {took:?}");
    out.assert_exit(0);
    assert!(out.stdout.contains("started"), "{}", out.stdout);
    assert!(took < Duration::from_secs(8), "exec took {took:?}");
    assert!(Strays::pid(&pid_file).is_some());
}
