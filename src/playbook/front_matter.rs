//! The playbook's YAML header: title, hosts, variables, checks, escalation.
//! Shared by the Markdown front matter and the YAML form.

use super::checks::read_checks;
use super::diagnostic::Diagnostic;
use super::fields::{self, FieldReport, Fields, Strictness, string, string_list, type_error};
use super::model::{Contact, HostGroup, Variable};
use super::urls::checked_url;
use super::yaml_tree::{Node, Value};
use std::collections::BTreeMap;

/// Keys opsdeck reads at the top level. Others are warnings: plain runbooks
/// carry keys for wikis and site generators.
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "title",
    "service",
    "owners",
    "escalation",
    "hosts",
    "variables",
    "checks",
    "prometheus",
    "alertmanager",
    "alerts",
    "summary",
    "allow",
    "notify",
    "kube",
    "steps",
];

#[derive(Default)]
pub struct Header<'a> {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub allow: Vec<String>,
    pub notify: Option<String>,
    pub kube: Option<super::model::KubeHeader>,
    pub service: Option<String>,
    pub owners: Vec<String>,
    pub escalation: Vec<Contact>,
    pub hosts: BTreeMap<String, HostGroup>,
    pub variables: BTreeMap<String, Variable>,
    pub checks: Vec<super::model::Check>,
    pub prometheus: Option<String>,
    pub alertmanager: Option<String>,
    /// Alert names this playbook answers (`alerts: [KubePodCrashLooping]`).
    pub alerts: Vec<String>,
    /// `steps:`, which only the YAML form may have.
    pub steps: Option<&'a Node>,
}

pub fn read_header<'a>(node: &'a Node, report: &mut FieldReport) -> Header<'a> {
    if node.value == Value::Null {
        return Header::default();
    }
    let Some(top) = Fields::new(
        node,
        "the playbook header",
        TOP_LEVEL_KEYS,
        Strictness::Lenient,
        report,
    ) else {
        return Header::default();
    };
    Header {
        title: top.string("title", report),
        summary: top.string("summary", report),
        allow: top
            .get("allow")
            .map(|n| read_allow(n, report))
            .unwrap_or_default(),
        notify: top.get("notify").and_then(|n| read_notify(n, report)),
        kube: top.get("kube").and_then(|n| read_kube(n, report)),
        service: top.string("service", report),
        owners: top
            .get("owners")
            .map(|n| string_list(n, "owners", report))
            .unwrap_or_default(),
        escalation: top
            .get("escalation")
            .map(|n| read_escalation(n, report))
            .unwrap_or_default(),
        hosts: top
            .get("hosts")
            .map(|n| read_hosts(n, report))
            .unwrap_or_default(),
        variables: top
            .get("variables")
            .map(|n| read_variables(n, report))
            .unwrap_or_default(),
        checks: top
            .get("checks")
            .map(|n| read_checks(n, report))
            .unwrap_or_default(),
        prometheus: top
            .get("prometheus")
            .and_then(|n| checked_url(n, "prometheus", true, report)),
        alertmanager: top
            .get("alertmanager")
            .and_then(|n| checked_url(n, "alertmanager", true, report)),
        alerts: top
            .get("alerts")
            .map(|n| string_list(n, "alerts", report))
            .unwrap_or_default(),
        steps: top.get("steps"),
    }
}

fn entries<'a>(node: &'a Node, section: &str, report: &mut FieldReport) -> &'a [(Node, Node)] {
    match &node.value {
        Value::Map(entries) => entries,
        Value::Null => &[],
        _ => {
            report.push(type_error(
                node,
                &format!("`{section}`"),
                "a mapping of names",
            ));
            &[]
        }
    }
}

fn items<'a>(node: &'a Node, section: &str, report: &mut FieldReport) -> &'a [Node] {
    match &node.value {
        Value::Seq(items) => items,
        Value::Null => &[],
        _ => {
            report.push(type_error(
                node,
                &format!("`{section}`"),
                "a list (`- ...` lines)",
            ));
            &[]
        }
    }
}

const CONTACT_KEYS: &[&str] = &["name", "contact", "after"];

fn read_escalation(node: &Node, report: &mut FieldReport) -> Vec<Contact> {
    let mut contacts = Vec::new();
    for item in items(node, "escalation", report) {
        if let Some(name) = item.value.as_scalar_text() {
            contacts.push(Contact {
                name,
                contact: None,
                after: None,
                pos: item.pos,
            });
            continue;
        }
        let Some(f) = Fields::new(
            item,
            "an escalation contact",
            CONTACT_KEYS,
            Strictness::Strict,
            report,
        ) else {
            continue;
        };
        let Some(name) = f.string("name", report) else {
            report.push(missing(
                item,
                "escalation contact",
                "name",
                "name: On-call lead",
            ));
            continue;
        };
        contacts.push(Contact {
            name,
            contact: f.string("contact", report),
            after: f.duration("after", report),
            pos: item.pos,
        });
    }
    contacts
}

const HOST_KEYS: &[&str] = &[
    "hosts",
    "user",
    "port",
    "identity_file",
    "known_hosts",
    "ssh_config",
    "host_key_check",
];

fn read_hosts(node: &Node, report: &mut FieldReport) -> BTreeMap<String, HostGroup> {
    let mut groups = BTreeMap::new();
    for (key, value) in entries(node, "hosts", report) {
        let Some(name) = string(key, "host group name", report) else {
            continue;
        };
        if name == super::model::LOCAL {
            report.push(
                Diagnostic::error(
                    "reserved-name",
                    key.pos,
                    "`local` is reserved for this machine",
                )
                .help("pick another name for this host group"),
            );
            continue;
        }
        let mut group = HostGroup {
            hosts: Vec::new(),
            user: None,
            port: None,
            identity_file: None,
            known_hosts: None,
            ssh_config: None,
            host_key_check: None,
            ssh_config_runs: Vec::new(),
            pos: key.pos,
        };
        if let Value::Map(_) = value.value {
            let Some(f) = Fields::new(
                value,
                &format!("host group `{name}`"),
                HOST_KEYS,
                Strictness::Strict,
                report,
            ) else {
                continue;
            };
            group.hosts = f
                .get("hosts")
                .map(|n| string_list(n, "hosts", report))
                .unwrap_or_default();
            group.user = f.string("user", report);
            group.port = f.get("port").and_then(|n| port(n, report));
            group.identity_file = f.string("identity_file", report);
            group.known_hosts = f.string("known_hosts", report);
            group.ssh_config = f.string("ssh_config", report);
            group.host_key_check = f
                .get("host_key_check")
                .and_then(|n| host_key_check(n, report));
        } else {
            group.hosts = string_list(value, "hosts", report);
        }
        if group.hosts.is_empty() {
            report.push(
                Diagnostic::error(
                    "empty-host-group",
                    key.pos,
                    format!("host group `{name}` lists no hosts"),
                )
                .help(format!(
                    "write `{name}: web1.internal` or `{name}: {{hosts: [web1, web2]}}`"
                )),
            );
        }
        groups.insert(name, group);
    }
    groups
}

fn port(node: &Node, report: &mut FieldReport) -> Option<u16> {
    let value = fields::integer(node, "port", report)?;
    match u16::try_from(value) {
        Ok(port) if port > 0 => Some(port),
        _ => {
            report.push(
                Diagnostic::error(
                    "bad-port",
                    node.pos,
                    format!("port {value} is out of range"),
                )
                .help("an SSH port is between 1 and 65535 (usually 22)"),
            );
            None
        }
    }
}

fn host_key_check(node: &Node, report: &mut FieldReport) -> Option<String> {
    let value = string(node, "host_key_check", report)?;
    if value == "strict" || value == "accept-new" {
        return Some(value);
    }
    report.push(
        Diagnostic::error(
            "bad-value",
            node.pos,
            format!("unknown host_key_check `{value}`"),
        )
        .help("use `strict` (the default) or `accept-new`"),
    );
    None
}

const VARIABLE_KEYS: &[&str] = &["default", "description", "secret", "env"];

fn read_variables(node: &Node, report: &mut FieldReport) -> BTreeMap<String, Variable> {
    let mut variables = BTreeMap::new();
    for (key, value) in entries(node, "variables", report) {
        let Some(name) = string(key, "variable name", report) else {
            continue;
        };
        if !is_identifier(&name) {
            report.push(
                Diagnostic::error(
                    "bad-name",
                    key.pos,
                    format!("`{name}` is not a valid variable name"),
                )
                .help("use letters, digits and `_`, starting with a letter (`unit`, `db_host`)"),
            );
            continue;
        }
        let mut variable = Variable {
            default: None,
            description: None,
            secret: false,
            env: None,
            pos: key.pos,
        };
        if let Value::Map(_) = value.value {
            let section = format!("variable `{name}`");
            let Some(f) = Fields::new(value, &section, VARIABLE_KEYS, Strictness::Strict, report)
            else {
                continue;
            };
            variable.default = f.string("default", report);
            variable.description = f.string("description", report);
            variable.secret = f
                .get("secret")
                .and_then(|n| fields::boolean(n, "secret", report))
                .unwrap_or(false);
            variable.env = f.string("env", report);
            if let (true, Some(pos)) = (variable.secret, f.key_pos("default")) {
                report.push(
                    Diagnostic::warning(
                        "literal-secret",
                        pos,
                        format!("secret `{name}` has its value written in the playbook"),
                    )
                    .help(format!(
                        "remove `default` and read it from the environment: `env: {}`",
                        name.to_uppercase()
                    )),
                );
            }
        } else if value.value != Value::Null {
            variable.default = string(value, &name, report);
        }
        variables.insert(name, variable);
    }
    variables
}

/// `notify: {webhook: URL}`: where incident events are posted.
fn read_notify(node: &Node, report: &mut FieldReport) -> Option<String> {
    let f = Fields::new(node, "`notify`", &["webhook"], Strictness::Strict, report)?;
    f.get("webhook")
        .and_then(|n| checked_url(n, "webhook", true, report))
}

/// `kube: {context: NAME, namespace: NAME}`: the cluster of its Kubernetes commands.
fn read_kube(node: &Node, report: &mut FieldReport) -> Option<super::model::KubeHeader> {
    let f = Fields::new(
        node,
        "`kube`",
        &["context", "namespace"],
        Strictness::Strict,
        report,
    )?;
    let mut name = |key: &str| {
        let value = f.string(key, report)?;
        if crate::kube::context::is_context_name(&value) {
            Some(value)
        } else {
            report.push(Diagnostic::error(
                "bad-value",
                node.pos,
                format!("`kube.{key}` is not a usable name: {value:?}"),
            ));
            None
        }
    };
    Some(super::model::KubeHeader {
        context: name("context"),
        namespace: name("namespace"),
    })
}

/// `allow: [rule, ...]`: lint rule names, each checked.
pub fn read_allow(node: &Node, report: &mut FieldReport) -> Vec<String> {
    let rules = string_list(node, "allow", report);
    rules
        .into_iter()
        .filter(|rule| {
            let known = super::lint::is_rule(rule);
            if !known {
                report.push(super::attrs::unknown_rule(rule, node.pos));
            }
            known
        })
        .collect()
}

pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub fn missing(node: &Node, what: &str, key: &str, example: &str) -> Diagnostic {
    Diagnostic::error("missing-key", node.pos, format!("{what} has no `{key}`"))
        .help(format!("add it, e.g. `{example}`"))
}
