//! `opsdeck exec`'s side: each SSH run goes to the keeper (started when
//! there is none), falling back to a connection of its own only when no
//! keeper can be reached, before anything was sent.

use super::protocol::{self, Reply, Request};
use crate::exec::local::cancelled;
use crate::exec::ssh::{SshPool, SshRunner, SshTarget};
use crate::exec::{Chunk, Finished, Runner, Stream};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::sync::{mpsc, watch};

/// How long a keeper just started may take to listen.
const START_WAIT: Duration = Duration::from_secs(3);
/// After a cancel, how long the keeper gets to say how the run ended.
const CANCEL_WAIT: Duration = Duration::from_secs(10);
/// Beyond the command's timeout: connecting, and the keeper's own bounds.
const SLACK: Duration = Duration::from_secs(30);

/// Runs on one host through the keeper.
#[derive(Clone)]
pub struct KeptRunner {
    socket: PathBuf,
    target: SshTarget,
    fallback: SshRunner,
}

impl KeptRunner {
    pub fn new(socket: &Path, pool: &SshPool, target: &SshTarget) -> KeptRunner {
        // The keeper runs in `/`: paths relative to here would point elsewhere.
        let absolute = |p: &Option<PathBuf>| {
            p.as_ref()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
        };
        let mut sent = target.clone();
        sent.identity_file = absolute(&target.identity_file);
        sent.known_hosts = absolute(&target.known_hosts);
        sent.ssh_config = absolute(&target.ssh_config);
        KeptRunner {
            socket: socket.to_path_buf(),
            target: sent,
            fallback: SshRunner::new(pool, target),
        }
    }
}

impl Runner for KeptRunner {
    async fn run(
        &self,
        script: &str,
        timeout: Duration,
        output: mpsc::Sender<Chunk>,
        mut cancel: watch::Receiver<bool>,
    ) -> io::Result<Finished> {
        let Some(stream) = connect_or_start(&self.socket).await else {
            return self.fallback.run(script, timeout, output, cancel).await;
        };
        let started = Instant::now();
        let (read, mut write) = stream.into_split();
        let request = Request {
            target: self.target.clone(),
            script: script.to_string(),
            timeout_ms: timeout.as_millis().min(u64::MAX as u128) as u64,
        };
        let said = |err: io::Error| {
            io::Error::new(
                err.kind(),
                format!("{}: the SSH keeper: {err}", self.target.host),
            )
        };
        write
            .write_all(&protocol::encode(&request)?)
            .await
            .map_err(said)?;
        let mut read = BufReader::new(read);
        let mut line = Vec::new();
        let mut deadline = started + timeout + SLACK;
        let mut write = Some(write);
        loop {
            let reply = tokio::select! {
                reply = protocol::read::<Reply, _>(&mut read, &mut line) => reply,
                () = cancelled(&mut cancel), if write.is_some() => {
                    // Closing our side is the cancel; the keeper still says how it ended.
                    write = None;
                    deadline = deadline.min(Instant::now() + CANCEL_WAIT);
                    continue;
                }
                () = tokio::time::sleep_until(deadline.into()) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("{}: the SSH keeper did not say how the run ended", self.target.host),
                    ));
                }
            };
            let reply = match reply {
                Ok(Some(reply)) => reply,
                Ok(None) => {
                    return Err(io::Error::other(format!(
                        "{}: the SSH keeper stopped during the run; the command may have run",
                        self.target.host
                    )));
                }
                Err(err) => return Err(said(err)),
            };
            let (stream, text) = match reply {
                Reply::Stdout(text) => (Stream::Stdout, text),
                Reply::Stderr(text) => (Stream::Stderr, text),
                end => {
                    return end
                        .finished()
                        .unwrap_or_else(|| Err(io::Error::other("unreachable")));
                }
            };
            // The receiver gone (the caller stopped listening) is a cancel.
            if output.send(Chunk { stream, text }).await.is_err() {
                write = None;
            }
        }
    }
}

/// A connection to the keeper, starting one if none answers; `None` when
/// none can be had (then nothing was sent anywhere).
async fn connect_or_start(socket: &Path) -> Option<UnixStream> {
    if let Ok(stream) = UnixStream::connect(socket).await {
        return Some(stream);
    }
    start_keeper(socket).ok()?;
    let started = Instant::now();
    while started.elapsed() < START_WAIT {
        if let Ok(stream) = UnixStream::connect(socket).await {
            return Some(stream);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    None
}

/// `opsdeck ssh-keeper SOCKET`, in a session of its own (a Ctrl-C or a
/// closed terminal is for this `exec`, not for the keeper), with nothing
/// of ours open: no pipe of a caller waits on it.
fn start_keeper(socket: &Path) -> io::Result<()> {
    use std::os::unix::process::CommandExt;
    let exe = std::env::current_exe()?;
    let mut command = std::process::Command::new(exe);
    command
        .arg("ssh-keeper")
        .arg(socket)
        .current_dir("/")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // SAFETY: setsid(2) is async-signal-safe and touches no memory.
    unsafe {
        command.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    command.spawn().map(drop)
}
