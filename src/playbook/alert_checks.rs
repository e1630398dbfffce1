//! Alertmanager checks: the playbook's `alertmanager:` URL given to each,
//! and one implicit check for the alerts its `alerts:` list names.

use super::model::{Check, Expect, Pos, Probe};

/// The id of the implicit check of `alerts:`.
pub const IMPLICIT_ID: &str = "alerts";

pub fn with_alerts(mut checks: Vec<Check>, alerts: &[String], url: Option<&str>) -> Vec<Check> {
    for check in &mut checks {
        if let Probe::Alertmanager { url: slot, .. } = &mut check.probe {
            *slot = url.map(str::to_string);
        }
    }
    let named: Vec<String> = alerts
        .iter()
        .filter(|a| !a.trim().is_empty())
        .cloned()
        .collect();
    let explicit = checks.iter().any(|c| c.id == IMPLICIT_ID);
    if !named.is_empty() && !explicit {
        checks.push(Check {
            id: IMPLICIT_ID.into(),
            probe: Probe::Alertmanager {
                matchers: crate::alerts::matchers::for_names(&named),
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
