//! A new version of the open playbook, swapped in where the responder is:
//! the same step, the same marks, the same health history, by title and id.
//! A confirmation whose command changed is cancelled: the old text never runs.

use super::state::{Overlay, PromptPurpose, State, StepStatus};
use crate::plan::Planned;
use crate::playbook::Playbook;

pub fn apply(state: &mut State, playbook: Playbook) {
    let selected_title = state
        .playbook
        .steps
        .get(state.selected_step)
        .map(|s| s.title.clone());
    let selected_command = state.selected_command().map(|c| c.id.clone());
    let old_status: Vec<(String, StepStatus)> = state
        .playbook
        .steps
        .iter()
        .map(|s| s.title.clone())
        .zip(state.step_status.iter().copied())
        .collect();

    state.step_status = playbook
        .steps
        .iter()
        .map(|step| {
            old_status
                .iter()
                .find(|(title, _)| *title == step.title)
                .map_or(StepStatus::Pending, |(_, status)| *status)
        })
        .collect();
    let same_step = playbook
        .steps
        .iter()
        .position(|s| Some(&s.title) == selected_title.as_ref());
    state.health = keep_health(std::mem::take(&mut state.health), &playbook);
    state.dangers = crate::plan::dangers(&playbook);
    state.playbook = playbook;
    match same_step {
        Some(step) => state.selected_step = step,
        None => {
            state.selected_step = state
                .selected_step
                .min(state.step_count().saturating_sub(1));
            state.body_scroll = 0;
        }
    }
    let commands = state.current_commands();
    state.selected_command = selected_command
        .and_then(|id| commands.iter().position(|c| c.id == id))
        .unwrap_or(0)
        .min(commands.len().saturating_sub(1));
    state.reload_error = None;
    // The file now reads without errors: nothing of it is read-only any more.
    state.broken = Default::default();
    state.message = Some(format!("reloaded {}", state.source_name));
    drop_stale_overlay(state);
}

/// The file no longer parses: the last good version stays, the error shows.
pub fn failed(state: &mut State, error: String) {
    state.reload_error = Some(error);
    // The error is the news now; an older message would hide it.
    state.message = None;
}

/// Checks whose probe is unchanged keep their status and sparkline.
fn keep_health(
    mut old: Vec<super::health::CheckView>,
    playbook: &Playbook,
) -> Vec<super::health::CheckView> {
    super::health::views(playbook)
        .into_iter()
        .map(|fresh| {
            match old
                .iter()
                .position(|v| v.id == fresh.id && v.kind == fresh.kind && v.target == fresh.target)
            {
                Some(at) => old.swap_remove(at),
                None => fresh,
            }
        })
        .collect()
}

/// A dialog about a command that changed (or went away) must not survive:
/// confirming it would run text the responder did not see, or a stale one.
fn drop_stale_overlay(state: &mut State) {
    let stale = match &state.overlay {
        Some(Overlay::Confirm(dialog)) => {
            let id = &dialog.plan.command_id;
            let unchanged = match super::flow::plan_for(state, id) {
                Planned::Ready(now) => now == dialog.plan,
                _ => false,
            };
            (!unchanged).then(|| id.clone())
        }
        Some(Overlay::Prompt(prompt)) => match &prompt.purpose {
            PromptPurpose::Variable { command_id, .. }
                if state.playbook.command(command_id).is_none() =>
            {
                Some(command_id.clone())
            }
            _ => None,
        },
        _ => None,
    };
    if let Some(id) = stale {
        state.overlay = Some(Overlay::Notice(format!(
            "`{id}` changed on disk while you were confirming it. The confirmation was cancelled and nothing ran. Review the new text, then run it again."
        )));
        state.message = Some(format!(
            "`{id}` changed on disk: confirmation cancelled, nothing ran"
        ));
    }
}
