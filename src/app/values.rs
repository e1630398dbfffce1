//! `v`: the placeholder values in force (secrets as dots) and where each
//! came from; Enter on one asks for a new value, which is recorded.

use super::event::{Effect, Key, KeyCode};
use super::state::{Overlay, Prompt, PromptPurpose, State};
use crate::incident::Entry;
use crate::plan::values::{ALERT_PREFIX, ENV_PREFIX, lookup};

/// How a secret is shown.
pub const DOTS: &str = "••••••";

/// One value as the view shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub name: String,
    /// The value, dots for a secret, `(not set)` when nothing gives one.
    pub shown: String,
    /// `--var or prompt`, `alert label`, `environment`, `default`, `not set`.
    pub from: &'static str,
    pub secret: bool,
}

/// Every placeholder the playbook declares or the responder gave, by name.
pub fn rows(state: &State) -> Vec<Row> {
    let mut names: Vec<&String> = state.playbook.variables.keys().collect();
    for name in state.vars.keys() {
        let prefixed = name.starts_with(ALERT_PREFIX) || name.starts_with(ENV_PREFIX);
        if !prefixed && !names.contains(&name) {
            names.push(name);
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let found = lookup(name, None, &state.playbook, &state.vars);
            let declared = state.playbook.variables.get(name);
            let from = if state.vars.contains_key(name) {
                "--var or prompt"
            } else if found.is_none() {
                "not set"
            } else if declared.and_then(|v| v.default.as_ref()) == found.as_ref().map(|f| &f.value)
            {
                "default"
            } else if state.vars.contains_key(&format!("{ENV_PREFIX}{name}")) {
                "environment"
            } else {
                "alert label"
            };
            let secret =
                found.as_ref().is_some_and(|f| f.secret) || declared.is_some_and(|v| v.secret);
            let shown = match &found {
                None => "(not set)".to_string(),
                Some(_) if secret => DOTS.to_string(),
                Some(f) => f.value.clone(),
            };
            Row {
                name: name.clone(),
                shown,
                from,
                secret,
            }
        })
        .collect()
}

/// A key in the view: move, change the selected value, or close.
pub fn on_key(state: &mut State, selected: usize, key: Key) -> Vec<Effect> {
    let rows = rows(state);
    let last = rows.len().saturating_sub(1);
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => {
            state.overlay = Some(Overlay::Values((selected + 1).min(last)));
        }
        KeyCode::Up | KeyCode::Char('k') => {
            state.overlay = Some(Overlay::Values(selected.saturating_sub(1)));
        }
        KeyCode::Enter if !key.repeat => {
            if let Some(row) = rows.get(selected) {
                state.overlay = Some(Overlay::Prompt(Prompt {
                    purpose: PromptPurpose::ChangeValue {
                        name: row.name.clone(),
                    },
                    label: format!("New value for {} (now {})", row.name, row.shown),
                    input: String::new(),
                    secret: row.secret,
                }));
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Enter in the new-value prompt: set it (empty: back to the playbook's
/// default, if it has one) and record the change, a secret as dots.
pub fn on_enter(state: &mut State, prompt: Prompt) -> Vec<Effect> {
    let PromptPurpose::ChangeValue { name } = &prompt.purpose else {
        return Vec::new();
    };
    let default = state
        .playbook
        .variables
        .get(name)
        .and_then(|v| v.default.clone());
    if prompt.input.is_empty() {
        let Some(default) = default else {
            state.message = Some("a value is needed here (Esc keeps the one in force)".into());
            state.overlay = Some(Overlay::Prompt(prompt));
            return Vec::new();
        };
        state.vars.remove(name);
        return recorded(state, name, &default, prompt.secret);
    }
    let mut effects = Vec::new();
    if prompt.secret {
        effects.push(Effect::Secrets(vec![prompt.input.clone()]));
    }
    state.vars.insert(name.clone(), prompt.input.clone());
    effects.extend(recorded(state, name, &prompt.input, prompt.secret));
    effects
}

fn recorded(state: &mut State, name: &str, value: &str, secret: bool) -> Vec<Effect> {
    let shown = if secret { DOTS } else { value };
    state.message = Some(format!("`{name}` is now `{shown}` (recorded)"));
    vec![Effect::Record(Entry::ValueSet {
        name: name.to_string(),
        value: shown.to_string(),
    })]
}
