//! The scheduler and `opsdeck health` against real loopback servers:
//! isolation of a hanging check, transitions as events, exit codes, output.

#[path = "health_support/mod.rs"]
mod support;

use opsdeck::cli::health::{self as cli, EXIT_DOWN, EXIT_ERROR, EXIT_OK};
use opsdeck::health::scheduler::{self, HealthEvent, Scheduler, SchedulerSettings};
use opsdeck::health::state::Status;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};
use support::http_server::{Reply, TestServer};
use support::{closed_port, context, playbook};
use tokio::sync::mpsc;

/// Receives the next event, or fails the test after `within`.
async fn next_event(events: &mut mpsc::Receiver<HealthEvent>, within: Duration) -> HealthEvent {
    tokio::time::timeout(within, events.recv())
        .await
        .expect("an event in time")
        .expect("scheduler running")
}

#[tokio::test]
async fn a_hanging_endpoint_never_delays_the_other_checks() {
    let hanging = TestServer::start(|_| Reply::Hang);
    let healthy = TestServer::start(|_| Reply::text(200, "ok"));
    let book = playbook(&format!(
        "checks:\n  - {{id: stuck, http: \"{}\", timeout: 1s, interval: 1s}}\n  - {{id: fast, http: \"{}\", interval: 100ms}}\n",
        hanging.url("/"),
        healthy.url("/")
    ));
    let settings = SchedulerSettings::default();
    let entries = scheduler::entries(&book, &settings, &context()).expect("entries");
    let (tx, mut events) = mpsc::channel(64);
    let started = Instant::now();
    let _scheduler = Scheduler::start(entries, &settings, tx);
    let (mut fast_runs, mut stuck_down_after) = (0, None);
    let mut worst_lateness = Duration::ZERO;
    while started.elapsed() < Duration::from_millis(2500) {
        if let HealthEvent::Checked(report) = next_event(&mut events, Duration::from_secs(3)).await
        {
            match report.id.as_str() {
                "fast" => {
                    fast_runs += 1;
                    worst_lateness = worst_lateness.max(report.lateness());
                    assert_eq!(report.status, Status::Up);
                }
                _ => {
                    assert_eq!(report.status, Status::Down);
                    stuck_down_after.get_or_insert(started.elapsed());
                }
            }
        }
    }
    // Blocked behind the hanging check, it would run at most 3 times and
    // start a second late; the bounds leave room for a loaded machine.
    assert!(fast_runs >= 10, "only {fast_runs} runs of the fast check");
    assert!(
        worst_lateness < Duration::from_millis(500),
        "late by {worst_lateness:?}"
    );
    let down_after = stuck_down_after.expect("the hanging check was reported");
    assert!(
        down_after < Duration::from_secs(1) + Duration::from_secs(1) + Duration::from_millis(100),
        "{down_after:?}"
    );
}

#[tokio::test]
async fn transitions_are_sent_as_events_after_damping() {
    let status = Arc::new(AtomicU16::new(200));
    let served = status.clone();
    let server = TestServer::start(move |_| Reply::text(served.load(Ordering::SeqCst), "state"));
    let book = playbook(&format!(
        "checks:\n  - {{id: home, http: \"{}\", interval: 50ms}}\n",
        server.url("/")
    ));
    let settings = SchedulerSettings::default();
    let entries = scheduler::entries(&book, &settings, &context()).expect("entries");
    let (tx, mut events) = mpsc::channel(64);
    let _scheduler = Scheduler::start(entries, &settings, tx);

    // Results seen of each kind since the last flip, and the changes in order.
    let mut changes = Vec::new();
    let mut failures_before_down = 0;
    let mut successes_before_up = 0;
    for _ in 0..200 {
        match next_event(&mut events, Duration::from_secs(2)).await {
            HealthEvent::Checked(report) => {
                let code = if report.outcome.verdict == opsdeck::health::Verdict::Up {
                    200
                } else {
                    500
                };
                if code == 500 && report.status != Status::Down {
                    failures_before_down += 1;
                }
                if code == 200 && report.status == Status::Down {
                    successes_before_up += 1;
                }
            }
            HealthEvent::Changed(change) => {
                changes.push((change.transition.from, change.transition.to));
                match changes.len() {
                    1 => status.store(500, Ordering::SeqCst),
                    2 => status.store(200, Ordering::SeqCst),
                    _ => break,
                }
            }
        }
    }
    assert_eq!(
        changes,
        vec![
            (Status::Unknown, Status::Up),
            (Status::Up, Status::Down),
            (Status::Down, Status::Up)
        ]
    );
    assert_eq!(failures_before_down, 2, "the third failure takes it down");
    assert_eq!(successes_before_up, 1, "the second success brings it back");
}

#[tokio::test]
async fn dropping_the_receiver_stops_the_checks() {
    let server = TestServer::start(|_| Reply::text(200, "ok"));
    let book = playbook(&format!(
        "checks:\n  - {{id: home, http: \"{}\", interval: 20ms}}\n",
        server.url("/")
    ));
    let settings = SchedulerSettings::default();
    let entries = scheduler::entries(&book, &settings, &context()).expect("entries");
    let (tx, events) = mpsc::channel(1);
    let mut scheduler = Scheduler::start(entries, &settings, tx);
    drop(events);
    for _ in 0..100 {
        if !scheduler.is_running() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!scheduler.is_running(), "checks still scheduled");
    let requests = server.requests();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.requests(), requests, "still probing");
}

fn two_server_playbook(good: &TestServer, bad_url: &str) -> opsdeck::playbook::Playbook {
    playbook(&format!(
        "checks:\n  - {{id: home, http: \"{}\"}}\n  - {{id: api, http: \"{bad_url}\", timeout: 1s}}\n",
        good.url("/health")
    ))
}

#[tokio::test]
async fn once_prints_every_check_and_exits_2_when_one_is_down() {
    let good = TestServer::start(|_| Reply::text(200, "ok"));
    let bad = TestServer::start(|_| Reply::text(503, "maintenance"));
    let book = two_server_playbook(&good, &bad.url("/health"));
    let mut out = Vec::new();
    let code = cli::check_once(
        &book,
        "site.md",
        &context(),
        &SchedulerSettings::default(),
        false,
        &mut out,
    )
    .await;
    let text = String::from_utf8(out).unwrap();
    assert_eq!(code, EXIT_DOWN, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("up        home  http       HTTP 200 in "),
        "{text}"
    );
    assert_eq!(
        lines[1],
        "down      api   http       HTTP 503, expected 2xx or 3xx"
    );
    assert_eq!(
        lines[2].trim(),
        format!("asked:    GET {}", bad.url("/health"))
    );
    assert_eq!(lines[3].trim(), "answered: HTTP 503: maintenance");
    assert_eq!(lines[4], "2 checks: 1 up, 1 down");
}

#[tokio::test]
async fn once_as_json_reports_a_hanging_endpoint_down_within_its_timeout() {
    let good = TestServer::start(|_| Reply::text(200, "ok"));
    let hanging = TestServer::start(|_| Reply::Hang);
    let book = two_server_playbook(&good, &hanging.url("/"));
    let mut out = Vec::new();
    let start = Instant::now();
    let code = cli::check_once(
        &book,
        "site.md",
        &context(),
        &SchedulerSettings::default(),
        true,
        &mut out,
    )
    .await;
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(code, EXIT_DOWN);
    let json: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(json["result"], "down");
    assert_eq!(json["checks"][0]["status"], "up");
    assert_eq!(json["checks"][1]["status"], "down");
    assert_eq!(json["checks"][1]["failure"]["kind"], "timeout");
    assert_eq!(json["checks"][1]["summary"], "no answer within 1s");
}

#[tokio::test]
async fn once_exits_0_when_everything_is_up() {
    let good = TestServer::start(|_| Reply::text(200, "ok"));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let book = playbook(&format!(
        "checks:\n  - {{id: home, http: \"{}\"}}\n  - {{id: db, tcp: \"{}\"}}\n  - {{id: disk, command: \"echo 12%\"}}\n",
        good.url("/"),
        listener.local_addr().unwrap()
    ));
    let mut out = Vec::new();
    let code = cli::check_once(
        &book,
        "ok.md",
        &context(),
        &SchedulerSettings::default(),
        false,
        &mut out,
    )
    .await;
    assert_eq!(code, EXIT_OK, "{}", String::from_utf8_lossy(&out));
}

#[tokio::test]
async fn watch_prints_each_transition_as_it_happens() {
    let good = TestServer::start(|_| Reply::text(200, "ok"));
    let book = playbook(&format!(
        "checks:\n  - {{id: home, http: \"{}\", interval: 100ms}}\n  - {{id: db, tcp: \"127.0.0.1:{}\", interval: 100ms}}\n",
        good.url("/"),
        closed_port()
    ));
    let mut out = Vec::new();
    let stop = tokio::time::sleep(Duration::from_millis(1500));
    let code = cli::watch_changes(
        &book,
        &context(),
        &SchedulerSettings::default(),
        true,
        &mut out,
        stop,
    )
    .await;
    assert_eq!(code, EXIT_DOWN);
    let mut lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    lines.sort_by_key(|l| l["id"].as_str().unwrap_or_default().to_string());
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        (&lines[0]["id"], &lines[0]["from"], &lines[0]["to"]),
        (&"db".into(), &"unknown".into(), &"down".into())
    );
    assert_eq!(lines[0]["failure"]["kind"], "connect");
    assert_eq!(
        (&lines[1]["id"], &lines[1]["to"]),
        (&"home".into(), &"up".into())
    );
}

#[test]
fn run_exits_1_on_a_playbook_error_and_0_when_healthy() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.md");
    std::fs::write(
        &broken,
        "---\nchecks:\n  - {id: x, htp: \"http://127.0.0.1/\"}\n---\n# X\n\n## Look\nAt it.\n",
    )
    .unwrap();
    assert_eq!(cli::run(&broken, true, false, false), EXIT_ERROR);
    assert_eq!(
        cli::run(&dir.path().join("missing.md"), true, false, false),
        EXIT_ERROR
    );

    let good = TestServer::start(|_| Reply::text(200, "ok"));
    let fine = dir.path().join("fine.md");
    std::fs::write(
        &fine,
        format!(
            "---\nchecks:\n  - {{id: home, http: \"{}\"}}\n---\n# Fine\n\n## Look\nAt it.\n",
            good.url("/")
        ),
    )
    .unwrap();
    assert_eq!(cli::run(&fine, true, false, true), EXIT_OK);
}

#[tokio::test]
async fn stopping_the_scheduler_kills_a_running_command() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("finished");
    let book = playbook(&format!(
        "checks:\n  - {{id: slow, command: \"sleep 2; touch '{}'\", interval: 1s, timeout: 10s}}\n",
        marker.display()
    ));
    let settings = SchedulerSettings::default();
    let entries = scheduler::entries(&book, &settings, &context()).expect("entries");
    let (tx, _events) = mpsc::channel(8);
    let scheduler = Scheduler::start(entries, &settings, tx);
    // The first run starts within a tenth of the interval.
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(scheduler);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        !marker.exists(),
        "the command ran on after the scheduler stopped"
    );
}
