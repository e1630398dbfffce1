//! Which lines of the newest run the output pane shows, shared by drawing
//! and by `measure` so the core scrolls over what is on screen. Only the
//! lines in view are styled and wrapped: a 100,000-line scrollback costs
//! nothing per frame.

use super::ansi_line;
use crate::app::State;
use crate::app::runs::Run;
use ratatui::text::Line;
use std::ops::Range;

/// The lines in view (indices into `run.lines`), and the rows of the
/// first one scrolled away when it wraps taller than the room left.
pub struct Window {
    pub lines: Range<usize>,
    pub skip_rows: usize,
}

/// The pane's lines for `run` in a `width`×`height` text area.
pub fn window(state: &State, run: &Run, width: u16, height: usize) -> Window {
    let view = &state.output.view;
    let rows = |index: usize| rows_of(&run.lines[index], view.wrap, width);
    match view.top {
        Some(top) => {
            let start = (top.saturating_sub(run.dropped) as usize).min(run.lines.len());
            let mut end = start;
            let mut used = 0;
            while end < run.lines.len() && used < height {
                used += rows(end);
                end += 1;
            }
            // Never past the end: the last page shows the tail.
            if used < height && start > 0 {
                return tail(run, view.wrap, width, height);
            }
            Window {
                lines: start..end,
                skip_rows: 0,
            }
        }
        None => tail(run, view.wrap, width, height),
    }
}

/// The last lines of `run` that fill `height` rows.
pub fn tail(run: &Run, wrap: bool, width: u16, height: usize) -> Window {
    let end = run.lines.len();
    let mut start = end;
    let mut used = 0;
    while start > 0 && used < height {
        start -= 1;
        used += rows_of(&run.lines[start], wrap, width);
    }
    Window {
        lines: start..end,
        skip_rows: used.saturating_sub(height),
    }
}

/// Rows one line of output takes: one, or as many as it wraps to.
fn rows_of(text: &str, wrap: bool, width: u16) -> usize {
    if !wrap {
        return 1;
    }
    super::body::rows(&ansi_line::styled(text, None), width.max(1))
}

/// Columns of the widest of `lines`.
pub fn widest(run: &Run, lines: Range<usize>) -> usize {
    run.lines
        .range(lines)
        .map(|text| Line::width(&ansi_line::styled(text, None)))
        .max()
        .unwrap_or(0)
}
