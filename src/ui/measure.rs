//! The layout as the core needs it (`app::viewport`): the same panes, lines
//! and wrapping as drawing, so the core's idea of the screen is the screen.

use super::layout::{self, inner};
use super::{Theme, body};
use crate::app::State;
use crate::app::viewport::Viewport;
use ratatui::layout::Rect;

/// The panes of `state` on a terminal of `state.size`.
pub fn measure(state: &State) -> Viewport {
    let screen = Rect::new(0, 0, state.size.0, state.size.1);
    let Some(areas) = layout::areas(state, screen) else {
        return Viewport::default();
    };
    let text = inner(areas.body);
    let width = text.width.max(1);
    // Styles do not change where lines wrap.
    let lines = body::body_lines(state, &Theme::monochrome());
    let mut starts = Vec::with_capacity(lines.lines.len() + 1);
    let mut rows = 0;
    for line in &lines.lines {
        starts.push(rows);
        rows += body::rows(line, width);
    }
    starts.push(rows);
    Viewport {
        body_rows: rows,
        body_height: text.height as usize,
        command_rows: lines
            .commands
            .iter()
            .map(|range| starts[range.start]..starts[range.end])
            .collect(),
    }
}
