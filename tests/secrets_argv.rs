//! A command's script (which may hold a secret) never shows in any process's
//! argv, which every user can read in `ps` and /proc/PID/cmdline: not
//! locally, not in a health check, not on the remote host (the test sshd runs
//! on this machine, so its processes are in this /proc too). The script's
//! own environment variable is gone before the script runs, and `sh -c`'s
//! behaviour is kept: `$0`, no positional parameters, exit codes, quoting.

mod ssh_support;

use opsdeck::exec::local::LocalRunner;
use opsdeck::exec::ssh::{SshPool, SshRunner};
use opsdeck::exec::{Chunk, Runner, Stream};
use opsdeck::health::command::CommandProbe;
use opsdeck::health::probe::Probe;
use opsdeck::playbook::model::Expect;
use ssh_support::run::{collect, runtime, target, texts};
use ssh_support::start_or_skip;
use std::os::unix::process::ExitStatusExt;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// How long a command may take to say it is running.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// A secret-looking value no other process on the machine holds.
fn marker() -> String {
    format!("S3CRET-VALUE-{:016x}", fastrand::u64(..))
}

/// Every process whose argv contains `marker`, as `pid: argv`.
fn argv_holding(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        // A process may end between listing and reading: then it holds nothing.
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if cmdline
            .windows(marker.len())
            .any(|w| w == marker.as_bytes())
        {
            let argv = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            found.push(format!("{pid}: {argv}"));
        }
    }
    found
}

/// A script that keeps the secret in a shell variable only (never in an
/// argument of a program it starts), says whether it can see the secret
/// in its environment, then sleeps so its processes can be inspected.
fn sleeping_script(marker: &str) -> String {
    format!(
        "secret='{marker}'\n\
         case \"$(env)\" in *\"$secret\"*) echo env-leak;; esac\n\
         echo \"ready $0 $#\"\n\
         sleep 30\n\
         echo \"$secret\" >/dev/null\n"
    )
}

/// Runs `script` until it prints `ready`, scans /proc, cancels it; returns
/// the processes that showed the marker in their argv, and the output.
async fn scan_while_running(
    runner: &impl Runner,
    script: &str,
    marker: &str,
) -> (Vec<String>, Vec<String>) {
    let (tx, mut rx) = mpsc::channel::<Chunk>(64);
    let (cancel_tx, cancel_rx) = watch::channel(false);
    let run = runner.run(script, Duration::from_secs(60), tx, cancel_rx);
    let watch_it = async {
        let mut lines = Vec::new();
        let mut leaks = Vec::new();
        let deadline = Instant::now() + READY_TIMEOUT;
        while !lines.iter().any(|l: &String| l.starts_with("ready")) {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, rx.recv()).await {
                Ok(Some(chunk)) => lines.extend(chunk.lines().map(str::to_string)),
                Ok(None) => panic!("the command ended before it was ready: {lines:?}"),
                Err(_) => panic!("the command was not ready in {READY_TIMEOUT:?}: {lines:?}"),
            }
        }
        // The shell sits in `sleep` now: a few scans, in case one races a fork.
        for _ in 0..3 {
            for leak in argv_holding(marker) {
                if !leaks.contains(&leak) {
                    leaks.push(leak);
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        cancel_tx.send(true).unwrap();
        while let Some(chunk) = rx.recv().await {
            lines.extend(chunk.lines().map(str::to_string));
        }
        (leaks, lines)
    };
    let bounded = tokio::time::timeout(Duration::from_secs(40), async {
        tokio::join!(run, watch_it)
    });
    let (done, (leaks, lines)) = bounded.await.expect("the run hung");
    let done = done.expect("the run failed");
    assert!(done.cancelled, "{done:?}");
    (leaks, lines)
}

fn assert_hidden(leaks: &[String], lines: &[String]) {
    assert!(
        leaks.is_empty(),
        "the script is readable in argv by every user:\n{}",
        leaks.join("\n")
    );
    assert!(
        !lines.iter().any(|l| l == "env-leak"),
        "the script is in its own environment: {lines:?}"
    );
    assert!(
        lines.iter().any(|l| l == "ready sh 0"),
        "`$0` is sh and there are no positional parameters: {lines:?}"
    );
}

#[test]
fn a_local_script_never_appears_in_any_argv() {
    let marker = marker();
    let script = sleeping_script(&marker);
    let (leaks, lines) = runtime().block_on(scan_while_running(&LocalRunner, &script, &marker));
    assert_hidden(&leaks, &lines);
}

#[test]
fn a_remote_script_never_appears_in_any_argv() {
    let Some(sshd) = start_or_skip("a_remote_script_never_appears_in_any_argv") else {
        return;
    };
    let marker = marker();
    let script = sleeping_script(&marker);
    runtime().block_on(async {
        let pool = SshPool::default();
        let runner = SshRunner::new(&pool, &target(&sshd));
        let (leaks, lines) = scan_while_running(&runner, &script, &marker).await;
        assert_hidden(&leaks, &lines);
    });
}

#[test]
fn a_health_check_script_never_appears_in_any_argv() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready");
    let go = dir.path().join("go");
    let marker = marker();
    // It waits for `go` (bounded), so the scan happens while it runs.
    let script = format!(
        "secret='{marker}'\n\
         case \"$(env)\" in *\"$secret\"*) echo env-leak;; esac\n\
         touch '{ready}'\n\
         i=0; while [ ! -e '{go}' ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done\n\
         echo \"done $0 $#\"",
        ready = ready.display(),
        go = go.display()
    );
    let probe = CommandProbe::new(&script, None, Expect::default());
    let outcome = runtime().block_on(async {
        let run = tokio::spawn(async move { probe.run().await });
        let deadline = Instant::now() + READY_TIMEOUT;
        while !ready.exists() {
            assert!(Instant::now() < deadline, "the check never started");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let leaks = argv_holding(&marker);
        std::fs::write(&go, "").unwrap();
        assert!(
            leaks.is_empty(),
            "the check's script is readable in argv by every user:\n{}",
            leaks.join("\n")
        );
        tokio::time::timeout(Duration::from_secs(30), run)
            .await
            .expect("the check hung")
            .unwrap()
    });
    // `env-leak` first would mean the script was in its own environment.
    assert_eq!(outcome.summary, "done sh 0", "{outcome:?}");
}

/// A script, its stdout and its status (128+N for signal N) under `sh -c`.
type Case = (&'static str, &'static [&'static str], i32);

const SEMANTICS: &[Case] = &[
    ("exit 3", &[], 3),
    ("echo before\nif true; then", &["before"], 2),
    ("echo \"$0\" $# \"${1-none}\"", &["sh 0 none"], 0),
    (
        "x='a \"b\" $c `d`'; echo \"$x\"; echo `echo back` $((1+2)) \\$HOME",
        &["a \"b\" $c `d`", "back 3 $HOME"],
        0,
    ),
    (
        "cat <<'EOF'\nraw $HOME `x` 'q'\nEOF\ncat <<EOF\nv=$((2*3))\nEOF\nfalse",
        &["raw $HOME `x` 'q'", "v=6"],
        1,
    ),
    ("env | grep -c '^OPSDECK_SCRIPT=' ; true", &["0"], 0),
    ("kill -s TERM $$", &[], 128 + 15),
];

fn assert_semantics(case: &Case, stdout: &[String], code: Option<i32>, signal: Option<i32>) {
    let (script, want_out, want_code) = case;
    assert_eq!(stdout, *want_out, "stdout of {script:?}");
    let got = code.or(signal.map(|s| 128 + s));
    assert_eq!(got, Some(*want_code), "exit of {script:?}");
}

#[test]
fn a_local_script_runs_as_sh_c_would_run_it() {
    // The reference: sh itself, given the script as its argument.
    for case in SEMANTICS {
        let out = std::process::Command::new("sh")
            .args(["-c", case.0])
            .output()
            .unwrap();
        let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        assert_semantics(case, &lines, out.status.code(), out.status.signal());
    }
    runtime().block_on(async {
        for case in SEMANTICS {
            let (tx, mut rx) = mpsc::channel::<Chunk>(64);
            let (_cancel_tx, cancel_rx) = watch::channel(false);
            let run = LocalRunner.run(case.0, Duration::from_secs(10), tx, cancel_rx);
            let gather = async {
                let mut out = Vec::new();
                while let Some(chunk) = rx.recv().await {
                    if chunk.stream == Stream::Stdout {
                        out.extend(chunk.lines().map(str::to_string));
                    }
                }
                out
            };
            let (done, out) = tokio::join!(run, gather);
            let done = done.unwrap();
            assert_semantics(case, &out, done.exit_code, done.signal);
        }
    });
}

#[test]
fn a_remote_script_runs_as_sh_c_would_run_it() {
    let Some(sshd) = start_or_skip("a_remote_script_runs_as_sh_c_would_run_it") else {
        return;
    };
    runtime().block_on(async {
        let pool = SshPool::default();
        let runner = SshRunner::new(&pool, &target(&sshd));
        for case in SEMANTICS {
            let (lines, done) = collect(&runner, case.0, Duration::from_secs(10), None).await;
            let done = done.unwrap();
            assert_semantics(
                case,
                &texts(&lines, Stream::Stdout),
                done.exit_code,
                done.signal,
            );
        }
    });
}
