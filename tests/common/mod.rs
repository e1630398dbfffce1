//! Shared helpers for tests that run the `opsdeck` binary.
//!
//! Every run is guarded by a timeout: a hang fails the test with a message
//! instead of blocking the whole suite.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long one run of the binary may take before it counts as a hang.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Fails unless the binary exited normally with `code`: a panic (101) or a
    /// signal is reported as such, with the output to debug it.
    #[track_caller]
    pub fn assert_exit(&self, code: i32) -> &Self {
        assert_eq!(
            self.status.code(),
            Some(code),
            "expected exit code {code}, got {}\n--- stdout:\n{}\n--- stderr:\n{}",
            describe_status(&self.status),
            self.stdout,
            self.stderr
        );
        self
    }
}

/// The crate root: runs happen there, so relative paths such as
/// `tests/invalid/x.md` appear in diagnostics exactly as given.
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `opsdeck ARGS...` from the crate root, with the default timeout.
pub fn run_opsdeck<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    run_opsdeck_in(&crate_root(), args)
}

/// Runs `opsdeck ARGS...` in `dir`, killing it if it runs longer than [`TIMEOUT`].
pub fn run_opsdeck_in<I, S>(dir: &Path, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    run_opsdeck_env(dir, args, &[])
}

/// Like [`run_opsdeck_in`], with extra environment variables (`OPSDECK_DATA_DIR`, ...).
pub fn run_opsdeck_env<I, S>(dir: &Path, args: I, envs: &[(&str, &str)]) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    command
        .envs(envs.iter().copied())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let shown = format!("{command:?}");
    let mut child = command
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {shown}: {err}"));
    // Drain both pipes while waiting: a child blocked on a full pipe is not a hang.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_with_timeout(&mut child, TIMEOUT).unwrap_or_else(|| {
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "{shown} did not exit within {} s and was killed (a hang)",
            TIMEOUT.as_secs()
        )
    });
    Output {
        status,
        stdout: join(stdout),
        stderr: join(stderr),
    }
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if start.elapsed() >= timeout => return None,
            Ok(None) => thread::sleep(Duration::from_millis(10)),
            Err(err) => panic!("cannot wait for opsdeck: {err}"),
        }
    }
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

fn join(handle: JoinHandle<Vec<u8>>) -> String {
    let bytes = handle.join().expect("the pipe reader panicked");
    String::from_utf8_lossy(&bytes).into_owned()
}

/// "exit code 1", or "killed by signal 9" where the platform says so.
pub fn describe_status(status: &ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit code {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    format!("{status}")
}

/// The `events.jsonl` of the one incident under `data` (`OPSDECK_DATA_DIR`).
pub fn only_incident_events(data: &Path) -> String {
    let incident = std::fs::read_dir(data.join("incidents"))
        .expect("an incidents directory")
        .next()
        .expect("one incident")
        .expect("a readable entry")
        .path();
    std::fs::read_to_string(incident.join("events.jsonl")).expect("events.jsonl")
}

/// A loopback port free at the time of asking, for a test server.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
