//! `?`: every key binding in force (the config file may change them), over
//! the rest of the screen.

use super::theme::Theme;
use crate::app::keymap::{Action, Keymap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Help rows: actions that read as a pair share one.
const ROWS: &[(&[Action], &str)] = &[
    (
        &[Action::Down, Action::Up],
        "next / previous step, command or output line (by pane)",
    ),
    (
        &[Action::First, Action::Last],
        "first / last step; in the output: top / follow the tail",
    ),
    (
        &[Action::NextPane, Action::PrevPane],
        "next / previous pane: steps, step text, output",
    ),
    (
        &[Action::Run],
        "open the step; on a command: run it (confirm first)",
    ),
    (
        &[Action::Open, Action::Back],
        "open the step's text / back to the step list",
    ),
    (
        &[Action::PageUp, Action::PageDown],
        "scroll the step text or the output by a page",
    ),
    (
        &[Action::Done, Action::Skip],
        "mark the step done / skipped (again: undo)",
    ),
    (&[Action::Note], "add a note to the incident log"),
    (&[Action::Escalation], "escalation contacts"),
    (
        &[Action::Details],
        "what the panes cut with …, whole: status, health errors",
    ),
    (
        &[Action::Values],
        "the values in force (secrets as dots); Enter changes one",
    ),
    (
        &[Action::CloseIncident],
        "close the incident (asks for a summary)",
    ),
    (
        &[Action::ClaimAlert],
        "claim the alert: silence it as yours (type its name)",
    ),
    (&[Action::Search], "search the output"),
    (
        &[Action::NextMatch, Action::PrevMatch],
        "in the output pane: next / previous match",
    ),
    (
        &[Action::Wrap, Action::ScrollLeft, Action::ScrollRight],
        "in the output pane: wrap or not / scroll sideways",
    ),
    (&[Action::Cancel], "cancel the running command"),
    (&[Action::Help], "this help; any key closes it"),
    (&[Action::Quit], "quit (asks first while a command runs)"),
];

/// Keys that are not configurable: the dialogs' and the mouse.
const FIXED: &[(&str, &str)] = &[
    ("y", "in a confirmation: run a diagnosis"),
    (
        "type the target",
        "in a confirmation: enable Run for a remediation",
    ),
    (
        "mouse",
        "click selects, wheel scrolls; Shift-drag selects text",
    ),
];

/// Every binding in force with what it does, as the overlay lists them.
pub fn bindings(keymap: &Keymap) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = ROWS
        .iter()
        .map(|(actions, what)| {
            let keys: Vec<String> = actions.iter().map(|a| keymap.label(*a)).collect();
            (keys.join(" / "), what.to_string())
        })
        .collect();
    rows.extend(FIXED.iter().map(|(k, w)| (k.to_string(), w.to_string())));
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, keymap: &Keymap, theme: &Theme) {
    let rows = bindings(keymap);
    let keys_width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let width = (keys_width as u16 + 62).min(area.width);
    // Rows and borders: every row fits in 80×24.
    let height = (rows.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let mut lines = Vec::new();
    for (keys, action) in rows {
        lines.push(Line::from(vec![
            Span::styled(format!(" {keys:<keys_width$}  "), theme.accent),
            Span::raw(action),
        ]));
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Keys (change them under keys: in the config file) ")
                .border_style(theme.border_focused),
        ),
        popup,
    );
}
