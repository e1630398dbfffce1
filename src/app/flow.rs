//! From Enter on a command to its log entries: placeholders, confirmation,
//! the run, and what is recorded.

use super::confirm::{Confirm, ConfirmOutcome};
use super::event::{Effect, Key};
use super::runs::{RunResult, RunStatus};
use super::state::{Overlay, Prompt, PromptPurpose, State};
use crate::incident::Entry;
use crate::plan::outcome::{self, HostResult};
use crate::plan::{self, Plan, Planned, Request, record};

/// Enter on a command: ask for missing values, then open the confirmation.
pub fn start(state: &mut State, command_id: &str) -> Vec<Effect> {
    if state.output.running().is_some() {
        state.message = Some("a command is running: wait for it, or Ctrl-C cancels it".into());
        return Vec::new();
    }
    if let Some(refusal) = state.broken.refusal(command_id) {
        state.message = Some(format!("`{command_id}` will not run: {refusal}"));
        return Vec::new();
    }
    match plan_for(state, command_id) {
        Planned::Refused(refusal) => {
            state.message = Some(format!("`{command_id}` will not run: {}", refusal.reason()));
        }
        Planned::Ask(missing) => {
            let first = &missing[0];
            let name = &first.name;
            let label = prompt_label(first);
            state.overlay = Some(Overlay::Prompt(Prompt {
                purpose: PromptPurpose::Variable {
                    name: name.clone(),
                    command_id: command_id.to_string(),
                },
                label,
                input: String::new(),
                secret: first.secret,
            }));
        }
        Planned::Ready(plan) => state.overlay = Some(Overlay::Confirm(Confirm::new(plan))),
    }
    Vec::new()
}

/// `Value for $NAMESPACE (the namespace; --var NAMESPACE=… or --alert
/// namespace=… fills it)`: the placeholder as the runbook wrote it, and
/// how to give it when opening the console next time.
fn prompt_label(missing: &plan::fill::Missing) -> String {
    let fills = format!(
        "--var {}=… or --alert {}=… fills it",
        missing.name, missing.alert_label
    );
    match &missing.hint {
        Some(hint) => format!("Value for {} ({hint}; {fills})", missing.written),
        None => format!("Value for {} ({fills})", missing.written),
    }
}

/// The plan for `command_id` with the console's values and mode.
pub fn plan_for(state: &State, command_id: &str) -> Planned {
    plan::plan(&Request {
        playbook: &state.playbook,
        playbook_dir: &state.playbook_dir,
        command_id,
        values: &state.vars,
        mode: state.mode,
        only_host: None,
        kube: state.kube.as_ref(),
    })
}

pub fn on_confirm_key(state: &mut State, mut dialog: Confirm, key: Key) -> Vec<Effect> {
    match dialog.on_key(key) {
        ConfirmOutcome::Pending => {
            state.overlay = Some(Overlay::Confirm(dialog));
            Vec::new()
        }
        ConfirmOutcome::Cancelled => {
            state.message = Some(format!(
                "cancelled `{}`: nothing ran",
                dialog.plan.command_id
            ));
            Vec::new()
        }
        ConfirmOutcome::Confirmed => launch(state, *dialog.plan),
    }
}

/// The output pane shows the run; focus stays where the responder was, so
/// the next key does what it did before the run (`n` a note, Enter the next
/// command), never what it means in the output pane.
fn launch(state: &mut State, plan: Plan) -> Vec<Effect> {
    if state.mode.runs_nothing() {
        let run = state.output.start(
            plan.command_id.clone(),
            plan.hosts.clone(),
            RunStatus::DryRun,
        );
        if let Some(run) = state.output.get_mut(run) {
            run.push_lines(std::iter::once(format!(
                "DRY RUN: would run on {}:",
                plan.where_it_runs()
            )));
            run.push_lines(plan.shown.lines().map(str::to_string));
        }
        return Vec::new();
    }
    let run = state.output.start(
        plan.command_id.clone(),
        plan.hosts.clone(),
        RunStatus::Running,
    );
    if let Some(started) = state.output.get_mut(run) {
        started.kube = plan.kube.clone();
    }
    vec![
        Effect::Secrets(plan.secrets.clone()),
        Effect::Record(record::confirmed(&plan)),
        Effect::Run {
            run,
            plan: Box::new(plan),
            playbook: Box::new(state.playbook.clone()),
        },
    ]
}

pub fn on_host_started(state: &mut State, run_id: u64, host: usize) -> Vec<Effect> {
    let Some(run) = state.output.get_mut(run_id) else {
        return Vec::new();
    };
    let host = run.hosts.get(host).map_or("", String::as_str);
    let kube = run.kube.as_ref();
    vec![Effect::Record(record::started(&run.command_id, host, kube))]
}

pub fn on_host_finished(
    state: &mut State,
    run_id: u64,
    host: usize,
    result: &HostResult,
    output_file: String,
    last_lines: Vec<String>,
) -> Vec<Effect> {
    let Some(run) = state.output.get_mut(run_id) else {
        return Vec::new();
    };
    let host = run.hosts.get(host).map_or("", String::as_str).to_string();
    if let Some(program) = outcome::missing_program(result, &last_lines) {
        let explained = outcome::explain_missing(&program, &host);
        run.push_lines([format!("opsdeck: {explained}")]);
        run.explained = Some(explained);
    }
    let kube = run.kube.as_ref();
    let entry = record::finished(
        &run.command_id,
        &host,
        result,
        output_file,
        last_lines,
        kube,
    );
    vec![Effect::Record(entry)]
}

/// Every host ended: the run's status, a message, and the `verify=` watch.
pub fn on_finished(state: &mut State, run_id: u64, result: RunResult) -> Vec<Effect> {
    let Some(run) = state.output.get_mut(run_id) else {
        return Vec::new();
    };
    state.message = Some(match &run.explained {
        Some(explained) => format!("`{}`: {explained}", run.command_id),
        None => format!("`{}`: {}", run.command_id, result.describe()),
    });
    let command_id = run.command_id.clone();
    run.status = RunStatus::Finished(result);
    super::verify::start(state, &command_id);
    Vec::new()
}

pub fn on_prompt_key(state: &mut State, mut prompt: Prompt, key: Key) -> Vec<Effect> {
    use super::event::KeyCode;
    match key.code {
        KeyCode::Esc => {
            state.message = Some("cancelled: nothing ran".into());
            Vec::new()
        }
        KeyCode::Enter => match prompt.purpose {
            // Nothing gave it a value and the playbook has no default: an
            // empty one would run the command with a hole in it.
            PromptPurpose::Variable { .. } if prompt.input.is_empty() => {
                state.message = Some("a value is needed here (Esc cancels: nothing runs)".into());
                state.overlay = Some(Overlay::Prompt(prompt));
                Vec::new()
            }
            PromptPurpose::Variable { name, command_id } => {
                state.message = None;
                let mut effects = Vec::new();
                if prompt.secret {
                    effects.push(Effect::Secrets(vec![prompt.input.clone()]));
                }
                state.vars.insert(name, prompt.input);
                effects.extend(start(state, &command_id));
                effects
            }
            PromptPurpose::ChangeValue { .. } => super::values::on_enter(state, prompt),
            PromptPurpose::CloseIncident => super::closing::on_enter(state, prompt, key),
            PromptPurpose::ClaimAlert => super::closing::on_claim_enter(state, prompt, key),
            PromptPurpose::ExpireSilences(_) => super::closing::on_expire_enter(state, prompt, key),
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
