//! From Enter on a command to its log entries: placeholders, confirmation,
//! the run, and what is recorded.

use super::confirm::{Button, Confirm, Outcome};
use super::event::{Effect, Key};
use super::runs::{RunResult, RunStatus};
use super::state::{Mode, Overlay, Prompt, PromptPurpose, State};
use crate::exec::headless::target_hosts;
use crate::exec::resolve::resolve;
use crate::incident::Entry;
use crate::playbook::model::Kind;

/// Lines of output kept in the `command_finished` event.
const LAST_LINES: usize = 10;

/// Enter on a command: ask for missing values, then open the confirmation.
pub fn start(state: &mut State, command_id: &str) -> Vec<Effect> {
    let Some(command) = state.playbook.command(command_id).cloned() else {
        return Vec::new();
    };
    let refusal = if command.show_only {
        Some(format!("`{command_id}` is shown only (run=false)"))
    } else if state.mode == Mode::ReadOnly && command.kind == Kind::Remediate {
        Some("read-only mode: remediations are disabled".into())
    } else if state.output.running().is_some() {
        Some("a command is running: wait for it, or Ctrl-C cancels it".into())
    } else {
        None
    };
    if let Some(message) = refusal {
        state.message = Some(message);
        return Vec::new();
    }
    match resolve(&command.run, &state.playbook, &state.vars) {
        Err(missing) => {
            let name = missing[0].clone();
            let declared = state.playbook.variables.get(&name);
            let hint = declared
                .and_then(|v| v.description.clone())
                .or_else(|| crate::exec::resolve::placeholder_hint(&command.run, &name));
            let secret = declared.is_some_and(|v| v.secret);
            let label = match hint {
                Some(hint) => format!("Value for {{{{{name}}}}} ({hint})"),
                None => format!("Value for {{{{{name}}}}}"),
            };
            state.overlay = Some(Overlay::Prompt(Prompt {
                purpose: PromptPurpose::Variable {
                    name,
                    command_id: command_id.to_string(),
                },
                label,
                input: String::new(),
                secret,
            }));
        }
        Ok(resolved) => {
            let hosts = target_hosts(&state.playbook, &command);
            let target = if command.host != "local" {
                command.host.clone()
            } else {
                state
                    .playbook
                    .service
                    .clone()
                    .unwrap_or_else(|| command.id.clone())
            };
            state.overlay = Some(Overlay::Confirm(Confirm {
                command_id: command.id.clone(),
                kind: command.kind,
                script: resolved.script,
                hosts,
                host_group: command.host.clone(),
                target,
                typed: String::new(),
                focus: Button::Cancel,
                secrets: resolved.secrets,
            }));
        }
    }
    Vec::new()
}

pub fn on_confirm_key(state: &mut State, mut dialog: Confirm, key: Key) -> Vec<Effect> {
    match dialog.on_key(key) {
        Outcome::Pending => {
            state.overlay = Some(Overlay::Confirm(dialog));
            Vec::new()
        }
        Outcome::Cancelled => {
            state.message = Some(format!("cancelled `{}`: nothing ran", dialog.command_id));
            Vec::new()
        }
        Outcome::Confirmed => launch(state, dialog),
    }
}

fn launch(state: &mut State, dialog: Confirm) -> Vec<Effect> {
    state.focus = super::state::Focus::Output;
    if state.mode.runs_nothing() {
        let run = state.output.start(
            dialog.command_id.clone(),
            dialog.hosts.clone(),
            RunStatus::DryRun,
        );
        if let Some(run) = state.output.get_mut(run) {
            run.push_lines(std::iter::once(format!(
                "DRY RUN: would run on {}:",
                dialog.hosts.join(", ")
            )));
            run.push_lines(dialog.script.lines().map(str::to_string));
        }
        return Vec::new();
    }
    let timeout = state
        .playbook
        .command(&dialog.command_id)
        .map_or(crate::playbook::model::DEFAULT_TIMEOUT, |c| c.timeout);
    let run = state.output.start(
        dialog.command_id.clone(),
        dialog.hosts.clone(),
        RunStatus::Running,
    );
    vec![
        Effect::Secrets(dialog.secrets.clone()),
        Effect::Record(Entry::CommandConfirmed {
            command: dialog.command_id.clone(),
            resolved: dialog.script.clone(),
            hosts: dialog.hosts.clone(),
        }),
        Effect::Record(Entry::CommandStarted {
            command: dialog.command_id.clone(),
            host: dialog.host_group.clone(),
        }),
        Effect::Run {
            run,
            command_id: dialog.command_id,
            script: dialog.script,
            timeout,
            secrets: dialog.secrets,
            hosts: dialog.hosts,
            playbook: Box::new(state.playbook.clone()),
        },
    ]
}

pub fn on_finished(state: &mut State, run_id: u64, result: RunResult) -> Vec<Effect> {
    let Some(run) = state.output.get_mut(run_id) else {
        return Vec::new();
    };
    let entry = Entry::CommandFinished {
        command: run.command_id.clone(),
        host: run.hosts.join(","),
        exit_code: result.exit_code,
        signal: result.signal,
        duration_ms: result.duration_ms,
        output_file: result.output_file.clone(),
        last_lines: run.last_lines(LAST_LINES),
    };
    state.message = Some(format!("`{}`: {}", run.command_id, result.describe()));
    let command_id = run.command_id.clone();
    run.status = RunStatus::Finished(result);
    super::verify::start(state, &command_id);
    vec![Effect::Record(entry)]
}

pub fn on_prompt_key(state: &mut State, mut prompt: Prompt, key: Key) -> Vec<Effect> {
    use super::event::KeyCode;
    match key.code {
        KeyCode::Esc => {
            state.message = Some("cancelled: nothing ran".into());
            Vec::new()
        }
        KeyCode::Enter => match prompt.purpose {
            PromptPurpose::Variable { name, command_id } => {
                let mut effects = Vec::new();
                if prompt.secret {
                    effects.push(Effect::Secrets(vec![prompt.input.clone()]));
                }
                state.vars.insert(name, prompt.input);
                effects.extend(start(state, &command_id));
                effects
            }
            PromptPurpose::Note if prompt.input.trim().is_empty() => Vec::new(),
            PromptPurpose::Note => {
                state.message = Some("note recorded".into());
                vec![Effect::Record(Entry::Note { text: prompt.input })]
            }
        },
        KeyCode::Backspace => {
            prompt.input.pop();
            state.overlay = Some(Overlay::Prompt(prompt));
            Vec::new()
        }
        KeyCode::Char(c) if !key.ctrl => {
            prompt.input.push(c);
            state.overlay = Some(Overlay::Prompt(prompt));
            Vec::new()
        }
        _ => {
            state.overlay = Some(Overlay::Prompt(prompt));
            Vec::new()
        }
    }
}
