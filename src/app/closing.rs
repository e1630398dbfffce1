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

/// `C`: claim the alert the console was opened from, once its name is typed.
pub fn ask_claim(state: &mut State) {
    let Some(name) = state.alert_name.clone() else {
        state.message = Some(
            "nothing to claim: this console was not opened from an alert (`opsdeck alerts`)".into(),
        );
        return;
    };
    if state.mode != super::state::Mode::Live {
        state.message =
            Some("a claim silences the alert for the team: only in a live console".into());
        return;
    }
    state.overlay = Some(Overlay::Prompt(Prompt {
        purpose: PromptPurpose::ClaimAlert,
        label: format!(
            "CLAIM {name}: a silence for its exact labels, 2h, in your name. Type `{name}` to create it, Esc cancels"
        ),
        input: String::new(),
        secret: false,
    }));
}

pub fn on_claim_enter(state: &mut State, prompt: Prompt, key: Key) -> Vec<Effect> {
    if key.repeat {
        state.overlay = Some(Overlay::Prompt(prompt));
        return Vec::new();
    }
    if state.alert_name.as_deref() != Some(prompt.input.trim()) {
        state.message = Some("not claimed: the name typed was not the alert's".into());
        return Vec::new();
    }
    state.message = Some("claiming the alert…".into());
    vec![Effect::ClaimAlert]
}

pub fn claimed(state: &mut State, result: Result<crate::incident::Entry, String>) -> Vec<Effect> {
    match result {
        Ok(entry) => {
            state.message = Some(entry.summary());
            vec![Effect::Record(entry)]
        }
        Err(error) => {
            state.message = Some(format!("NOT CLAIMED: {error}"));
            Vec::new()
        }
    }
}

/// The incident is closed; when it still holds the alert, offer to expire the claim.
pub fn closed(state: &mut State, message: String, silences: Vec<(String, String)>) {
    state.message = Some(message);
    if silences.is_empty() {
        return;
    }
    let ids: Vec<&str> = silences.iter().map(|(id, _)| id.as_str()).collect();
    state.overlay = Some(Overlay::Prompt(Prompt {
        purpose: PromptPurpose::ExpireSilences(silences.clone()),
        label: format!(
            "The closed incident still holds the alert (silence {}). Type y and Enter to expire it, so the alert pages again if it fires; Esc keeps it",
            ids.join(", ")
        ),
        input: String::new(),
        secret: false,
    }));
}

pub fn on_expire_enter(state: &mut State, prompt: Prompt, key: Key) -> Vec<Effect> {
    if key.repeat {
        state.overlay = Some(Overlay::Prompt(prompt));
        return Vec::new();
    }
    let PromptPurpose::ExpireSilences(silences) = prompt.purpose else {
        return Vec::new();
    };
    if !prompt.input.trim().eq_ignore_ascii_case("y") {
        state.message =
            Some("the silence stays: `opsdeck alerts --expire ID` ends it later".into());
        return Vec::new();
    }
    state.message = Some("expiring the silence…".into());
    vec![Effect::ExpireSilences(silences)]
}
