//! What a hostile or broken "Alertmanager" can send: every answer bounded,
//! every string cleaned and capped, every failure a clear error.

mod common;
#[path = "health_support/http_server.rs"]
mod http_server;

use http_server::{Reply, TestServer};
use opsdeck::alerts::client::Client;
use opsdeck::alerts::listing::fetch;
use opsdeck::alerts::matching::runbook_name;
use opsdeck::alerts::model::{MAX_PAIRS, MAX_TEXT, parse_groups};
use std::time::{Duration, Instant};

fn block<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// A server answering `groups` for the alert groups and an empty silence list.
fn serving(groups: &'static str) -> TestServer {
    TestServer::start(move |path| {
        if path.starts_with("/api/v2/silences") {
            Reply::json("[]")
        } else {
            Reply::json(groups)
        }
    })
}

fn base(server: &TestServer) -> String {
    server.url("").trim_end_matches('/').to_string()
}

#[test]
fn malformed_json_is_a_clear_error_naming_the_server() {
    let server = serving("[{\"labels\": {\"alertname\": ");
    let client = Client::new(&base(&server)).unwrap();
    let err = block(fetch(&client)).err().unwrap();
    assert!(err.contains("not the JSON"), "{err}");
    assert!(err.contains("127.0.0.1"), "{err}");

    let out = common::run_opsdeck_env(
        &common::crate_root(),
        ["alerts", "--alertmanager", &base(&server)],
        &[("OPSDECK_CONFIG", "/dev/null")],
    );
    out.assert_exit(1);
    assert!(out.stderr.contains("not the JSON"), "{}", out.stderr);

    let not_a_list = serving("{\"status\": \"error\"}");
    let err = block(fetch(&Client::new(&base(&not_a_list)).unwrap()))
        .err()
        .unwrap();
    assert!(err.contains("not a list"), "{err}");
}

#[test]
fn a_body_over_the_cap_is_refused_without_being_buffered() {
    let server = TestServer::start(|_| Reply::Huge(64 << 20));
    let client = Client::new(&base(&server)).unwrap();
    let err = block(fetch(&client)).err().unwrap();
    assert!(err.contains("larger than 4 MiB"), "{err}");
}

#[test]
fn a_server_that_never_answers_ends_at_the_timeout() {
    let server = TestServer::start(|_| Reply::Hang);
    let client = Client::with_timeout(&base(&server), Duration::from_millis(500)).unwrap();
    let start = Instant::now();
    let err = block(fetch(&client)).err().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(err.contains("no answer within"), "{err}");
}

#[test]
fn a_redirect_is_not_followed_and_an_error_body_is_cleaned() {
    let redirect = TestServer::start(|_| Reply::redirect("http://169.254.169.254/latest"));
    let err = block(fetch(&Client::new(&base(&redirect)).unwrap()))
        .err()
        .unwrap();
    assert!(err.contains("HTTP 302"), "{err}");
    let failing = TestServer::start(|_| Reply::text(500, "boom\x1b[2J\x1b]0;owned\x07"));
    let err = block(fetch(&Client::new(&base(&failing)).unwrap()))
        .err()
        .unwrap();
    assert!(err.contains("HTTP 500: boom"), "{err}");
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
}

#[test]
fn credentials_in_the_url_never_reach_an_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::new(&format!("http://ops:hunter2@127.0.0.1:{port}")).unwrap();
    let err = block(fetch(&client)).err().unwrap();
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains("cannot connect"), "{err}");
}

#[test]
fn strings_are_cleaned_and_capped_and_bad_fingerprints_dropped() {
    let long = "x".repeat(MAX_TEXT * 3);
    let many: serde_json::Map<String, serde_json::Value> = (0..MAX_PAIRS * 2)
        .map(|n| (format!("l{n:03}"), serde_json::Value::from("v")))
        .collect();
    let body = serde_json::json!([
        {"labels": {"alertname": "A"}, "alerts": [
            {"fingerprint": "abc123", "startsAt": "2026-11-22T02:10:00Z",
             "labels": {"alertname": "Evil\x1b]0;pwned\x07Name", "severity": "critical\n\rX", "n": 5},
             "annotations": {"summary": long, "description": "\x1b[31mred\x1b[0m"},
             "status": {"state": "active", "silencedBy": ["../../x"]}},
            {"fingerprint": "../../etc", "labels": {"alertname": "B"}},
            {"fingerprint": "def456", "labels": many}
        ]}
    ]);
    let groups = parse_groups(body.to_string().as_bytes()).unwrap();
    let alerts = &groups[0].alerts;
    assert_eq!(
        alerts.len(),
        2,
        "the alert with a path for a fingerprint is dropped"
    );
    let evil = &alerts[0];
    assert!(!evil.alertname.contains('\x1b') && !evil.alertname.contains('\x07'));
    assert!(!evil.severity.contains('\n') && !evil.severity.contains('\r'));
    assert!(
        !evil.labels.contains_key("n"),
        "non-string values are not labels"
    );
    assert_eq!(evil.annotations["summary"].chars().count(), MAX_TEXT);
    assert!(!evil.annotations["description"].contains('\x1b'));
    assert_eq!(alerts[1].labels.len(), MAX_PAIRS);
}

#[test]
fn runbook_urls_name_a_file_and_never_a_path() {
    let name = |url: &str| runbook_name(url);
    assert_eq!(
        name("https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping")
            .as_deref(),
        Some("kubepodcrashlooping")
    );
    assert_eq!(
        name("https://wiki/x/KubePodCrashLooping.md#fix").as_deref(),
        Some("kubepodcrashlooping")
    );
    assert_eq!(
        name("https://wiki/x/KubePodCrashLooping/").as_deref(),
        Some("kubepodcrashlooping")
    );
    assert_eq!(
        name("https://wiki/%2e%2e%2fetc%2fpasswd").as_deref(),
        Some("%2e%2e%2fetc%2fpasswd")
    );
    assert_eq!(name("not a url"), None);
    assert_eq!(name("https://wiki/"), None);
}
