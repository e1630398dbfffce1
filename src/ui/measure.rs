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
    let lines = body::body_lines(state, &Theme::monochrome(), width);
    let mut starts = Vec::with_capacity(lines.lines.len() + 1);
    let mut rows = 0;
    for line in &lines.lines {
        starts.push(rows);
        rows += body::rows(line, width);
    }
    starts.push(rows);
    let output = inner(areas.output);
    let (tail, widest) = match state.output.current() {
        Some(run) => {
            let height = output.height as usize;
            let tail =
                super::output_window::tail(run, state.output.view.wrap, output.width, height);
            let shown = super::output_window::window(state, run, output.width, height);
            (
                tail.lines.len(),
                super::output_window::widest(run, shown.lines),
            )
        }
        None => (0, 0),
    };
    Viewport {
        output_height: output.height as usize,
        output_width: output.width as usize,
        output_tail: tail,
        output_widest: widest,
        body_rows: rows,
        body_height: text.height as usize,
        command_rows: lines
            .commands
            .iter()
            .map(|range| starts[range.start]..starts[range.end])
            .collect(),
    }
}
