//! Checks across the whole playbook: references resolve, ids are unique,
//! and warnings for what is legal but risky.

use super::diagnostic::Diagnostic;
use super::model::{Command, Playbook, Pos};
use super::placeholders::template_names;
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
        undefined_host(&command.host, command.pos_of("host"), &host_names, &mut out);
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
        for name in template_names(&command.run) {
            if !playbook.variables.contains_key(name) {
                out.push(
                    Diagnostic::warning("undefined-variable", command.pos, format!("`{{{{{name}}}}}` in `{}` is not under `variables:`", command.id))
                        .help(format!("define it (`variables: {{{name}: {{description: ...}}}}`) or pass `--var {name}=VALUE`; the console will ask for it")),
                );
            }
        }
        // An explicit `kind` (even `kind=diagnose`) is the author's decision: no warning.
        if !command.has_attr("kind")
            && !command.show_only
            && let Some(word) = remediation_word(&command.run)
        {
            out.push(
                Diagnostic::warning(
                    "looks-like-remediation",
                    command.pos,
                    format!(
                        "command `{}` runs `{word}` but is not marked as a remediation",
                        command.id
                    ),
                )
                .help("add `kind=remediate` so it needs the target typed before it runs"),
            );
        }
        if let Some(shape) = literal_secret(&command.run) {
            out.push(secret_warning(command, shape));
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
    if host == "local" || known.contains(&host) {
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

/// Words that change a system; a command using one should say `kind=remediate`.
const REMEDIATION_WORDS: &[&str] = &[
    "restart",
    "stop",
    "kill",
    "pkill",
    "killall",
    "rm",
    "drop",
    "reboot",
    "shutdown",
    "delete",
    "scale",
    "truncate",
    "rollback",
    "vacuum",
    "halt",
    "poweroff",
    "mkfs",
    "dd",
    "uninstall",
];

pub fn remediation_word(script: &str) -> Option<&'static str> {
    script
        .split(|c: char| c.is_whitespace() || ";|&()`'\"".contains(c))
        .filter_map(|token| {
            let token = token.to_ascii_lowercase();
            REMEDIATION_WORDS
                .iter()
                .copied()
                .find(|word| *word == token)
        })
        .next()
}

/// Recognises credentials typed into a command: `password=hunter2`,
/// `Authorization: Bearer abc...`, AWS access key ids.
pub fn literal_secret(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    for key in [
        "password=",
        "passwd=",
        "pwd=",
        "token=",
        "secret=",
        "api_key=",
        "apikey=",
    ] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(key) {
            let value_start = from + at + key.len();
            let value: String = text[value_start..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !"'\";&|".contains(*c))
                .collect();
            if looks_literal(&value) {
                return Some("a `key=value` credential");
            }
            from = value_start;
        }
    }
    if let Some(at) = lower.find("bearer ") {
        let token: String = text[at + 7..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
            .collect();
        if token.len() >= 16 && looks_literal(&token) {
            return Some("a bearer token");
        }
    }
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices("AKIA") {
        let key = &bytes[i..(i + 20).min(bytes.len())];
        if key.len() == 20
            && key
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Some("an AWS access key id");
        }
    }
    None
}

/// A value typed in, rather than `$VAR`, `{{var}}`, `<placeholder>` or `$(cmd)`.
fn looks_literal(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with('$')
        && !value.starts_with("{{")
        && !value.starts_with('<')
        && !value.starts_with('%')
}

fn secret_warning(command: &Command, shape: &str) -> Diagnostic {
    Diagnostic::warning("literal-secret", command.pos, format!("command `{}` contains {shape} written literally", command.id))
        .help("declare a secret variable (`variables: {token: {secret: true, env: TOKEN}}`) and use `{{token}}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remediation_words_are_found_as_words_only() {
        assert_eq!(
            remediation_word("sudo systemctl restart nginx"),
            Some("restart")
        );
        assert_eq!(remediation_word("rm -rf /tmp/x"), Some("rm"));
        assert_eq!(
            remediation_word("systemctl status nginx; grep stopped log"),
            None
        );
        assert_eq!(remediation_word("df -h | sort"), None);
    }

    #[test]
    fn literal_credentials_are_spotted_but_placeholders_are_not() {
        assert!(literal_secret("psql 'password=hunter2 host=db'").is_some());
        assert!(literal_secret("curl -H 'Authorization: Bearer abcdefghijklmnopqrstu'").is_some());
        assert!(literal_secret("aws --key AKIAABCDEFGHIJKLMNOP").is_some());
        assert!(literal_secret("psql password=$PGPASSWORD").is_none());
        assert!(literal_secret("curl -H 'Authorization: Bearer {{token}}'").is_none());
    }
}
