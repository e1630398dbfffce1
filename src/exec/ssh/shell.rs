//! One persistent remote shell (an SSH session channel running the driver):
//! sends a command, streams its framed output, stops it on timeout or cancel.

use super::driver::{self, DRIVER};
use super::framed::read_until_end;
use crate::exec::local::{KILL_GRACE, cancelled};
use crate::exec::{Chunk, Stream};
use openssh::{Child, ChildStderr, ChildStdin, ChildStdout, Session, Stdio};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::sync::{mpsc, watch};

/// After SIGKILL, how long to wait for the end marker before dropping the channel.
const GIVE_UP: Duration = Duration::from_secs(5);
/// A `kill` sent over its own channel may take this long at most.
const SIGNAL_TIMEOUT: Duration = Duration::from_secs(5);

pub struct RemoteShell {
    child: Child<Arc<Session>>,
    stdin: ChildStdin,
    stdout: ChildStdout,
    stderr: ChildStderr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Timeout,
    Cancel,
}

/// How one command ended on the remote host.
pub struct Ran {
    /// `sh`'s status: the exit code, or 128+N for signal N.
    pub status: Option<i32>,
    pub ended_by: Option<End>,
}

impl RemoteShell {
    /// Opens a session channel on the master connection and starts the driver.
    pub async fn open(session: &Arc<Session>) -> Result<RemoteShell, openssh::Error> {
        let mut child = Session::to_command(Arc::clone(session), "sh")
            .arg("-c")
            .arg(DRIVER)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .await?;
        let missing = || openssh::Error::ChildIo(io::Error::other("no pipe to the remote shell"));
        let stdin = child.stdin().take().ok_or_else(missing)?;
        let stdout = child.stdout().take().ok_or_else(missing)?;
        let stderr = child.stderr().take().ok_or_else(missing)?;
        Ok(RemoteShell {
            child,
            stdin,
            stdout,
            stderr,
        })
    }

    /// Runs `script` to its end marker. An `Err` leaves the shell unusable.
    pub async fn run(
        &mut self,
        script: &str,
        timeout: Duration,
        output: mpsc::Sender<Chunk>,
        cancel: watch::Receiver<bool>,
    ) -> io::Result<Ran> {
        let mut nonce = driver::nonce();
        let request = loop {
            if script.contains('\0') {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the command contains a NUL byte",
                ));
            }
            match driver::request(&nonce, script) {
                Some(request) => break request,
                None => nonce = driver::nonce(),
            }
        };
        self.stdin.write_all(request.as_bytes()).await?;
        self.stdin.flush().await?;

        let (pid_tx, pid_rx) = watch::channel(None);
        let ended_by = Mutex::new(None);
        let session = self.child.session();
        let readers = async {
            tokio::join!(
                read_until_end(
                    &mut self.stdout,
                    &nonce,
                    Stream::Stdout,
                    output.clone(),
                    Some(pid_tx)
                ),
                read_until_end(&mut self.stderr, &nonce, Stream::Stderr, output, None),
            )
        };
        tokio::select! {
            (status, stderr_end) = readers => {
                let status = status?;
                stderr_end?;
                let ended_by = *ended_by.lock().unwrap_or_else(|e| e.into_inner());
                Ok(Ran { status, ended_by })
            }
            () = stop_when_asked(&session, pid_rx, timeout, cancel, &ended_by) => {
                Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the remote command did not stop after SIGKILL; its channel was closed",
                ))
            }
        }
    }
}

/// Waits for the timeout or a cancel, then signals the command's group:
/// SIGTERM (timeout) or SIGINT (cancel), SIGKILL after the grace period.
/// Returns only if the command still has not ended after all that.
async fn stop_when_asked(
    session: &Session,
    mut pid: watch::Receiver<Option<i32>>,
    timeout: Duration,
    mut cancel: watch::Receiver<bool>,
    ended_by: &Mutex<Option<End>>,
) {
    let (end, first_signal) = tokio::select! {
        _ = tokio::time::sleep(timeout) => (End::Timeout, "TERM"),
        _ = cancelled(&mut cancel) => (End::Cancel, "INT"),
    };
    *ended_by.lock().unwrap_or_else(|e| e.into_inner()) = Some(end);
    let known = tokio::time::timeout(GIVE_UP, pid.wait_for(Option::is_some)).await;
    let Some(pid) = known.ok().and_then(|p| p.ok().and_then(|p| *p)) else {
        return;
    };
    signal(session, pid, first_signal).await;
    tokio::time::sleep(KILL_GRACE).await;
    signal(session, pid, "KILL").await;
    tokio::time::sleep(GIVE_UP).await;
}

/// Signals over a fresh channel: the shell's own is busy with the command.
async fn signal(session: &Session, pid: i32, name: &str) {
    let mut kill = session.command("sh");
    kill.arg("-c")
        .arg(driver::kill_command(pid, name))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _ = tokio::time::timeout(SIGNAL_TIMEOUT, kill.status()).await;
}
