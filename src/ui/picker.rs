//! The picker screen: the filter line, the matching playbooks, a preview of
//! the selected one, and a hint line.

use super::theme::Theme;
use crate::app::picker::{Picker, PickerEntry, PickerMatch};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

/// The filter line, the list and preview, and the hint line.
fn areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

fn list_width(main: Rect) -> u16 {
    (main.width / 2).clamp(30, 70).min(main.width)
}

/// The index of the playbook listed at `column`, `row` of the screen, if any.
pub fn row_at(picker: &Picker, area: Rect, column: u16, row: u16) -> Option<usize> {
    let [_, main, _] = areas(area);
    let list = Rect {
        x: main.x + 1,
        y: main.y + 1,
        width: list_width(main).saturating_sub(2),
        height: main.height.saturating_sub(2),
    };
    let inside = column >= list.x && column < list.right() && row >= list.y && row < list.bottom();
    // ratatui's list scrolls just enough to show the selection.
    let offset = (picker.selected + 1).saturating_sub(list.height as usize);
    let index = offset + row.saturating_sub(list.y) as usize;
    (inside && index < picker.hits.len()).then_some(index)
}

pub fn draw(frame: &mut Frame, picker: &Picker, theme: &Theme) {
    let [query_area, main, status_area] = areas(frame.area());
    let invalid = picker.entries.iter().filter(|e| e.error.is_some()).count();
    let invalid = if invalid > 0 {
        format!(", {invalid} invalid")
    } else {
        String::new()
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" > ", theme.accent),
            Span::styled(format!("{}▏", picker.query), theme.text),
            Span::styled(
                format!(
                    "  {}/{} {}{invalid}",
                    picker.hits.len(),
                    picker.entries.len(),
                    picker.noun
                ),
                theme.muted,
            ),
        ])),
        query_area,
    );
    if picker.entries.is_empty() {
        empty_library(frame, main, picker, theme);
    } else {
        let [list_area, preview_area] =
            Layout::horizontal([Constraint::Length(list_width(main)), Constraint::Min(1)])
                .areas(main);
        list(frame, list_area, picker, theme);
        preview(frame, preview_area, picker.selected_entry(), theme);
    }
    let status = match &picker.message {
        Some(message) => Line::styled(format!(" {message}"), theme.danger),
        None => Line::styled(
            " type to filter · ↑↓ select · Enter open · Esc clear / quit · q quit (empty filter)",
            theme.muted,
        ),
    };
    frame.render_widget(Paragraph::new(status), status_area);
}

fn list(frame: &mut Frame, area: Rect, picker: &Picker, theme: &Theme) {
    let items: Vec<ListItem> = picker
        .hits
        .iter()
        .map(|hit| ListItem::new(row(&picker.entries[hit.entry], hit, theme)))
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", title_case(picker.noun)))
        .border_style(theme.border_focused);
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selection);
    let mut state = ListState::default().with_selected(Some(picker.selected));
    frame.render_stateful_widget(list, area, &mut state);
}

/// `title  service  path`, exactly the text the filter matched, with the
/// matched characters underlined in the accent colour.
fn row(entry: &PickerEntry, hit: &PickerMatch, theme: &Theme) -> Line<'static> {
    let title_len = entry.title.chars().count();
    let (mark, base) = match entry.error {
        Some(_) => ("✖ ", theme.danger),
        None => ("  ", theme.text),
    };
    let mut spans = vec![Span::styled(mark, base)];
    let hit_style = theme
        .accent
        .add_modifier(ratatui::style::Modifier::UNDERLINED);
    let mut run = String::new();
    let mut run_style: Option<Style> = None;
    for (n, c) in entry.row().chars().enumerate() {
        let plain = if n < title_len { base } else { theme.muted };
        let style = if hit.positions.binary_search(&(n as u32)).is_ok() {
            plain.patch(hit_style)
        } else {
            plain
        };
        if run_style != Some(style) && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                run_style.unwrap_or(plain),
            ));
        }
        run_style = Some(style);
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, run_style.unwrap_or(base)));
    }
    Line::from(spans)
}

fn title_case(noun: &str) -> String {
    let mut chars = noun.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn preview(frame: &mut Frame, area: Rect, entry: Option<&PickerEntry>, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Preview ")
        .border_style(theme.border);
    let Some(entry) = entry else {
        let none = Paragraph::new(Line::styled("No playbook matches the filter.", theme.muted));
        frame.render_widget(none.block(block), area);
        return;
    };
    let mut lines = vec![Line::styled(entry.title.clone(), theme.heading)];
    let mut about = vec![Span::styled(entry.path.clone(), theme.muted)];
    if let Some(service) = &entry.service {
        about.push(Span::styled(format!(" · service {service}"), theme.muted));
    }
    lines.push(Line::from(about));
    lines.push(Line::default());
    if let Some(error) = &entry.error {
        let heading = if entry.openable {
            "✖ This playbook has errors; it opens with what they affect read-only:"
        } else {
            "✖ This playbook cannot open:"
        };
        lines.push(Line::styled(heading, theme.danger));
        lines.push(Line::styled(format!("  {error}"), theme.danger));
        if let Some(help) = &entry.help {
            lines.push(Line::styled(format!("  help: {help}"), theme.muted));
        }
        lines.push(Line::default());
        lines.push(Line::styled(
            format!("`opsdeck check {}` shows every problem.", entry.path),
            theme.muted,
        ));
    } else {
        lines.push(Line::styled(
            format!("Steps ({})", entry.steps.len()),
            theme.accent,
        ));
        for (n, (title, commands)) in entry.steps.iter().enumerate() {
            let commands = match commands {
                0 => String::new(),
                1 => "  · 1 command".to_string(),
                n => format!("  · {n} commands"),
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{:>3}. ", n + 1), theme.muted),
                Span::styled(title.clone(), theme.text),
                Span::styled(commands, theme.muted),
            ]));
        }
        lines.push(Line::default());
        lines.push(Line::styled(
            format!("Checks ({})", entry.checks.len()),
            theme.accent,
        ));
        if entry.checks.is_empty() {
            lines.push(Line::styled("  none", theme.muted));
        }
        // One line each: a long command check would push the rest away.
        let width = area.width.saturating_sub(4) as usize;
        for check in &entry.checks {
            let mut shown: String = check.chars().take(width).collect();
            if shown.len() < check.len() {
                shown.pop();
                shown.push('…');
            }
            lines.push(Line::styled(format!("  {shown}"), theme.text));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn empty_library(frame: &mut Frame, area: Rect, picker: &Picker, theme: &Theme) {
    let dirs = if picker.dirs.is_empty() {
        "./playbooks, $OPSDECK_PLAYBOOKS, the config dir's playbooks/".to_string()
    } else {
        picker.dirs.join(", ")
    };
    let lines = vec![
        Line::styled("No playbooks found.", theme.heading),
        Line::default(),
        Line::raw(format!("Looked in: {dirs}")),
        Line::raw("Write one with a `# Title` and `## Step` sections, then `opsdeck open FILE`."),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border),
        ),
        area,
    );
}
