//! The bottom line: playbook, mode, clocks and key hints. It always ends
//! with `? help`; what does not fit goes by priority (the least used hints,
//! then the path, cut from its start, then the title, cut with `…`), whole
//! items at a time, never half a word.

use super::fit;
use super::theme::Theme;
use crate::app::State;
use crate::app::keymap::{Action, Keymap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Hints by priority (the first kept longest); `help` is always shown.
const HINTS: [(Action, &str); 5] = [
    (Action::Run, "run"),
    (Action::Quit, "quit"),
    (Action::Done, "done"),
    (Action::Note, "note"),
    (Action::Escalation, "escalate"),
];
/// Shorter than this, a title or path says too little to be worth its room.
const MIN_SHOWN: usize = 8;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let width = area.width as usize;
    if let Some(crate::app::state::Overlay::Search(query)) = &state.overlay {
        let line = Line::from(vec![
            Span::styled(" / ", theme.status_bar),
            Span::styled(format!(" {query}▏"), theme.text),
            Span::styled("  Enter find · Esc cancel", theme.muted),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let help = format!(" {} help ", state.keymap.hint(Action::Help));
    let mode = Span::styled(format!(" {} ", state.mode.label()), theme.status_bar);
    let mut room = width.saturating_sub(fit::width(&mode.content) + fit::width(&help));
    // Cut, a message says where it is whole.
    let whole = format!(" {} whole ", state.keymap.hint(Action::Details));
    let message = state.message.as_ref().map(|m| format!(" {m}"));
    let too_long = match (&message, &state.reload_error) {
        (Some(message), _) => fit::width(message) > room,
        (None, Some(error)) => fit::width(error) + 3 > room,
        (None, None) => false,
    };
    if too_long {
        room = room.saturating_sub(fit::width(&whole));
    }
    let said = match (message, &state.reload_error) {
        (Some(message), _) => Some(vec![Span::styled(fit::end(&message, room), theme.accent)]),
        (None, Some(error)) => Some(reload_error(error, room, theme)),
        (None, None) => None,
    };
    let spans = match said {
        Some(said) => {
            let mut spans = vec![mode];
            spans.extend(said);
            if too_long {
                spans.push(Span::styled(whole, theme.muted));
            }
            pad_to(&mut spans, width.saturating_sub(fit::width(&help)));
            spans.push(Span::styled(help, theme.muted));
            spans
        }
        None => playing(state, mode, width, theme),
    };
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `✖ file:line: error · showing the last good version`, as much as fits.
fn reload_error(error: &str, room: usize, theme: &Theme) -> Vec<Span<'static>> {
    const LAST_GOOD: &str = " · showing the last good version";
    let error = format!(" ✖ {error}");
    if fit::width(&error) + fit::width(LAST_GOOD) <= room {
        vec![
            Span::styled(error, theme.danger),
            Span::styled(LAST_GOOD, theme.muted),
        ]
    } else {
        vec![Span::styled(fit::end(&error, room), theme.danger)]
    }
}

/// The usual line: what is open and the keys, fitted to `width`.
fn playing(state: &State, mode: Span<'static>, width: usize, theme: &Theme) -> Vec<Span<'static>> {
    let mut opened = vec![
        mode,
        Span::styled(super::kube::status_text(state), theme.accent),
    ];
    // Opened from an alert: its name stays in sight.
    if let Some(alert) = &state.alert_name {
        opened.push(Span::styled(format!(" ALERT {alert} "), theme.danger));
    }
    let help = hint(&state.keymap, Action::Help, "help");
    // Even the mode, context and alert give way (cut with `…`) to `? help`.
    let mut left = fit::spans(opened, width.saturating_sub(fit::width(&help) + 3));
    let fixed: usize = left.iter().map(|s| fit::width(&s.content)).sum();
    // Two columns between what is open and the keys, one after the keys.
    let mut room = Room(width.saturating_sub(fixed + fit::width(&help) + 3));
    let hints: Vec<String> = HINTS
        .iter()
        .map(|(action, what)| match action {
            Action::Quit if state.quit_goes_back => hint(&state.keymap, *action, "back"),
            _ => hint(&state.keymap, *action, what),
        })
        .collect();
    let mut shown = [false; HINTS.len()];
    // Run and quit first, then the clocks, the title, the other keys, the path.
    for n in 0..2 {
        shown[n] = room.take(fit::width(&hints[n]) + 2);
    }
    let elapsed = state.elapsed_secs;
    let clocks = format!(
        " · {:02}:{:02}:{:02} · {} UTC",
        elapsed / 3600,
        elapsed / 60 % 60,
        elapsed % 60,
        state.utc_clock
    );
    let clocks_shown = room.take(fit::width(&clocks));
    let title = room.shrink(" ", &state.playbook.title, fit::end);
    for n in 2..HINTS.len() {
        shown[n] = room.take(fit::width(&hints[n]) + 2);
    }
    let path = room.shrink(" · ", &state.source_name, fit::start);
    left.extend(title.map(Span::raw));
    left.extend(path.map(|p| Span::styled(p, theme.muted)));
    if clocks_shown {
        left.push(Span::raw(clocks));
    }
    let mut keys: Vec<String> = (0..HINTS.len())
        .filter(|n| shown[*n])
        .map(|n| hints[n].clone())
        .collect();
    keys.push(help);
    let keys = format!("{} ", keys.join("  "));
    pad_to(&mut left, width.saturating_sub(fit::width(&keys)));
    left.push(Span::styled(keys, theme.muted));
    left
}

/// Columns still free on the line.
struct Room(usize);

impl Room {
    fn take(&mut self, wanted: usize) -> bool {
        let fits = wanted <= self.0;
        if fits {
            self.0 -= wanted;
        }
        fits
    }

    /// `prefix` and `text`, whole if they fit, `text` cut (by `cut`) if at
    /// least [`MIN_SHOWN`] columns of it fit, or nothing.
    fn shrink(
        &mut self,
        prefix: &str,
        text: &str,
        cut: impl Fn(&str, usize) -> String,
    ) -> Option<String> {
        let room = self.0.checked_sub(fit::width(prefix))?;
        let shown = if fit::width(text) <= room {
            text.to_string()
        } else if room >= MIN_SHOWN {
            cut(text, room)
        } else {
            return None;
        };
        self.0 = room - fit::width(&shown);
        Some(format!("{prefix}{shown}"))
    }
}

fn hint(keymap: &Keymap, action: Action, what: &str) -> String {
    format!("{} {what}", keymap.hint(action))
}

/// Spaces up to column `to`, so what follows sits at the right edge.
fn pad_to(spans: &mut Vec<Span<'static>>, to: usize) {
    let used: usize = spans.iter().map(|s| fit::width(&s.content)).sum();
    spans.push(Span::styled(
        " ".repeat(to.saturating_sub(used)),
        Style::default(),
    ));
}
