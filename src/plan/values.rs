//! Where a placeholder's value comes from, and whether it is a secret.
//!
//! Values ride in one map: `--var`s and prompts under their own name, alert
//! labels under `alert.`, values read from the environment under `env.`.
//! A placeholder takes, in order: a `--var` or prompt, an alert label, the
//! environment, the declared default.

use crate::playbook::Playbook;
use std::collections::BTreeMap;

/// Alert labels ride in the values map under this prefix, apart from `--var`s.
pub const ALERT_PREFIX: &str = "alert.";
/// Values read from the responder's environment, under this prefix.
pub const ENV_PREFIX: &str = "env.";

/// A value found for a placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub value: String,
    /// Never shown or written: declared `secret: true`, or read from the
    /// environment for a variable not declared as plain.
    pub secret: bool,
}

/// `Pod-Name` and `pod_name` are one name: case and `-`/`_` do not count.
pub fn normalise(name: &str) -> String {
    name.to_ascii_lowercase().replace('-', "_")
}

/// The value for placeholder `name` (`hint`: the text of a `<…>` it came from).
pub fn lookup(
    name: &str,
    hint: Option<&str>,
    playbook: &Playbook,
    values: &BTreeMap<String, String>,
) -> Option<Found> {
    let declared = playbook
        .variables
        .get(name)
        .or_else(|| playbook.variables.get(&normalise(name)));
    let declared_secret = declared.is_some_and(|v| v.secret);
    let plain = |value: &String| Found {
        value: value.clone(),
        secret: declared_secret,
    };
    let given = values
        .get(name)
        .or_else(|| values.get(&normalise(name)))
        .map(plain);
    let alert = || {
        let wanted = alert_label(name, hint);
        values.get(&format!("{ALERT_PREFIX}{wanted}")).map(plain)
    };
    let env = || {
        let value = values
            .get(&format!("{ENV_PREFIX}{name}"))
            .or_else(|| values.get(&format!("{ENV_PREFIX}{}", normalise(name))))?;
        // The environment holds credentials: only a variable declared plain is shown.
        let declared_plain = declared.is_some_and(|v| !v.secret);
        Some(Found {
            value: value.clone(),
            secret: !declared_plain,
        })
    };
    let default = || declared.and_then(|v| v.default.as_ref()).map(plain);
    given.or_else(alert).or_else(env).or_else(default)
}

/// The alert label that fills placeholder `name` (`--alert LABEL=…`): the
/// one its `<…>` hint names, else its own name.
pub fn alert_label(name: &str, hint: Option<&str>) -> String {
    hint.and_then(label_named_in_hint)
        .unwrap_or_else(|| normalise(name))
}

/// `<value of namespace label from alert>` names the label `namespace`: the
/// word right before `label`. Nothing else in a hint names a label.
fn label_named_in_hint(hint: &str) -> Option<String> {
    let words: Vec<&str> = hint.split_whitespace().collect();
    let at = words.iter().position(|w| w.eq_ignore_ascii_case("label"))?;
    at.checked_sub(1).map(|before| normalise(words[before]))
}

/// Values the environment holds for this playbook's placeholders (`env:` of
/// a variable, `$NAME` of a wiki runbook), read once by the caller so that
/// planning stays pure. Keys carry `ENV_PREFIX`.
pub fn env_values(playbook: &Playbook) -> BTreeMap<String, String> {
    env_values_of(playbook, playbook.commands())
}

/// `env_values` for the commands that will run only: `opsdeck exec` of one
/// command never reads the others (a 1 MB playbook stays instant).
pub fn env_values_of<'p>(
    playbook: &Playbook,
    commands: impl IntoIterator<Item = &'p crate::playbook::model::Command>,
) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    for (name, variable) in &playbook.variables {
        if let Some(value) = variable.env.as_ref().and_then(|e| std::env::var(e).ok()) {
            values.insert(format!("{ENV_PREFIX}{name}"), value);
        }
    }
    for command in commands {
        for name in super::placeholders::env_names(&command.run) {
            if let Ok(value) = std::env::var(&name) {
                values.insert(format!("{ENV_PREFIX}{name}"), value);
            }
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playbook() -> Playbook {
        let text = "---\nvariables:\n  unit: {default: shop}\n  token: {secret: true}\n---\n# T\n\n```sh\necho {{unit}}\n```\n";
        crate::playbook::parse(text.as_bytes(), crate::playbook::Form::Markdown, "t")
            .playbook
            .unwrap()
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_label_fills_only_the_placeholder_of_its_exact_name() {
        let values = map(&[("alert.job", "kube-state-metrics"), ("alert.pod", "web-1")]);
        let p = playbook();
        assert_eq!(lookup("job_pod", Some("job pod"), &p, &values), None);
        assert_eq!(
            lookup("Pod", None, &p, &values).unwrap().value,
            "web-1",
            "case does not count"
        );
        let hint = "value of job label from alert";
        assert_eq!(
            lookup("x", Some(hint), &p, &values).unwrap().value,
            "kube-state-metrics"
        );
    }

    #[test]
    fn order_is_var_then_alert_then_environment_then_default() {
        let p = playbook();
        let all = map(&[("unit", "a"), ("alert.unit", "b"), ("env.unit", "c")]);
        assert_eq!(lookup("unit", None, &p, &all).unwrap().value, "a");
        let no_var = map(&[("alert.unit", "b"), ("env.unit", "c")]);
        assert_eq!(lookup("unit", None, &p, &no_var).unwrap().value, "b");
        let env = lookup("unit", None, &p, &map(&[("env.unit", "c")])).unwrap();
        assert_eq!((env.value.as_str(), env.secret), ("c", false));
        assert_eq!(lookup("unit", None, &p, &map(&[])).unwrap().value, "shop");
    }

    #[test]
    fn secrets_are_declared_ones_and_undeclared_environment_values() {
        let p = playbook();
        assert!(
            lookup("token", None, &p, &map(&[("token", "t")]))
                .unwrap()
                .secret
        );
        let from_env = lookup(
            "DATABASE_URL",
            None,
            &p,
            &map(&[("env.DATABASE_URL", "pg://u:p@h")]),
        );
        assert!(from_env.unwrap().secret);
    }
}
