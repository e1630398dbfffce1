//! The data the plan works with: the contexts known when the incident
//! started, and the context one command runs against.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A context of the responder's kubeconfig, as pinned: names and the API
/// server only, never credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KubeContext {
    pub name: String,
    pub cluster: String,
    pub user: String,
    pub server: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// A context or namespace name that can be shown and typed: not empty, at
/// most 253 bytes, no control characters or spaces.
pub fn is_context_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && !name.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// The kubeconfig as read when the incident started.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KubeSnapshot {
    /// The file read (the first of `KUBECONFIG`, else `~/.kube/config`).
    pub kubeconfig: Option<PathBuf>,
    /// Its `current-context` then: the context of commands that name none.
    pub current: Option<String>,
    pub contexts: Vec<KubeContext>,
    /// Why there are no contexts (no file, unreadable, not a kubeconfig).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Contexts the config file marks read-only (not pinned: read each start).
    #[serde(skip)]
    pub read_only: Vec<String>,
}

impl KubeSnapshot {
    pub fn context(&self, name: &str) -> Option<&KubeContext> {
        self.contexts.iter().find(|c| c.name == name)
    }

    /// `⎈ prod/payments`: the context commands run against when they name none.
    pub fn status(&self, playbook_context: Option<&str>, namespace: Option<&str>) -> String {
        let name = playbook_context.or(self.current.as_deref());
        match name {
            Some(name) => {
                let ns = namespace
                    .map(str::to_string)
                    .or_else(|| self.context(name).and_then(|c| c.namespace.clone()))
                    .unwrap_or_else(|| "default".into());
                format!("⎈ {name}/{ns}")
            }
            None => "⎈ none".into(),
        }
    }
}

/// Where one Kubernetes command runs: part of its plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KubeTarget {
    pub context: String,
    /// The API server pinned for it: the run is refused if it changed.
    pub server: String,
    pub namespace: String,
    /// The kubeconfig its credentials are read from when it runs.
    pub kubeconfig: PathBuf,
}

impl KubeTarget {
    /// ``context `prod` (API server https://api.prod:6443), default namespace `payments` ``
    pub fn describe(&self) -> String {
        format!(
            "context `{}` (API server {}), default namespace `{}`",
            self.context, self.server, self.namespace
        )
    }
}
