//! One check's state: damped status, latency history, last change, last error.
//!
//! The one model of a check's state, for the console's core and for
//! `opsdeck health` alike. Pure: every time comes in as an argument (a
//! `Duration` since an origin its owner picks: the console's start, the
//! scheduler's), so tests and the core drive it without a clock.

use super::outcome::{Failure, Outcome, Verdict};
use std::collections::VecDeque;
use std::time::Duration;

/// Latencies kept for the health pane's sparkline.
pub const HISTORY_LEN: usize = 120;

/// The status the console shows, after flap damping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Status {
    #[default]
    Unknown,
    Up,
    Degraded,
    Down,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Unknown => "unknown",
            Status::Up => "up",
            Status::Degraded => "degraded",
            Status::Down => "down",
        }
    }

    /// How bad a decisive status is; `None` for unknown.
    fn severity(self) -> Option<u8> {
        match self {
            Status::Unknown => None,
            Status::Up => Some(0),
            Status::Degraded => Some(1),
            Status::Down => Some(2),
        }
    }

    fn from_severity(severity: u8) -> Status {
        match severity {
            0 => Status::Up,
            1 => Status::Degraded,
            _ => Status::Down,
        }
    }
}

impl From<Verdict> for Status {
    fn from(verdict: Verdict) -> Status {
        match verdict {
            Verdict::Up => Status::Up,
            Verdict::Degraded => Status::Degraded,
            Verdict::Down => Status::Down,
            Verdict::Unknown => Status::Unknown,
        }
    }
}

/// How many agreeing probes it takes to change the status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Damping {
    /// Consecutive worse results before the status gets worse (3: one blip is not an outage).
    pub worsen_after: usize,
    /// Consecutive better results before the status recovers.
    pub recover_after: usize,
}

impl Default for Damping {
    fn default() -> Self {
        Damping {
            worsen_after: 3,
            recover_after: 2,
        }
    }
}

impl Damping {
    fn window(self) -> usize {
        self.worsen_after.max(self.recover_after).max(1)
    }
}

/// A change of damped status: what the incident log records.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    pub from: Status,
    pub to: Status,
    /// Since the owner's origin.
    pub at: Duration,
    /// The summary of the probe that tipped it.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckState {
    pub status: Status,
    damping: Damping,
    /// The last decisive verdicts, newest last (unknown ones do not count).
    recent: VecDeque<Verdict>,
    latencies: VecDeque<Duration>,
    pub last_change: Option<Duration>,
    pub last_verdict: Option<Verdict>,
    pub last_summary: Option<String>,
    /// The last failure and when it happened; kept after recovery for context.
    pub last_failure: Option<(Duration, Failure)>,
}

impl CheckState {
    pub fn new(damping: Damping) -> Self {
        CheckState {
            status: Status::Unknown,
            damping,
            recent: VecDeque::with_capacity(damping.window()),
            latencies: VecDeque::with_capacity(HISTORY_LEN),
            last_change: None,
            last_verdict: None,
            last_summary: None,
            last_failure: None,
        }
    }

    /// Takes one probe result at `now`, returning the status change it caused.
    pub fn observe(&mut self, outcome: &Outcome, now: Duration) -> Option<Transition> {
        if outcome.verdict != Verdict::Unknown {
            if self.recent.len() == self.damping.window() {
                self.recent.pop_front();
            }
            self.recent.push_back(outcome.verdict);
        }
        let next = self.damped_status(outcome.verdict);
        self.record(outcome, next, now)
    }

    /// Records a result whose status was already decided elsewhere (a view
    /// of the scheduler's state in the console), returning the change.
    pub fn record(
        &mut self,
        outcome: &Outcome,
        status: Status,
        now: Duration,
    ) -> Option<Transition> {
        if self.latencies.len() == HISTORY_LEN {
            self.latencies.pop_front();
        }
        self.latencies.push_back(outcome.latency);
        self.last_verdict = Some(outcome.verdict);
        self.last_summary = Some(outcome.summary.clone());
        if let Some(failure) = &outcome.failure {
            self.last_failure = Some((now, failure.clone()));
        }
        if status == self.status {
            return None;
        }
        let transition = Transition {
            from: self.status,
            to: status,
            at: now,
            reason: outcome.summary.clone(),
        };
        self.status = status;
        self.last_change = Some(now);
        Some(transition)
    }

    /// The oldest to newest latencies, at most `HISTORY_LEN`.
    pub fn latencies(&self) -> impl ExactSizeIterator<Item = Duration> + '_ {
        self.latencies.iter().copied()
    }

    /// How long the status has held, given the current time.
    pub fn since_change(&self, now: Duration) -> Option<Duration> {
        self.last_change.map(|at| now.saturating_sub(at))
    }

    /// Worse only when the last `worsen_after` results all are; better only
    /// when the last `recover_after` all are. The first result is taken as
    /// it is, so a console opened during an outage shows it at once.
    fn damped_status(&self, verdict: Verdict) -> Status {
        let Some(current) = self.status.severity() else {
            return Status::from(verdict);
        };
        let severities = |n: usize| -> Option<Vec<u8>> {
            let n = n.max(1);
            if self.recent.len() < n {
                return None;
            }
            Some(
                self.recent
                    .iter()
                    .rev()
                    .take(n)
                    .filter_map(|v| Status::from(*v).severity())
                    .collect(),
            )
        };
        if let Some(least_bad) = severities(self.damping.worsen_after)
            .and_then(|s| s.into_iter().min())
            .filter(|s| *s > current)
        {
            return Status::from_severity(least_bad);
        }
        if let Some(worst) = severities(self.damping.recover_after)
            .and_then(|s| s.into_iter().max())
            .filter(|s| *s < current)
        {
            return Status::from_severity(worst);
        }
        self.status
    }
}
