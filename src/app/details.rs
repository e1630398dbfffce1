//! `i`: everything the panes may have cut with `…`, whole: the status
//! message, the reload error, each check's last result and the playbook's
//! errors. Panes give each line a row; here a line wraps as long as it is.

use super::event::{Key, KeyCode};
use super::state::{Overlay, State};
use crate::health::Status;

/// How a detail reads: the overlay colours by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Heading,
    Plain,
    Bad,
}

/// One line of the details view, before wrapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    pub tone: Tone,
    pub text: String,
}

fn line(tone: Tone, text: impl Into<String>) -> Detail {
    Detail {
        tone,
        text: text.into(),
    }
}

/// The details in the order a responder reads them: what was just said,
/// then the health checks, then what is wrong with the playbook.
pub fn lines(state: &State) -> Vec<Detail> {
    let mut out = Vec::new();
    if let Some(message) = &state.message {
        out.push(line(Tone::Heading, "Status"));
        out.push(line(Tone::Plain, format!("  {message}")));
    }
    if let Some(error) = &state.reload_error {
        out.push(line(Tone::Heading, "Reload"));
        out.push(line(
            Tone::Bad,
            format!("  ✖ {error} · showing the last good version"),
        ));
    }
    if !state.health.is_empty() {
        out.push(line(Tone::Heading, "Health"));
    }
    for check in &state.health {
        let status = check.status();
        let since = check
            .changed_at_secs()
            .map(|at| format!(" since {}s", state.elapsed_secs.saturating_sub(at)))
            .unwrap_or_default();
        let tone = if matches!(status, Status::Down | Status::Degraded) {
            Tone::Bad
        } else {
            Tone::Plain
        };
        out.push(line(
            tone,
            format!(
                "  {} {}{since}: {} {}",
                check.id,
                status.label(),
                check.kind,
                check.target
            ),
        ));
        if let Some(summary) = check.summary().filter(|s| Some(*s) != check.last_error()) {
            out.push(line(Tone::Plain, format!("    last: {summary}")));
        }
        if let Some(error) = check.last_error() {
            out.push(line(Tone::Bad, format!("    error: {error}")));
        }
    }
    if !state.broken.errors.is_empty() {
        out.push(line(Tone::Heading, "Playbook errors"));
        for error in &state.broken.errors {
            out.push(line(Tone::Bad, format!("  {error}")));
        }
    }
    if out.is_empty() {
        out.push(line(
            Tone::Plain,
            "Nothing to add: every pane shows its text whole.",
        ));
    }
    out
}

/// Keys in the details view: j/k and the page keys scroll, any other closes.
pub fn on_key(state: &mut State, scroll: u16, key: Key) {
    let page = state.size.1.saturating_sub(6).max(1);
    let scroll = match key.code {
        KeyCode::Char('j') | KeyCode::Down => scroll.saturating_add(1),
        KeyCode::Char('k') | KeyCode::Up => scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => scroll.saturating_add(page),
        KeyCode::PageUp => scroll.saturating_sub(page),
        KeyCode::Home | KeyCode::Char('g') => 0,
        _ => return,
    };
    state.overlay = Some(Overlay::Details(scroll));
}
