//! What the panes showed at the last layout, measured by the drawing side
//! (`ui::measure`) before each key and click: the core moves selections and
//! scroll positions within what is really on screen, so a key always does
//! something visible and never scrolls into rows that do not exist.

use std::ops::Range;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Viewport {
    /// Rows of the selected step's text once wrapped to the pane.
    pub body_rows: usize,
    /// Rows the step-text pane shows; 0 before the first measure.
    pub body_height: usize,
    /// The rows of each command of the step, in order.
    pub command_rows: Vec<Range<usize>>,
    /// Rows and columns of the output pane's text; 0 before the first measure.
    pub output_height: usize,
    pub output_width: usize,
    /// How many of the newest run's last lines fill the pane (fewer than
    /// its height when long lines wrap).
    pub output_tail: usize,
    /// Columns of the widest line on screen, for scrolling sideways.
    pub output_widest: usize,
}

impl Viewport {
    /// Known once measured; until then the core moves without clamping.
    pub fn known(&self) -> bool {
        self.body_height > 0
    }

    /// The furthest the step text can scroll: its last row at the bottom.
    pub fn body_max_scroll(&self) -> usize {
        self.body_rows.saturating_sub(self.body_height)
    }

    /// Whether any row of command `n` shows when the text is scrolled by `scroll`.
    pub fn command_visible(&self, n: usize, scroll: usize) -> bool {
        self.command_rows
            .get(n)
            .is_some_and(|rows| rows.start < scroll + self.body_height && rows.end > scroll)
    }
}
