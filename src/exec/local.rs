//! The local runner: `sh` in its own process group, output streamed line by
//! line, a timeout and cancel that reach every grandchild.
//!
//! A process that left the group (`setsid`, a daemon's double fork) cannot
//! be signalled with it and may keep the output pipes open for ever. So the
//! run never waits for the pipes without a bound: once the shell is gone it
//! reads what is left for at most [`OUTPUT_GRACE`] of waiting (time spent
//! waiting on a slow reader does not count), then stops reading and says so
//! in the output ([`HELD_OPEN_NOTE`]).
//!
//! The script travels in the environment, not in argv: every user can read
//! argv (`ps`), only the owner can read the environment.

use super::lines::ChunkSplitter;
use super::{Chunk, Finished, Runner, Stream};
use crate::shell::spawn::sh_command;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{mpsc, watch};

/// A line longer than this is cut into pieces, so one endless line cannot grow memory.
pub const MAX_LINE: usize = 64 * 1024;
/// Between SIGINT/SIGTERM and SIGKILL, time for the command to clean up.
pub const KILL_GRACE: Duration = Duration::from_secs(2);
/// Once the shell has exited by itself, how long the run waits for output
/// pipes still held open (by a process that left the group).
pub const OUTPUT_GRACE: Duration = KILL_GRACE;
/// After a timeout or cancel, the wait for open pipes ends with the grace
/// period that began at the first signal, but is never shorter than this.
const LAST_READ: Duration = Duration::from_millis(250);
/// Once the shell is gone, more output than this means something else is
/// writing: what the shell left in a pipe is at most a pipe's capacity.
const AFTER_EXIT_BYTES: usize = 4 * 1024 * 1024;
/// The last line of a run whose output was still held open when it ended.
pub const HELD_OPEN_NOTE: &str =
    "opsdeck: output still open: a background process holds it; stopped reading";

/// The stdout pipe's capacity: a flood's writer blocks, and wakes the
/// reader, 16 times less often than with the default 64 KiB.
const PIPE_BYTES: usize = 1 << 20;

/// Asks for a [`PIPE_BYTES`] pipe; where the system says no (a lower
/// `pipe-max-size`), the pipe stays as it was.
fn widen_pipe(pipe: &impl std::os::fd::AsRawFd) {
    // SAFETY: fcntl on a descriptor we own; no memory is passed.
    unsafe {
        libc::fcntl(
            pipe.as_raw_fd(),
            libc::F_SETPIPE_SZ,
            PIPE_BYTES as libc::c_int,
        );
    }
}

pub struct LocalRunner;

impl Runner for LocalRunner {
    async fn run(
        &self,
        script: &str,
        timeout: Duration,
        output: mpsc::Sender<Chunk>,
        cancel: watch::Receiver<bool>,
    ) -> std::io::Result<Finished> {
        run_with_env(script, &[], timeout, output, cancel).await
    }
}

/// Runs `script` like [`LocalRunner`] with `env` added to its environment
/// (a Kubernetes command's `KUBECONFIG`): the environment, never argv.
pub(crate) async fn run_with_env(
    script: &str,
    env: &[(&str, &std::ffi::OsStr)],
    timeout: Duration,
    output: mpsc::Sender<Chunk>,
    mut cancel: watch::Receiver<bool>,
) -> std::io::Result<Finished> {
    // A block: the body keeps the indentation it had in `LocalRunner::run`.
    {
        let started = Instant::now();
        let mut child = sh_command(script)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()?;
        let group = child.id().map(|pid| pid as i32);
        if let Some(out) = &child.stdout {
            widen_pipe(out);
        }
        // Set once the shell is gone: how long the pumps may still wait on their pipes.
        let (gone, gone_rx) = watch::channel(None);
        let stdout = child
            .stdout
            .take()
            .map(|out| tokio::spawn(pump(out, Stream::Stdout, output.clone(), gone_rx.clone())));
        let stderr = child
            .stderr
            .take()
            .map(|err| tokio::spawn(pump(err, Stream::Stderr, output.clone(), gone_rx)));

        let mut ended_by = None;
        let mut first_signal = None;
        let status = tokio::select! {
            status = child.wait() => status?,
            _ = tokio::time::sleep(timeout) => {
                ended_by = Some(End::Timeout);
                first_signal = Some(Instant::now());
                stop_group(group, libc::SIGTERM, &mut child).await?
            }
            _ = cancelled(&mut cancel) => {
                ended_by = Some(End::Cancel);
                first_signal = Some(Instant::now());
                stop_group(group, libc::SIGINT, &mut child).await?
            }
        };
        // The shell is gone; make sure nothing it started lingers holding the pipes.
        signal_group(group, libc::SIGKILL);
        // What is left in the pipes is read, but a process that left the
        // group may hold them open for ever: the wait for them is bounded.
        let wait = match first_signal {
            None => OUTPUT_GRACE,
            Some(at) => KILL_GRACE.saturating_sub(at.elapsed()).max(LAST_READ),
        };
        let _ = gone.send(Some(wait));
        let mut held_open = false;
        for pump in [stdout, stderr].into_iter().flatten() {
            held_open |= pump.await.is_ok_and(|drained| drained == Drained::HeldOpen);
        }
        if held_open {
            let note = Chunk {
                stream: Stream::Stderr,
                text: HELD_OPEN_NOTE.to_string(),
            };
            let _ = output.send(note).await;
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

/// How a pipe's reading ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Drained {
    /// The pipe closed (or the reader went away).
    Closed,
    /// The shell was gone but something still held the pipe open: reading stopped.
    HeldOpen,
}

/// Reads a pipe and sends what came as whole lines; waits when the reader is
/// behind. Once `gone` carries a wait, the pipe is read until it closes, or
/// until that much time was spent waiting on it (time spent waiting on the
/// reader does not count) or more came than the shell could have left.
async fn pump(
    mut pipe: impl AsyncRead + Unpin,
    stream: Stream,
    output: mpsc::Sender<Chunk>,
    mut gone: watch::Receiver<Option<Duration>>,
) -> Drained {
    let mut splitter = ChunkSplitter::default();
    // Chunks stay small: channels of them bound memory by their count.
    let mut buffer = vec![0u8; 64 * 1024];
    let mut texts = Vec::new();
    // Read-wait time left, and bytes read, since the shell was gone.
    let mut left: Option<Duration> = None;
    let mut after_exit = 0usize;
    let mut drained = Drained::Closed;
    loop {
        let read = match left {
            None => tokio::select! {
                read = pipe.read(&mut buffer) => read,
                changed = gone.changed() => {
                    // A dropped sender means the run was abandoned: stop soon too.
                    left = Some(if changed.is_ok() {
                        (*gone.borrow_and_update()).unwrap_or(OUTPUT_GRACE)
                    } else {
                        OUTPUT_GRACE
                    });
                    continue;
                }
            },
            Some(wait) => {
                let waited = Instant::now();
                let read = tokio::time::timeout(wait, pipe.read(&mut buffer)).await;
                left = Some(wait.saturating_sub(waited.elapsed()));
                match read {
                    Ok(Ok(n)) if after_exit + n <= AFTER_EXIT_BYTES => {
                        after_exit += n;
                        Ok(n)
                    }
                    Ok(Ok(_)) | Err(_) => {
                        drained = Drained::HeldOpen;
                        break;
                    }
                    Ok(Err(err)) => Err(err),
                }
            }
        };
        match read {
            Ok(0) | Err(_) => break,
            Ok(n) => splitter.push(&buffer[..n], &mut texts),
        }
        for text in texts.drain(..) {
            if output.send(Chunk { stream, text }).await.is_err() {
                return Drained::Closed;
            }
        }
    }
    splitter.flush(&mut texts);
    for text in texts {
        let _ = output.send(Chunk { stream, text }).await;
    }
    drained
}
