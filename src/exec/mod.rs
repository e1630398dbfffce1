//! Running a plan. Runners (local, SSH, PromQL) report through channels
//! only; the driver (`driver.rs`) writes output files and reports each
//! host's start, output and end; `opsdeck exec` (`headless*.rs`) prints those
//! reports and records them through `plan::record`, as the console's core does.

pub mod driver;
pub mod fanout;
pub mod headless;
pub mod headless_run;
pub mod keeper;
pub mod lines;
pub mod local;
/// How a run ended is plan data (the core records it); runners produce it.
pub use crate::plan::outcome;
pub use crate::plan::outcome::Finished;
pub mod kube_pin;
pub mod kube_runner;
pub mod promql;
pub mod remote_checks;
pub mod ssh;
pub mod tail;
pub mod targets;
pub mod terminal_run;
mod terminal_ssh;

use std::time::Duration;
use tokio::sync::{mpsc, watch};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Output of a command as it came: one or more lines joined by `\n`, without
/// the last one's newline (a line longer than `local::MAX_LINE` arrives cut
/// into pieces, each a line of its own). Whole chunks keep a flood of output
/// cheap: a few hundred sends per million lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub stream: Stream,
    pub text: String,
}

/// A chunk may hold a single line: runners that produce output line by line
/// send it this way.
pub type Line = Chunk;

impl Chunk {
    /// Its lines, without their newlines.
    pub fn lines(&self) -> std::str::Split<'_, char> {
        self.text.split('\n')
    }
}

/// Where a command runs: this machine, or a host over SSH.
pub trait Runner {
    /// Runs `script`, sending its output as it comes to `output` (waiting
    /// when the receiver is behind, so memory stays bounded), until it exits,
    /// the timeout passes, or `cancel` turns true.
    fn run(
        &self,
        script: &str,
        timeout: Duration,
        output: mpsc::Sender<Chunk>,
        cancel: watch::Receiver<bool>,
    ) -> impl std::future::Future<Output = std::io::Result<Finished>> + Send;
}
