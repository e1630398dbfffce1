//! Command runs as the output pane shows them. The scrollback is bounded in
//! bytes across all runs ([`DEFAULT_BUDGET`], `output_budget` in the config
//! file): the oldest lines go first, older runs' before the newer's, and the
//! first line of a run that lost lines says how many and how much.

use std::collections::VecDeque;

/// Lines kept in memory per run; the full output is in its file.
pub const MAX_LINES: usize = 100_000;
/// Older runs are dropped from the pane (their output stays in the incident log).
pub const MAX_RUNS: usize = 20;
/// Bytes of output the pane keeps across all its runs, unless configured.
pub const DEFAULT_BUDGET: usize = 64 * 1024 * 1024;
/// The smallest budget: a few of the longest lines.
pub const MIN_BUDGET: usize = 1024 * 1024;
/// What a line costs beyond its text (the `String` and its slot), so that
/// empty lines are not free.
pub const LINE_OVERHEAD: usize = 32;
/// What the marker line is counted as, whatever its length.
const MARKER_COST: usize = 256;

#[derive(Clone, Debug, PartialEq)]
pub enum RunStatus {
    Running,
    /// `--dry-run`: shown, never run.
    DryRun,
    Finished(RunResult),
    /// It could not even start.
    Failed(String),
}

/// How a run ended (for several hosts, the combined end) and where its
/// output was kept.
#[derive(Clone, Debug, PartialEq)]
pub struct RunResult {
    pub finished: crate::plan::outcome::Finished,
    pub output_file: String,
}

impl RunResult {
    pub fn ok(&self) -> bool {
        self.finished.exit_code == Some(0)
    }

    pub fn describe(&self) -> String {
        self.finished.describe()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub id: u64,
    pub command_id: String,
    pub hosts: Vec<String>,
    /// The lines kept; once some were dropped, the first is the marker that says so.
    pub lines: VecDeque<String>,
    /// How many entries left the front of `lines`: entry `i` is line
    /// number `dropped + i` (numbers stay stable as the front is dropped).
    pub dropped: u64,
    pub status: RunStatus,
    /// The Kubernetes context it runs against, recorded with its start and end.
    pub kube: Option<crate::kube::KubeTarget>,
    /// Why it failed, in words, when the exit code alone does not say
    /// (exit 127: which program is not installed).
    pub explained: Option<String>,
    /// Output lines dropped from memory, and their bytes.
    dropped_lines: u64,
    dropped_bytes: u64,
    /// Bytes the kept lines cost (text and [`LINE_OVERHEAD`]), the marker not included.
    held: usize,
    /// Bytes this run may hold: what the pane's budget leaves it.
    room: usize,
}

impl Run {
    pub fn new(id: u64, command_id: String, hosts: Vec<String>, status: RunStatus) -> Run {
        Run {
            id,
            command_id,
            hosts,
            lines: VecDeque::new(),
            dropped: 0,
            status,
            kube: None,
            explained: None,
            dropped_lines: 0,
            dropped_bytes: 0,
            held: 0,
            room: DEFAULT_BUDGET,
        }
    }

    /// Appends lines, dropping the oldest ones beyond the run's room or [`MAX_LINES`].
    pub fn push_lines(&mut self, lines: impl IntoIterator<Item = String>) {
        for line in lines {
            self.held += cost(&line);
            self.lines.push_back(line);
        }
        self.trim(self.room);
    }

    /// Bytes this run holds in memory: its lines' text, their overhead and the marker.
    pub fn held_bytes(&self) -> usize {
        self.held
            + if self.dropped_lines > 0 {
                MARKER_COST
            } else {
                0
            }
    }

    /// Output lines dropped from memory so far, and their bytes of text.
    pub fn dropped_output(&self) -> (u64, u64) {
        (self.dropped_lines, self.dropped_bytes)
    }

    /// Lines of output kept (the marker not counted).
    fn kept(&self) -> usize {
        self.lines.len() - usize::from(self.dropped_lines > 0)
    }

    /// Drops the oldest lines until the run holds at most `room` bytes (and
    /// [`MAX_LINES`] lines), then says in the marker how much went.
    fn trim(&mut self, room: usize) {
        let before = self.dropped_lines;
        while self.kept() > 0 && (self.kept() > MAX_LINES || self.held_bytes() > room) {
            let oldest = if self.dropped_lines > 0 {
                self.lines.remove(1)
            } else {
                self.lines.pop_front()
            };
            let Some(oldest) = oldest else { break };
            self.held -= cost(&oldest);
            self.dropped_bytes += oldest.len() as u64;
            if self.dropped_lines == 0 {
                // The marker takes the first dropped line's place and number.
                self.lines.push_front(String::new());
            } else {
                self.dropped += 1;
            }
            self.dropped_lines += 1;
        }
        if self.dropped_lines != before
            && let Some(marker) = self.lines.front_mut()
        {
            *marker = format!(
                "[opsdeck: {} earlier lines ({}) dropped to stay within the output budget]",
                self.dropped_lines,
                human_bytes(self.dropped_bytes)
            );
        }
    }

    pub fn is_running(&self) -> bool {
        self.status == RunStatus::Running
    }

    pub fn last_lines(&self, n: usize) -> Vec<String> {
        let skip = self.lines.len().saturating_sub(n);
        self.lines.iter().skip(skip).cloned().collect()
    }
}

/// What one line costs in memory.
fn cost(line: &str) -> usize {
    line.len() + LINE_OVERHEAD
}

/// `812 bytes`, `56.7 MiB`
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The output pane: runs, newest last, and where the reader is in the newest.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputPane {
    pub runs: Vec<Run>,
    /// Following the tail or scrolled, wrapped or sideways (`output_scroll`).
    pub view: super::output_scroll::OutputView,
    /// The last search (`/`), highlighted while its run is shown.
    pub search: Option<super::search::Search>,
    next_id: u64,
    /// Bytes all runs together may hold.
    budget: usize,
}

impl Default for OutputPane {
    fn default() -> OutputPane {
        OutputPane::with_budget(DEFAULT_BUDGET)
    }
}

impl OutputPane {
    /// A pane whose runs together hold at most `budget` bytes (at least [`MIN_BUDGET`]).
    pub fn with_budget(budget: usize) -> OutputPane {
        OutputPane {
            runs: Vec::new(),
            view: Default::default(),
            search: None,
            next_id: 0,
            budget: budget.max(MIN_BUDGET),
        }
    }

    /// Changes the budget (at least [`MIN_BUDGET`]), dropping what no longer fits.
    pub fn set_budget(&mut self, budget: usize) {
        self.budget = budget.max(MIN_BUDGET);
        if let Some(newest) = self.runs.len().checked_sub(1) {
            self.make_room(newest);
        }
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Bytes all runs hold (see [`Run::held_bytes`]); never more than the budget.
    pub fn held_bytes(&self) -> usize {
        self.runs.iter().map(Run::held_bytes).sum()
    }

    pub fn start(&mut self, command_id: String, hosts: Vec<String>, status: RunStatus) -> u64 {
        self.next_id += 1;
        if self.runs.len() == MAX_RUNS {
            self.runs.remove(0);
        }
        self.runs
            .push(Run::new(self.next_id, command_id, hosts, status));
        self.make_room(self.runs.len() - 1);
        self.view.follow();
        self.view.column = 0;
        self.next_id
    }

    /// The run, given the room the budget leaves it: everything reaches a
    /// run's lines through here, so the pane stays within its budget.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut Run> {
        let index = self.runs.iter().position(|r| r.id == id)?;
        self.make_room(index);
        self.runs.get_mut(index)
    }

    /// Sets how much run `index` may hold: the budget less what the others
    /// hold. For the newest run, the others' oldest lines are dropped first
    /// so that an eighth of the budget stays free for its next lines; only
    /// when they hold nothing more does it drop its own. (A batch of lines
    /// bigger than that eighth makes the run drop its own oldest lines
    /// before the older runs' last ones; the budget holds all the same.)
    fn make_room(&mut self, index: usize) {
        let this = self.runs[index].held_bytes();
        let newest = index + 1 == self.runs.len();
        let spare = if newest { self.budget / 8 } else { 0 };
        let target = self.budget.saturating_sub(this.saturating_add(spare));
        let mut others: usize = self.held_bytes() - this;
        for (i, run) in self.runs.iter_mut().enumerate() {
            if others <= target {
                break;
            }
            if i == index {
                continue;
            }
            let held = run.held_bytes();
            run.trim(held.saturating_sub(others - target));
            others = others - held + run.held_bytes();
        }
        let run = &mut self.runs[index];
        run.room = self.budget.saturating_sub(others);
        run.trim(run.room);
    }

    pub fn current(&self) -> Option<&Run> {
        self.runs.last()
    }

    pub fn running(&self) -> Option<&Run> {
        self.runs.iter().find(|r| r.is_running())
    }

    pub fn following(&self) -> bool {
        self.view.top.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrollback_is_bounded_and_counts_what_it_dropped() {
        let mut run = Run::new(
            1,
            "big".into(),
            vec![crate::plan::LOCAL.into()],
            RunStatus::Running,
        );
        run.push_lines((0..MAX_LINES + 5).map(|i| i.to_string()));
        assert_eq!(run.lines.len(), MAX_LINES + 1, "the lines and the marker");
        assert_eq!(run.dropped_output().0, 5);
        assert!(
            run.lines[0].starts_with("[opsdeck: 5 earlier lines (5 bytes) dropped"),
            "{}",
            run.lines[0]
        );
        assert_eq!(run.lines[1], "5");
        // Numbers stay stable: line "5" keeps number 5.
        assert_eq!(run.dropped + 1, 5);
    }

    #[test]
    fn the_oldest_runs_lose_their_lines_first() {
        let mut pane = OutputPane::with_budget(MIN_BUDGET);
        let line = "x".repeat(1000);
        let old = pane.start("old".into(), vec![], RunStatus::Running);
        pane.get_mut(old)
            .unwrap()
            .push_lines(std::iter::repeat_n(line.clone(), 800));
        let new = pane.start("new".into(), vec![], RunStatus::Running);
        for _ in 0..6 {
            pane.get_mut(new)
                .unwrap()
                .push_lines(std::iter::repeat_n(line.clone(), 100));
            assert!(pane.held_bytes() <= MIN_BUDGET);
        }
        assert_eq!(
            pane.runs[1].dropped_output(),
            (0, 0),
            "the newer run kept all"
        );
        assert!(pane.runs[0].dropped_output().0 > 0);
        assert!(pane.runs[0].lines[0].contains("dropped"));
        // Once the older run is empty, the newer one drops its own oldest.
        for _ in 0..20 {
            pane.get_mut(new)
                .unwrap()
                .push_lines(std::iter::repeat_n(line.clone(), 100));
            assert!(pane.held_bytes() <= MIN_BUDGET);
        }
        assert_eq!(pane.runs[0].kept(), 0);
        assert!(pane.runs[1].dropped_output().0 > 0);
    }

    #[test]
    fn a_lower_budget_drops_at_once() {
        let mut pane = OutputPane::with_budget(8 * MIN_BUDGET);
        let run = pane.start("a".into(), vec![], RunStatus::Running);
        pane.get_mut(run)
            .unwrap()
            .push_lines(std::iter::repeat_n("y".repeat(4000), 1500));
        assert!(pane.held_bytes() > 4 * MIN_BUDGET);
        pane.set_budget(MIN_BUDGET);
        assert!(pane.held_bytes() <= MIN_BUDGET);
        assert_eq!(human_bytes(812), "812 bytes");
        assert_eq!(human_bytes(3 * 1024 * 1024 / 2), "1.5 MiB");
    }
}
