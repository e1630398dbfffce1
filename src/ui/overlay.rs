//! Dialogs drawn over the panes: confirmation, prompts, contacts, quit.

use super::theme::Theme;
use crate::app::State;
use crate::app::confirm::{Button, Confirm};
use crate::app::state::{Overlay, Prompt};
use crate::plan::Danger;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    match &state.overlay {
        Some(Overlay::Help) => super::help::draw(frame, area, &state.keymap, theme),
        Some(Overlay::Confirm(dialog)) => confirm(frame, area, dialog, state, theme),
        Some(Overlay::Prompt(prompt)) => prompt_box(frame, area, prompt, theme),
        Some(Overlay::Escalation) => escalation(frame, area, state, theme),
        Some(Overlay::Values(selected)) => values(frame, area, state, *selected, theme),
        Some(Overlay::Details(scroll)) => super::details::draw(frame, area, state, *scroll, theme),
        Some(Overlay::QuitWhileRunning) => popup(
            frame,
            area,
            " Quit? ",
            vec![
                Line::raw("A command is still running."),
                Line::raw("y: cancel it and quit · any other key: stay"),
            ],
            theme.danger,
            theme,
        ),
        Some(Overlay::Notice(text)) => popup(
            frame,
            area,
            " Changed on disk ",
            vec![
                Line::raw(text.clone()),
                Line::default(),
                Line::styled("Enter, Esc or q closes", theme.muted),
            ],
            theme.danger,
            theme,
        ),
        // Typed in the status bar, like a pager's search.
        Some(Overlay::Search(_)) | None => {}
    }
}

/// Columns of a dialog on a screen of `area`.
pub(super) fn popup_width(area: Rect) -> u16 {
    area.width.saturating_sub(4).min(90)
}

fn popup(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line>,
    border: ratatui::style::Style,
    theme: &Theme,
) {
    let width = popup_width(area);
    let inner = width.saturating_sub(2).max(1) as usize;
    // Wrapped lines take more rows: count them so the buttons are never cut off.
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = (rows as u16 + 2).min(area.height);
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    boxed(
        frame,
        area,
        (width, height),
        title,
        border,
        paragraph,
        theme,
    );
}

/// `paragraph` in a bordered box of `size` centred on `area`, over what is there.
pub(super) fn boxed(
    frame: &mut Frame,
    area: Rect,
    (width, height): (u16, u16),
    title: &str,
    border: ratatui::style::Style,
    paragraph: Paragraph,
    theme: &Theme,
) {
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title.to_string())
        .border_style(border);
    frame.render_widget(paragraph.block(block).style(theme.text), rect);
}

fn confirm(frame: &mut Frame, area: Rect, dialog: &Confirm, state: &State, theme: &Theme) {
    let plan = &dialog.plan;
    let (title, border) = if plan.danger.changes() {
        (" REMEDIATION: confirm ", theme.danger)
    } else {
        (" Run diagnosis? ", theme.accent)
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("[{}]", plan.command_id), theme.heading),
        Span::raw(format!(" on {}", plan.host_group)),
    ])];
    lines.push(Line::from(vec![
        Span::styled("hosts: ", theme.muted),
        Span::raw(plan.where_hosts()),
    ]));
    if let Some(kube) = &plan.kube {
        lines.push(Line::from(vec![
            Span::styled("⎈ ", theme.muted),
            Span::styled(kube.describe(), theme.heading),
        ]));
    }
    if let Danger::Changes { why, .. } = &plan.danger {
        lines.push(Line::from(vec![
            Span::styled("changes: ", theme.muted),
            Span::styled(why.clone(), theme.danger),
        ]));
    }
    if state.mode.runs_nothing() {
        lines.push(Line::styled("DRY-RUN: nothing will run", theme.accent));
    }
    lines.push(Line::default());
    // Wrapped here, so a long line goes on under its command, not at the edge.
    let room = (popup_width(area).saturating_sub(2) as usize)
        .saturating_sub(4)
        .max(8);
    let starts = super::script_lines::command_starts(&plan.shown);
    for (line, starts) in plan.shown.lines().zip(starts) {
        for (n, piece) in super::fit::pieces(line, room).into_iter().enumerate() {
            let prompt = if starts && n == 0 { "  $ " } else { "    " };
            lines.push(Line::from(vec![
                Span::styled(prompt, theme.muted),
                Span::styled(piece, theme.code),
            ]));
        }
    }
    lines.push(Line::default());
    if let Some(name) = &plan.type_to_confirm {
        let mark = if dialog.typed_matches() {
            Span::styled(" ✓", theme.ok)
        } else {
            Span::raw("")
        };
        lines.push(Line::from(vec![
            Span::raw(format!("Type `{name}` to enable Run: ")),
            Span::styled(format!("{}▏", dialog.typed), theme.selection),
            mark,
        ]));
    } else {
        lines.push(Line::styled("y runs it · Esc cancels", theme.muted));
    }
    let button = |label: &str, on: bool| {
        Span::styled(
            format!(" {label} "),
            if on { theme.selection } else { theme.muted },
        )
    };
    lines.push(Line::from(vec![
        button("Cancel", dialog.focus == Button::Cancel),
        Span::raw("  "),
        button("Run", dialog.focus == Button::Run),
    ]));
    popup(frame, area, title, lines, border, theme);
}

fn prompt_box(frame: &mut Frame, area: Rect, prompt: &Prompt, theme: &Theme) {
    let lines = vec![
        Line::raw(prompt.label.clone()),
        Line::styled(
            format!(
                "> {}▏",
                if prompt.secret {
                    "•".repeat(prompt.input.chars().count())
                } else {
                    prompt.input.clone()
                }
            ),
            theme.selection,
        ),
        Line::styled("Enter accepts · Esc cancels", theme.muted),
    ];
    popup(frame, area, " Input ", lines, theme.border_focused, theme);
}

/// The values in force: each placeholder, its value (a secret as dots)
/// and where it came from; the selected one is marked.
fn values(frame: &mut Frame, area: Rect, state: &State, selected: usize, theme: &Theme) {
    let rows = crate::app::values::rows(state);
    let mut lines = Vec::new();
    if rows.is_empty() {
        lines.push(Line::styled(
            "This playbook has no placeholders.",
            theme.muted,
        ));
    }
    for (n, row) in rows.iter().enumerate() {
        let marker = if n == selected { "▶ " } else { "  " };
        // Values come from flags, alerts and the environment: text only, one line.
        let shown = crate::terminal_text::sanitise(&row.shown, crate::terminal_text::Keep::Text)
            .replace(['\n', '\t'], " ");
        lines.push(Line::from(vec![
            Span::styled(marker, theme.accent),
            Span::styled(row.name.clone(), theme.heading),
            Span::raw(format!(" = {shown}")),
            Span::styled(format!("  ({})", row.from), theme.muted),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "j/k select · Enter changes it (recorded) · any other key closes",
        theme.muted,
    ));
    popup(
        frame,
        area,
        " Values in force ",
        lines,
        theme.border_focused,
        theme,
    );
}

fn escalation(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let mut lines = Vec::new();
    if state.playbook.escalation.is_empty() {
        lines.push(Line::styled(
            "This playbook names no escalation contacts.",
            theme.muted,
        ));
    }
    for (n, contact) in state.playbook.escalation.iter().enumerate() {
        let after = contact
            .after
            .map(|a| format!(" (after {})", humantime::format_duration(a)))
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(format!("{}. {}", n + 1, contact.name), theme.heading),
            Span::styled(after, theme.muted),
        ]));
        if let Some(how) = &contact.contact {
            lines.push(Line::raw(format!("   {how}")));
        }
    }
    popup(
        frame,
        area,
        " Escalation ",
        lines,
        theme.border_focused,
        theme,
    );
}
