//! HTTPS probes against a real TLS server on 127.0.0.1 with certificates
//! made in the test: untrusted, trusted, and about to expire.

#[path = "health_support/mod.rs"]
mod support;

use opsdeck::health::http_client::HttpOptions;
use opsdeck::health::outcome::{FailureKind, Outcome, Verdict};
use opsdeck::health::probe::{ProbeContext, build, run_checked};
use opsdeck::playbook::model::{Expect, Probe};
use support::certs::{leaf_expiring_in, self_signed};
use support::http_server::{Reply, TestServer};
use support::{SHORT, check, context, context_with};

async fn probe(url: String, expect: Expect, context: &ProbeContext) -> Outcome {
    let probe = build(&check("tls", Probe::Http(url), expect), context).expect("probe");
    run_checked(probe.as_ref(), SHORT).await
}

fn trusting(ca: &[u8]) -> ProbeContext {
    context_with(
        HttpOptions {
            extra_roots: vec![ca.to_vec()],
        },
        None,
    )
}

fn cert_days(days: u32) -> Expect {
    Expect {
        cert_days: Some(days),
        ..Expect::default()
    }
}

#[tokio::test]
async fn a_self_signed_certificate_is_a_tls_failure() {
    let certs = self_signed();
    let server = TestServer::start_tls(|_| Reply::text(200, "ok"), certs.chain, certs.key);
    let outcome = probe(server.https_url("/health"), Expect::default(), &context()).await;
    assert_eq!(outcome.verdict, Verdict::Down);
    let failure = outcome.failure.expect("failure");
    assert_eq!(failure.kind, FailureKind::Tls, "{failure:?}");
    assert!(
        failure
            .message
            .starts_with("TLS with localhost failed: invalid peer certificate"),
        "{}",
        failure.message
    );
    assert_eq!(outcome.attempts, 1, "a bad certificate is not retried");
}

#[tokio::test]
async fn a_trusted_certificate_is_up_and_its_expiry_is_checked() {
    let certs = leaf_expiring_in(90);
    let server = TestServer::start_tls(|_| Reply::text(200, "ok"), certs.chain, certs.key);
    let context = trusting(&certs.ca);
    let outcome = probe(server.https_url("/"), cert_days(14), &context).await;
    assert_eq!(outcome.verdict, Verdict::Up, "{outcome:?}");
}

#[tokio::test]
async fn a_certificate_expiring_soon_is_degraded() {
    let certs = leaf_expiring_in(5);
    let server = TestServer::start_tls(|_| Reply::text(200, "ok"), certs.chain, certs.key);
    let context = trusting(&certs.ca);
    let outcome = probe(server.https_url("/"), cert_days(14), &context).await;
    assert_eq!(outcome.verdict, Verdict::Degraded);
    assert_eq!(
        outcome.summary,
        "TLS certificate expires in 5 days (expected at least 14)"
    );
}

#[tokio::test]
async fn cert_days_on_plain_http_says_there_is_no_certificate() {
    let server = TestServer::start(|_| Reply::text(200, "ok"));
    let outcome = probe(server.url("/"), cert_days(14), &context()).await;
    assert_eq!(outcome.verdict, Verdict::Degraded);
    assert_eq!(
        outcome.summary,
        "no TLS certificate to check `cert_days` against"
    );
}

#[tokio::test]
async fn plain_http_spoken_to_a_tls_port_fails_without_hanging() {
    let certs = self_signed();
    let server = TestServer::start_tls(|_| Reply::text(200, "ok"), certs.chain, certs.key);
    let outcome = probe(server.url("/"), Expect::default(), &context()).await;
    assert_eq!(outcome.verdict, Verdict::Down, "{outcome:?}");
}
