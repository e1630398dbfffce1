//! The left pane: every step with its progress.

use super::theme::Theme;
use crate::app::{Focus, State, StepStatus};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let items: Vec<ListItem> = state
        .playbook
        .steps
        .iter()
        .enumerate()
        .map(|(n, step)| {
            let (mark, style) = match state.step_status[n] {
                StepStatus::Done => ("✓", theme.ok),
                StepStatus::Skipped => ("–", theme.muted),
                StepStatus::Pending if n == state.selected_step => ("▸", theme.accent),
                StepStatus::Pending => (" ", theme.text),
            };
            ListItem::new(Line::from(vec![
                Span::styled(format!("{mark} {:>2}. ", n + 1), style),
                Span::styled(step.title.clone(), style),
            ]))
        })
        .collect();
    let focused = state.focus == Focus::Steps;
    let title = format!(" Steps {}/{} ", state.done_count(), state.step_count());
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        });
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selection);
    let mut list_state = ListState::default().with_selected(Some(state.selected_step));
    frame.render_stateful_widget(list, area, &mut list_state);
}
