//! Where each pane goes, shared by drawing and by mouse hit-testing so a
//! click lands on what is drawn there.

use crate::app::State;
use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the panes cannot show a command line; say so instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

pub struct Areas {
    pub steps: Rect,
    pub body: Rect,
    pub health: Option<Rect>,
    pub output: Rect,
    pub status: Rect,
}

/// The panes of the console in `area`, or None when it is too small.
pub fn areas(state: &State, area: Rect) -> Option<Areas> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [top, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let output_height = (top.height * 2 / 5).max(5);
    let [main, output] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(output_height)]).areas(top);
    let steps_width = (main.width / 4).clamp(24, 40);
    let [left, rest] =
        Layout::horizontal([Constraint::Length(steps_width), Constraint::Min(1)]).areas(main);
    let wide = main.width >= 110;
    let (steps, body, health) = if state.health.is_empty() && state.broken.checks.is_empty() {
        (left, rest, None)
    } else if wide {
        let health_width = (main.width * 3 / 10).clamp(28, 60);
        let [body, health] =
            Layout::horizontal([Constraint::Min(1), Constraint::Length(health_width)]).areas(rest);
        (left, body, Some(health))
    } else {
        // Narrow: the health pane shares the left column with the steps.
        let [steps, health] =
            Layout::vertical([Constraint::Min(4), Constraint::Percentage(50)]).areas(left);
        (steps, rest, Some(health))
    };
    Some(Areas {
        steps,
        body,
        health,
        output,
        status,
    })
}

/// The inside of a bordered pane.
pub fn inner(area: Rect) -> Rect {
    Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

pub fn contains(area: Rect, column: u16, row: u16) -> bool {
    column >= area.x && column < area.right() && row >= area.y && row < area.bottom()
}
