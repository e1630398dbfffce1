//! The middle pane: the selected step's prose with its commands highlighted.

use super::markdown;
use super::theme::Theme;
use crate::app::{Focus, State};
use crate::plan::Danger;
use crate::playbook::model::{Block as Content, Command};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// The step's text as lines, and where each command starts and ends in them.
pub(super) struct BodyLines {
    pub lines: Vec<Line<'static>>,
    pub commands: Vec<std::ops::Range<usize>>,
}

/// The lines for a pane whose text is `width` columns wide (commands are
/// wrapped here, under their gutter).
pub(super) fn body_lines(state: &State, theme: &Theme, width: u16) -> BodyLines {
    let mut body = BodyLines {
        lines: Vec::new(),
        commands: Vec::new(),
    };
    let Some(step) = state.playbook.steps.get(state.selected_step) else {
        return body;
    };
    let focused = state.focus == Focus::Body;
    if state.selected_step == 0 {
        intro_lines(state, theme, &mut body.lines);
    }
    for content in &step.content {
        match content {
            Content::Text(text) => {
                body.lines.extend(markdown::render(text, theme));
                body.lines.push(Line::default());
            }
            Content::Command(command) => {
                let selected = focused && body.commands.len() == state.selected_command;
                let start = body.lines.len();
                let danger = state.dangers.get(&command.id);
                body.lines
                    .extend(command_lines(command, danger, selected, width, theme));
                if let Some(errors) = state.broken.commands.get(&command.id) {
                    body.lines.extend(broken_lines(errors, theme));
                }
                if state.mode == crate::app::Mode::Learn {
                    body.lines.extend(learn_lines(state, command, theme));
                }
                body.commands.push(start..body.lines.len());
                body.lines.push(Line::default());
            }
        }
    }
    body
}

/// Under a command an error keeps from running: why, where in the file.
fn broken_lines(errors: &[String], theme: &Theme) -> Vec<Line<'static>> {
    errors
        .iter()
        .map(|error| Line::styled(format!("  ✖ READ-ONLY: {error}"), theme.danger))
        .collect()
}

/// A playbook opened with errors: each error, cause first, and what they
/// make read-only, before anything else.
fn error_lines(state: &State, theme: &Theme, lines: &mut Vec<Line<'static>>) {
    let broken = &state.broken;
    if broken.is_empty() {
        return;
    }
    let scope = if broken.everything {
        "no command can run until it is fixed"
    } else {
        "the commands marked ✖ are read-only; the rest run as usual"
    };
    lines.push(Line::styled(
        format!("✖ This playbook has errors: {scope}."),
        theme.danger,
    ));
    for error in &broken.errors {
        lines.push(Line::styled(format!("  • {error}"), theme.danger));
    }
    lines.push(Line::default());
}

/// The text under the playbook's title (for a drill, the scenario), at the
/// top of the first step: the context a responder reads first.
fn intro_lines(state: &State, theme: &Theme, lines: &mut Vec<Line<'static>>) {
    error_lines(state, theme, lines);
    let Some(intro) = state
        .playbook
        .summary
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    else {
        return;
    };
    lines.extend(markdown::render(intro, theme));
    lines.push(Line::styled("─".repeat(20), theme.border));
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Some(step) = state.playbook.steps.get(state.selected_step) else {
        return;
    };
    let focused = state.focus == Focus::Body;
    let text = super::layout::inner(area);
    let body = body_lines(state, theme, text.width);
    // The selected step's title is whole in the step list; here it fits the border.
    let title = super::fit::end(&step.title, (text.width as usize).saturating_sub(14));
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
        .title_style(theme.heading)
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        });
    let scroll = scroll(state, &body, area);
    let rows: usize = body.lines.iter().map(|l| rows(l, text.width.max(1))).sum();
    let below = rows.saturating_sub(scroll as usize + text.height as usize);
    if scroll > 0 {
        block =
            block.title(Line::styled(format!(" ▲ {scroll} more "), theme.accent).right_aligned());
    }
    if below > 0 {
        block = block
            .title_bottom(Line::styled(format!(" ▼ {below} more "), theme.accent).right_aligned());
    }
    let paragraph = Paragraph::new(body.lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0));
    frame.render_widget(paragraph, area);
}

/// Screen rows of one line once wrapped to `width`.
pub(super) fn rows(line: &Line, width: u16) -> usize {
    Paragraph::new(line.clone())
        .wrap(Wrap { trim: false })
        .line_count(width)
        .max(1)
}

/// The rows scrolled away: the core keeps them within the text
/// (`app::body_nav`); clamped here too for a frame drawn before a measure
/// (a resize).
pub(super) fn scroll(state: &State, body: &BodyLines, area: Rect) -> u16 {
    let width = area.width.saturating_sub(2).max(1);
    let height = area.height.saturating_sub(2) as usize;
    let rows: usize = body.lines.iter().map(|l| rows(l, width)).sum();
    let max = rows.saturating_sub(height).min(u16::MAX as usize) as u16;
    state.body_scroll.min(max)
}

/// Before each row of a command's code.
const GUTTER: &str = "  │ ";

/// Learn mode: what the command does and where it would run.
fn learn_lines(state: &State, command: &Command, theme: &Theme) -> Vec<Line<'static>> {
    let danger = state
        .dangers
        .get(&command.id)
        .cloned()
        .unwrap_or(Danger::Reads);
    let hosts = crate::plan::group_hosts(&state.playbook, command).join(", ");
    // The author's words, with where it runs and what it changes; else
    // opsdeck's own reading of the command, which says both.
    let (what, detail) = match &command.explain {
        Some(explain) => {
            let kind = match &danger {
                Danger::Changes { why, .. } => format!(
                    "CHANGES things ({why}): in a real incident it asks for the target to be typed"
                ),
                Danger::Reads => "reads only".to_string(),
            };
            (
                explain.clone(),
                Some(format!("would run on {hosts}; {kind}")),
            )
        }
        None => (
            crate::plan::explain::explain(command, &state.playbook, &danger),
            danger
                .changes()
                .then(|| "in a real incident it asks for the target to be typed".to_string()),
        ),
    };
    let mut lines = vec![Line::from(vec![
        Span::styled("  ℹ ", theme.accent),
        Span::styled(what, theme.text),
    ])];
    if let Some(detail) = detail {
        lines.push(Line::styled(format!("    {detail}"), theme.muted));
    }
    if let Some(kube) = super::kube::learn_line(state, command) {
        lines.push(Line::styled(format!("    {kube}"), theme.muted));
    }
    lines
}

fn command_lines(
    command: &Command,
    danger: Option<&Danger>,
    selected: bool,
    width: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let (kind, kind_style) = match danger {
        Some(Danger::Changes { .. }) => ("REMEDIATE", theme.danger),
        _ => ("diagnose", theme.accent),
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
    let mut lines = Vec::new();
    if let Some(description) = &command.description {
        for line in description.lines() {
            lines.push(Line::styled(format!("  # {line}"), theme.muted));
        }
    }
    lines.push(Line::from(header));
    if let Some(not_shell) = &command.not_shell {
        lines.push(Line::styled(
            format!("  not shell ({}): shown, never run", not_shell.reason),
            theme.muted,
        ));
    } else if let Some(program) = &command.inside {
        lines.push(Line::styled(
            format!("  typed inside `{program}` once it has the terminal"),
            theme.muted,
        ));
    }
    let code_style = if selected {
        theme.code.patch(theme.selection)
    } else {
        theme.code
    };
    // Wrapped here rather than by the paragraph, so every row of the
    // command keeps the gutter that says it is one.
    let room = (width as usize)
        .saturating_sub(super::fit::width(GUTTER))
        .max(8);
    for line in command.run.lines() {
        for piece in super::fit::pieces(line, room) {
            lines.push(Line::from(vec![
                Span::styled(GUTTER, kind_style),
                Span::styled(piece, code_style),
            ]));
        }
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
