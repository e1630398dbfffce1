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
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

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
        let hint = hint.wrap(ratatui::widgets::Wrap { trim: true });
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
    let text = super::layout::inner(area);
    let mut title = vec![
        Span::raw(format!(
            " Output [{}] on {} · ",
            run.command_id,
            run.hosts.join(", ")
        )),
        Span::styled(status, style),
        Span::styled(view_note(state), theme.muted),
        Span::styled(found(state, run.id), theme.accent),
    ];
    let room = (text.width as usize).saturating_sub(1);
    if title.iter().map(Span::width).sum::<usize>() > room && run.is_running() {
        title[1] = Span::styled("running…", style);
    }
    let mut title = super::fit::spans(title, room);
    title.push(Span::raw(" "));
    let title = Line::from(title);
    let window = super::output_window::window(state, run, text.width, text.height as usize);
    let search = state.output.search.as_ref().filter(|s| s.run == run.id);
    let current = search.and_then(|s| s.current.and_then(|c| s.matches.get(c)));
    let lines: Vec<Line> = run
        .lines
        .range(window.lines.clone())
        .enumerate()
        .map(|(n, text)| {
            let number = run.dropped + (window.lines.start + n) as u64;
            // Every hit is highlighted; the current one underlined as well.
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
    let view = &state.output.view;
    let widths: Vec<usize> = lines.iter().map(Line::width).collect();
    let mut block = block.title(title);
    if let Some(more) = more_lines(window.lines.start, run.lines.len() - window.lines.end) {
        block = block.title_bottom(Line::styled(more, theme.accent).right_aligned());
    }
    let mut paragraph = Paragraph::new(lines).block(block);
    if view.wrap {
        paragraph = paragraph.wrap(Wrap { trim: false });
    }
    let skip = window.skip_rows.min(u16::MAX as usize) as u16;
    let column = view.column.min(u16::MAX as usize) as u16;
    frame.render_widget(paragraph.scroll((skip, column)), area);
    if !view.wrap {
        mark_cut_lines(frame, text, &widths, view.column, theme);
    }
}

/// Without wrap, a line that runs on past either edge says so there: `‹`, `›`.
fn mark_cut_lines(frame: &mut Frame, text: Rect, widths: &[usize], column: usize, theme: &Theme) {
    let buffer = frame.buffer_mut();
    for (row, width) in (text.y..text.bottom()).zip(widths) {
        if text.width < 2 || *width == 0 {
            continue;
        }
        if column > 0 {
            buffer[(text.x, row)]
                .set_symbol("‹")
                .set_style(theme.accent);
        }
        if *width > column + text.width as usize {
            buffer[(text.right() - 1, row)]
                .set_symbol("›")
                .set_style(theme.accent);
        }
    }
}

/// ` ▲ 120 more · ▼ 37 more `: lines out of view above and below, if any.
fn more_lines(above: usize, below: usize) -> Option<String> {
    let mut parts = Vec::new();
    if above > 0 {
        parts.push(format!("▲ {above} more"));
    }
    if below > 0 {
        parts.push(format!("▼ {below} more"));
    }
    (!parts.is_empty()).then(|| format!(" {} ", parts.join(" · ")))
}

/// ` · scrolled, 37 new lines (G follows)`, ` · no wrap, col 40`: where the reader is.
fn view_note(state: &State) -> String {
    let view = &state.output.view;
    let mut note = String::new();
    if !state.output.following() {
        let follow = state.keymap.hint(Action::Last);
        note = match view.new_lines {
            0 => format!(" · scrolled ({follow} follows)"),
            1 => format!(" · scrolled, 1 new line ({follow} follows)"),
            n => format!(" · scrolled, {n} new lines ({follow} follows)"),
        };
    }
    if !view.wrap {
        note.push_str(&match view.column {
            0 => " · no wrap".to_string(),
            column => format!(" · no wrap, col {}", column + 1),
        });
    }
    note
}

/// ` · /query 3/12 (14 matches) `: the search of this run, counted as output arrives.
fn found(state: &State, run: u64) -> String {
    let Some(search) = state.output.search.as_ref().filter(|s| s.run == run) else {
        return String::new();
    };
    let lines = search.matches.len();
    match search.current {
        Some(at) if search.hits != lines => format!(
            " · /{} {}/{lines} ({})",
            search.query,
            at + 1,
            crate::app::search::count(search.hits, lines)
        ),
        Some(at) => format!(" · /{} {}/{lines}", search.query, at + 1),
        None => format!(" · /{} no match", search.query),
    }
}
