//! The health pane's checks: each the playbook's check (id, kind, target)
//! and its one `CheckState` (damping, history, last change and error), fed
//! by probe results. Damping runs here, in the core, so flapping is tested
//! through `update`.

use super::event::Effect;
use super::state::State;
use crate::health::outcome::Outcome;
use crate::health::{CheckState, Damping, Status};
use crate::incident::Entry;
use crate::playbook::Playbook;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq)]
pub struct CheckView {
    pub id: String,
    pub kind: &'static str,
    pub target: String,
    pub state: CheckState,
}

impl CheckView {
    pub fn status(&self) -> Status {
        self.state.status
    }

    /// Console seconds when the status last changed.
    pub fn changed_at_secs(&self) -> Option<u64> {
        self.state.last_change.map(|at| at.as_secs())
    }

    /// Oldest to newest, in milliseconds.
    pub fn latencies_ms(&self) -> Vec<u64> {
        self.state
            .latencies()
            .map(|l| l.as_millis().min(u64::MAX as u128) as u64)
            .collect()
    }

    /// The last result in one line: `HTTP 200 in 12 ms`.
    pub fn summary(&self) -> Option<&str> {
        self.state.last_summary.as_deref()
    }

    /// The last failure in one line, kept after recovery for context.
    pub fn last_error(&self) -> Option<&str> {
        self.state
            .last_failure
            .as_ref()
            .map(|(_, failure)| failure.message.as_str())
    }
}

pub fn views(playbook: &Playbook) -> Vec<CheckView> {
    playbook
        .checks
        .iter()
        .map(|check| CheckView {
            id: check.id.clone(),
            kind: check.probe.kind(),
            target: check.probe.target().to_string(),
            state: CheckState::new(Damping::default()),
        })
        .collect()
}

/// One probe result `at` (since the console started): damped into the
/// check's state; a change after the first result goes on the timeline.
pub fn observe(state: &mut State, check: &str, outcome: &Outcome, at: Duration) -> Vec<Effect> {
    let Some(view) = state.health.iter_mut().find(|v| v.id == check) else {
        return Vec::new();
    };
    match view.state.observe(outcome, at) {
        // The first result of a check is not news; later changes are the timeline.
        Some(change) if change.from != Status::Unknown => {
            vec![Effect::RecordIfOpen(Entry::HealthChanged {
                check: check.to_string(),
                from: change.from.label().into(),
                to: change.to.label().into(),
                reason: change.reason,
            })]
        }
        _ => Vec::new(),
    }
}
