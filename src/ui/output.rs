//! The bottom pane: the latest run's output, following the tail unless scrolled.

use super::ansi_line::{self, Highlight};
use super::theme::Theme;
use crate::app::keymap::Action;
use crate::app::runs::RunStatus;
use crate::app::{Focus, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let focused = state.focus == Focus::Output;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        });
    let Some(run) = state.output.current() else {
        let keys = &state.keymap;
        let hint = Paragraph::new(Line::styled(
            format!(
                "No command run yet. {} to the step text, select a command with {}/{}, {} to run it.",
                keys.hint(Action::NextPane),
                keys.hint(Action::Down),
                keys.hint(Action::Up),
                keys.hint(Action::Run)
            ),
            theme.muted,
        ));
        frame.render_widget(hint.block(block.title(" Output ")), area);
        return;
    };
    let (status, style) = match &run.status {
        RunStatus::Running => (
            format!("running… ({} cancels)", state.keymap.hint(Action::Cancel)),
            theme.accent,
        ),
        RunStatus::DryRun => ("dry run: nothing ran".to_string(), theme.muted),
        RunStatus::Finished(result) if result.ok() => (result.describe(), theme.ok),
        RunStatus::Finished(result) => (result.describe(), theme.danger),
        RunStatus::Failed(error) => (format!("failed to start: {error}"), theme.danger),
    };
    let follow = if state.output.following() {
        String::new()
    } else {
        format!(
            " · scrolled ({} to follow)",
            state.keymap.hint(Action::PageDown)
        )
    };
    let search = state.output.search.as_ref().filter(|s| s.run == run.id);
    let found = match search {
        Some(search) => match search.current {
            Some(at) => format!(" · /{} {}/{} ", search.query, at + 1, search.matches.len()),
            None => format!(" · /{} no match ", search.query),
        },
        None => String::new(),
    };
    let title = Line::from(vec![
        Span::raw(format!(
            " Output [{}] on {} · ",
            run.command_id,
            run.hosts.join(", ")
        )),
        Span::styled(status, style),
        Span::styled(format!("{follow} "), theme.muted),
        Span::styled(found, theme.accent),
    ]);
    let inner_height = area.height.saturating_sub(2) as usize;
    let end = run
        .lines
        .len()
        .saturating_sub(state.output.scroll_from_bottom);
    let start = end.saturating_sub(inner_height);
    let current = search.and_then(|s| s.current.and_then(|c| s.matches.get(c)));
    // Only the visible lines are styled: a 100,000-line scrollback costs nothing per frame.
    let lines: Vec<Line> = run
        .lines
        .range(start..end)
        .enumerate()
        .map(|(n, text)| {
            let number = run.dropped + (start + n) as u64;
            let highlight = search.map(|s| Highlight {
                query: &s.query,
                style: if current == Some(&number) {
                    theme
                        .search_match
                        .add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
                } else {
                    theme.search_match
                },
            });
            ansi_line::styled(text, highlight)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block.title(title)), area);
}
