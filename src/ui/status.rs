//! The bottom line: playbook, mode, clocks and key hints.

use super::theme::Theme;
use crate::app::State;
use crate::app::keymap::{Action, Keymap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let elapsed = state.elapsed_secs;
    let elapsed = format!(
        "{:02}:{:02}:{:02}",
        elapsed / 3600,
        elapsed / 60 % 60,
        elapsed % 60
    );
    if let Some(crate::app::state::Overlay::Search(query)) = &state.overlay {
        let line = Line::from(vec![
            Span::styled(" / ", theme.status_bar),
            Span::styled(format!(" {query}▏"), theme.text),
            Span::styled("  Enter find · Esc cancel", theme.muted),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    if let (None, Some(error)) = (&state.message, &state.reload_error) {
        let line = Line::from(vec![
            Span::styled(format!(" {} ", state.mode.label()), theme.status_bar),
            Span::styled(format!(" ✖ {error}"), theme.danger),
            Span::styled(" · showing the last good version", theme.muted),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    if let Some(message) = &state.message {
        let line = Line::from(vec![
            Span::styled(format!(" {} ", state.mode.label()), theme.status_bar),
            Span::styled(format!(" {message}"), theme.accent),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let mut spans = vec![
        Span::styled(format!(" {} ", state.mode.label()), theme.status_bar),
        Span::styled(super::kube::status_text(state), theme.accent),
    ];
    // Opened from an alert: its name stays in sight.
    if let Some(alert) = &state.alert_name {
        spans.push(Span::styled(format!(" ALERT {alert} "), theme.danger));
    }
    spans.extend([
        Span::raw(format!(" {} ", state.playbook.title)),
        Span::styled(format!("· {} ", state.source_name), theme.muted),
        Span::raw(format!("· {elapsed} · {} UTC ", state.utc_clock)),
        Span::styled(hints(&state.keymap), theme.muted),
    ]);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The most used keys as configured: `Enter run  space done …`.
fn hints(keymap: &Keymap) -> String {
    let hints = [
        (Action::Run, "run"),
        (Action::Done, "done"),
        (Action::Note, "note"),
        (Action::Escalation, "escalate"),
        (Action::Help, "help"),
        (Action::Quit, "quit"),
    ];
    let hints: Vec<String> = hints
        .iter()
        .map(|(action, what)| format!("{} {what}", keymap.hint(*action)))
        .collect();
    format!("· {}", hints.join("  "))
}
