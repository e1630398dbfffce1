//! Runs every check on its own schedule and sends what happened as events.
//!
//! Each check is its own task, so a hanging endpoint only ever delays
//! itself; a semaphore bounds how many probes run at once.

use super::outcome::{Failure, FailureKind, Outcome, Verdict};
use super::pacing::{self, Pacing};
use super::probe::{Probe, ProbeContext, build, run_checked};
use super::state::{CheckState, Damping, Status, Transition};
use crate::playbook::Playbook;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

#[derive(Clone, Copy, Debug)]
pub struct SchedulerSettings {
    /// For checks without `interval`.
    pub default_interval: Duration,
    /// For checks without `timeout`.
    pub default_timeout: Duration,
    /// Probes running at once, across all checks.
    pub max_in_flight: usize,
    pub damping: Damping,
    pub jitter: f64,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        SchedulerSettings {
            default_interval: pacing::DEFAULT_INTERVAL,
            default_timeout: pacing::DEFAULT_TIMEOUT,
            max_in_flight: 64,
            damping: Damping::default(),
            jitter: pacing::DEFAULT_JITTER,
        }
    }
}

/// One check ready to schedule.
#[derive(Clone)]
pub struct ScheduledCheck {
    pub id: String,
    pub probe: Arc<dyn Probe>,
    pub pacing: Pacing,
    pub timeout: Duration,
}

/// Every check of a playbook, or the first that cannot be probed as written.
pub fn entries(
    playbook: &Playbook,
    settings: &SchedulerSettings,
    context: &ProbeContext,
) -> Result<Vec<ScheduledCheck>, String> {
    playbook
        .checks
        .iter()
        .map(|check| {
            let probe =
                build(check, context).map_err(|why| format!("check `{}`: {why}", check.id))?;
            Ok(ScheduledCheck {
                id: check.id.clone(),
                probe,
                pacing: Pacing::new(check.interval.unwrap_or(settings.default_interval))
                    .with_jitter(settings.jitter),
                timeout: check.timeout.unwrap_or(settings.default_timeout),
            })
        })
        .collect()
}

/// One finished probe.
#[derive(Clone, Debug)]
pub struct ProbeReport {
    pub id: String,
    /// When the probe was planned to start, and when it did.
    pub due: Instant,
    pub started: Instant,
    pub outcome: Outcome,
    /// The damped status after this result.
    pub status: Status,
}

impl ProbeReport {
    /// How late the probe started (waiting for the timer and a free slot).
    pub fn lateness(&self) -> Duration {
        self.started.saturating_duration_since(self.due)
    }
}

/// A change of status, for the console and the incident log.
#[derive(Clone, Debug)]
pub struct Change {
    pub id: String,
    pub transition: Transition,
    pub wall: SystemTime,
    pub outcome: Outcome,
}

#[derive(Clone, Debug)]
pub enum HealthEvent {
    /// Every probe result, in the order they finish.
    Checked(ProbeReport),
    /// Sent right after the `Checked` that caused it.
    Changed(Change),
}

/// The running checks; dropping it stops them (and kills running commands).
pub struct Scheduler {
    tasks: JoinSet<()>,
}

impl Scheduler {
    /// Starts every entry on the current tokio runtime. Events go to `events`;
    /// a full channel makes checks wait (the consumer sets the pace), and a
    /// closed one stops them.
    pub fn start(
        entries: Vec<ScheduledCheck>,
        settings: &SchedulerSettings,
        events: mpsc::Sender<HealthEvent>,
    ) -> Self {
        let slots = Arc::new(Semaphore::new(
            settings.max_in_flight.clamp(1, Semaphore::MAX_PERMITS),
        ));
        let mut tasks = JoinSet::new();
        for entry in entries {
            tasks.spawn(run_check(
                entry,
                settings.damping,
                slots.clone(),
                events.clone(),
            ));
        }
        Scheduler { tasks }
    }

    /// True while any check is still scheduled (they end when the event
    /// channel closes).
    pub fn is_running(&mut self) -> bool {
        while self.tasks.try_join_next().is_some() {}
        !self.tasks.is_empty()
    }

    pub fn stop(&mut self) {
        self.tasks.abort_all();
    }
}

async fn run_check(
    entry: ScheduledCheck,
    damping: Damping,
    slots: Arc<Semaphore>,
    events: mpsc::Sender<HealthEvent>,
) {
    let mut state = CheckState::new(damping);
    let origin = Instant::now();
    let mut due = origin + entry.pacing.first_delay(fastrand::f64());
    loop {
        tokio::time::sleep_until(due.into()).await;
        let Ok(slot) = slots.acquire().await else {
            return;
        };
        let started = Instant::now();
        let outcome = run_isolated(&entry).await;
        drop(slot);
        let finished = Instant::now();
        let transition = state.observe(&outcome, finished - origin);
        let report = ProbeReport {
            id: entry.id.clone(),
            due,
            started,
            outcome: outcome.clone(),
            status: state.status,
        };
        if events.send(HealthEvent::Checked(report)).await.is_err() {
            return;
        }
        if let Some(transition) = transition {
            let change = Change {
                id: entry.id.clone(),
                transition,
                wall: SystemTime::now(),
                outcome: outcome.clone(),
            };
            if events.send(HealthEvent::Changed(change)).await.is_err() {
                return;
            }
        }
        let delay = entry
            .pacing
            .next_delay(state.status, outcome.verdict, fastrand::f64());
        // From the planned time, so delays do not drift; never in the past
        // after a probe that ran longer than the interval.
        due = (due + delay).max(finished);
    }
}

/// Runs one probe in its own task, so a bug that panics in a probe is
/// reported as that check's result instead of silently ending its schedule.
async fn run_isolated(entry: &ScheduledCheck) -> Outcome {
    let (probe, timeout) = (entry.probe.clone(), entry.timeout);
    let mut task = AbortOnDrop(tokio::spawn(async move {
        run_checked(probe.as_ref(), timeout).await
    }));
    (&mut task.0).await.unwrap_or_else(|_| lost(entry))
}

/// Stopping the scheduler stops the probe it was waiting for too (and so
/// kills a running command) instead of leaving it to its timeout.
struct AbortOnDrop(tokio::task::JoinHandle<Outcome>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs every entry once, at most `max_in_flight` at a time, returning the
/// outcomes in the entries' order.
pub async fn check_all_once(entries: &[ScheduledCheck], max_in_flight: usize) -> Vec<Outcome> {
    let slots = Arc::new(Semaphore::new(
        max_in_flight.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let mut tasks = JoinSet::new();
    for (index, entry) in entries.iter().enumerate() {
        let entry = entry.clone();
        let slots = slots.clone();
        tasks.spawn(async move {
            let _slot = slots.acquire().await;
            (
                index,
                run_checked(entry.probe.as_ref(), entry.timeout).await,
            )
        });
    }
    let mut outcomes: Vec<Option<Outcome>> = vec![None; entries.len()];
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, outcome)) = joined {
            outcomes[index] = Some(outcome);
        }
    }
    outcomes
        .into_iter()
        .zip(entries)
        .map(|(outcome, entry)| outcome.unwrap_or_else(|| lost(entry)))
        .collect()
}

/// A probe task that panicked: reported, never propagated.
fn lost(entry: &ScheduledCheck) -> Outcome {
    Outcome::failed(
        Verdict::Unknown,
        Duration::ZERO,
        Failure::new(
            FailureKind::Setup,
            entry.probe.asked(),
            "the probe crashed (a bug)",
        ),
    )
}
