//! `promql` blocks: parsed as runnable queries, answered by a
//! Prometheus-shaped server on 127.0.0.1, printed as a table.

#[path = "health_support/mod.rs"]
mod support;

use opsdeck::exec::promql::PromqlRunner;
use opsdeck::exec::{Chunk, Runner, Stream};
use std::time::Duration;
use support::http_server::{Reply, TestServer};
use tokio::sync::{mpsc, watch};

const ANSWER: &str = r#"{"status":"success","data":{"resultType":"vector","result":[
  {"metric":{"job":"api"},"value":[1700000000,"2"]},
  {"metric":{"job":"node"},"value":[1700000000,"1"]}]}}"#;

fn run(base: Option<String>, query: &str) -> (Vec<Chunk>, Option<i32>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let runner = PromqlRunner {
            client: Ok(support::context().http),
            base,
        };
        let (tx, mut rx) = mpsc::channel(64);
        let (_cancel_tx, cancel_rx) = watch::channel(false);
        let finished = runner
            .run(query, Duration::from_secs(5), tx, cancel_rx)
            .await
            .unwrap();
        let mut lines = Vec::new();
        while let Ok(line) = rx.try_recv() {
            lines.push(line);
        }
        (lines, finished.exit_code)
    })
}

#[test]
fn a_promql_fence_is_a_runnable_query() {
    let playbook = opsdeck::playbook::load(std::path::Path::new(
        "tests/fixtures/runbooks/prometheus-target-down.md",
    ));
    assert!(!playbook.has_errors(), "{:#?}", playbook.diagnostics);
    let playbook = playbook.playbook.unwrap();
    let query = playbook.commands().next().unwrap();
    assert_eq!(query.lang, "promql");
    assert_eq!(query.run, "count by (job) (up == 0)");
}

#[test]
fn the_answer_is_printed_as_a_table_of_series_and_values() {
    let server = TestServer::start(|path| {
        assert!(path.starts_with("/api/v1/query?query=count+by"), "{path}");
        Reply::json(ANSWER)
    });
    let (lines, code) = run(Some(server.url("")), "count by (job) (up == 0)");
    assert_eq!(code, Some(0));
    let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        text,
        vec![
            "VALUE  SERIES",
            "    2  {job=\"api\"}",
            "    1  {job=\"node\"}"
        ]
    );
}

#[test]
fn errors_and_a_missing_url_are_explained_not_hidden() {
    let (lines, code) = run(None, "up");
    assert_eq!(code, Some(2));
    assert!(
        lines[0].stream == Stream::Stderr && lines[0].text.contains("OPSDECK_PROMETHEUS_URL"),
        "{lines:?}"
    );
    let server =
        TestServer::start(|_| Reply::json(r#"{"status":"error","error":"parse error at char 3"}"#));
    let (lines, code) = run(Some(server.url("")), "up ==");
    assert_eq!(code, Some(1));
    assert!(
        lines
            .iter()
            .any(|l| l.text.contains("parse error at char 3")),
        "{lines:?}"
    );
}

#[path = "common/mod.rs"]
mod common;

#[test]
fn opsdeck_exec_runs_a_promql_block_and_records_it() {
    let server = TestServer::start(|_| Reply::json(ANSWER));
    let dir = tempfile::tempdir().unwrap();
    let runbook = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/runbooks/prometheus-target-down.md");
    let data = dir.path().join("data").display().to_string();
    let url = server.url("");
    let id = {
        let playbook = opsdeck::playbook::load(&runbook).playbook.unwrap();
        playbook.commands().next().unwrap().id.clone()
    };
    let out = common::run_opsdeck_env(
        dir.path(),
        ["exec", runbook.to_str().unwrap(), &id],
        &[
            ("OPSDECK_DATA_DIR", &data),
            ("OPSDECK_PROMETHEUS_URL", &url),
        ],
    );
    out.assert_exit(0);
    assert!(out.stdout.contains("{job=\"api\"}"), "{}", out.stdout);
    let events = common::only_incident_events(&dir.path().join("data"));
    assert!(events.contains("\"kind\":\"command_finished\""), "{events}");
    assert!(
        events.contains("count by (job)"),
        "the query is recorded: {events}"
    );
}
