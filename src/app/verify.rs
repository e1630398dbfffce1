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
    pub check: String,
    pub started_at: u64,
}

/// A command with `verify` finished: start watching its check.
pub fn start(state: &mut State, command_id: &str) {
    let Some(check) = state
        .playbook
        .command(command_id)
        .and_then(|c| c.verify.clone())
    else {
        return;
    };
    state.verifying.retain(|w| w.command != command_id);
    state.verifying.push(Watch {
        command: command_id.to_string(),
        check,
        started_at: state.elapsed_secs,
    });
}

/// On every probe result and clock tick: report recoveries and timeouts.
pub fn progress(state: &mut State) -> Vec<Effect> {
    let now = state.elapsed_secs;
    let mut effects = Vec::new();
    let mut still = Vec::new();
    for watch in std::mem::take(&mut state.verifying) {
        let up = state
            .health
            .iter()
            .any(|c| c.id == watch.check && c.status() == Status::Up);
        let waited = now.saturating_sub(watch.started_at);
        if up || waited >= WINDOW_SECS {
            state.message = Some(if up {
                format!(
                    "✓ `{}`: {} is healthy again after {waited}s",
                    watch.command, watch.check
                )
            } else {
                format!(
                    "✗ `{}`: {} did not recover within {}s: escalate (e)",
                    watch.command, watch.check, WINDOW_SECS
                )
            });
            effects.push(Effect::Record(Entry::VerifyResult {
                command: watch.command,
                check: watch.check,
                recovered: up,
            }));
        } else {
            still.push(watch);
        }
    }
    state.verifying = still;
    effects
}
