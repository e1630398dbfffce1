//! `update(state, event) -> effects`: every key's meaning, in one pure function.

use super::event::{Effect, Event, Key, KeyCode};
use super::flow;
use super::keymap::Action;
use super::output_scroll;
use super::runs::RunStatus;
use super::state::{Focus, Overlay, Prompt, PromptPurpose, State, StepStatus};
use crate::incident::Entry;

pub fn update(state: &mut State, event: Event) -> Vec<Effect> {
    let from_key = matches!(event, Event::Key(_));
    let effects = apply(state, event);
    super::learn::rehearsal(state, effects, from_key)
}

fn apply(state: &mut State, event: Event) -> Vec<Effect> {
    match event {
        Event::Key(key) => on_key(state, key),
        Event::Click(hit) => {
            super::mouse::click(state, hit);
            Vec::new()
        }
        Event::Scroll { pane, down } => {
            super::mouse::scroll(state, pane, down);
            Vec::new()
        }
        Event::Tick { utc, elapsed_secs } => {
            state.utc_clock = utc;
            state.elapsed_secs = elapsed_secs;
            super::verify::progress(state)
        }
        Event::Resize { width, height } => {
            state.size = (width, height);
            Vec::new()
        }
        Event::Measured(viewport) => {
            state.viewport = viewport;
            super::body_nav::fit(state);
            Vec::new()
        }
        Event::Output { run, lines } => {
            let count = lines.len();
            if let Some(output) = state.output.get_mut(run) {
                output.push_lines(lines);
                super::output_scroll::on_new_lines(state, run, count);
                super::search::on_output(state, run, count);
            }
            Vec::new()
        }
        Event::HostStarted { run, host } => flow::on_host_started(state, run, host),
        Event::HostFinished {
            run,
            host,
            result,
            output_file,
            last_lines,
        } => flow::on_host_finished(state, run, host, &result, output_file, last_lines),
        Event::Finished { run, result } => flow::on_finished(state, run, result),
        Event::RunFailed { run, error } => {
            if let Some(run) = state.output.get_mut(run) {
                run.status = RunStatus::Failed(error.clone());
            }
            state.message = Some(format!("could not run: {error}"));
            Vec::new()
        }
        Event::Probed { check, outcome, at } => {
            let mut effects = super::health::observe(state, &check, &outcome, at);
            effects.extend(super::verify::progress(state));
            effects
        }
        Event::AlertClaimed(result) => super::closing::claimed(state, result),
        Event::IncidentClosed { message, silences } => {
            super::closing::closed(state, message, silences);
            Vec::new()
        }
        Event::LogFailed { error } => {
            state.message = Some(format!("INCIDENT LOG NOT WRITTEN: {error}"));
            Vec::new()
        }
        Event::Reloaded { playbook, sha256 } => {
            let checks_changed = state.playbook.checks != playbook.checks;
            super::reload::apply(state, *playbook);
            // The postmortem must know which version of the playbook was followed.
            let mut effects = vec![Effect::RecordIfOpen(Entry::PlaybookLoaded {
                playbook: state.source_name.clone(),
                playbook_sha256: sha256,
            })];
            if checks_changed {
                effects.push(Effect::RestartHealth(Box::new(state.playbook.clone())));
            }
            effects
        }
        Event::OpenedFromList => {
            state.quit_goes_back = true;
            Vec::new()
        }
        Event::OpenedFromAlert {
            name,
            notice,
            from_list,
        } => {
            state.overlay = Some(Overlay::Notice(notice));
            state.alert_name = Some(name);
            state.quit_goes_back = from_list;
            Vec::new()
        }
        Event::Notice(text) => {
            state.message = Some(text);
            Vec::new()
        }
        Event::Resumed {
            id,
            events,
            entries,
            torn,
        } => {
            let restored = super::resume::restore_progress(state, &entries);
            let torn = if torn {
                "; a torn last line was skipped"
            } else {
                ""
            };
            state.message = Some(format!(
                "resumed open incident {id} ({events} events, {restored} step marks{torn}); --new-incident starts a new one"
            ));
            Vec::new()
        }
        Event::ReloadFailed { error } => {
            super::reload::failed(state, error);
            Vec::new()
        }
    }
}

fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    if let Some(overlay) = state.overlay.take() {
        return on_overlay_key(state, overlay, key);
    }
    let action = state.keymap.action(key, state.focus);
    // A key clears the message it answers, except the one that shows it whole.
    if action != Some(Action::Details) {
        state.message = None;
    }
    let Some(action) = action else {
        return Vec::new();
    };
    match action {
        Action::Cancel => return cancel_running(state),
        Action::Quit if state.output.running().is_some() => {
            state.overlay = Some(Overlay::QuitWhileRunning);
        }
        Action::Quit => return vec![Effect::Quit],
        Action::Help => state.overlay = Some(Overlay::Help),
        Action::Escalation => state.overlay = Some(Overlay::Escalation),
        Action::Values => state.overlay = Some(Overlay::Values(0)),
        Action::Details => state.overlay = Some(Overlay::Details(0)),
        Action::Search => super::search::open(state),
        Action::NextMatch => super::search::step(state, true),
        Action::PrevMatch => super::search::step(state, false),
        Action::Note => {
            state.overlay = Some(Overlay::Prompt(Prompt {
                purpose: PromptPurpose::Note,
                label: "Note for the incident log".into(),
                input: String::new(),
                secret: false,
            }))
        }
        Action::CloseIncident => super::closing::ask(state),
        Action::ClaimAlert => super::closing::ask_claim(state),
        Action::NextPane => state.focus = next_focus(state.focus, true),
        Action::PrevPane => state.focus = next_focus(state.focus, false),
        Action::Done => return toggle_step(state, StepStatus::Done),
        Action::Skip => return toggle_step(state, StepStatus::Skipped),
        Action::Down => move_down(state),
        Action::Up => move_up(state),
        Action::First if state.focus == Focus::Output => output_scroll::to_top(state),
        Action::Last if state.focus == Focus::Output => output_scroll::follow(state),
        Action::First => select_step(state, 0),
        Action::Last => select_step(state, state.step_count().saturating_sub(1)),
        Action::PageDown if state.focus == Focus::Output => {
            output_scroll::down(state, output_scroll::page(state))
        }
        Action::PageUp if state.focus == Focus::Output => {
            output_scroll::up(state, output_scroll::page(state))
        }
        Action::Wrap => output_scroll::toggle_wrap(state),
        Action::ScrollLeft => output_scroll::sideways(state, false),
        Action::ScrollRight => output_scroll::sideways(state, true),
        Action::PageDown => super::body_nav::page(state, true),
        Action::PageUp => super::body_nav::page(state, false),
        Action::Run if state.focus == Focus::Body && !super::body_nav::selection_in_view(state) => {
            state.message = Some(format!(
                "no command on screen: {} scrolls to the next",
                state.keymap.hint(Action::Down)
            ));
        }
        Action::Run if state.focus == Focus::Body => {
            if let Some(id) = state.selected_command().map(|c| c.id.clone()) {
                return flow::start(state, &id);
            }
        }
        Action::Run | Action::Open if state.focus == Focus::Steps => state.focus = Focus::Body,
        Action::Back if state.focus != Focus::Steps => state.focus = Focus::Steps,
        Action::Run | Action::Open | Action::Back => {}
    }
    Vec::new()
}

fn on_overlay_key(state: &mut State, overlay: Overlay, key: Key) -> Vec<Effect> {
    match overlay {
        Overlay::Confirm(dialog) => flow::on_confirm_key(state, dialog, key),
        Overlay::Prompt(prompt) => flow::on_prompt_key(state, prompt, key),
        Overlay::QuitWhileRunning => match key.code {
            KeyCode::Char('y') if !key.repeat => {
                let mut effects = cancel_running(state);
                effects.push(Effect::Quit);
                effects
            }
            _ => Vec::new(),
        },
        Overlay::Search(input) => {
            super::search::on_key(state, input, key);
            Vec::new()
        }
        Overlay::Values(selected) => super::values::on_key(state, selected, key),
        Overlay::Details(scroll) => {
            super::details::on_key(state, scroll, key);
            Vec::new()
        }
        Overlay::Notice(text) => {
            let closes = matches!(key.code, KeyCode::Enter | KeyCode::Esc | KeyCode::Char('q'));
            if key.repeat || !closes {
                state.overlay = Some(Overlay::Notice(text));
            }
            Vec::new()
        }
        // Help and contacts close on any key, `q` included: closing an
        // overlay never quits the console.
        Overlay::Help | Overlay::Escalation => Vec::new(),
    }
}

fn cancel_running(state: &mut State) -> Vec<Effect> {
    match state.output.running() {
        Some(run) => {
            state.message = Some(format!("cancelling `{}`…", run.command_id));
            vec![Effect::Cancel { run: run.id }]
        }
        None => {
            state.message = Some("nothing is running (q quits)".into());
            Vec::new()
        }
    }
}

fn next_focus(focus: Focus, forward: bool) -> Focus {
    let order = [Focus::Steps, Focus::Body, Focus::Output];
    let at = order.iter().position(|f| *f == focus).unwrap_or(0);
    let next = if forward {
        at + 1
    } else {
        at + order.len() - 1
    };
    order[next % order.len()]
}

fn move_down(state: &mut State) {
    match state.focus {
        Focus::Steps => select_step(
            state,
            (state.selected_step + 1).min(state.step_count().saturating_sub(1)),
        ),
        Focus::Body => super::body_nav::down(state),
        Focus::Output => output_scroll::down(state, 1),
    }
}

fn move_up(state: &mut State) {
    match state.focus {
        Focus::Steps => select_step(state, state.selected_step.saturating_sub(1)),
        Focus::Body => super::body_nav::up(state),
        Focus::Output => output_scroll::up(state, 1),
    }
}

pub(super) fn select_step(state: &mut State, step: usize) {
    if step != state.selected_step {
        state.selected_step = step;
        state.selected_command = 0;
        state.body_scroll = 0;
    }
}

/// Marks the selected step; the same key again puts it back to pending.
fn toggle_step(state: &mut State, status: StepStatus) -> Vec<Effect> {
    let Some(current) = state.step_status.get_mut(state.selected_step) else {
        return Vec::new();
    };
    let step = state.playbook.steps[state.selected_step].title.clone();
    let (new, entry) = if *current == status {
        (StepStatus::Pending, Entry::StepReopened { step })
    } else if status == StepStatus::Done {
        (status, Entry::StepDone { step })
    } else {
        (status, Entry::StepSkipped { step })
    };
    *current = new;
    if new != StepStatus::Pending {
        let next = (state.selected_step + 1).min(state.step_count().saturating_sub(1));
        select_step(state, next);
    }
    vec![Effect::Record(entry)]
}
