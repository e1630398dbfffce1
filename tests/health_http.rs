//! The HTTP probe against real servers on 127.0.0.1: healthy, failing,
//! slow, hanging, huge, redirecting, refusing.

#[path = "health_support/mod.rs"]
mod support;

use opsdeck::health::outcome::{FailureKind, Outcome, Verdict};
use opsdeck::health::probe::{RETRY_BACKOFF, build, run_checked};
use opsdeck::playbook::model::{Expect, Probe};
use std::time::{Duration, Instant};
use support::http_server::{Reply, TestServer};
use support::{SHORT, check, closed_port, context};

async fn probe_http(url: String, expect: Expect, timeout: Duration) -> Outcome {
    let probe = build(&check("web", Probe::Http(url), expect), &context()).expect("probe");
    run_checked(probe.as_ref(), timeout).await
}

fn failure_kind(outcome: &Outcome) -> Option<FailureKind> {
    outcome.failure.as_ref().map(|f| f.kind)
}

#[tokio::test]
async fn a_200_is_up() {
    let server = TestServer::start(|_| Reply::text(200, "ok"));
    let outcome = probe_http(server.url("/health"), Expect::default(), SHORT).await;
    assert_eq!(outcome.verdict, Verdict::Up, "{outcome:?}");
    assert!(
        outcome.summary.starts_with("HTTP 200 in "),
        "{}",
        outcome.summary
    );
}

#[tokio::test]
async fn a_500_is_down_with_what_came_back() {
    let server = TestServer::start(|_| Reply::text(500, "database is on fire"));
    let outcome = probe_http(server.url("/health"), Expect::default(), SHORT).await;
    assert_eq!(outcome.verdict, Verdict::Down);
    let failure = outcome.failure.expect("failure");
    assert_eq!(failure.kind, FailureKind::Unexpected);
    assert_eq!(failure.message, "HTTP 500, expected 2xx or 3xx");
    assert_eq!(failure.asked, format!("GET {}", server.url("/health")));
    assert_eq!(
        failure.answered.as_deref(),
        Some("HTTP 500: database is on fire")
    );
}

#[tokio::test]
async fn an_expected_status_is_matched_exactly() {
    let server = TestServer::start(|_| Reply::text(204, ""));
    let expect = Expect {
        status: Some(200),
        ..Expect::default()
    };
    let outcome = probe_http(server.url("/"), expect, SHORT).await;
    assert_eq!(outcome.summary, "HTTP 204, expected 200");
}

#[tokio::test]
async fn body_contains_and_regex_are_checked() {
    let server = TestServer::start(|path| match path {
        "/good" => Reply::text(200, r#"{"status":"pass","version":"1.4.2"}"#),
        _ => Reply::text(200, r#"{"status":"fail"}"#),
    });
    let expect = Expect {
        body_contains: Some("pass".into()),
        body_regex: Some(r#""version":"1\.\d+"#.into()),
        ..Expect::default()
    };
    let good = probe_http(server.url("/good"), expect.clone(), SHORT).await;
    assert_eq!(good.verdict, Verdict::Up, "{good:?}");
    let bad = probe_http(server.url("/bad"), expect, SHORT).await;
    assert_eq!(bad.summary, "body does not contain `pass`");
}

#[tokio::test]
async fn an_invalid_regex_is_refused_when_the_probe_is_built() {
    let expect = Expect {
        body_regex: Some("(unclosed".into()),
        ..Expect::default()
    };
    let check = check("web", Probe::Http("http://127.0.0.1:1/".into()), expect);
    let error = build(&check, &context()).err().expect("refused");
    assert!(error.contains("not a valid regex"), "{error}");
}

#[tokio::test]
async fn a_slow_answer_over_max_latency_is_degraded() {
    let server = TestServer::start(|_| {
        Reply::After(Duration::from_millis(300), Box::new(Reply::text(200, "ok")))
    });
    let expect = Expect {
        max_latency: Some(Duration::from_millis(100)),
        ..Expect::default()
    };
    let outcome = probe_http(server.url("/"), expect, SHORT).await;
    assert_eq!(outcome.verdict, Verdict::Degraded, "{outcome:?}");
    assert!(
        outcome.summary.starts_with("slow: answered in "),
        "{}",
        outcome.summary
    );
    assert!(outcome.latency >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_hanging_endpoint_is_down_within_its_timeout_plus_a_second() {
    let server = TestServer::start(|_| Reply::Hang);
    let timeout = Duration::from_secs(1);
    let start = Instant::now();
    let outcome = probe_http(server.url("/"), Expect::default(), timeout).await;
    let took = start.elapsed();
    assert_eq!(outcome.verdict, Verdict::Down);
    assert_eq!(failure_kind(&outcome), Some(FailureKind::Timeout));
    assert_eq!(outcome.summary, "no answer within 1s");
    assert!(
        took >= timeout && took < timeout + Duration::from_secs(1),
        "took {took:?}"
    );
}

#[tokio::test]
async fn a_huge_body_is_cut_at_one_mebibyte_without_a_hang() {
    let server = TestServer::start(|_| Reply::Huge(512 * 1024 * 1024));
    let expect = Expect {
        body_contains: Some("needle".into()),
        ..Expect::default()
    };
    let start = Instant::now();
    let outcome = probe_http(server.url("/"), expect, Duration::from_secs(5)).await;
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(outcome.verdict, Verdict::Down);
    assert_eq!(
        outcome.summary,
        "body does not contain `needle` (in the first 1024 KiB)"
    );
    let plain = probe_http(server.url("/"), Expect::default(), Duration::from_secs(5)).await;
    assert_eq!(plain.verdict, Verdict::Up);
    assert!(
        plain.summary.ends_with("body cut at 1024 KiB"),
        "{}",
        plain.summary
    );
}

#[tokio::test]
async fn redirects_are_followed_but_limited() {
    let server = TestServer::start(|path| match path {
        "/old" => Reply::redirect("/new"),
        "/new" => Reply::text(200, "moved here"),
        _ => Reply::redirect("/loop"),
    });
    let moved = probe_http(server.url("/old"), Expect::default(), SHORT).await;
    assert_eq!(moved.verdict, Verdict::Up, "{moved:?}");
    let looping = probe_http(server.url("/loop"), Expect::default(), SHORT).await;
    assert_eq!(looping.verdict, Verdict::Down);
    assert_eq!(failure_kind(&looping), Some(FailureKind::Protocol));
    assert_eq!(looping.summary, "more than 5 redirects");
    assert!(
        server.requests() <= 1 + 6 + 1,
        "{} requests",
        server.requests()
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_once_then_reported() {
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}/");
    let outcome = probe_http(url, Expect::default(), SHORT).await;
    assert_eq!(outcome.verdict, Verdict::Down);
    assert_eq!(outcome.attempts, 2);
    assert_eq!(failure_kind(&outcome), Some(FailureKind::Connect));
    assert_eq!(
        outcome.summary,
        format!("cannot connect to 127.0.0.1:{port}: connection refused (after a retry)")
    );
}

#[tokio::test]
async fn no_retry_when_the_timeout_leaves_no_room() {
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let outcome = probe_http(url, Expect::default(), Duration::from_millis(150)).await;
    assert_eq!(outcome.attempts, 1);
    assert_eq!(failure_kind(&outcome), Some(FailureKind::Connect));
}

#[tokio::test]
async fn a_server_that_recovers_between_attempts_counts_as_up() {
    // Reserve a port, answer on it only after the first attempt failed.
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}/");
    let check = check("web", Probe::Http(url), Expect::default());
    let probe = build(&check, &context()).expect("probe");
    let opener = std::thread::spawn(move || {
        std::thread::sleep(RETRY_BACKOFF / 2);
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).ok()?;
        let (mut stream, _) = listener.accept().ok()?;
        use std::io::{Read, Write};
        let mut head = [0u8; 1024];
        let _ = stream.read(&mut head);
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            .ok()
    });
    let outcome = run_checked(probe.as_ref(), SHORT).await;
    assert_eq!(outcome.verdict, Verdict::Up, "{outcome:?}");
    assert_eq!(outcome.attempts, 2);
    let _ = opener.join();
}

/// A name the resolver refuses locally (a label over 63 characters), so the
/// failure is real but no query leaves the machine.
pub fn unresolvable_host() -> String {
    format!("{}.invalid", "a".repeat(70))
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_a_dns_failure() {
    let url = format!("http://{}/health", unresolvable_host());
    let outcome = probe_http(url, Expect::default(), SHORT).await;
    assert_eq!(outcome.verdict, Verdict::Down);
    assert_eq!(
        failure_kind(&outcome),
        Some(FailureKind::Dns),
        "{outcome:?}"
    );
    assert!(
        outcome.summary.starts_with("cannot resolve aaaa"),
        "{}",
        outcome.summary
    );
}
