//! The incident webhook against a real HTTP server on 127.0.0.1: events are
//! posted as Slack-style JSON, failures are retried and then reported.

use opsdeck::incident::notify::{ATTEMPTS, Notifier};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Accepts up to `max` requests, answering `status`, and keeps their bodies.
fn webhook(status: u16, max: usize) -> (String, Arc<Mutex<Vec<String>>>) {
    answering(format!("HTTP/1.1 {status} X"), max)
}

/// A loopback server that records each request's body and answers `status_line`.
fn answering(status_line: String, max: usize) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(max) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            seen.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&body).into_owned());
            let _ = write!(
                stream,
                "{status_line}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (url, bodies)
}

/// A notifier on its own runtime (kept alive by the caller), with its failure reports.
fn notifier(
    url: String,
) -> (
    tokio::runtime::Runtime,
    Notifier,
    mpsc::UnboundedReceiver<String>,
) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (failures_tx, failures) = mpsc::unbounded_channel();
    let notifier = runtime
        .block_on(async { Notifier::start(url, failures_tx) })
        .unwrap();
    (runtime, notifier, failures)
}

fn wait_until(deadline: Duration, mut done: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + deadline;
    while Instant::now() < end {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

#[test]
fn events_are_posted_as_slack_text_in_order() {
    let (url, bodies) = webhook(200, 10);
    let (_runtime, notifier, mut failures) = notifier(url);
    notifier.send("step done: Was there a recent deploy?".into());
    notifier.send("finished `rollback` on web1: exit 0".into());
    assert!(wait_until(Duration::from_secs(5), || bodies
        .lock()
        .unwrap()
        .len()
        == 2));
    let bodies = bodies.lock().unwrap().clone();
    let first: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(first["text"], "step done: Was there a recent deploy?");
    assert!(bodies[1].contains("rollback"));
    assert!(failures.try_recv().is_err(), "no failure reported");
}

#[test]
fn a_failing_webhook_is_retried_then_reported_and_never_blocks() {
    let (url, bodies) = webhook(503, 10);
    let (_runtime, notifier, mut failures) = notifier(url);
    let started = Instant::now();
    for n in 0..1000 {
        notifier.send(format!("event {n}"));
    }
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "send blocked: {:?}",
        started.elapsed()
    );
    assert!(wait_until(Duration::from_secs(10), || bodies
        .lock()
        .unwrap()
        .len()
        >= ATTEMPTS as usize));
    let mut reasons = Vec::new();
    assert!(
        wait_until(Duration::from_secs(10), || {
            while let Ok(reason) = failures.try_recv() {
                reasons.push(reason);
            }
            reasons
                .iter()
                .any(|r| r.contains("HTTP 503") && r.contains("attempts"))
        }),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("queue full")),
        "1000 events overflow the queue: {reasons:?}"
    );
}

#[path = "common/mod.rs"]
mod common;

#[test]
fn opsdeck_exec_posts_its_events_and_records_a_dead_webhook() {
    let (url, bodies) = webhook(200, 20);
    let dir = tempfile::tempdir().unwrap();
    let playbook = |hook: &str| {
        format!(
            "---\ntitle: Hooked\nnotify: {{webhook: \"{hook}\"}}\n---\n# Hooked\n\n## Look\n```sh {{id=look}}\necho looked\n```\n"
        )
    };
    std::fs::write(dir.path().join("pb.md"), playbook(&url)).unwrap();
    let data = dir.path().join("data").display().to_string();
    common::run_opsdeck_env(
        dir.path(),
        ["exec", "pb.md", "look"],
        &[("OPSDECK_DATA_DIR", &data)],
    )
    .assert_exit(0);
    let posted = bodies.lock().unwrap().join("\n");
    for what in ["incident opened", "confirmed `look`", "finished `look`"] {
        assert!(posted.contains(what), "{what} not posted: {posted}");
    }

    // A webhook nobody answers: the command still runs, the failure is an event.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    std::fs::write(
        dir.path().join("pb.md"),
        playbook(&format!("http://{closed}/hook")),
    )
    .unwrap();
    let data = dir.path().join("data2").display().to_string();
    common::run_opsdeck_env(
        dir.path(),
        ["exec", "pb.md", "look"],
        &[("OPSDECK_DATA_DIR", &data)],
    )
    .assert_exit(0);
    let events = common::only_incident_events(&dir.path().join("data2"));
    assert!(events.contains("\"kind\":\"notify_failed\""), "{events}");
    assert!(events.contains("\"kind\":\"command_finished\""), "{events}");
}

#[test]
fn a_webhook_url_is_a_credential_and_never_recorded() {
    let (url, _) = webhook(404, 20);
    let hook = format!("{url}/services/T0KEN/xoxb-s3cret-token");
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "---\ntitle: Hooked\nnotify: {{webhook: \"{hook}\"}}\n---\n# Hooked\n\n## Look\n```sh {{id=look}}\necho looked\n```\n"
    );
    std::fs::write(dir.path().join("pb.md"), text).unwrap();
    let data = dir.path().join("data").display().to_string();
    common::run_opsdeck_env(
        dir.path(),
        ["exec", "pb.md", "look"],
        &[("OPSDECK_DATA_DIR", &data)],
    )
    .assert_exit(0);
    let events = common::only_incident_events(&dir.path().join("data"));
    assert!(
        events.contains("HTTP 404 from"),
        "the failure is recorded: {events}"
    );
    assert!(!events.contains("xoxb-s3cret-token"), "{events}");
}

/// Answers every request with `307` to `location`.
fn redirecting(location: String, max: usize) -> (String, Arc<Mutex<Vec<String>>>) {
    answering(
        format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}"),
        max,
    )
}

#[test]
fn a_redirect_is_a_delivery_failure_and_never_followed() {
    // Where the redirect points: it must never see the event.
    let (elsewhere, received) = webhook(200, 10);
    let (url, asked) = redirecting(elsewhere, 10);
    let (_runtime, notifier, mut failures) = notifier(url);
    notifier.send("finished `rollback` on web1: exit 0".into());
    let mut reasons = Vec::new();
    assert!(
        wait_until(Duration::from_secs(10), || {
            while let Ok(reason) = failures.try_recv() {
                reasons.push(reason);
            }
            !reasons.is_empty()
        }),
        "a redirect was not reported as a failure"
    );
    assert!(reasons[0].contains("307"), "{reasons:?}");
    assert!(reasons[0].contains("redirect"), "{reasons:?}");
    // A redirect will not get better by retrying: one request, not three.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(asked.lock().unwrap().len(), 1, "{reasons:?}");
    assert!(
        received.lock().unwrap().is_empty(),
        "the event was posted to where the redirect pointed: {:?}",
        received.lock().unwrap()
    );
}

#[test]
fn webhook_texts_carry_the_head_hash_of_their_event() {
    let (url, bodies) = webhook(200, 20);
    let dir = tempfile::tempdir().unwrap();
    let playbook = format!(
        "---\ntitle: Hooked\nnotify: {{webhook: \"{url}\"}}\n---\n# Hooked\n\n## Look\n```sh {{id=look}}\necho looked\n```\n"
    );
    std::fs::write(dir.path().join("pb.md"), playbook).unwrap();
    let data = dir.path().join("data").display().to_string();
    common::run_opsdeck_env(
        dir.path(),
        ["exec", "pb.md", "look"],
        &[("OPSDECK_DATA_DIR", &data)],
    )
    .assert_exit(0);
    let events = common::only_incident_events(&dir.path().join("data"));
    let posted: Vec<String> = bodies
        .lock()
        .unwrap()
        .iter()
        .map(|b| {
            serde_json::from_str::<serde_json::Value>(b).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(!posted.is_empty());
    for line in events.lines() {
        let event: serde_json::Value = serde_json::from_str(line).unwrap();
        let (seq, hash) = (&event["seq"], event["hash"].as_str().unwrap());
        let text = format!("seq {seq}, head {hash}");
        assert!(
            posted.iter().any(|p| p.contains(&text)),
            "`{text}` in no post: {posted:#?}"
        );
    }
}
