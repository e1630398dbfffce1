//! Learn mode is a rehearsal: nothing a newcomer does in it reaches an
//! incident log (no marks, notes, closes or claims), so it can be opened
//! beside a live incident without writing into it.

use super::event::Effect;
use super::state::State;
use crate::plan::Mode;

/// What the runtime may still do in learn mode: everything but writing to
/// an incident or to Alertmanager.
pub fn rehearsal(state: &mut State, effects: Vec<Effect>, from_key: bool) -> Vec<Effect> {
    if state.mode != Mode::Learn {
        return effects;
    }
    let before = effects.len();
    let kept: Vec<Effect> = effects.into_iter().filter(|e| !writes(e)).collect();
    if from_key && kept.len() < before {
        state.message = Some("learn mode is a rehearsal: nothing is recorded".into());
    }
    kept
}

fn writes(effect: &Effect) -> bool {
    matches!(
        effect,
        Effect::Record(_)
            | Effect::RecordIfOpen(_)
            | Effect::CloseIncident { .. }
            | Effect::ClaimAlert
            | Effect::ExpireSilences(_)
    )
}
