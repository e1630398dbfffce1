//! The SSH runner: commands on a remote host through the `openssh` crate's
//! native multiplexing (it drives the `ssh` program).
//!
//! One master connection per host ([`pool`]), opened on first use with strict
//! host-key checking, `BatchMode` and a connect timeout. On it, a persistent
//! remote shell ([`driver`], [`shell`]) runs each command in its own `sh`
//! with stdin from /dev/null, so later commands pay neither a login nor
//! sshd's per-session set-up.

pub mod control_dir;
pub mod driver;
mod explain;
pub mod framed;
pub mod pool;
pub mod shell;
/// Connection settings are plan data; the SSH runner reads them.
pub use crate::plan::ssh_target as target;

pub use crate::plan::ssh_target::SshTarget;
pub use pool::{HostLink, SshPool};

use super::local::cancelled;
use super::{Chunk, Finished, Runner};
use shell::End;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// Runs commands on one host; cheap to clone, all clones share the connection.
#[derive(Clone)]
pub struct SshRunner {
    link: Arc<HostLink>,
}

impl SshRunner {
    pub fn new(pool: &SshPool, target: &SshTarget) -> SshRunner {
        SshRunner {
            link: pool.link(target),
        }
    }

    pub fn host(&self) -> &str {
        &self.link.target.host
    }

    /// How many master connections were opened for this host so far.
    pub fn masters_opened(&self) -> usize {
        self.link.masters_opened()
    }
}

impl Runner for SshRunner {
    async fn run(
        &self,
        script: &str,
        timeout: Duration,
        output: mpsc::Sender<Chunk>,
        mut cancel: watch::Receiver<bool>,
    ) -> std::io::Result<Finished> {
        let started = Instant::now();
        // A cancel while connecting ends the run before anything is sent.
        let mut lease = tokio::select! {
            lease = self.link.checkout() => lease?,
            _ = cancelled(&mut cancel) => return Ok(Finished {
                exit_code: None,
                signal: None,
                duration: started.elapsed(),
                timed_out: false,
                cancelled: true,
            }),
        };
        let ran = lease.shell.run(script, timeout, output, cancel).await?;
        lease.give_back();
        // sh reports a signal N as status 128+N; only a stop we asked for is read as one.
        let (exit_code, signal) = match (ran.status, ran.ended_by) {
            (Some(status), Some(_)) if status > 128 => (None, Some(status - 128)),
            (status, _) => (status, None),
        };
        Ok(Finished {
            exit_code,
            signal,
            duration: started.elapsed(),
            timed_out: ran.ended_by == Some(End::Timeout),
            cancelled: ran.ended_by == Some(End::Cancel),
        })
    }
}
