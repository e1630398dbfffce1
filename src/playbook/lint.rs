//! Lint rules: legal but risky. Each has a name, a one-line why, and can be
//! silenced for one command (`allow=RULE`), one check (`allow: [RULE]`) or
//! the whole playbook (`allow: [RULE]` at the top).

use super::diagnostic::Diagnostic;
use super::lint_shapes::{changes_things, literal_secret, pipes_download_into_shell};
use super::markdown::QUERY_LANGS;
use super::model::{Command, Kind, Playbook, Pos, Probe};
use super::placeholders::template_names;
use crate::shell::danger;

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
        name: "diagnose-changes-things",
        why: "a command marked `kind=diagnose` is run without a second thought, so it must only read",
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
        name: "not-shell",
        why: "text that is not shell (sample output, an unterminated quote, only comments) would fail or do something else if run, so it is shown, never run",
    },
    Rule {
        name: "ssh-config-runs-command",
        why: "a ProxyCommand in a host group's ssh_config runs on this machine whenever opsdeck connects",
    },
    Rule {
        name: "unknown-front-matter-key",
        why: "keys opsdeck does not read are ignored, so a typo in one changes nothing",
    },
];

/// A lint rule, or a rule of the danger classifier (`file-removal`, …):
/// `allow=file-removal` on a `kind=diagnose` command vouches for it.
pub fn is_rule(name: &str) -> bool {
    RULES.iter().any(|r| r.name == name) || danger::RULES.iter().any(|(rule, _)| *rule == name)
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
    // A command shown only because it is not shell is still judged when its
    // author said what it does (`kind=diagnose` on unreadable text is an error).
    let judged = !command.show_only || (command.not_shell.is_some() && command.has_attr("kind"));
    if judged && !QUERY_LANGS.contains(&command.lang.as_str()) {
        lint_danger(command, &allowed, out);
    }
    if let Some(not_shell) = &command.not_shell
        && !allowed("not-shell")
    {
        out.push(
            Diagnostic::warning(
                "not-shell",
                not_shell.pos,
                format!(
                    "command `{}` is not shell ({}): it is shown, never run",
                    command.id, not_shell.reason
                ),
            )
            .help("write what was typed after a `$ ` prompt and what it printed after it, so the output is not taken for the command; `allow=not-shell` if it is shell"),
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
        let declared = |name: &str| playbook.variables.contains_key(name);
        for name in template_names(&command.run, declared) {
            if !playbook.variables.contains_key(&name) {
                out.push(
                    Diagnostic::warning("undefined-variable", command.pos, format!("`{{{{{name}}}}}` in `{}` is not under `variables:`", command.id))
                        .help(format!("define it (`variables: {{{name}: {{description: ...}}}}`) or pass `--var {name}=VALUE`; the console will ask for it")),
                );
            }
        }
    }
}

/// What the command's text does against what its author says it does.
fn lint_danger(command: &Command, allowed: &dyn Fn(&str) -> bool, out: &mut Vec<Diagnostic>) {
    // `allow=file-removal`: the author vouches for that finding; any other still counts.
    let Some(finding) = changes_things(&command.run)
        .into_iter()
        .find(|f| !allowed(f.rule))
    else {
        return;
    };
    if !command.has_attr("kind") {
        if !allowed("looks-like-remediation") {
            out.push(
                Diagnostic::warning(
                    "looks-like-remediation",
                    command.pos,
                    format!(
                        "command `{}` is not marked as a remediation, but {}",
                        command.id, finding.why
                    ),
                )
                .help("opsdeck will ask for the target to be typed before it runs; add `kind=remediate` to say so"),
            );
        }
    } else if command.kind == Kind::Diagnose {
        out.push(
            Diagnostic::error(
                "diagnose-changes-things",
                command.pos_of("kind"),
                format!(
                    "command `{}` is marked `kind=diagnose`, but {}",
                    command.id, finding.why
                ),
            )
            .span("diagnose".len())
            .help(format!(
                "write `kind=remediate` so the target is typed before it runs, or `allow={}` if running it without asking is safe",
                finding.rule
            )),
        );
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

#[cfg(test)]
mod tests {
    use crate::playbook::diagnostic::Diagnostic;
    use crate::playbook::{Form, parse};

    const HEADER: &str =
        "---\ntitle: T\nescalation: [{name: Lead, contact: x}]\n---\n# T\n\n## S\n";

    fn diagnostics(attrs: &str, script: &str) -> Vec<Diagnostic> {
        let text = format!("{HEADER}```sh {{id=c {attrs}}}\n{script}\n```\n");
        parse(text.as_bytes(), Form::Markdown, "t").diagnostics
    }

    fn rules(attrs: &str, script: &str) -> Vec<&'static str> {
        diagnostics(attrs, script).iter().map(|d| d.rule).collect()
    }

    #[test]
    fn an_unmarked_changing_command_is_a_warning_naming_the_program_and_why() {
        let found = diagnostics("", "sudo systemctl restart nginx");
        assert_eq!(found.len(), 1, "{found:#?}");
        let d = &found[0];
        assert_eq!((d.rule, d.is_error()), ("looks-like-remediation", false));
        assert_eq!(
            d.message,
            "command `c` is not marked as a remediation, but `systemctl restart` changes the state of a service"
        );
        assert_eq!(
            d.help.as_deref(),
            Some(
                "opsdeck will ask for the target to be typed before it runs; add `kind=remediate` to say so"
            )
        );
        assert!(rules("", "systemctl status nginx").is_empty());
        assert!(rules("kind=remediate", "sudo systemctl restart nginx").is_empty());
        assert!(rules("allow=looks-like-remediation", "rm x").is_empty());
        assert!(rules("allow=file-removal", "rm x").is_empty());
    }

    #[test]
    fn an_explicit_diagnose_that_changes_things_is_an_error_at_the_kind() {
        let found = diagnostics("kind=diagnose", "kubectl rollout undo deploy/x");
        assert_eq!(found.len(), 1, "{found:#?}");
        let d = &found[0];
        assert_eq!((d.rule, d.is_error()), ("diagnose-changes-things", true));
        // ```sh {id=c kind=diagnose}: the value starts at column 18 of line 8.
        assert_eq!((d.line, d.col, d.len), (8, 18, "diagnose".len()));
        assert!(
            d.message.contains("`kubectl rollout undo`"),
            "{}",
            d.message
        );
        assert!(d.help.as_deref().unwrap().contains("`allow=kubernetes`"));
    }

    #[test]
    fn allow_with_the_classifier_rule_vouches_for_that_rule_only() {
        assert!(rules("kind=diagnose allow=file-removal", "rm -f /tmp/lock").is_empty());
        assert_eq!(
            rules(
                "kind=diagnose allow=file-removal",
                "rm x && systemctl stop y"
            ),
            ["diagnose-changes-things"]
        );
        assert_eq!(
            rules("kind=diagnose allow=kubernetes", "rm x"),
            ["diagnose-changes-things"]
        );
    }

    #[test]
    fn commands_that_never_run_as_shell_are_not_judged() {
        assert!(rules("kind=diagnose run=false", "rm -rf /srv").is_empty());
        let promql = format!("{HEADER}```promql {{id=q kind=diagnose}}\ndelete(x)\n```\n");
        let parsed = parse(promql.as_bytes(), Form::Markdown, "t");
        assert!(
            !parsed
                .diagnostics
                .iter()
                .any(|d| d.rule == "diagnose-changes-things"),
            "{:#?}",
            parsed.diagnostics
        );
    }

    #[test]
    fn an_unreadable_diagnose_command_is_an_error_too() {
        let found = diagnostics("kind=diagnose", "echo \"unclosed");
        let d = found
            .iter()
            .find(|d| d.rule == "diagnose-changes-things")
            .expect("an error");
        assert!(
            d.message.contains("cannot be read as shell"),
            "{}",
            d.message
        );
        assert!(
            d.help
                .as_deref()
                .unwrap()
                .contains("`allow=unreadable-command`")
        );
    }

    #[test]
    fn the_yaml_form_reports_at_its_kind_too() {
        let yaml = "title: T\nescalation: [{name: L, contact: x}]\nsteps:\n  - title: S\n    commands:\n      - id: c\n        run: rm -rf /srv/cache\n        kind: diagnose\n";
        let parsed = parse(yaml.as_bytes(), Form::Yaml, "t");
        let d = parsed
            .diagnostics
            .iter()
            .find(|d| d.rule == "diagnose-changes-things")
            .unwrap_or_else(|| panic!("{:#?}", parsed.diagnostics));
        assert_eq!((d.line, d.col), (8, 15));
    }

    #[test]
    fn classifier_rules_are_accepted_in_allow() {
        assert!(super::is_rule("file-removal"));
        assert!(super::is_rule("unreadable-command"));
        assert!(super::is_rule("diagnose-changes-things"));
        assert!(!super::is_rule("no-such-rule"));
    }
}
