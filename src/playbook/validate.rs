//! Checks across the whole playbook: references resolve and ids are unique.
//! What is legal but risky is `lint.rs`.

use super::diagnostic::Diagnostic;
use super::model::{HostGroup, Playbook, Pos};
use std::collections::HashMap;

pub fn validate(playbook: &Playbook) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    duplicate_ids(
        playbook.commands().map(|c| (c.id.as_str(), c.pos_of("id"))),
        "command",
        &mut out,
    );
    duplicate_ids(
        playbook.checks.iter().map(|c| (c.id.as_str(), c.pos)),
        "check",
        &mut out,
    );
    for (name, group) in &playbook.hosts {
        unsafe_destinations(name, group, &mut out);
    }
    let host_names: Vec<&str> = playbook.hosts.keys().map(String::as_str).collect();
    for check in &playbook.checks {
        if let Some(host) = &check.host {
            undefined_host(
                host,
                check.host_pos.unwrap_or(check.pos),
                &host_names,
                &mut out,
            );
        }
    }
    for command in playbook.commands() {
        undefined_host(
            command.host.name(),
            command.pos_of("host"),
            &host_names,
            &mut out,
        );
        if let Some(verify) = &command.verify
            && playbook.check(verify).is_none()
        {
            let known: Vec<&str> = playbook.checks.iter().map(|c| c.id.as_str()).collect();
            out.push(
                Diagnostic::error(
                    "undefined-check",
                    command.pos_of("verify"),
                    format!(
                        "command `{}` verifies with check `{verify}`, which is not defined",
                        command.id
                    ),
                )
                .help(if known.is_empty() {
                    "add it under `checks:` in the front matter, or remove `verify`".to_string()
                } else {
                    format!("defined checks: {}", known.join(", "))
                }),
            );
        }
    }
    if playbook.steps.is_empty() {
        out.push(
            Diagnostic::error("no-steps", Pos::new(1, 1), "the playbook has no steps")
                .help("add `## Step title` sections (Markdown) or a `steps:` list (YAML)"),
        );
    }
    out
}

fn duplicate_ids<'a>(
    ids: impl Iterator<Item = (&'a str, Pos)>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<&str, Pos> = HashMap::new();
    for (id, pos) in ids {
        if let Some(first) = seen.get(id) {
            out.push(
                Diagnostic::error(
                    "duplicate-id",
                    pos,
                    format!("{what} id `{id}` is already used at line {}", first.line),
                )
                .help(format!("give each {what} its own id, e.g. `{id}-2`")),
            );
        } else {
            seen.insert(id, pos);
        }
    }
}

fn undefined_host(host: &str, pos: Pos, known: &[&str], out: &mut Vec<Diagnostic>) {
    if host == super::model::LOCAL || known.contains(&host) {
        return;
    }
    let help = match super::diagnostic::suggest(host, known) {
        Some(close) => format!("did you mean `{close}`? Or define `{host}` under `hosts:`"),
        None if known.is_empty() => {
            format!("define it under `hosts:` (`{host}: {host}.internal`) or use `host=local`")
        }
        None => format!(
            "define it under `hosts:` or use one of: local, {}",
            known.join(", ")
        ),
    };
    out.push(
        Diagnostic::error(
            "undefined-host",
            pos,
            format!("host `{host}` is not defined"),
        )
        .help(help),
    );
}

/// A host or user that `ssh` would read as an option (`-oProxyCommand=…`) or
/// that holds whitespace or control characters is refused before it is used.
fn unsafe_destinations(name: &str, group: &HostGroup, out: &mut Vec<Diagnostic>) {
    let fields = group
        .hosts
        .iter()
        .map(|h| ("host", h.as_str()))
        .chain(group.user.as_deref().map(|u| ("user", u)));
    for (what, value) in fields {
        let problem = if value.starts_with('-') {
            "starts with `-`, so ssh would read it as an option"
        } else if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            "holds whitespace or a control character"
        } else {
            continue;
        };
        out.push(
            Diagnostic::error(
                "bad-destination",
                group.pos,
                format!("the {what} `{}` of host group `{name}` {problem}", value.escape_debug()),
            )
            .help("write a host name, an address or an ssh_config alias (letters, digits, `.`, `-`, `_`, `:`), and the user as a plain login name"),
        );
    }
}
