//! Filling `{{name}}` placeholders, every value shell-quoted so none can break out.

use crate::playbook::Playbook;
use crate::playbook::placeholders::template_names;
use crate::playbook::wiki_placeholders::{angle_placeholders, env_placeholders};
use std::collections::BTreeMap;

/// The command text ready to run, and the secret values it now contains.
#[derive(Debug, PartialEq)]
pub struct Resolved {
    pub script: String,
    pub secrets: Vec<String>,
}

/// Values that come from the environment (`env:` of a variable); read once by
/// the caller so that resolving stays pure.
pub fn env_values(playbook: &Playbook) -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> = playbook
        .variables
        .iter()
        .filter_map(|(name, v)| Some((name.clone(), std::env::var(v.env.as_ref()?).ok()?)))
        .collect();
    // `$NAMESPACE` in a wiki runbook: already exported by the responder? Then use it.
    for command in playbook.commands() {
        for name in env_placeholders(&command.run) {
            if let Ok(value) = std::env::var(&name) {
                values.insert(name, value);
            }
        }
    }
    values
}

/// A placeholder's value: given (exact name, or lower-case for `$NAME`), else declared default.
fn lookup(name: &str, playbook: &Playbook, vars: &BTreeMap<String, String>) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    vars.get(name)
        .or_else(|| vars.get(&lower))
        .cloned()
        .or_else(|| playbook.variables.get(name).and_then(|v| v.default.clone()))
        .or_else(|| {
            playbook
                .variables
                .get(&lower)
                .and_then(|v| v.default.clone())
        })
        .or_else(|| alert_label(&lower, vars))
}

/// `--alert namespace=prod`: the label fills `{{namespace}}`, `$NAMESPACE`,
/// and `<namespace label from alert>` (a word of the placeholder's name).
fn alert_label(lower: &str, vars: &BTreeMap<String, String>) -> Option<String> {
    let label = |key: &str| vars.get(&format!("{ALERT_PREFIX}{key}")).cloned();
    label(lower).or_else(|| lower.split('_').find_map(label))
}

/// Alert labels ride in the values map under this prefix, apart from `--var`s.
pub const ALERT_PREFIX: &str = "alert.";

/// What to show when asking for `name`: the `<…>` text it came from, if any.
pub fn placeholder_hint(script: &str, name: &str) -> Option<String> {
    angle_placeholders(script)
        .into_iter()
        .find(|a| a.name == name)
        .map(|a| a.hint)
}

/// Resolves `script` with `vars` (from `--var`, prompts and the environment)
/// first, then the playbook's defaults; returns the names nothing could fill.
pub fn resolve(
    script: &str,
    playbook: &Playbook,
    vars: &BTreeMap<String, String>,
) -> Result<Resolved, Vec<String>> {
    let mut values = BTreeMap::new();
    let mut secrets = Vec::new();
    let mut missing = Vec::new();
    for name in template_names(script) {
        if values.contains_key(name) || missing.iter().any(|m| m == name) {
            continue;
        }
        let declared = playbook.variables.get(name);
        let value = vars
            .get(name)
            .cloned()
            .or_else(|| declared.and_then(|v| v.default.clone()));
        match value {
            Some(value) => {
                if declared.is_some_and(|v| v.secret) {
                    secrets.push(value.clone());
                }
                values.insert(name.to_string(), value);
            }
            None => missing.push(name.to_string()),
        }
    }
    let mut script = substitute(script, &values);
    // `<namespace>` in the template-substituted text, replaced from the end so ranges hold.
    let angles = angle_placeholders(&script);
    let mut angle_values = Vec::new();
    for angle in &angles {
        let from_hint = || {
            let words = angle.hint.to_ascii_lowercase().replace([' ', '-'], "_");
            alert_label(&words, vars)
        };
        match lookup(&angle.name, playbook, vars).or_else(from_hint) {
            Some(value) => angle_values.push(value),
            None if !missing.contains(&angle.name) => missing.push(angle.name.clone()),
            None => {}
        }
    }
    let mut exports = String::new();
    for name in env_placeholders(&script) {
        match lookup(&name, playbook, vars) {
            Some(value) => exports.push_str(&format!("export {name}={}\n", shell_quote(&value))),
            None => missing.push(name),
        }
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    for (angle, value) in angles.iter().zip(angle_values).rev() {
        script.replace_range(angle.range.clone(), &shell_quote(&value));
    }
    Ok(Resolved {
        script: format!("{exports}{script}"),
        secrets,
    })
}

fn substitute(script: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(script.len());
    let mut rest = script;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let name = after[..close].trim();
        out.push_str(&rest[..open]);
        match values.get(name) {
            Some(value) => out.push_str(&shell_quote(value)),
            None => out.push_str(&rest[open..open + 2 + close + 2]),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// POSIX single-quoting: `it's` → `'it'\''s'`. Plain words stay readable.
pub fn shell_quote(value: &str) -> String {
    crate::shell::quote::shell_quote(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wiki_playbook() -> Playbook {
        let text = "# T\n\n```bash\nkubectl -n <namespace> logs '<pod name>' | grep $LEVEL\n```\n";
        crate::playbook::parse(text.as_bytes(), crate::playbook::Form::Markdown, "t")
            .playbook
            .unwrap()
    }

    #[test]
    fn wiki_placeholders_are_asked_for_and_filled_quoted() {
        let playbook = wiki_playbook();
        let script = &playbook.commands().next().unwrap().run;
        let missing = resolve(script, &playbook, &BTreeMap::new()).unwrap_err();
        assert_eq!(missing, vec!["namespace", "pod_name", "LEVEL"]);
        let vars: BTreeMap<String, String> = [
            ("namespace", "prod"),
            ("pod_name", "web-1; reboot"),
            ("level", "ERROR"),
        ]
        .map(|(k, v)| (k.into(), v.into()))
        .into();
        let resolved = resolve(script, &playbook, &vars).unwrap();
        assert_eq!(
            resolved.script,
            "export LEVEL=ERROR\nkubectl -n prod logs 'web-1; reboot' | grep $LEVEL"
        );
    }

    #[test]
    fn values_are_quoted_so_they_cannot_break_out() {
        assert_eq!(shell_quote("shop-web"), "shop-web");
        assert_eq!(
            shell_quote("'; touch /tmp/pwned #"),
            r"''\''; touch /tmp/pwned #'"
        );
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$(reboot)"), "'$(reboot)'");
    }
}
