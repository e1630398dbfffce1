//! `command` checks with a `host` run over SSH. The run layer owns the SSH
//! pool, so it provides the hosts (`exec::remote_checks`); probes only see
//! these traits.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// What one host answered: exit code (None: killed), stdout, stdout and
/// stderr together.
pub struct Ran {
    pub host: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub output: String,
}

pub type RanFuture<'a> = Pin<Box<dyn Future<Output = Result<Ran, String>> + Send + 'a>>;

/// One host a check runs on.
pub trait RemoteHost: Send + Sync {
    fn host(&self) -> &str;
    /// Runs `script`, output capped, ended at `timeout`.
    fn run<'a>(&'a self, script: &'a str, timeout: Duration) -> RanFuture<'a>;
}

/// The playbook's host groups, reachable for checks.
pub trait RemoteHosts: Send + Sync {
    /// Every host of `group` (a host name alone is its own group).
    fn hosts(&self, group: &str) -> Vec<Arc<dyn RemoteHost>>;
}
