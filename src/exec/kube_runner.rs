//! Running a Kubernetes command on this machine: the private kubeconfig of
//! its pinned context first, then the script with `KUBECONFIG` pointing at it.

use crate::exec::local::run_with_env;
use crate::exec::{Chunk, Finished, Runner};
use crate::kube::context::KubeTarget;
use crate::kube::private;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

pub struct KubeRunner {
    pub target: KubeTarget,
}

impl Runner for KubeRunner {
    async fn run(
        &self,
        script: &str,
        timeout: Duration,
        output: mpsc::Sender<Chunk>,
        cancel: watch::Receiver<bool>,
    ) -> std::io::Result<Finished> {
        // Prepared right before the run: the check of the pinned context is
        // as late as it can be, and the file lives only while the command does.
        let config = private::prepare(&self.target).map_err(std::io::Error::other)?;
        let env = [("KUBECONFIG", config.path().as_os_str())];
        run_with_env(script, &env, timeout, output, cancel).await
    }
}
