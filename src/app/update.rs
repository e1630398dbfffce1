//! `update(state, event) -> effects`: every key's meaning, in one pure function.

use super::event::{Effect, Event, Key, KeyCode};
use super::state::{Focus, State, StepStatus};

pub fn update(state: &mut State, event: Event) -> Vec<Effect> {
    match event {
        Event::Key(key) => on_key(state, key),
        Event::Tick { utc, elapsed_secs } => {
            state.utc_clock = utc;
            state.elapsed_secs = elapsed_secs;
            Vec::new()
        }
        Event::Resize { width, height } => {
            state.size = (width, height);
            Vec::new()
        }
    }
}

fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    if state.show_help {
        // Any key closes help; `q` still quits so nobody is trapped.
        state.show_help = false;
        return match key.code {
            KeyCode::Char('q') => vec![Effect::Quit],
            _ => Vec::new(),
        };
    }
    match (key.code, key.ctrl) {
        (KeyCode::Char('q'), false) | (KeyCode::Char('c'), true) => return vec![Effect::Quit],
        (KeyCode::Char('?'), _) => state.show_help = true,
        (KeyCode::Tab | KeyCode::BackTab, _) => {
            state.focus = match state.focus {
                Focus::Steps => Focus::Body,
                Focus::Body => Focus::Steps,
            };
        }
        (KeyCode::Char(' '), _) => toggle_step(state, StepStatus::Done),
        (KeyCode::Char('s'), _) => toggle_step(state, StepStatus::Skipped),
        (KeyCode::Down | KeyCode::Char('j'), _) => move_down(state),
        (KeyCode::Up | KeyCode::Char('k'), _) => move_up(state),
        (KeyCode::Home | KeyCode::Char('g'), _) => select_step(state, 0),
        (KeyCode::End | KeyCode::Char('G'), _) => {
            select_step(state, state.step_count().saturating_sub(1))
        }
        (KeyCode::PageDown, _) => state.body_scroll = state.body_scroll.saturating_add(10),
        (KeyCode::PageUp, _) => state.body_scroll = state.body_scroll.saturating_sub(10),
        (KeyCode::Enter | KeyCode::Right | KeyCode::Char('l'), _)
            if state.focus == Focus::Steps =>
        {
            state.focus = Focus::Body;
        }
        (KeyCode::Left | KeyCode::Char('h') | KeyCode::Esc, _) if state.focus == Focus::Body => {
            state.focus = Focus::Steps;
        }
        _ => {}
    }
    Vec::new()
}

fn move_down(state: &mut State) {
    match state.focus {
        Focus::Steps => select_step(
            state,
            (state.selected_step + 1).min(state.step_count().saturating_sub(1)),
        ),
        Focus::Body => {
            let commands = state.current_commands().len();
            if state.selected_command + 1 < commands {
                state.selected_command += 1;
            } else {
                state.body_scroll = state.body_scroll.saturating_add(1);
            }
        }
    }
}

fn move_up(state: &mut State) {
    match state.focus {
        Focus::Steps => select_step(state, state.selected_step.saturating_sub(1)),
        Focus::Body if state.body_scroll > 0 => state.body_scroll -= 1,
        Focus::Body => state.selected_command = state.selected_command.saturating_sub(1),
    }
}

fn select_step(state: &mut State, step: usize) {
    if step != state.selected_step {
        state.selected_step = step;
        state.selected_command = 0;
        state.body_scroll = 0;
    }
}

/// Marks the selected step; the same key again puts it back to pending.
fn toggle_step(state: &mut State, status: StepStatus) {
    if let Some(current) = state.step_status.get_mut(state.selected_step) {
        *current = if *current == status {
            StepStatus::Pending
        } else {
            status
        };
        if *current != StepStatus::Pending {
            let next = (state.selected_step + 1).min(state.step_count().saturating_sub(1));
            select_step(state, next);
        }
    }
}
