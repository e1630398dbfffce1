//! The other probes against real things on this machine: a TCP listener,
//! local commands, a Prometheus-style query endpoint and a Statuspage JSON.

#[path = "health_support/mod.rs"]
mod support;

use opsdeck::health::outcome::{FailureKind, Outcome, Verdict};
use opsdeck::health::probe::{ProbeContext, build, run_checked};
use opsdeck::playbook::model::{Check, Expect, Probe};
use std::time::{Duration, Instant};
use support::http_server::{Reply, TestServer};
use support::{SHORT, check, closed_port, context, context_with};

async fn run(check: &Check, context: &ProbeContext, timeout: Duration) -> Outcome {
    let probe = build(check, context).expect("probe");
    run_checked(probe.as_ref(), timeout).await
}

async fn run_command(script: &str, expect: Expect, timeout: Duration) -> Outcome {
    run(
        &check("cmd", Probe::Command(script.into()), expect),
        &context(),
        timeout,
    )
    .await
}

fn kind(outcome: &Outcome) -> Option<FailureKind> {
    outcome.failure.as_ref().map(|f| f.kind)
}

#[tokio::test]
async fn tcp_is_up_when_something_listens_and_down_when_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let open = format!("127.0.0.1:{}", listener.local_addr().unwrap().port());
    let up = run(
        &check("db", Probe::Tcp(open), Expect::default()),
        &context(),
        SHORT,
    )
    .await;
    assert_eq!(up.verdict, Verdict::Up, "{up:?}");
    assert!(up.summary.starts_with("connected in "), "{}", up.summary);

    let closed = format!("127.0.0.1:{}", closed_port());
    let down = run(
        &check("db", Probe::Tcp(closed.clone()), Expect::default()),
        &context(),
        SHORT,
    )
    .await;
    assert_eq!(down.verdict, Verdict::Down);
    assert_eq!(kind(&down), Some(FailureKind::Connect));
    assert_eq!(down.attempts, 2);
    assert_eq!(down.failure.unwrap().asked, format!("connect {closed}"));
}

#[tokio::test]
async fn tcp_to_a_name_that_does_not_resolve_is_a_dns_failure() {
    let target = format!("{}.invalid:5432", "b".repeat(70));
    let outcome = run(
        &check("db", Probe::Tcp(target), Expect::default()),
        &context(),
        SHORT,
    )
    .await;
    assert_eq!(kind(&outcome), Some(FailureKind::Dns), "{outcome:?}");
}

#[tokio::test]
async fn a_command_is_judged_by_exit_code_and_output() {
    let ok = run_command("echo 42%", Expect::default(), SHORT).await;
    assert_eq!((ok.verdict, ok.summary.as_str()), (Verdict::Up, "42%"));

    let failed = run_command("echo 97%; exit 1", Expect::default(), SHORT).await;
    assert_eq!(failed.verdict, Verdict::Down);
    assert_eq!(failed.summary, "exit 1, expected exit 0: 97%");
    assert_eq!(failed.failure.unwrap().answered.as_deref(), Some("97%"));

    let expect = Expect {
        exit_code: Some(3),
        output_contains: Some("ready".into()),
        ..Expect::default()
    };
    let matched = run_command("echo ready >&2; exit 3", expect.clone(), SHORT).await;
    assert_eq!(matched.verdict, Verdict::Up, "{matched:?}");
    let missing = run_command("echo starting; exit 3", expect, SHORT).await;
    assert_eq!(missing.summary, "output does not contain `ready`");
}

#[tokio::test]
async fn a_hanging_command_is_killed_with_what_it_started() {
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("survived");
    // A background grandchild holding stdout open would hang a naive reader.
    let script = format!("(sleep 2; touch '{}') & sleep 30", marker.display());
    let start = Instant::now();
    let outcome = run_command(&script, Expect::default(), Duration::from_millis(500)).await;
    assert!(
        start.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(kind(&outcome), Some(FailureKind::Timeout));
    std::thread::sleep(Duration::from_millis(2500));
    assert!(!marker.exists(), "the grandchild outlived the timeout");
}

#[tokio::test]
async fn huge_command_output_is_bounded() {
    let outcome = run_command(
        "head -c 50000000 /dev/zero | tr '\\0' x",
        Expect::default(),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(outcome.verdict, Verdict::Up);
    assert!(outcome.summary.chars().count() <= 81);
    // What is kept is capped: a word in the first 64 KiB is seen, the same
    // word after 50 MB is not (the rest was read and dropped, not held).
    let expect = |needle: &str| Expect {
        output_contains: Some(needle.to_string()),
        ..Expect::default()
    };
    let early = run_command(
        "echo EARLY; head -c 50000000 /dev/zero | tr '\\0' x; echo LATE",
        expect("EARLY"),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(early.verdict, Verdict::Up, "{early:?}");
    let late = run_command(
        "echo EARLY; head -c 50000000 /dev/zero | tr '\\0' x; echo LATE",
        expect("LATE"),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(late.verdict, Verdict::Down, "{late:?}");
}

#[tokio::test]
async fn a_command_for_a_remote_host_is_unknown_until_ssh_lands() {
    let mut remote = check("disk", Probe::Command("df /".into()), Expect::default());
    remote.host = Some("db".into());
    let outcome = run(&remote, &context(), SHORT).await;
    assert_eq!(outcome.verdict, Verdict::Unknown);
    assert_eq!(kind(&outcome), Some(FailureKind::Setup));
}

fn prometheus_answer(query: &str) -> Reply {
    let vector = |values: &[(&str, &str)]| {
        let series: Vec<String> = values
            .iter()
            .map(|(instance, v)| {
                format!(r#"{{"metric":{{"instance":"{instance}"}},"value":[1700000000.0,"{v}"]}}"#)
            })
            .collect();
        Reply::json(&format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{}]}}}}"#,
            series.join(",")
        ))
    };
    match query {
        "errors" => vector(&[("web1", "0.5"), ("web2", "12")]),
        "healthy" => vector(&[("web1", "0.5"), ("web2", "1.5")]),
        "empty" => vector(&[]),
        "nan" => vector(&[("web1", "NaN")]),
        "scalar" => Reply::json(
            r#"{"status":"success","data":{"resultType":"scalar","result":[1700000000.0,"3"]}}"#,
        ),
        _ => Reply::Full(
            400,
            Vec::new(),
            br#"{"status":"error","errorType":"bad_data","error":"parse error at char 1"}"#
                .to_vec(),
        ),
    }
}

fn prometheus_server() -> TestServer {
    TestServer::start(|path| {
        let query = path
            .strip_prefix("/api/v1/query?query=")
            .unwrap_or("not the query endpoint");
        prometheus_answer(query)
    })
}

async fn query(server: &TestServer, q: &str, expect: Expect) -> Outcome {
    let context = context_with(Default::default(), Some(server.url("/")));
    run(
        &check("errors", Probe::Prometheus(q.into()), expect),
        &context,
        SHORT,
    )
    .await
}

fn below(limit: f64) -> Expect {
    Expect {
        below: Some(limit),
        ..Expect::default()
    }
}

#[tokio::test]
async fn a_prometheus_query_is_compared_with_its_threshold() {
    let server = prometheus_server();
    let healthy = query(&server, "healthy", below(5.0)).await;
    assert_eq!(healthy.verdict, Verdict::Up, "{healthy:?}");
    assert!(
        healthy.summary.starts_with("2 series within limits"),
        "{}",
        healthy.summary
    );

    let breached = query(&server, "errors", below(5.0)).await;
    assert_eq!(breached.verdict, Verdict::Down);
    assert_eq!(
        breached.summary,
        r#"value 12 for {instance="web2"}, expected below 5"#
    );

    let above = Expect {
        above: Some(5.0),
        ..Expect::default()
    };
    let scalar = query(&server, "scalar", above).await;
    assert_eq!(scalar.summary, "value 3, expected above 5");
    let nan = query(&server, "nan", below(5.0)).await;
    assert_eq!(
        nan.verdict,
        Verdict::Down,
        "NaN never satisfies a threshold"
    );
}

#[tokio::test]
async fn prometheus_without_data_or_with_an_error_says_so() {
    let server = prometheus_server();
    let empty = query(&server, "empty", below(5.0)).await;
    assert_eq!(empty.verdict, Verdict::Unknown);
    assert_eq!(empty.summary, "the query returned no series");

    let bad = query(&server, "bad(", below(5.0)).await;
    assert_eq!(bad.verdict, Verdict::Down);
    assert_eq!(kind(&bad), Some(FailureKind::Protocol));
    assert_eq!(
        bad.summary,
        "Prometheus answered HTTP 400: query failed: parse error at char 1"
    );

    let nowhere = run(
        &check("q", Probe::Prometheus("up".into()), below(1.0)),
        &context(),
        SHORT,
    )
    .await;
    assert_eq!(nowhere.verdict, Verdict::Unknown);
    assert_eq!(
        nowhere.summary,
        "no `prometheus:` URL in the playbook to query"
    );
}

fn statuspage_server() -> TestServer {
    TestServer::start(|path| {
        let (indicator, description) = match path {
            "/ok/api/v2/status.json" => ("none", "All Systems Operational"),
            "/minor/api/v2/status.json" => ("minor", "Partially Degraded Service"),
            "/major/api/v2/status.json" => ("major", "Partial System Outage"),
            _ => return Reply::text(404, "<html>not found</html>"),
        };
        Reply::json(&format!(
            r#"{{"page":{{"name":"Hosting"}},"status":{{"indicator":"{indicator}","description":"{description}"}}}}"#
        ))
    })
}

#[tokio::test]
async fn a_statuspage_indicator_maps_to_up_degraded_down() {
    let server = statuspage_server();
    for (page, verdict, summary) in [
        ("/ok", Verdict::Up, "provider: All Systems Operational"),
        (
            "/minor/",
            Verdict::Degraded,
            "provider reports minor: Partially Degraded Service",
        ),
        (
            "/major",
            Verdict::Down,
            "provider reports major: Partial System Outage",
        ),
        (
            "/missing",
            Verdict::Down,
            "no Statuspage JSON here (HTTP 404)",
        ),
    ] {
        let status = check(
            "provider",
            Probe::Statuspage(server.url(page)),
            Expect::default(),
        );
        let outcome = run(&status, &context(), SHORT).await;
        assert_eq!(
            (outcome.verdict, outcome.summary.as_str()),
            (verdict, summary),
            "{page}"
        );
    }
}

#[tokio::test]
async fn what_a_hostile_server_says_is_capped_where_it_enters() {
    let huge = "all systems operational ".repeat(12_500); // 300 KB
    let error = "é".repeat(200_000); // multi-byte, so a cut can fall inside a character
    let server = TestServer::start(move |path| match path {
        "/page/api/v2/status.json" => Reply::json(&format!(
            r#"{{"status":{{"indicator":"major","description":"{huge}"}}}}"#
        )),
        _ => Reply::text(
            400,
            &format!(r#"{{"status":"error","errorType":"bad_data","error":"{error}"}}"#),
        ),
    });
    let page = check(
        "provider",
        Probe::Statuspage(server.url("/page")),
        Expect::default(),
    );
    let said = run(&page, &context(), SHORT).await;
    let failure = said.failure.clone().expect("a major outage is a failure");
    for text in [&said.summary, &failure.message] {
        assert!(
            text.starts_with("provider reports major: all systems"),
            "{text}"
        );
        assert!(
            text.len() <= 512 && text.ends_with('…'),
            "{} bytes",
            text.len()
        );
    }
    let query_error = query(&server, "anything", below(1.0)).await;
    assert!(
        query_error
            .summary
            .starts_with("Prometheus answered HTTP 400: query failed: éé"),
        "{}",
        &query_error.summary[..80]
    );
    assert!(
        query_error.summary.len() <= 512,
        "{}",
        query_error.summary.len()
    );
    let answered = query_error.failure.unwrap().answered.unwrap_or_default();
    assert!(answered.len() <= 512, "{}", answered.len());
}
