//! The local runner: `sh` in its own process group, output streamed line by
//! line, a timeout and cancel that reach every grandchild.
//!
//! The script travels in the environment, not in argv: every user can read
//! argv (`ps`), only the owner can read the environment.

use super::lines::ChunkSplitter;
use super::{Chunk, Finished, Runner, Stream};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;
use tokio::sync::{mpsc, watch};

/// A line longer than this is cut into pieces, so one endless line cannot grow memory.
pub const MAX_LINE: usize = 64 * 1024;
/// Between SIGINT/SIGTERM and SIGKILL, time for the command to clean up.
pub const KILL_GRACE: Duration = Duration::from_secs(2);

/// `sh -c` this with the script in `OPSDECK_SCRIPT`: the variable is unset
/// on the script's first line, before any of it runs, so nothing the script
/// starts inherits it. `$0`, status and line numbers stay those of `sh -c SCRIPT`.
const RUN_SCRIPT: &str = r#"eval "unset OPSDECK_SCRIPT; $OPSDECK_SCRIPT""#;

/// `sh` set to run `script`, which stays out of argv.
pub(crate) fn sh_command(script: &str) -> Command {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(RUN_SCRIPT)
        .env("OPSDECK_SCRIPT", script);
    command
}

pub struct LocalRunner;

impl Runner for LocalRunner {
    async fn run(
        &self,
        script: &str,
        timeout: Duration,
        output: mpsc::Sender<Chunk>,
        mut cancel: watch::Receiver<bool>,
    ) -> std::io::Result<Finished> {
        let started = Instant::now();
        let mut child = sh_command(script)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()?;
        let group = child.id().map(|pid| pid as i32);
        let stdout = child
            .stdout
            .take()
            .map(|out| tokio::spawn(pump(out, Stream::Stdout, output.clone())));
        let stderr = child
            .stderr
            .take()
            .map(|err| tokio::spawn(pump(err, Stream::Stderr, output)));

        let mut ended_by = None;
        let status = tokio::select! {
            status = child.wait() => status?,
            _ = tokio::time::sleep(timeout) => {
                ended_by = Some(End::Timeout);
                stop_group(group, libc::SIGTERM, &mut child).await?
            }
            _ = cancelled(&mut cancel) => {
                ended_by = Some(End::Cancel);
                stop_group(group, libc::SIGINT, &mut child).await?
            }
        };
        // The shell is gone; make sure nothing it started lingers holding the pipes.
        signal_group(group, libc::SIGKILL);
        for pump in [stdout, stderr].into_iter().flatten() {
            let _ = pump.await;
        }
        use std::os::unix::process::ExitStatusExt;
        Ok(Finished {
            exit_code: status.code(),
            signal: status.signal(),
            duration: started.elapsed(),
            timed_out: ended_by == Some(End::Timeout),
            cancelled: ended_by == Some(End::Cancel),
        })
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum End {
    Timeout,
    Cancel,
}

/// Resolves once `cancel` turns true; never if its sender is dropped first.
pub(crate) async fn cancelled(cancel: &mut watch::Receiver<bool>) {
    while !*cancel.borrow() {
        if cancel.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Asks the whole group to stop, then kills it after the grace period.
async fn stop_group(
    group: Option<i32>,
    signal: i32,
    child: &mut tokio::process::Child,
) -> std::io::Result<std::process::ExitStatus> {
    signal_group(group, signal);
    match tokio::time::timeout(KILL_GRACE, child.wait()).await {
        Ok(status) => status,
        Err(_) => {
            signal_group(group, libc::SIGKILL);
            child.wait().await
        }
    }
}

fn signal_group(group: Option<i32>, signal: i32) {
    if let Some(pgid) = group.filter(|p| *p > 0) {
        // SAFETY: kill(2) with a negative pid signals the process group we created; no memory is touched.
        unsafe {
            libc::kill(-pgid, signal);
        }
    }
}

/// Reads a pipe and sends what came as whole lines; waits when the reader is behind.
async fn pump(mut pipe: impl AsyncRead + Unpin, stream: Stream, output: mpsc::Sender<Chunk>) {
    let mut splitter = ChunkSplitter::default();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut texts = Vec::new();
    loop {
        match pipe.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => splitter.push(&buffer[..n], &mut texts),
        }
        for text in texts.drain(..) {
            if output.send(Chunk { stream, text }).await.is_err() {
                return;
            }
        }
    }
    splitter.flush(&mut texts);
    for text in texts {
        let _ = output.send(Chunk { stream, text }).await;
    }
}
