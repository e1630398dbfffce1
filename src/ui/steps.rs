//! The left pane: every step with its progress. A title too long for the
//! pane ends with `…`, except on the selected step, which wraps to show it
//! whole; when steps are out of view, the border says how many.

use super::fit;
use super::theme::Theme;
use crate::app::{Focus, State, StepStatus};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState};

/// `▸ 12. `: the mark and number before each title.
const PREFIX: usize = 6;

/// Each step's title as the pane shows it, in `width` columns: one line, or
/// (the selected step) as many as it takes.
pub(super) fn titles(state: &State, width: u16) -> Vec<Vec<String>> {
    let room = (width as usize).saturating_sub(PREFIX).max(1);
    state
        .playbook
        .steps
        .iter()
        .enumerate()
        .map(|(n, step)| {
            if n == state.selected_step {
                fit::wrap_words(&step.title, room)
            } else {
                vec![fit::end(&step.title, room)]
            }
        })
        .collect()
}

/// The first step shown in `height` rows: the fewest scrolled away that
/// still show all of the selected one (as ratatui's list scrolls).
pub(super) fn offset(titles: &[Vec<String>], selected: usize, height: usize) -> usize {
    let mut offset = 0;
    while offset < selected
        && titles[offset..=selected.min(titles.len().saturating_sub(1))]
            .iter()
            .map(Vec::len)
            .sum::<usize>()
            > height
    {
        offset += 1;
    }
    offset
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let inner = super::layout::inner(area);
    let titles = titles(state, inner.width);
    let offset = offset(&titles, state.selected_step, inner.height as usize);
    let mut shown_rows = 0;
    let below = titles[offset..]
        .iter()
        .filter(|lines| {
            shown_rows += lines.len();
            shown_rows > inner.height as usize
        })
        .count();
    let items: Vec<ListItem> = titles
        .into_iter()
        .enumerate()
        .map(|(n, lines)| {
            let (mark, style) = match state.step_status[n] {
                StepStatus::Done => ("✓", theme.ok),
                StepStatus::Skipped => ("–", theme.muted),
                StepStatus::Pending if n == state.selected_step => ("▸", theme.accent),
                StepStatus::Pending => (" ", theme.text),
            };
            let rows: Vec<Line> = lines
                .into_iter()
                .enumerate()
                .map(|(row, text)| {
                    let lead = if row == 0 {
                        format!("{mark} {:>2}. ", n + 1)
                    } else {
                        " ".repeat(PREFIX)
                    };
                    Line::from(vec![Span::styled(lead, style), Span::styled(text, style)])
                })
                .collect();
            ListItem::new(rows)
        })
        .collect();
    let focused = state.focus == Focus::Steps;
    let title = format!(" Steps {}/{} ", state.done_count(), state.step_count());
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        });
    if offset > 0 {
        block =
            block.title(Line::styled(format!(" ▲ {offset} more "), theme.accent).right_aligned());
    }
    if below > 0 {
        block = block
            .title_bottom(Line::styled(format!(" ▼ {below} more "), theme.accent).right_aligned());
    }
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selection);
    let mut list_state = ListState::default()
        .with_offset(offset)
        .with_selected(Some(state.selected_step));
    frame.render_stateful_widget(list, area, &mut list_state);
}
