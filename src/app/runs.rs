//! Command runs as the output pane shows them: bounded scrollback per run.

use std::collections::VecDeque;

/// Lines kept in memory per run; the full output is in its file.
pub const MAX_LINES: usize = 100_000;
/// Older runs are dropped from the pane (their output stays in the incident log).
pub const MAX_RUNS: usize = 20;

#[derive(Clone, Debug, PartialEq)]
pub enum RunStatus {
    Running,
    /// `--dry-run`: shown, never run.
    DryRun,
    Finished(RunResult),
    /// It could not even start.
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct RunResult {
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub duration_ms: u64,
    pub timed_out: bool,
    pub cancelled: bool,
    pub output_file: String,
}

impl RunResult {
    pub fn ok(&self) -> bool {
        self.exit_code == Some(0)
    }

    pub fn describe(&self) -> String {
        let secs = self.duration_ms as f64 / 1000.0;
        if self.timed_out {
            return format!("timed out after {secs:.1}s");
        }
        if self.cancelled {
            return format!("cancelled after {secs:.1}s");
        }
        match (self.exit_code, self.signal) {
            (Some(code), _) => format!("exit {code} in {secs:.1}s"),
            (None, Some(signal)) => format!("killed by signal {signal} after {secs:.1}s"),
            (None, None) => format!("ended after {secs:.1}s"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub id: u64,
    pub command_id: String,
    pub hosts: Vec<String>,
    pub lines: VecDeque<String>,
    /// Lines pushed out of memory by the bound.
    pub dropped: u64,
    pub status: RunStatus,
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
        }
    }

    pub fn push_lines(&mut self, lines: impl IntoIterator<Item = String>) {
        for line in lines {
            if self.lines.len() == MAX_LINES {
                self.lines.pop_front();
                self.dropped += 1;
            }
            self.lines.push_back(line);
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

/// The output pane: runs, newest last, and how far up the reader has scrolled.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutputPane {
    pub runs: Vec<Run>,
    /// Lines above the bottom; 0 follows the tail.
    pub scroll_from_bottom: usize,
    /// The last search (`/`), highlighted while its run is shown.
    pub search: Option<super::search::Search>,
    next_id: u64,
}

impl OutputPane {
    pub fn start(&mut self, command_id: String, hosts: Vec<String>, status: RunStatus) -> u64 {
        self.next_id += 1;
        if self.runs.len() == MAX_RUNS {
            self.runs.remove(0);
        }
        self.runs
            .push(Run::new(self.next_id, command_id, hosts, status));
        self.scroll_from_bottom = 0;
        self.next_id
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut Run> {
        self.runs.iter_mut().find(|r| r.id == id)
    }

    pub fn current(&self) -> Option<&Run> {
        self.runs.last()
    }

    pub fn running(&self) -> Option<&Run> {
        self.runs.iter().find(|r| r.is_running())
    }

    pub fn following(&self) -> bool {
        self.scroll_from_bottom == 0
    }

    pub fn scroll_up(&mut self, lines: usize) {
        let max = self.current().map_or(0, |r| r.lines.len());
        self.scroll_from_bottom = (self.scroll_from_bottom + lines).min(max);
    }

    pub fn scroll_down(&mut self, lines: usize) {
        self.scroll_from_bottom = self.scroll_from_bottom.saturating_sub(lines);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrollback_is_bounded_and_counts_what_it_dropped() {
        let mut run = Run::new(1, "big".into(), vec!["local".into()], RunStatus::Running);
        run.push_lines((0..MAX_LINES + 5).map(|i| i.to_string()));
        assert_eq!(run.lines.len(), MAX_LINES);
        assert_eq!(run.dropped, 5);
        assert_eq!(run.lines.front().map(String::as_str), Some("5"));
    }
}
