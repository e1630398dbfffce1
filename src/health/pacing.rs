//! When a check runs next: its interval, faster while it is failing, with
//! jitter so checks do not fire together.
//!
//! Pure: randomness comes in as a number in `[0, 1)`, time as durations.

use super::outcome::Verdict;
use super::state::Status;
use std::time::Duration;

pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The fast interval never goes below this, so a down endpoint is not hammered.
pub const MIN_FAST_INTERVAL: Duration = Duration::from_secs(2);
/// ±10 % of each delay.
pub const DEFAULT_JITTER: f64 = 0.1;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pacing {
    pub interval: Duration,
    /// Used while the check is down or its last result was bad, so an
    /// outage is confirmed, and a recovery seen, quickly.
    pub fast_interval: Duration,
    /// Fraction of each delay to spread randomly either way.
    pub jitter: f64,
}

impl Pacing {
    /// The fast interval is a third of the normal one, but at least
    /// `MIN_FAST_INTERVAL` (and never slower than the normal one).
    pub fn new(interval: Duration) -> Self {
        let interval = interval.max(Duration::from_millis(1));
        Pacing {
            interval,
            fast_interval: (interval / 3).max(MIN_FAST_INTERVAL).min(interval),
            jitter: DEFAULT_JITTER,
        }
    }

    pub fn with_jitter(mut self, jitter: f64) -> Self {
        self.jitter = jitter.clamp(0.0, 1.0);
        self
    }

    /// Delay before the first run: somewhere in the first tenth of the
    /// interval (at most a second), so a fresh console fills in fast
    /// without every check firing at the same instant.
    pub fn first_delay(&self, random_unit: f64) -> Duration {
        let spread = (self.interval / 10).min(Duration::from_secs(1));
        spread.mul_f64(unit(random_unit))
    }

    /// Delay from one due time to the next, given the damped status and the
    /// verdict of the probe that just finished.
    pub fn next_delay(&self, status: Status, last: Verdict, random_unit: f64) -> Duration {
        let failing = status == Status::Down || matches!(last, Verdict::Down | Verdict::Degraded);
        let base = if failing {
            self.fast_interval
        } else {
            self.interval
        };
        let factor = 1.0 + self.jitter * (2.0 * unit(random_unit) - 1.0);
        base.mul_f64(factor.max(0.0))
    }
}

fn unit(value: f64) -> f64 {
    if value.is_finite() {
        value.clamp(0.0, 1.0)
    } else {
        0.5
    }
}
