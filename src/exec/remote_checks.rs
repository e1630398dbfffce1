//! The hosts `command` checks with a `host` run on: over SSH through the
//! pool the console's commands use (one master per host, strict host keys,
//! the persistent remote shell), on every host of the group.

use super::Runner;
use super::ssh::{SshPool, SshRunner, SshTarget};
use crate::health::remote::{Ran, RanFuture, RemoteHost, RemoteHosts};
use crate::playbook::model::HostGroup;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Output kept per run; the rest is read and dropped.
const MAX_OUTPUT: usize = 64 * 1024;

/// The playbook's host groups and the SSH pool to reach them.
#[derive(Clone)]
pub struct SshHosts {
    pub pool: SshPool,
    pub groups: BTreeMap<String, HostGroup>,
    /// The playbook's directory: relative key and config paths start there.
    pub base: PathBuf,
}

impl RemoteHosts for SshHosts {
    fn hosts(&self, group: &str) -> Vec<Arc<dyn RemoteHost>> {
        let targets: Vec<SshTarget> = match self.groups.get(group) {
            Some(hosts) => hosts
                .hosts
                .iter()
                .map(|host| SshTarget::from_group(group, hosts, host, &self.base))
                .collect(),
            None => vec![SshTarget::new(group)],
        };
        targets
            .iter()
            .map(|t| Arc::new(SshRunner::new(&self.pool, t)) as Arc<dyn RemoteHost>)
            .collect()
    }
}

/// Runs `script` on `runner`, output capped, ended at `timeout`.
async fn run(runner: &SshRunner, script: &str, timeout: Duration) -> Result<Ran, String> {
    let (tx, mut rx) = mpsc::channel::<super::Chunk>(64);
    let (_cancel, cancel_rx) = watch::channel(false);
    let collect = async {
        let (mut stdout, mut output) = (String::new(), String::new());
        while let Some(chunk) = rx.recv().await {
            if output.len() < MAX_OUTPUT {
                output.push_str(&chunk.text);
                output.push('\n');
                if chunk.stream == super::Stream::Stdout {
                    stdout.push_str(&chunk.text);
                    stdout.push('\n');
                }
            }
        }
        (stdout, output)
    };
    let (finished, (stdout, output)) =
        tokio::join!(Runner::run(runner, script, timeout, tx, cancel_rx), collect);
    let finished = finished.map_err(|err| {
        crate::terminal_text::sanitise(&err.to_string(), crate::terminal_text::Keep::Text)
    })?;
    if finished.timed_out {
        return Err(format!(
            "no answer within {}",
            humantime::format_duration(timeout)
        ));
    }
    Ok(Ran {
        host: runner.host().to_string(),
        code: finished.exit_code,
        stdout,
        output,
    })
}

impl RemoteHost for SshRunner {
    fn host(&self) -> &str {
        SshRunner::host(self)
    }

    fn run<'a>(&'a self, script: &'a str, timeout: Duration) -> RanFuture<'a> {
        Box::pin(run(self, script, timeout))
    }
}

impl SshHosts {
    /// The host groups of `playbook` (read from `path`), reached through `pool`.
    pub fn of(
        playbook: &crate::playbook::Playbook,
        path: &std::path::Path,
        pool: SshPool,
    ) -> SshHosts {
        let base = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        SshHosts {
            pool,
            groups: playbook.hosts.clone(),
            base,
        }
    }
}
