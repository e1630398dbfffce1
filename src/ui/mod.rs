//! Drawing: a pure function of `&State`. One file per pane.
mod ansi_line;
mod body;
mod health;
mod help;
pub mod markdown;
mod output;
mod overlay;
mod picker;
mod status;
mod steps;
pub mod theme;
pub mod theme_file;

use crate::app::State;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
pub use theme::Theme;

/// The picker of bare `opsdeck`.
pub fn draw_picker(frame: &mut Frame, picker: &crate::app::picker::Picker, theme: &Theme) {
    picker::draw(frame, picker, theme);
}

/// Every key binding with what it does, as the help overlay lists them.
pub fn help_bindings() -> &'static [(&'static str, &'static str)] {
    help::BINDINGS
}

/// Below this the panes cannot show a command line; say so instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let message = vec![
            Line::styled("Terminal too small", theme.danger),
            Line::raw(format!(
                "{}×{}, need {MIN_WIDTH}×{MIN_HEIGHT}",
                area.width, area.height
            )),
            Line::raw("Enlarge the window, or q to quit"),
        ];
        frame.render_widget(Paragraph::new(message), area);
        return;
    }
    let [top, status_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let output_height = (top.height * 2 / 5).max(5);
    let [main, output_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(output_height)]).areas(top);
    let steps_width = (main.width / 4).clamp(24, 40);
    let [left, rest] =
        Layout::horizontal([Constraint::Length(steps_width), Constraint::Min(1)]).areas(main);
    let wide = main.width >= 110;
    let (steps_area, body_area) = if state.health.is_empty() || wide {
        (left, rest)
    } else {
        // Narrow: the health pane shares the left column with the steps.
        let [steps_area, health_area] =
            Layout::vertical([Constraint::Min(4), Constraint::Percentage(50)]).areas(left);
        health::draw(frame, health_area, state, theme);
        (steps_area, rest)
    };
    let body_area = if !state.health.is_empty() && wide {
        let health_width = (main.width * 3 / 10).clamp(28, 60);
        let [body_area, health_area] =
            Layout::horizontal([Constraint::Min(1), Constraint::Length(health_width)])
                .areas(body_area);
        health::draw(frame, health_area, state, theme);
        body_area
    } else {
        body_area
    };
    steps::draw(frame, steps_area, state, theme);
    body::draw(frame, body_area, state, theme);
    output::draw(frame, output_area, state, theme);
    status::draw(frame, status_area, state, theme);
    overlay::draw(frame, area, state, theme);
}
