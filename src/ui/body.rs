//! The middle pane: the selected step's prose with its commands highlighted.

use super::markdown;
use super::theme::Theme;
use crate::app::{Focus, State};
use crate::playbook::model::{Block as Content, Command, Kind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Some(step) = state.playbook.steps.get(state.selected_step) else {
        return;
    };
    let focused = state.focus == Focus::Body;
    let mut lines = Vec::new();
    let mut command_index = 0;
    let mut selected_at = None;
    for content in &step.content {
        match content {
            Content::Text(text) => {
                lines.extend(markdown::render(text, theme));
                lines.push(Line::default());
            }
            Content::Command(command) => {
                let selected = focused && command_index == state.selected_command;
                if selected {
                    selected_at = Some(lines.len());
                }
                lines.extend(command_lines(command, selected, theme));
                lines.push(Line::default());
                command_index += 1;
            }
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", step.title))
        .title_style(theme.heading)
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        });
    let scroll = visible_scroll(&lines, selected_at, state.body_scroll, area);
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0));
    frame.render_widget(paragraph, area);
}

fn command_lines(command: &Command, selected: bool, theme: &Theme) -> Vec<Line<'static>> {
    let (kind, kind_style) = match command.kind {
        Kind::Diagnose => ("diagnose", theme.accent),
        Kind::Remediate => ("REMEDIATE", theme.danger),
    };
    let marker = if selected { "▶ " } else { "  " };
    let mut header = vec![
        Span::styled(marker, theme.accent),
        Span::styled(format!("[{}]", command.id), kind_style),
        Span::styled(format!(" {kind} · on {}", command.host), theme.muted),
    ];
    if command.show_only {
        header.push(Span::styled(" · shown only", theme.muted));
    }
    let mut lines = vec![Line::from(header)];
    let code_style = if selected {
        theme.code.patch(theme.selection)
    } else {
        theme.code
    };
    for line in command.run.lines() {
        lines.push(Line::from(vec![
            Span::styled("  │ ", kind_style),
            Span::styled(line.to_string(), code_style),
        ]));
    }
    if let Some(sample) = &command.sample_output {
        for line in sample.lines() {
            lines.push(Line::from(vec![
                Span::styled("    ", theme.muted),
                Span::styled(line.to_string(), theme.muted),
            ]));
        }
    }
    lines
}

/// The user's scroll, moved just enough that the selected command is on screen.
fn visible_scroll(lines: &[Line], selected_at: Option<usize>, scroll: u16, area: Rect) -> u16 {
    let Some(selected_at) = selected_at else {
        return scroll;
    };
    let width = area.width.saturating_sub(2).max(1) as usize;
    let height = area.height.saturating_sub(2) as usize;
    let rows =
        |range: &[Line]| -> usize { range.iter().map(|l| l.width().div_ceil(width).max(1)).sum() };
    let top = rows(&lines[..selected_at]);
    let bottom = top + rows(&lines[selected_at..(selected_at + 2).min(lines.len())]);
    let scroll = scroll as usize;
    let scroll = if top < scroll {
        top
    } else if bottom > scroll + height {
        bottom.saturating_sub(height)
    } else {
        scroll
    };
    scroll.min(u16::MAX as usize) as u16
}
