//! Picking an incident up again after a crash or a hand-over: the steps'
//! progress is replayed from its events.

use super::state::{State, StepStatus};
use crate::incident::Entry;

/// Applies step events in order; steps renamed since are skipped.
pub fn restore_progress<'a>(
    state: &mut State,
    entries: impl IntoIterator<Item = &'a Entry>,
) -> usize {
    let mut applied = 0;
    for entry in entries {
        let (step, status) = match entry {
            Entry::StepDone { step } => (step, StepStatus::Done),
            Entry::StepSkipped { step } => (step, StepStatus::Skipped),
            Entry::StepReopened { step } => (step, StepStatus::Pending),
            _ => continue,
        };
        if let Some(index) = state.playbook.steps.iter().position(|s| &s.title == step) {
            state.step_status[index] = status;
            applied += 1;
        }
    }
    if let Some(first_open) = state
        .step_status
        .iter()
        .position(|s| *s == StepStatus::Pending)
    {
        state.selected_step = first_open;
    }
    applied
}
