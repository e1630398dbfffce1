//! Which pane, step or command is under the mouse: the same layout and
//! scrolling as drawing, so a click selects what the responder sees there.

use super::layout::{self, contains, inner};
use super::{Theme, body};
use crate::app::event::Hit;
use crate::app::{Focus, State};
use ratatui::layout::Rect;

/// What is at (`column`, `row`) of a terminal of `area`, if anything clickable.
pub fn hit_test(state: &State, area: Rect, column: u16, row: u16) -> Option<Hit> {
    let areas = layout::areas(state, area)?;
    if contains(areas.steps, column, row) {
        let list = inner(areas.steps);
        if !contains(list, column, row) {
            return Some(Hit::Pane(Focus::Steps));
        }
        // The list scrolls just enough to show the selected step, which may
        // take several rows.
        let titles = super::steps::titles(state, list.width);
        let offset = super::steps::offset(&titles, state.selected_step, list.height as usize);
        let mut top = list.y;
        for (step, lines) in titles.iter().enumerate().skip(offset) {
            top += lines.len() as u16;
            if row < top {
                return Some(Hit::Step(step));
            }
        }
        return Some(Hit::Pane(Focus::Steps));
    }
    if contains(areas.body, column, row) {
        return Some(body_hit(state, areas.body, row));
    }
    if contains(areas.output, column, row) {
        return Some(Hit::Pane(Focus::Output));
    }
    None
}

fn body_hit(state: &State, area: Rect, row: u16) -> Hit {
    let text = inner(area);
    if row < text.y || row >= text.bottom() {
        return Hit::Pane(Focus::Body);
    }
    // Styles do not change where lines wrap.
    let lines = body::body_lines(state, &Theme::monochrome(), text.width);
    let target = body::scroll(state, &lines, area) as usize + (row - text.y) as usize;
    let mut top = 0;
    for (n, line) in lines.lines.iter().enumerate() {
        top += body::rows(line, text.width.max(1));
        if target < top {
            return match lines.commands.iter().position(|c| c.contains(&n)) {
                Some(command) => Hit::Command(command),
                None => Hit::Pane(Focus::Body),
            };
        }
    }
    Hit::Pane(Focus::Body)
}
