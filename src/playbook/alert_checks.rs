//! Alertmanager checks: the playbook's `alertmanager:` URL given to each,
//! and implicit checks for what its `alerts:` list names: one `alerts` check
//! for the names, one more (`alerts-2`, …) per label-matcher entry.

use super::model::{Check, Expect, Pos, Probe};

/// The id of the implicit check of `alerts:`.
pub const IMPLICIT_ID: &str = "alerts";

pub fn with_alerts(mut checks: Vec<Check>, alerts: &[String], url: Option<&str>) -> Vec<Check> {
    for check in &mut checks {
        if let Probe::Alertmanager { url: slot, .. } = &mut check.probe {
            *slot = url.map(str::to_string);
        }
    }
    let (matchers, names): (Vec<&String>, Vec<&String>) = alerts
        .iter()
        .filter(|a| !a.trim().is_empty())
        .partition(|a| a.trim_start().starts_with('{'));
    let names: Vec<String> = names.into_iter().cloned().collect();
    let mut implicit: Vec<String> = matchers.into_iter().cloned().collect();
    if !names.is_empty() {
        implicit.insert(0, crate::playbook::matchers::for_names(&names));
    }
    for (n, matchers) in implicit.into_iter().enumerate() {
        let id = match n {
            0 => IMPLICIT_ID.to_string(),
            n => format!("{IMPLICIT_ID}-{}", n + 1),
        };
        // A check of that id in the playbook wins.
        if checks.iter().any(|c| c.id == id) {
            continue;
        }
        checks.push(Check {
            id,
            probe: Probe::Alertmanager {
                matchers,
                url: url.map(str::to_string),
            },
            expect: Expect::default(),
            interval: None,
            timeout: None,
            host: None,
            pos: Pos::new(1, 1),
            host_pos: None,
            allow: Vec::new(),
        });
    }
    checks
}
