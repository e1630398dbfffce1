//! `?`: every key binding, over the rest of the screen.

use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub const BINDINGS: &[(&str, &str)] = &[
    ("j / ↓", "next step (or command, in the step pane)"),
    ("k / ↑", "previous step (or command)"),
    ("g / Home, G / End", "first / last step"),
    ("Tab / Shift-Tab", "switch between steps and step text"),
    ("Enter / l / →", "open the selected step"),
    ("Esc / h / ←", "back to the step list"),
    ("PgUp / PgDn", "scroll the step text"),
    ("space", "mark the step done (again: undo)"),
    ("s", "skip the step (again: undo)"),
    ("?", "this help; any key closes it"),
    ("q / Ctrl-C", "quit"),
];

pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme) {
    let width = 64.min(area.width);
    let height = (BINDINGS.len() as u16 + 4).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let mut lines = vec![Line::default()];
    for (keys, action) in BINDINGS {
        lines.push(Line::from(vec![
            Span::styled(format!(" {keys:<20}"), theme.accent),
            Span::raw(*action),
        ]));
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Keys ")
                .border_style(theme.border_focused),
        ),
        popup,
    );
}
