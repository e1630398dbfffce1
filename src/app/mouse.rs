//! Clicks select and the wheel scrolls. While a dialog is open the mouse
//! does nothing: only deliberate keys answer a confirmation.

use super::event::Hit;
use super::state::{Focus, State};
use super::update::select_step;

/// Lines per wheel notch in the text and output panes.
const WHEEL_LINES: usize = 3;

pub fn click(state: &mut State, hit: Hit) {
    if state.overlay.is_some() {
        return;
    }
    match hit {
        Hit::Step(step) => {
            state.focus = Focus::Steps;
            select_step(state, step.min(state.step_count().saturating_sub(1)));
        }
        Hit::Command(command) if command < state.current_commands().len() => {
            state.focus = Focus::Body;
            state.selected_command = command;
        }
        Hit::Command(_) => state.focus = Focus::Body,
        Hit::Pane(pane) => state.focus = pane,
    }
}

pub fn scroll(state: &mut State, pane: Focus, down: bool) {
    if state.overlay.is_some() {
        return;
    }
    match (pane, down) {
        (Focus::Steps, true) => select_step(
            state,
            (state.selected_step + 1).min(state.step_count().saturating_sub(1)),
        ),
        (Focus::Steps, false) => select_step(state, state.selected_step.saturating_sub(1)),
        // The selection follows the text onto the screen.
        (Focus::Body, true) => super::body_nav::scroll_by(state, WHEEL_LINES as isize),
        (Focus::Body, false) => super::body_nav::scroll_by(state, -(WHEEL_LINES as isize)),
        (Focus::Output, true) => super::output_scroll::down(state, WHEEL_LINES),
        (Focus::Output, false) => super::output_scroll::up(state, WHEEL_LINES),
    }
}
