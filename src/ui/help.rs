//! `?`: every key binding, over the rest of the screen.

use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub const BINDINGS: &[(&str, &str)] = &[
    ("j / ↓", "next step, command, or output line (by pane)"),
    ("k / ↑", "previous step, command, or output line"),
    ("g / Home, G / End", "first / last step"),
    (
        "Tab / Shift-Tab",
        "next / previous pane: steps, step text, output",
    ),
    (
        "Enter / l / →",
        "open the step; on a command: run it (confirm first)",
    ),
    ("Esc / h / ←", "back to the step list"),
    ("PgUp / PgDn", "scroll the step text or the output"),
    ("space", "mark the step done (again: undo)"),
    ("s", "skip the step (again: undo)"),
    ("n", "add a note to the incident log"),
    ("e", "escalation contacts"),
    ("y", "in a confirmation: run a diagnosis"),
    ("Ctrl-C", "cancel the running command"),
    ("?", "this help; any key closes it"),
    ("q", "quit (asks first while a command runs)"),
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
