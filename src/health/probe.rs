//! The `Probe` trait, the one way every probe is run (deadline and one
//! retry), and building a probe from a playbook check.

use super::command::CommandProbe;
use super::http::HttpProbe;
use super::http_client::HttpClient;
use super::outcome::{Failure, FailureKind, Outcome, Verdict};
use super::prometheus::PrometheusProbe;
use super::statuspage::StatuspageProbe;
use super::tcp::TcpProbe;
use crate::playbook::model::{self, Check};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub type ProbeFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;

/// One kind of probe. `run` may take as long as it likes: `run_checked`
/// drops it at the deadline, so implementations must be cancel-safe.
pub trait Probe: Send + Sync {
    /// What is asked, for error context: `GET https://…`, `connect host:port`.
    fn asked(&self) -> String;
    fn run(&self) -> ProbeFuture<'_>;
}

/// Pause before the one retry of a connection-level failure.
pub const RETRY_BACKOFF: Duration = Duration::from_millis(200);

/// Runs a probe within `timeout`, retrying once after a short pause when it
/// failed before getting any answer (and time remains). Never hangs.
pub async fn run_checked(probe: &dyn Probe, timeout: Duration) -> Outcome {
    let start = Instant::now();
    let deadline = start + timeout;
    let first = attempt(probe, timeout).await;
    let retry = first
        .failure
        .as_ref()
        .is_some_and(|f| f.kind.is_connection_level());
    let remaining = deadline.saturating_duration_since(Instant::now());
    if !retry || remaining <= RETRY_BACKOFF {
        return first;
    }
    tokio::time::sleep(RETRY_BACKOFF).await;
    let mut second = attempt(probe, remaining - RETRY_BACKOFF).await;
    second.attempts = 2;
    if second.verdict != Verdict::Up
        && let Some(failure) = &mut second.failure
    {
        failure.message = format!("{} (after a retry)", failure.message);
        second.summary = failure.message.clone();
    }
    second
}

async fn attempt(probe: &dyn Probe, limit: Duration) -> Outcome {
    match tokio::time::timeout(limit, probe.run()).await {
        Ok(outcome) => outcome,
        Err(_) => Outcome::down(
            limit,
            Failure::new(
                FailureKind::Timeout,
                probe.asked(),
                format!("no answer within {}", humantime::format_duration(limit)),
            ),
        ),
    }
}

/// What probes share: one HTTP client (connection pool, TLS roots) and the
/// playbook's Prometheus URL.
#[derive(Clone)]
pub struct ProbeContext {
    pub http: HttpClient,
    pub prometheus: Option<String>,
    /// Host groups and the SSH pool, for `command` checks with a `host`.
    pub remote: Option<std::sync::Arc<dyn super::remote::RemoteHosts>>,
    /// The config file's `alertmanager:`, for `alertmanager` checks that name none.
    pub alertmanager: Option<String>,
}

/// The probe for one check, or why the check cannot be probed as written.
pub fn build(check: &Check, context: &ProbeContext) -> Result<Arc<dyn Probe>, String> {
    let expect = check.expect.clone();
    Ok(match &check.probe {
        model::Probe::Http(url) => Arc::new(HttpProbe::new(context.http.clone(), url, expect)?),
        model::Probe::Tcp(address) => Arc::new(TcpProbe::new(address, expect)),
        model::Probe::Command(script) => {
            let probe = CommandProbe::new(script, check.host.as_deref(), expect);
            match (check.host.as_deref(), &context.remote) {
                (Some(host), Some(remote)) if host != crate::playbook::model::LOCAL => {
                    let timeout = check.timeout.unwrap_or(super::pacing::DEFAULT_TIMEOUT);
                    Arc::new(probe.with_remote(remote.hosts(host), timeout))
                }
                _ => Arc::new(probe),
            }
        }
        model::Probe::Prometheus(query) => Arc::new(PrometheusProbe::new(
            context.http.clone(),
            context.prometheus.as_deref(),
            query,
            expect,
        )),
        model::Probe::Statuspage(url) => Arc::new(StatuspageProbe::new(context.http.clone(), url)),
        model::Probe::Alertmanager { matchers, url } => {
            Arc::new(super::alertmanager::AlertmanagerProbe::new(
                context.http.clone(),
                url.as_deref(),
                context.alertmanager.clone(),
                matchers,
            ))
        }
    })
}

/// The probes' shared context for a playbook.
pub fn context_for(
    playbook: &crate::playbook::Playbook,
    options: crate::health::http_client::HttpOptions,
) -> Result<ProbeContext, String> {
    Ok(ProbeContext {
        http: crate::health::http_client::HttpClient::new(&options)?,
        prometheus: playbook.prometheus.clone(),
        remote: None,
        alertmanager: None,
    })
}
