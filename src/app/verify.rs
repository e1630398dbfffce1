//! `verify=CHECK`: after a command finishes, watch that check and say whether
//! the service recovered within the window.

use super::event::Effect;
use super::state::State;
use crate::health::Status;
use crate::incident::Entry;

/// How long a `verify` check gets to turn healthy.
pub const WINDOW_SECS: u64 = 120;

#[derive(Clone, Debug, PartialEq)]
pub struct Watch {
    pub command: String,
    /// The `verify=` check; none for a change without one, which watches
    /// every check of the playbook that was down when it finished.
    pub check: Option<String>,
    pub started_at: u64,
}

/// A command finished: with `verify`, watch its check; a change without
/// one, while some check is down, watches those checks, so that "it ran"
/// is never taken for "it fixed it".
pub fn start(state: &mut State, command_id: &str) {
    let verify = state
        .playbook
        .command(command_id)
        .and_then(|c| c.verify.clone());
    let changes = matches!(
        state.dangers.get(command_id),
        Some(crate::plan::Danger::Changes { .. })
    );
    let something_down = !down_checks(state).is_empty();
    if verify.is_none() && !(changes && something_down) {
        return;
    }
    state.verifying.retain(|w| w.command != command_id);
    state.verifying.push(Watch {
        command: command_id.to_string(),
        check: verify,
        started_at: state.elapsed_secs,
    });
}

/// The playbook's checks that are down (or degraded) now.
fn down_checks(state: &State) -> Vec<String> {
    state
        .health
        .iter()
        .filter(|c| matches!(c.status(), Status::Down | Status::Degraded))
        .map(|c| c.id.clone())
        .collect()
}

/// A change without `verify`: quiet while its window runs or once every
/// check is up; after the window, says which are still down.
fn after_change(state: &mut State, watch: Watch, waited: u64) -> Option<Vec<Effect>> {
    let down = down_checks(state);
    if down.is_empty() {
        return Some(Vec::new());
    }
    if waited < WINDOW_SECS {
        return None;
    }
    let named: Vec<String> = down.iter().map(|c| format!("`{c}`")).collect();
    let verb = if down.len() == 1 { "is" } else { "are" };
    state.message = Some(format!(
        "✗ `{}` ran, but {} {verb} still down after {WINDOW_SECS}s: escalate (e)",
        watch.command,
        named.join(", ")
    ));
    Some(vec![Effect::Record(Entry::StillDown {
        command: watch.command,
        checks: down,
        after_secs: WINDOW_SECS,
    })])
}

/// On every probe result and clock tick: report recoveries and timeouts.
pub fn progress(state: &mut State) -> Vec<Effect> {
    let now = state.elapsed_secs;
    let mut effects = Vec::new();
    let mut still = Vec::new();
    for watch in std::mem::take(&mut state.verifying) {
        let waited = now.saturating_sub(watch.started_at);
        let Some(check) = watch.check.clone() else {
            match after_change(state, watch.clone(), waited) {
                Some(done) => effects.extend(done),
                None => still.push(watch),
            }
            continue;
        };
        let up = state
            .health
            .iter()
            .any(|c| c.id == check && c.status() == Status::Up);
        if up || waited >= WINDOW_SECS {
            state.message = Some(if up {
                format!(
                    "✓ `{}`: {check} is healthy again after {waited}s",
                    watch.command
                )
            } else {
                format!(
                    "✗ `{}`: {check} did not recover within {WINDOW_SECS}s: escalate (e)",
                    watch.command
                )
            });
            effects.push(Effect::Record(Entry::VerifyResult {
                command: watch.command,
                check,
                recovered: up,
            }));
        } else {
            still.push(watch);
        }
    }
    state.verifying = still;
    effects
}
