//! Closing the incident from the console: a prompt for the summary, and
//! Enter (never a held key) as the confirmation.

use super::event::{Effect, Key};
use super::state::{Overlay, Prompt, PromptPurpose, State};

pub fn ask(state: &mut State) {
    if let Some(run) = state.output.running() {
        state.message = Some(format!(
            "`{}` is still running: wait for it or cancel it (ctrl-c) before closing the incident",
            run.command_id
        ));
        return;
    }
    state.overlay = Some(Overlay::Prompt(Prompt {
        purpose: PromptPurpose::CloseIncident,
        label: "CLOSE the incident. Summary (what fixed it), Enter closes, Esc keeps it open"
            .into(),
        input: String::new(),
        secret: false,
    }));
}

pub fn on_enter(state: &mut State, prompt: Prompt, key: Key) -> Vec<Effect> {
    if key.repeat {
        state.overlay = Some(Overlay::Prompt(prompt));
        return Vec::new();
    }
    state.message = Some("closing the incident…".into());
    vec![Effect::CloseIncident {
        summary: prompt.input,
    }]
}
