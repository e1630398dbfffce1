//! `opsdeck health` as a responder or a deploy script runs it: the real
//! binary against real servers on 127.0.0.1.

mod common;
#[path = "health_support/mod.rs"]
mod support;

use common::run_opsdeck_in;
use std::time::{Duration, Instant};
use support::closed_port;
use support::http_server::{Reply, TestServer};

fn playbook(dir: &std::path::Path, checks: &str) -> std::path::PathBuf {
    let path = dir.join("svc.md");
    std::fs::write(
        &path,
        format!("---\ntitle: Service\nchecks:\n{checks}---\n# Service\n\n## Look\nText.\n"),
    )
    .unwrap();
    path
}

#[test]
fn a_healthy_and_an_unhealthy_server_are_both_reported_and_exit_2() {
    let healthy = TestServer::start(|_| Reply::text(200, "ok"));
    let failing = TestServer::start(|_| Reply::text(500, "boom"));
    let dir = tempfile::tempdir().unwrap();
    let checks = format!(
        "  - {{id: home, http: \"{}\"}}\n  - {{id: api, http: \"{}\"}}\n",
        healthy.url("/health"),
        failing.url("/health")
    );
    let path = playbook(dir.path(), &checks);
    let out = run_opsdeck_in(dir.path(), ["health", path.to_str().unwrap(), "--once"]);
    out.assert_exit(2);
    let home = out
        .stdout
        .lines()
        .find(|l| l.contains("home"))
        .unwrap_or_default();
    let api = out
        .stdout
        .lines()
        .find(|l| l.contains(" api "))
        .unwrap_or_default();
    assert!(home.starts_with("up"), "{}", out.stdout);
    assert!(
        api.starts_with("down") && api.contains("500"),
        "{}",
        out.stdout
    );

    let json = run_opsdeck_in(
        dir.path(),
        [
            "health",
            path.to_str().unwrap(),
            "--once",
            "--format",
            "json",
        ],
    );
    json.assert_exit(2);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON output");
    assert!(json.stdout.contains("\"down\""), "{value}");
}

#[test]
fn all_up_exits_0_and_a_playbook_error_exits_1() {
    let healthy = TestServer::start(|_| Reply::text(200, "ok"));
    let dir = tempfile::tempdir().unwrap();
    let path = playbook(
        dir.path(),
        &format!("  - {{id: home, http: \"{}\"}}\n", healthy.url("/")),
    );
    run_opsdeck_in(dir.path(), ["health", path.to_str().unwrap(), "--once"]).assert_exit(0);
    let broken = playbook(dir.path(), "  - {id: home, htp: \"https://x\"}\n");
    let out = run_opsdeck_in(dir.path(), ["health", broken.to_str().unwrap(), "--once"]);
    out.assert_exit(1);
    assert!(
        out.stderr.contains("unknown key `htp`") || out.stdout.contains("unknown key `htp`"),
        "{out:?}"
    );
}

#[test]
fn a_hanging_endpoint_is_down_within_its_timeout_plus_a_second() {
    let hanging = TestServer::start(|_| Reply::Hang);
    let dir = tempfile::tempdir().unwrap();
    let checks = format!(
        "  - {{id: stuck, http: \"{}\", timeout: 1s}}\n  - {{id: refused, tcp: \"127.0.0.1:{}\", timeout: 1s}}\n",
        hanging.url("/"),
        closed_port()
    );
    let path = playbook(dir.path(), &checks);
    let started = Instant::now();
    let out = run_opsdeck_in(dir.path(), ["health", path.to_str().unwrap(), "--once"]);
    let took = started.elapsed();
    out.assert_exit(2);
    assert!(
        took < Duration::from_secs(2) + Duration::from_millis(900),
        "took {took:?}"
    );
    let stuck = out
        .stdout
        .lines()
        .find(|l| l.contains("stuck"))
        .unwrap_or_default();
    assert!(stuck.starts_with("down"), "{}", out.stdout);
}
