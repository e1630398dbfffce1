//! Clicks select and the wheel scrolls. While a dialog is open the mouse
//! does nothing: only deliberate keys answer a confirmation.

use super::event::Hit;
use super::state::{Focus, State};
use super::update::{move_down, move_up, select_step};

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
        // Focused text keeps its selected command in view: the wheel walks
        // the commands as j/k do, then scrolls.
        (Focus::Body, true) if state.focus == Focus::Body => move_down(state),
        (Focus::Body, false) if state.focus == Focus::Body => move_up(state),
        (Focus::Body, true) => {
            state.body_scroll = state.body_scroll.saturating_add(WHEEL_LINES as u16)
        }
        (Focus::Body, false) => {
            state.body_scroll = state.body_scroll.saturating_sub(WHEEL_LINES as u16)
        }
        (Focus::Output, true) => state.output.scroll_down(WHEEL_LINES),
        (Focus::Output, false) => state.output.scroll_up(WHEEL_LINES),
    }
}
