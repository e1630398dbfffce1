//! Filling `{{name}}` placeholders, every value shell-quoted so none can break out.

use crate::playbook::Playbook;
use crate::playbook::placeholders::template_names;
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
    playbook
        .variables
        .iter()
        .filter_map(|(name, v)| Some((name.clone(), std::env::var(v.env.as_ref()?).ok()?)))
        .collect()
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
    if !missing.is_empty() {
        return Err(missing);
    }
    Ok(Resolved {
        script: substitute(script, &values),
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
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        return value.to_string();
    }
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
