//! Reading the output pane like `less`: scrolled, the view stays on the
//! same lines while output streams in below (counted as new lines); `G`/End
//! follows the tail again, `g`/Home goes to the first line; `w` toggles
//! wrapping, and without it ←/→ scroll sideways. Only positions are kept,
//! never copies of lines, so the pane's byte budget holds.

use super::state::State;

/// Where the reader is in the newest run.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputView {
    /// The line at the top of the pane (by number: dropped lines count)
    /// while scrolled; `None` follows the tail.
    pub top: Option<u64>,
    /// Lines that arrived below since the view stopped following.
    pub new_lines: u64,
    /// Long lines wrap; without it they run off to the right.
    pub wrap: bool,
    /// Columns scrolled sideways (without wrap).
    pub column: usize,
}

impl Default for OutputView {
    fn default() -> OutputView {
        OutputView {
            top: None,
            new_lines: 0,
            wrap: true,
            column: 0,
        }
    }
}

impl OutputView {
    pub fn follow(&mut self) {
        self.top = None;
        self.new_lines = 0;
    }
}

/// Rows the pane shows, when not measured yet.
const UNMEASURED_HEIGHT: usize = 10;

/// `k`/↑, PgUp, the wheel: `lines` towards the first line.
pub fn up(state: &mut State, lines: usize) {
    let Some((first, _, max_top)) = bounds(state) else {
        return;
    };
    let top = current_top(state).saturating_sub(lines as u64).max(first);
    if top < max_top {
        state.output.view.top = Some(top);
    }
}

/// `j`/↓, PgDn, the wheel: `lines` towards the tail, following it once there.
pub fn down(state: &mut State, lines: usize) {
    let (Some(top), Some((_, _, max_top))) = (state.output.view.top, bounds(state)) else {
        return;
    };
    let top = top.saturating_add(lines as u64);
    if top >= max_top {
        state.output.view.follow();
    } else {
        state.output.view.top = Some(top);
    }
}

/// A page: the pane's height less one line kept for context.
pub fn page(state: &State) -> usize {
    view_height(state).saturating_sub(1).max(1)
}

/// `g`/Home: the first line kept.
pub fn to_top(state: &mut State) {
    if let Some((first, _, max_top)) = bounds(state)
        && first < max_top
    {
        state.output.view.top = Some(first);
    }
}

/// `G`/End: follow the tail again.
pub fn follow(state: &mut State) {
    state.output.view.follow();
}

/// `w`: wrap long lines, or let them run off to the right.
pub fn toggle_wrap(state: &mut State) {
    let view = &mut state.output.view;
    view.wrap = !view.wrap;
    view.column = 0;
    state.message = Some(if view.wrap {
        "output: long lines wrap (w: no wrap)".into()
    } else {
        "output: no wrap, ←/→ scroll sideways (w: wrap)".into()
    });
}

/// ←/→ without wrap: half a pane sideways, no further than the widest line shown.
pub fn sideways(state: &mut State, right: bool) {
    if state.output.view.wrap {
        state.message = Some("long lines wrap: w turns wrapping off to scroll sideways".into());
        return;
    }
    let width = state.viewport.output_width.max(2);
    let step = width / 2;
    let widest = state.viewport.output_widest;
    let column = &mut state.output.view.column;
    *column = if right {
        (*column + step).min(widest.saturating_sub(width))
    } else {
        column.saturating_sub(step)
    };
}

/// New lines of run `run`: counted while the reader is scrolled up in it.
pub fn on_new_lines(state: &mut State, run: u64, count: usize) {
    let newest = state.output.current().map(|r| r.id);
    let view = &mut state.output.view;
    if view.top.is_some() && newest == Some(run) {
        view.new_lines = view.new_lines.saturating_add(count as u64);
    }
}

/// Shows line `line` with `below` lines under it (as a search match is shown).
pub fn show_line(state: &mut State, line: u64, below: usize) {
    let Some((first, _, max_top)) = bounds(state) else {
        return;
    };
    let top = (line + below as u64 + 1)
        .saturating_sub(view_height(state) as u64)
        .max(first);
    if top >= max_top {
        state.output.view.follow();
    } else {
        if state.output.view.top.is_none() {
            state.output.view.new_lines = 0;
        }
        state.output.view.top = Some(top);
    }
}

/// The line at the top of the pane now.
pub fn current_top(state: &State) -> u64 {
    match (state.output.view.top, bounds(state)) {
        (Some(top), Some((first, _, max_top))) => top.clamp(first, max_top),
        (None, Some((_, _, max_top))) => max_top,
        (_, None) => 0,
    }
}

/// The newest run's first line number, the number after its last, and the
/// top line that shows its tail.
fn bounds(state: &State) -> Option<(u64, u64, u64)> {
    let run = state.output.current()?;
    let first = run.dropped;
    let end = first + run.lines.len() as u64;
    let tail = if state.viewport.output_height > 0 {
        state.viewport.output_tail.max(1)
    } else {
        UNMEASURED_HEIGHT
    };
    Some((first, end, end.saturating_sub(tail as u64).max(first)))
}

/// Rows the output pane shows.
pub fn view_height(state: &State) -> usize {
    match state.viewport.output_height {
        0 => UNMEASURED_HEIGHT,
        rows => rows,
    }
}
