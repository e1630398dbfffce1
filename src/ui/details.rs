//! `i`: the details view, everything the panes cut, whole and wrapped.

use super::theme::Theme;
use crate::app::State;
use crate::app::details::{Tone, lines};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, scroll: u16, theme: &Theme) {
    let width = super::overlay::popup_width(area);
    let room = width.saturating_sub(2).max(1) as usize;
    let mut rows = Vec::new();
    for detail in lines(state) {
        let style = match detail.tone {
            Tone::Heading => theme.heading,
            Tone::Plain => theme.text,
            Tone::Bad => theme.down,
        };
        // Outside text, one line each: a newline in an error must not make rows of its own.
        let text = crate::terminal_text::sanitise(&detail.text, crate::terminal_text::Keep::Text)
            .replace(['\n', '\t'], " ");
        let indent = text.len() - text.trim_start().len() + 2;
        for (n, piece) in
            super::fit::wrap_words(text.trim_start(), room.saturating_sub(indent).max(8))
                .into_iter()
                .enumerate()
        {
            let lead = if n == 0 { indent - 2 } else { indent };
            rows.push(Line::styled(format!("{}{piece}", " ".repeat(lead)), style));
        }
    }
    let height = (rows.len() as u16 + 3).min(area.height);
    let visible = height.saturating_sub(3) as usize;
    let last_top = rows.len().saturating_sub(visible);
    let top = (scroll as usize).min(last_top);
    let below = rows.len().saturating_sub(top + visible);
    let mut shown: Vec<Line> = rows.into_iter().skip(top).take(visible).collect();
    shown.push(Line::styled(
        if top > 0 || below > 0 {
            format!("j/k scroll ({top} above, {below} below) · any other key closes")
        } else {
            "any other key closes".to_string()
        },
        theme.muted,
    ));
    super::overlay::boxed(
        frame,
        area,
        (width, height),
        " Details, whole ",
        theme.border_focused,
        Paragraph::new(shown),
        theme,
    );
}
