//! The runners a plan's targets map to: this machine, a host over SSH, or
//! Prometheus for a `promql` block.

use super::local::LocalRunner;
use super::promql::PromqlRunner;
use super::ssh::SshRunner;
use super::{Chunk, Finished, Runner};
use std::path::Path;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

pub enum AnyRunner {
    Local(LocalRunner),
    Ssh(SshRunner),
    /// On an SSH host through the keeper (`opsdeck exec`).
    Kept(crate::exec::keeper::KeptRunner),
    /// A `promql` block: a query against Prometheus, wherever `host` says.
    Promql(PromqlRunner),
    /// A Kubernetes command on this machine, held to its pinned context.
    Kube(crate::exec::kube_runner::KubeRunner),
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
            AnyRunner::Kept(kept) => kept.run(script, timeout, output, cancel).await,
            AnyRunner::Promql(query) => query.run(script, timeout, output, cancel).await,
            AnyRunner::Kube(kube) => kube.run(script, timeout, output, cancel).await,
        }
    }
}

/// The directory relative paths of a playbook are resolved against.
pub fn playbook_dir(path: &Path) -> std::path::PathBuf {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}
