//! Lint rules: legal but risky. Each has a name, a one-line why, and can be
//! silenced for one command (`allow=RULE`), one check (`allow: [RULE]`) or
//! the whole playbook (`allow: [RULE]` at the top).

use super::diagnostic::Diagnostic;
use super::lint_shapes::{literal_secret, pipes_download_into_shell, remediation_word};
use super::model::{Command, Playbook, Pos, Probe};
use super::placeholders::template_names;

pub struct Rule {
    pub name: &'static str,
    pub why: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        name: "looks-like-remediation",
        why: "a command that changes things must ask for its target to be typed before it runs",
    },
    Rule {
        name: "missing-escalation",
        why: "at 3 a.m. the responder must see whom to call next without searching",
    },
    Rule {
        name: "check-without-timeout",
        why: "an explicit timeout says how long a hanging endpoint may hold the check",
    },
    Rule {
        name: "plain-http",
        why: "answers over plain HTTP can be read and forged on the way",
    },
    Rule {
        name: "curl-pipe-shell",
        why: "piping a download into a shell runs whatever the server sends that day",
    },
    Rule {
        name: "literal-secret",
        why: "a secret written in a playbook is in every clone, screen and log",
    },
    Rule {
        name: "undefined-variable",
        why: "an undeclared placeholder has no description for the person asked to fill it",
    },
    Rule {
        name: "unknown-front-matter-key",
        why: "keys opsdeck does not read are ignored, so a typo in one changes nothing",
    },
];

pub fn is_rule(name: &str) -> bool {
    RULES.iter().any(|r| r.name == name)
}

pub fn lint(playbook: &Playbook) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for command in playbook.commands() {
        lint_command(playbook, command, &mut out);
    }
    for check in &playbook.checks {
        let allowed = |rule: &str| check.allow.iter().any(|a| a == rule);
        if check.timeout.is_none() && !allowed("check-without-timeout") {
            out.push(
                Diagnostic::warning(
                    "check-without-timeout",
                    check.pos,
                    format!("check `{}` has no `timeout`", check.id),
                )
                .help("add e.g. `timeout: 5s` (the default) so the limit is written down"),
            );
        }
        if let Probe::Http(url) | Probe::Statuspage(url) = &check.probe
            && is_plain_http(url)
            && !allowed("plain-http")
        {
            out.push(
                Diagnostic::warning(
                    "plain-http",
                    check.pos,
                    format!("check `{}` uses plain HTTP: `{url}`", check.id),
                )
                .help("use https:// (loopback addresses are fine as they are)"),
            );
        }
    }
    if playbook.escalation.is_empty() {
        out.push(
            Diagnostic::warning(
                "missing-escalation",
                Pos::new(1, 1),
                "the playbook names nobody to escalate to",
            )
            .help("add `escalation: [{name: On-call lead, contact: \"+1 555 0100\", after: 15m}]`"),
        );
    }
    out.retain(|d| !playbook.allow.iter().any(|a| a == d.rule));
    out
}

fn lint_command(playbook: &Playbook, command: &Command, out: &mut Vec<Diagnostic>) {
    let allowed = |rule: &str| command.allow.iter().any(|a| a == rule);
    // An explicit `kind` (even `kind=diagnose`) is the author's decision: no warning.
    if !command.has_attr("kind")
        && !command.show_only
        && !allowed("looks-like-remediation")
        && let Some(word) = remediation_word(&command.run)
    {
        out.push(
            Diagnostic::warning(
                "looks-like-remediation",
                command.pos,
                format!("command `{}` runs `{word}` but is not marked as a remediation", command.id),
            )
            .help("add `kind=remediate` so it needs the target typed before it runs, or `allow=looks-like-remediation` if it only reads"),
        );
    }
    if !allowed("curl-pipe-shell") && pipes_download_into_shell(&command.run) {
        out.push(
            Diagnostic::warning(
                "curl-pipe-shell",
                command.pos,
                format!("command `{}` pipes a download into a shell", command.id),
            )
            .help("download to a file, check it (checksum, review), then run it"),
        );
    }
    if !allowed("literal-secret")
        && let Some(shape) = literal_secret(&command.run)
    {
        out.push(
            Diagnostic::warning("literal-secret", command.pos, format!("command `{}` contains {shape} written literally", command.id))
                .help("declare a secret variable (`variables: {token: {secret: true, env: TOKEN}}`) and use `{{token}}`"),
        );
    }
    if !allowed("undefined-variable") {
        for name in template_names(&command.run) {
            if !playbook.variables.contains_key(name) {
                out.push(
                    Diagnostic::warning("undefined-variable", command.pos, format!("`{{{{{name}}}}}` in `{}` is not under `variables:`", command.id))
                        .help(format!("define it (`variables: {{{name}: {{description: ...}}}}`) or pass `--var {name}=VALUE`; the console will ask for it")),
                );
            }
        }
    }
}

fn is_plain_http(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    url.scheme() == "http" && !loopback
}
