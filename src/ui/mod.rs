//! Drawing: a pure function of `&State`. One file per pane.
mod ansi_line;
mod body;
mod details;
mod fit;
mod health;
mod help;
mod hit;
mod kube;
mod layout;
pub mod markdown;
mod measure;
mod output;
mod output_window;
mod overlay;
mod picker;
mod script_lines;
mod status;
mod steps;
pub mod theme;
pub mod theme_file;

use crate::app::State;
pub use hit::hit_test;
pub use measure::measure;
use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
pub use theme::Theme;

/// The index of the playbook the picker lists at `column`, `row`, if any.
pub fn picker_row_at(
    picker: &crate::app::picker::Picker,
    area: ratatui::layout::Rect,
    column: u16,
    row: u16,
) -> Option<usize> {
    picker::row_at(picker, area, column, row)
}

/// The picker of bare `opsdeck`.
pub fn draw_picker(frame: &mut Frame, picker: &crate::app::picker::Picker, theme: &Theme) {
    picker::draw(frame, picker, theme);
}

/// Every key binding with what it does, as the help overlay lists them.
pub fn help_bindings(keymap: &crate::app::keymap::Keymap) -> Vec<(String, String)> {
    help::bindings(keymap)
}

pub use layout::{MIN_HEIGHT, MIN_WIDTH};

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme) {
    let area = frame.area();
    let Some(areas) = layout::areas(state, area) else {
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
    };
    if let Some(health_area) = areas.health {
        health::draw(frame, health_area, state, theme);
    }
    steps::draw(frame, areas.steps, state, theme);
    body::draw(frame, areas.body, state, theme);
    output::draw(frame, areas.output, state, theme);
    status::draw(frame, areas.status, state, theme);
    overlay::draw(frame, area, state, theme);
}
