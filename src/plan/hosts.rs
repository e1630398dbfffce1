//! Where a plan runs: the hosts of the command's group, each with its
//! connection settings, and the name to type before a change.

use super::Target;
use super::ssh_target::SshTarget;
use crate::playbook::Playbook;
use crate::playbook::model::{Command, RunsOn};
use std::path::Path;

/// The host group's name; for a command on this machine, the service, else the command's id.
pub(super) fn confirm_name(playbook: &Playbook, command: &Command) -> String {
    if let RunsOn::Hosts(group) = &command.host {
        return group.clone();
    }
    playbook
        .service
        .clone()
        .unwrap_or_else(|| command.id.clone())
}

pub use crate::playbook::model::LOCAL;

/// The hosts a command runs on, in the group's order; `only` picks one.
pub fn select_hosts(
    playbook: &Playbook,
    command: &Command,
    only: Option<&str>,
) -> Result<Vec<String>, super::Refusal> {
    let all = group_hosts(playbook, command);
    match only {
        None => Ok(all),
        Some(wanted) if all.iter().any(|h| h == wanted) => Ok(vec![wanted.to_string()]),
        Some(wanted) => Err(super::Refusal::NotInGroup {
            host: wanted.to_string(),
            group: command.host.name().to_string(),
            hosts: all,
        }),
    }
}

/// Every host of the command's group (a host name alone is its own group).
pub fn group_hosts(playbook: &Playbook, command: &Command) -> Vec<String> {
    match playbook.hosts.get(command.host.name()) {
        Some(group) => group.hosts.clone(),
        None => vec![command.host.name().to_string()],
    }
}

pub(super) fn target(playbook: &Playbook, command: &Command, host: &str, dir: &Path) -> Target {
    if command.lang == "promql" {
        return Target::Prometheus;
    }
    if command.host.is_local() {
        return Target::Local;
    }
    Target::Ssh(match playbook.hosts.get(command.host.name()) {
        Some(group) => SshTarget::from_group(command.host.name(), group, host, dir),
        None => SshTarget::new(host),
    })
}
