//! Where a playbook command runs: this machine, or each host of its group
//! over SSH (all of them, or the one `--host` names).

use super::local::LocalRunner;
use super::promql::PromqlRunner;
use super::ssh::{SshPool, SshRunner, SshTarget};
use super::{Chunk, Finished, Runner};
use crate::playbook::Playbook;
use crate::playbook::model::Command;
use std::path::Path;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

pub enum AnyRunner {
    Local(LocalRunner),
    Ssh(SshRunner),
    /// A `promql` block: a query against Prometheus, wherever `host` says.
    Promql(PromqlRunner),
}

impl Runner for AnyRunner {
    async fn run(
        &self,
        script: &str,
        timeout: Duration,
        output: mpsc::Sender<Chunk>,
        cancel: watch::Receiver<bool>,
    ) -> std::io::Result<Finished> {
        match self {
            AnyRunner::Local(local) => local.run(script, timeout, output, cancel).await,
            AnyRunner::Ssh(ssh) => ssh.run(script, timeout, output, cancel).await,
            AnyRunner::Promql(query) => query.run(script, timeout, output, cancel).await,
        }
    }
}

/// The hosts a command runs on, in the group's order; `only` picks one.
pub fn select_hosts(
    playbook: &Playbook,
    command: &Command,
    only: Option<&str>,
) -> Result<Vec<String>, String> {
    let all = super::headless::target_hosts(playbook, command);
    let Some(wanted) = only else {
        return Ok(all);
    };
    if all.iter().any(|h| h == wanted) {
        return Ok(vec![wanted.to_string()]);
    }
    Err(format!(
        "`{wanted}` is not a host of `{}`; its hosts are: {}",
        command.host,
        all.join(", ")
    ))
}

/// A runner per host: local, or SSH with the host group's settings (paths
/// relative to `playbook_dir`), all sharing `pool`'s connections.
pub fn runners(
    playbook: &Playbook,
    playbook_dir: &Path,
    command: &Command,
    hosts: &[String],
    pool: &SshPool,
) -> Vec<AnyRunner> {
    if command.lang == "promql" {
        return vec![AnyRunner::Promql(PromqlRunner::for_playbook(playbook))];
    }
    if command.host == "local" {
        return vec![AnyRunner::Local(LocalRunner)];
    }
    let group = playbook.hosts.get(&command.host);
    hosts
        .iter()
        .map(|host| {
            let target = match group {
                Some(group) => SshTarget::from_group(&command.host, group, host, playbook_dir),
                None => SshTarget::new(host),
            };
            AnyRunner::Ssh(SshRunner::new(pool, &target))
        })
        .collect()
}

/// The directory relative paths of a playbook are resolved against.
pub fn playbook_dir(path: &Path) -> std::path::PathBuf {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}
