//! Running playbook commands. Runners report through channels only; they
//! never touch the screen or the incident log.

pub mod headless;
pub mod lines;
pub mod local;
pub mod resolve;
pub mod ssh;

use std::time::Duration;
use tokio::sync::{mpsc, watch};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// One line of a command's output, without its newline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub stream: Stream,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub duration: Duration,
    pub timed_out: bool,
    pub cancelled: bool,
}

/// Where a command runs: this machine, or a host over SSH.
pub trait Runner {
    /// Runs `script`, sending each output line to `lines` (waiting when the
    /// receiver is behind, so memory stays bounded), until it exits, the
    /// timeout passes, or `cancel` turns true.
    fn run(
        &self,
        script: &str,
        timeout: Duration,
        lines: mpsc::Sender<Line>,
        cancel: watch::Receiver<bool>,
    ) -> impl std::future::Future<Output = std::io::Result<Finished>> + Send;
}
