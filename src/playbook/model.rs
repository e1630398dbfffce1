//! The one playbook model that both the Markdown and the YAML form parse into.

use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// A 1-based line and column in the playbook's source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Playbook {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub escalation: Vec<Contact>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub hosts: BTreeMap<String, HostGroup>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, Variable>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alertmanager: Option<String>,
    /// Alert names this playbook answers: `opsdeck alerts` offers it for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<String>,
    /// A chat webhook that receives every incident event (`notify: {webhook: URL}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify: Option<String>,
    /// `kube: {context, namespace}`: the cluster its Kubernetes commands run against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kube: Option<KubeHeader>,
    /// Lint rules silenced for the whole playbook.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    pub steps: Vec<Step>,
}

impl Playbook {
    /// Every command of every step, in reading order.
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.steps.iter().flat_map(|step| step.commands())
    }

    pub fn command(&self, id: &str) -> Option<&Command> {
        self.commands().find(|command| command.id == id)
    }

    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|check| check.id == id)
    }
}

/// `kube: {context: NAME, namespace: NAME}` of the playbook.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KubeHeader {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// Someone to call, in order, shown in the console.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contact {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_duration")]
    pub after: Option<Duration>,
    pub pos: Pos,
}

/// A named group of SSH targets (`web: {hosts: [...], user: deploy}`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HostGroup {
    pub hosts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_hosts: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_config: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_key_check: Option<String>,
    /// What `ssh_config` makes ssh run on this machine (`ProxyCommand …`),
    /// read when the playbook is loaded.
    #[serde(skip)]
    pub ssh_config_runs: Vec<String>,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Variable {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    pub pos: Pos,
}

/// One health check: exactly one probe plus what to expect of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    pub id: String,
    pub probe: Probe,
    #[serde(skip_serializing_if = "Expect::is_empty")]
    pub expect: Expect,
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_duration")]
    pub interval: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_duration")]
    pub timeout: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub pos: Pos,
    #[serde(skip)]
    pub host_pos: Option<Pos>,
    /// Lint rules silenced for this check.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Probe {
    Http(String),
    Tcp(String),
    Command(String),
    Prometheus(String),
    Statuspage(String),
    /// Firing alerts matching these matchers are down; `url` is the
    /// playbook's `alertmanager:` (else the environment's or the config's).
    Alertmanager {
        matchers: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
}

impl Probe {
    pub fn kind(&self) -> &'static str {
        match self {
            Probe::Http(_) => "http",
            Probe::Tcp(_) => "tcp",
            Probe::Command(_) => "command",
            Probe::Prometheus(_) => "prometheus",
            Probe::Statuspage(_) => "statuspage",
            Probe::Alertmanager { .. } => "alertmanager",
        }
    }

    pub fn target(&self) -> &str {
        match self {
            Probe::Http(s)
            | Probe::Tcp(s)
            | Probe::Command(s)
            | Probe::Prometheus(s)
            | Probe::Statuspage(s) => s,
            Probe::Alertmanager { matchers, .. } => matchers,
        }
    }
}

/// What a healthy answer looks like. Unset fields are not checked.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Expect {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_duration")]
    pub max_latency: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_contains: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_regex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_contains: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_days: Option<u32>,
}

impl Expect {
    pub fn is_empty(&self) -> bool {
        *self == Expect::default()
    }
}

/// A step is an H2 section (Markdown) or an entry of `steps` (YAML).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub title: String,
    /// Prose and commands in reading order.
    pub content: Vec<Block>,
    pub pos: Pos,
}

impl Step {
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.content.iter().filter_map(|block| match block {
            Block::Command(command) => Some(command),
            Block::Text(_) => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
// Blocks are built once per load and walked in place; boxing buys nothing here.
#[allow(clippy::large_enum_variant)]
pub enum Block {
    /// Markdown shown as it is: prose, lists, non-shell code blocks.
    Text(String),
    Command(Command),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    Diagnose,
    Remediate,
}

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// The host (and host group) that means this machine, in playbooks, plans,
/// checks and the incident log: the one place the word is spelt.
pub const LOCAL: &str = "local";

/// Where a command runs: this machine, or a playbook host group (a bare
/// host name is a group of its own). Written and recorded as its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunsOn {
    Local,
    Hosts(String),
}

impl RunsOn {
    /// `local` is this machine; any other name is hosts.
    pub fn named(name: &str) -> RunsOn {
        if name == LOCAL {
            RunsOn::Local
        } else {
            RunsOn::Hosts(name.to_string())
        }
    }

    /// The name as written: `local`, or the group.
    pub fn name(&self) -> &str {
        match self {
            RunsOn::Local => LOCAL,
            RunsOn::Hosts(name) => name,
        }
    }

    pub fn is_local(&self) -> bool {
        *self == RunsOn::Local
    }
}

impl std::fmt::Display for RunsOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq<&str> for RunsOn {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

impl Serialize for RunsOn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// A runnable shell command linked from a step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Command {
    pub id: String,
    /// The fence language (`sh`, `bash`, ...).
    pub lang: String,
    /// The script exactly as written, placeholders unresolved.
    pub run: String,
    /// A group from `hosts`, or this machine.
    pub host: RunsOn,
    pub kind: Kind,
    #[serde(with = "duration")]
    pub timeout: Duration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<String>,
    /// `run=false`: shown, never run.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub show_only: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interactive: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<String>,
    /// Sample output printed after the command in a transcript: shown, never run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_output: Option<String>,
    /// The comment lines written just before the command in a transcript.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Typed inside the interactive command an earlier one started (`oc rsh
    /// POD`): that command. Runnable only as one combined command
    /// (`oc rsh POD CMD`), else shown as what to type there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inside: Option<String>,
    /// Why the text is not shell (`looks like sample output`, …): shown, never run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_shell: Option<NotShell>,
    /// Lint rules silenced for this command (`allow=RULE`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    /// `context=NAME`: the Kubernetes context it runs against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub pos: Pos,
    /// Where each attribute's value was written, for precise diagnostics.
    #[serde(skip)]
    pub attr_pos: Vec<(String, Pos)>,
    /// Where each line of `run` starts in the file, when it is not simply
    /// the line after `pos` (a command of a transcript, after its prompt).
    #[serde(skip)]
    pub line_starts: Vec<Pos>,
}

/// A command's text that the shell would not read as written.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NotShell {
    pub reason: String,
    /// Where: the line that is not shell.
    #[serde(skip)]
    pub pos: Pos,
}

impl Command {
    /// Position of attribute `key`'s value, else of the command itself.
    pub fn pos_of(&self, key: &str) -> Pos {
        self.attr_pos
            .iter()
            .find(|(k, _)| k == key)
            .map_or(self.pos, |(_, pos)| *pos)
    }

    pub fn has_attr(&self, key: &str) -> bool {
        self.attr_pos.iter().any(|(k, _)| k == key)
    }
}

mod duration {
    use serde::Serializer;
    use std::time::Duration;

    pub fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&humantime::format_duration(*value))
    }
}

mod opt_duration {
    use serde::Serializer;
    use std::time::Duration;

    pub fn serialize<S: Serializer>(
        value: &Option<Duration>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => super::duration::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }
}
