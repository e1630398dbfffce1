//! Whether a command changes things: the author's `kind=remediate`, else
//! what its own text does (`crate::shell::danger`), less the rules its
//! `allow=` vouches for.

use crate::playbook::Playbook;
use crate::playbook::model::{Command, Kind};
use crate::playbook::placeholders::template_findings;
use crate::shell::danger::{Finding, classify_all};
use std::collections::BTreeMap;

/// Whether a command changes things, and why opsdeck thinks so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Danger {
    Reads,
    Changes {
        /// The classifier's rule, or `kind=remediate` when the author said so.
        rule: String,
        why: String,
    },
}

impl Danger {
    pub fn changes(&self) -> bool {
        matches!(self, Danger::Changes { .. })
    }
}

/// What a command's text says before any value is filled, for showing it in
/// the step (the plan judges the filled script again).
pub fn danger_of(command: &Command) -> Danger {
    if command.kind == Kind::Remediate || command.lang == "promql" {
        return danger(command, "");
    }
    judged(command, template_findings(&command.run))
}

/// Every command's [`danger_of`], by id: worked out once per playbook load.
pub fn dangers(playbook: &Playbook) -> BTreeMap<String, Danger> {
    playbook
        .commands()
        .map(|c| (c.id.clone(), danger_of(c)))
        .collect()
}

/// The author's `kind=remediate`, else what the command's own text does. An
/// explicit `kind=diagnose` with `allow=RULE` is the author vouching for it.
pub(super) fn danger(command: &Command, script: &str) -> Danger {
    if command.kind == Kind::Remediate {
        return Danger::Changes {
            rule: "kind=remediate".into(),
            why: "the playbook marks it as a remediation".into(),
        };
    }
    if command.lang == "promql" {
        return Danger::Reads;
    }
    judged(command, classify_all(script))
}

/// The first finding the command's `allow=` does not vouch for: `allow=`
/// covers one rule, never the rest.
fn judged(command: &Command, findings: Vec<Finding>) -> Danger {
    match findings
        .into_iter()
        .find(|f| !command.allow.iter().any(|a| a == f.rule))
    {
        Some(finding) => Danger::Changes {
            rule: finding.rule.to_string(),
            why: finding.why,
        },
        None => Danger::Reads,
    }
}
