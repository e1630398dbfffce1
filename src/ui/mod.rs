//! Drawing: a pure function of `&State`. One file per pane.
mod body;
mod help;
pub mod markdown;
mod output;
mod overlay;
mod status;
mod steps;
pub mod theme;

use crate::app::State;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
pub use theme::Theme;

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
    let steps_width = (main.width / 3).clamp(24, 44);
    let [steps_area, body_area] =
        Layout::horizontal([Constraint::Length(steps_width), Constraint::Min(1)]).areas(main);
    steps::draw(frame, steps_area, state, theme);
    body::draw(frame, body_area, state, theme);
    output::draw(frame, output_area, state, theme);
    status::draw(frame, status_area, state, theme);
    overlay::draw(frame, area, state, theme);
}
