//! The incident log's entries for a plan and its driver's reports: one
//! place, used by the console and `opsdeck exec` alike.

use super::outcome::HostResult;
use super::{Danger, Plan};
use crate::incident::Entry;
use crate::kube::KubeTarget;

/// The responder confirmed exactly this plan.
pub fn confirmed(plan: &Plan) -> Entry {
    Entry::CommandConfirmed {
        command: plan.command_id.clone(),
        resolved: plan.shown.clone(),
        hosts: plan.hosts.clone(),
        changes: match &plan.danger {
            Danger::Changes { rule, why } => Some(format!("{why} [{rule}]")),
            Danger::Reads => None,
        },
        kube: plan.kube.clone(),
    }
}

/// `host` of the run of `command` began (in the Kubernetes context `kube`).
pub fn started(command: &str, host: &str, kube: Option<&KubeTarget>) -> Entry {
    Entry::CommandStarted {
        command: command.to_string(),
        host: host.to_string(),
        kube: kube.cloned(),
    }
}

/// `host` of the run of `command` ended; one that could not be reached has
/// no exit code, the reason being in its last lines.
pub fn finished(
    command: &str,
    host: &str,
    result: &HostResult,
    output_file: String,
    last_lines: Vec<String>,
    kube: Option<&KubeTarget>,
) -> Entry {
    let (exit_code, signal, duration_ms) = match result {
        Ok(f) => (f.exit_code, f.signal, f.duration.as_millis() as u64),
        Err(_) => (None, None, 0),
    };
    Entry::CommandFinished {
        command: command.to_string(),
        host: host.to_string(),
        exit_code,
        signal,
        duration_ms,
        outcome: Some(super::outcome::said_for_log(result)),
        output_file,
        last_lines,
        kube: kube.cloned(),
    }
}
