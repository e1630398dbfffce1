//! The pure parts of health: flap damping, history and adaptive intervals,
//! driven by a controllable clock (times are passed in, never read).

use opsdeck::health::outcome::{Failure, FailureKind, Outcome, Verdict};
use opsdeck::health::pacing::Pacing;
use opsdeck::health::state::{CheckState, Damping, HISTORY_LEN, Status};
use std::time::Duration;

/// A clock the test moves by hand.
struct Clock {
    start: Duration,
    now: Duration,
}

impl Clock {
    fn new() -> Clock {
        let start = Duration::from_secs(1_000);
        Clock { start, now: start }
    }

    fn advance(&mut self, by: Duration) -> Duration {
        self.now += by;
        self.now
    }
}

fn result(verdict: Verdict, ms: u64) -> Outcome {
    let latency = Duration::from_millis(ms);
    match verdict {
        Verdict::Up => Outcome::up(latency, "HTTP 200"),
        other => Outcome::failed(
            other,
            latency,
            Failure::new(
                FailureKind::Unexpected,
                "GET http://127.0.0.1/",
                format!("{other:?}"),
            ),
        ),
    }
}

/// Feeds verdicts a second apart, returning the status after each.
fn feed(state: &mut CheckState, clock: &mut Clock, verdicts: &[Verdict]) -> Vec<Status> {
    verdicts
        .iter()
        .map(|v| {
            let now = clock.advance(Duration::from_secs(1));
            state.observe(&result(*v, 10), now);
            state.status
        })
        .collect()
}

use Status::{Degraded as SD, Down as SDOWN, Up as SU};
use Verdict::{Degraded as D, Down as X, Unknown as Q, Up as U};

#[test]
fn the_first_result_is_taken_as_it_is() {
    for (verdict, status) in [(U, SU), (X, SDOWN), (D, SD), (Q, Status::Unknown)] {
        let mut clock = Clock::new();
        let mut state = CheckState::new(Damping::default());
        assert_eq!(feed(&mut state, &mut clock, &[verdict]), vec![status]);
    }
}

#[test]
fn three_failures_take_it_down_two_successes_bring_it_back() {
    let mut clock = Clock::new();
    let mut state = CheckState::new(Damping::default());
    let statuses = feed(&mut state, &mut clock, &[U, X, X, X, U, U]);
    assert_eq!(statuses, vec![SU, SU, SU, SDOWN, SDOWN, SU]);
}

#[test]
fn a_flapping_endpoint_does_not_flap_the_status() {
    let mut clock = Clock::new();
    let mut state = CheckState::new(Damping::default());
    let statuses = feed(&mut state, &mut clock, &[U, X, U, X, X, U, X, U]);
    assert!(statuses.iter().all(|s| *s == SU), "{statuses:?}");
}

#[test]
fn one_success_in_an_outage_does_not_end_it() {
    let mut clock = Clock::new();
    let mut state = CheckState::new(Damping::default());
    let statuses = feed(&mut state, &mut clock, &[X, U, X, U, X]);
    assert!(statuses.iter().all(|s| *s == SDOWN), "{statuses:?}");
}

#[test]
fn degraded_sits_between_up_and_down() {
    let mut clock = Clock::new();
    let mut state = CheckState::new(Damping::default());
    // Mixed degraded and down results are at least degraded.
    assert_eq!(
        feed(&mut state, &mut clock, &[U, D, X, D]),
        vec![SU, SU, SU, SD]
    );
    assert_eq!(
        feed(&mut state, &mut clock, &[X, X, X]),
        vec![SD, SD, SDOWN]
    );
    // Recovering half-way: down → degraded → up.
    assert_eq!(
        feed(&mut state, &mut clock, &[D, D, U, U]),
        vec![SDOWN, SD, SD, SU]
    );
}

#[test]
fn unknown_results_neither_help_nor_hurt() {
    let mut clock = Clock::new();
    let mut state = CheckState::new(Damping::default());
    let statuses = feed(&mut state, &mut clock, &[U, X, Q, X, Q, X]);
    assert_eq!(statuses, vec![SU, SU, SU, SU, SU, SDOWN]);
}

#[test]
fn damping_is_configurable() {
    let mut clock = Clock::new();
    let damping = Damping {
        worsen_after: 1,
        recover_after: 4,
    };
    let mut state = CheckState::new(damping);
    let statuses = feed(&mut state, &mut clock, &[U, X, U, U, U, U]);
    assert_eq!(statuses, vec![SU, SDOWN, SDOWN, SDOWN, SDOWN, SU]);
}

#[test]
fn transitions_carry_time_and_reason_and_last_change_is_kept() {
    let mut clock = Clock::new();
    let mut state = CheckState::new(Damping::default());
    let t0 = clock.advance(Duration::from_secs(1));
    let first = state.observe(&result(U, 5), t0).expect("unknown → up");
    assert_eq!((first.from, first.to, first.at), (Status::Unknown, SU, t0));
    assert_eq!(
        state.observe(&result(X, 5), clock.advance(Duration::from_secs(30))),
        None
    );
    assert_eq!(
        state.observe(&result(X, 5), clock.advance(Duration::from_secs(10))),
        None
    );
    let down_at = clock.advance(Duration::from_secs(10));
    let down = state.observe(&result(X, 5), down_at).expect("up → down");
    assert_eq!((down.from, down.to, down.at), (SU, SDOWN, down_at));
    assert_eq!(down.reason, "Down");
    assert_eq!(state.last_change, Some(down_at));
    let later = clock.advance(Duration::from_secs(90));
    assert_eq!(state.since_change(later), Some(Duration::from_secs(90)));
    assert_eq!(clock.now - clock.start, Duration::from_secs(141));
}

#[test]
fn the_last_failure_keeps_its_context_after_recovery() {
    let mut clock = Clock::new();
    let mut state = CheckState::new(Damping::default());
    let failed_at = clock.advance(Duration::from_secs(1));
    state.observe(&result(X, 5), failed_at);
    feed(&mut state, &mut clock, &[U, U]);
    assert_eq!(state.status, SU);
    let (at, failure) = state.last_failure.clone().expect("kept");
    assert_eq!(at, failed_at);
    assert_eq!(failure.asked, "GET http://127.0.0.1/");
    assert_eq!(state.last_summary.as_deref(), Some("HTTP 200"));
}

#[test]
fn history_keeps_the_last_120_latencies() {
    let mut clock = Clock::new();
    let mut state = CheckState::new(Damping::default());
    for ms in 0..200u64 {
        state.observe(&result(U, ms), clock.advance(Duration::from_secs(1)));
    }
    let kept: Vec<u64> = state.latencies().map(|d| d.as_millis() as u64).collect();
    assert_eq!(kept.len(), HISTORY_LEN);
    assert_eq!(kept.first(), Some(&80));
    assert_eq!(kept.last(), Some(&199));
}

#[test]
fn checks_run_faster_while_failing_and_back_to_normal_when_up() {
    let pacing = Pacing::new(Duration::from_secs(30)).with_jitter(0.0);
    assert_eq!(pacing.next_delay(SU, U, 0.3), Duration::from_secs(30));
    // Suspect: still up, but the last result was bad.
    assert_eq!(pacing.next_delay(SU, X, 0.3), Duration::from_secs(10));
    assert_eq!(pacing.next_delay(SU, D, 0.3), Duration::from_secs(10));
    assert_eq!(pacing.next_delay(SDOWN, X, 0.3), Duration::from_secs(10));
    // Down, first good result: keep watching closely until recovered.
    assert_eq!(pacing.next_delay(SDOWN, U, 0.3), Duration::from_secs(10));
    assert_eq!(
        pacing.next_delay(Status::Unknown, Q, 0.3),
        Duration::from_secs(30)
    );
}

#[test]
fn the_fast_interval_has_a_floor_and_never_slows_a_check_down() {
    assert_eq!(
        Pacing::new(Duration::from_secs(3)).fast_interval,
        Duration::from_secs(2)
    );
    assert_eq!(
        Pacing::new(Duration::from_secs(1)).fast_interval,
        Duration::from_secs(1)
    );
    assert_eq!(
        Pacing::new(Duration::from_secs(60)).fast_interval,
        Duration::from_secs(20)
    );
}

#[test]
fn jitter_spreads_delays_within_bounds() {
    let pacing = Pacing::new(Duration::from_secs(10)).with_jitter(0.1);
    assert_eq!(pacing.next_delay(SU, U, 0.0), Duration::from_secs(9));
    assert_eq!(pacing.next_delay(SU, U, 0.5), Duration::from_secs(10));
    assert_eq!(pacing.next_delay(SU, U, 1.0), Duration::from_secs(11));
    assert_eq!(pacing.next_delay(SU, U, f64::NAN), Duration::from_secs(10));
    // First runs spread over a tenth of the interval, at most a second.
    assert_eq!(pacing.first_delay(0.5), Duration::from_millis(500));
    let hourly = Pacing::new(Duration::from_secs(3600));
    assert!(hourly.first_delay(0.999) < Duration::from_secs(1));
}

#[test]
fn a_simulated_outage_is_confirmed_quickly_with_the_fast_interval() {
    // A 30 s check whose endpoint dies at t=0: with the fast interval the
    // three failures that confirm it take 30 s + 10 s + 10 s, not 90 s.
    let mut clock = Clock::new();
    let pacing = Pacing::new(Duration::from_secs(30)).with_jitter(0.0);
    let mut state = CheckState::new(Damping::default());
    state.observe(&result(U, 5), clock.now);
    let mut delay = pacing.next_delay(state.status, U, 0.5);
    let mut elapsed = Duration::ZERO;
    while state.status != SDOWN && elapsed < Duration::from_secs(600) {
        elapsed += delay;
        state.observe(&result(X, 5), clock.advance(delay));
        delay = pacing.next_delay(state.status, X, 0.5);
    }
    assert_eq!(state.status, SDOWN);
    assert_eq!(elapsed, Duration::from_secs(50));
}
