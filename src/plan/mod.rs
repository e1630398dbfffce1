//! The one plan of a command run: what exactly runs, where, how dangerous it
//! is, what must be typed to confirm it, and which values are secret. The
//! console and `opsdeck exec` both confirm, show, record and run this plan
//! and nothing else, so the text on screen is the text that runs.
//!
//! Pure: no terminal, no disk, no network. Values read from the environment
//! are handed in by the caller ([`values::env_values`]).

pub mod broken;
pub mod check;
mod danger;
pub mod explain;
pub mod fill;
mod hosts;
/// Placeholders are part of the playbook format; kept here too for readers of the plan.
pub use crate::playbook::placeholders;
mod kube;
pub mod outcome;
pub mod record;
pub mod ssh_target;
pub mod values;

pub use crate::playbook::placeholders::template_findings;
pub use danger::{Danger, danger_of, dangers};
pub use hosts::{LOCAL, group_hosts, select_hosts};
pub use kube::kube_target;

use crate::playbook::Playbook;
use fill::{FillError, Missing, fill};
use hosts::{confirm_name, target};
use ssh_target::SshTarget;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// How commands may run: the mode is always on screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Live,
    DryRun,
    ReadOnly,
    /// `--learn`: a dry run that also explains each command and check.
    Learn,
}

impl Mode {
    /// Shows what would run, runs nothing.
    pub fn runs_nothing(self) -> bool {
        matches!(self, Mode::DryRun | Mode::Learn)
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::Live => "LIVE",
            Mode::DryRun => "DRY-RUN",
            Mode::ReadOnly => "READ-ONLY",
            Mode::Learn => "LEARN (dry-run)",
        }
    }
}

/// What the planner needs: the playbook, the command, the values, the mode.
pub struct Request<'a> {
    pub playbook: &'a Playbook,
    /// Relative paths of SSH settings are resolved against it.
    pub playbook_dir: &'a Path,
    pub command_id: &'a str,
    /// `--var`s and prompts; alert labels and environment values under their prefixes.
    pub values: &'a BTreeMap<String, String>,
    pub mode: Mode,
    /// `--host H`: only this host of the command's group.
    pub only_host: Option<&'a str>,
    /// The kubeconfig's contexts pinned when the incident started; `None`
    /// leaves Kubernetes commands unpinned (for callers without an incident).
    pub kube: Option<&'a crate::kube::KubeSnapshot>,
}

/// Where one copy of the command runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Local,
    Ssh(SshTarget),
    /// A `promql` block: a query against the playbook's Prometheus.
    Prometheus,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub command_id: String,
    /// The exact text that runs, values filled and quoted.
    pub script: String,
    /// The same with every secret as dots: what is shown and recorded.
    pub shown: String,
    /// `local` or the host group's name.
    pub host_group: String,
    pub hosts: Vec<String>,
    /// One per host, in the same order, with its connection settings.
    pub targets: Vec<Target>,
    pub danger: Danger,
    /// What the responder must type before a command that changes things runs.
    pub type_to_confirm: Option<String>,
    /// Secret values in every form they take in `script`: redacted everywhere.
    pub secrets: Vec<String>,
    /// What the group's ssh_config runs on this machine when connecting
    /// (`ProxyCommand …`): shown with the hosts.
    pub ssh_config_runs: Vec<String>,
    pub timeout: Duration,
    /// The context, API server and namespace of a Kubernetes command.
    pub kube: Option<crate::kube::KubeTarget>,
    /// It needs a terminal (`interactive=true`, `kubectl exec -it`, `oc rsh`,
    /// `kubectl edit`): it runs on the real one, here or through `ssh -tt`.
    pub interactive: bool,
    /// In a dry run, why a live run of this Kubernetes command would be refused.
    pub kube_refusal: Option<String>,
}

impl Plan {
    /// `deploy@web1:2222, web2 (ssh_config ./ssh/config)`: each host as it
    /// will be reached, and the ssh_config that may change how.
    /// A Kubernetes command's context, API server and namespace follow.
    pub fn where_it_runs(&self) -> String {
        match (&self.kube, &self.kube_refusal) {
            (Some(kube), _) => format!("{} → Kubernetes {}", self.where_hosts(), kube.describe()),
            (None, Some(why)) => format!(
                "{} → Kubernetes: a live run would be refused: {why}",
                self.where_hosts()
            ),
            (None, None) => self.where_hosts(),
        }
    }

    /// The hosts alone, as [`Plan::where_it_runs`] says them.
    pub fn where_hosts(&self) -> String {
        let mut configs: Vec<String> = Vec::new();
        for target in &self.targets {
            if let Target::Ssh(SshTarget {
                ssh_config: Some(path),
                ..
            }) = target
            {
                let path = path.display().to_string();
                if !configs.contains(&path) {
                    configs.push(path);
                }
            }
        }
        let hosts = self.host_list();
        let mut text = if configs.is_empty() {
            hosts
        } else {
            format!("{hosts} (ssh_config {})", configs.join(", "))
        };
        if !self.ssh_config_runs.is_empty() {
            text.push_str(&format!(
                "; connecting runs here: {}",
                self.ssh_config_runs.join("; ")
            ));
        }
        text
    }

    fn host_list(&self) -> String {
        let shown: Vec<String> = self
            .targets
            .iter()
            .zip(&self.hosts)
            .map(|(target, host)| match target {
                Target::Ssh(ssh) => ssh.describe(),
                Target::Local | Target::Prometheus => host.clone(),
            })
            .collect();
        if shown.is_empty() {
            self.hosts.join(", ")
        } else {
            shown.join(", ")
        }
    }
}

/// Why a command will not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    NoSuchCommand {
        known: Vec<String>,
    },
    ShowOnly,
    /// Text a transcript holds that the shell would not read as written.
    NotShell {
        reason: String,
    },
    /// A line typed inside an interactive program an earlier command started.
    TypedInside {
        program: String,
    },
    ReadOnly {
        why: String,
    },
    /// A Kubernetes command whose context cannot be pinned or is read-only.
    Kube {
        reason: String,
    },
    NotInGroup {
        host: String,
        group: String,
        hosts: Vec<String>,
    },
    /// A value cannot be made data where its placeholder stands.
    Unsafe {
        name: String,
        offset: usize,
        reason: String,
    },
}

impl Refusal {
    pub fn reason(&self) -> String {
        match self {
            Refusal::NoSuchCommand { known } => {
                format!(
                    "there is no such command; the playbook's commands are: {}",
                    known.join(", ")
                )
            }
            Refusal::ShowOnly => "it is marked `run=false` (shown, never run)".into(),
            Refusal::NotShell { reason } => {
                format!("it is not shell ({reason}): shown, never run")
            }
            Refusal::TypedInside { program } => {
                format!("it is typed inside `{program}` once that has the terminal, never run here")
            }
            Refusal::ReadOnly { why } => {
                format!("it changes things ({why}) and read-only mode is on")
            }
            Refusal::Kube { reason } => reason.clone(),
            Refusal::NotInGroup { host, group, hosts } => format!(
                "`{host}` is not a host of `{group}`; its hosts are: {}",
                hosts.join(", ")
            ),
            Refusal::Unsafe { name, reason, .. } => {
                format!("the value of `{name}` cannot be used safely: {reason}")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Planned {
    Ready(Box<Plan>),
    /// Values still to ask for (the console prompts; `exec` names `--var`s).
    Ask(Vec<Missing>),
    Refused(Refusal),
}

pub fn plan(request: &Request) -> Planned {
    let playbook = request.playbook;
    let Some(command) = playbook.command(request.command_id) else {
        let known = playbook.commands().map(|c| c.id.clone()).collect();
        return Planned::Refused(Refusal::NoSuchCommand { known });
    };
    if let Some(not_shell) = &command.not_shell {
        return Planned::Refused(Refusal::NotShell {
            reason: not_shell.reason.clone(),
        });
    }
    if command.show_only {
        return Planned::Refused(match &command.inside {
            Some(program) => Refusal::TypedInside {
                program: program.clone(),
            },
            None => Refusal::ShowOnly,
        });
    }
    let filled = match fill(&command.run, playbook, request.values) {
        Ok(filled) => filled,
        Err(FillError::Missing(missing)) => return Planned::Ask(missing),
        Err(FillError::Unsafe {
            name,
            offset,
            reason,
        }) => {
            return Planned::Refused(Refusal::Unsafe {
                name,
                offset,
                reason,
            });
        }
    };
    let mut danger = danger::danger(command, &filled.script);
    let (kube, kube_refusal) = match kube::resolve(request, command, &filled.script, &mut danger) {
        Ok(resolved) => resolved,
        Err(refusal) => return Planned::Refused(refusal),
    };
    if let Danger::Changes { why, .. } = &danger
        && request.mode == Mode::ReadOnly
    {
        return Planned::Refused(Refusal::ReadOnly { why: why.clone() });
    }
    if let Err(refusal) = kube::read_only_context(request, &danger, kube.as_ref()) {
        return Planned::Refused(refusal);
    }
    let hosts = match select_hosts(playbook, command, request.only_host) {
        Ok(hosts) => hosts,
        Err(refusal) => return Planned::Refused(refusal),
    };
    let targets: Vec<Target> = hosts
        .iter()
        .map(|host| target(playbook, command, host, request.playbook_dir))
        .collect();
    // A change in a cluster is confirmed with the context's name: the one
    // thing that says which cluster it hits.
    let type_to_confirm = danger.changes().then(|| match &kube {
        Some(target) => target.context.clone(),
        None => confirm_name(playbook, command),
    });
    // On this machine, or on each SSH host in turn with a pty; never a query.
    let interactive = (command.interactive
        || kube.is_some() && crate::kube::detect::needs_terminal(&filled.script))
        && !targets.iter().any(|t| matches!(t, Target::Prometheus));
    Planned::Ready(Box::new(Plan {
        command_id: command.id.clone(),
        script: filled.script,
        shown: filled.shown,
        host_group: command.host.name().to_string(),
        hosts,
        targets,
        danger,
        type_to_confirm,
        secrets: filled.secrets,
        ssh_config_runs: playbook
            .hosts
            .get(command.host.name())
            .map(|g| g.ssh_config_runs.clone())
            .unwrap_or_default(),
        timeout: command.timeout,
        interactive,
        kube,
        kube_refusal,
    }))
}
