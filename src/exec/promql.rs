//! `promql` blocks of a runbook run as queries against Prometheus: the
//! answer is printed as a table of series and values, like a command's output.

use super::{Chunk, Finished, Runner, Stream};
use crate::health::http_client::HttpClient;
use crate::health::prometheus::{Sample, parse_answer, query_url};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// Where the Prometheus URL comes from when the playbook has none.
pub const URL_ENV: &str = "OPSDECK_PROMETHEUS_URL";

pub struct PromqlRunner {
    /// Err: why no HTTP client could be set up, said when a query runs.
    pub client: Result<HttpClient, String>,
    /// The playbook's `prometheus:`, else `OPSDECK_PROMETHEUS_URL`.
    pub base: Option<String>,
}

impl PromqlRunner {
    pub fn for_playbook(playbook: &crate::playbook::Playbook) -> PromqlRunner {
        PromqlRunner {
            client: HttpClient::new(&crate::health::http_client::HttpOptions::default()),
            base: prometheus_url(playbook.prometheus.as_deref()),
        }
    }
}

/// The Prometheus to query for a playbook.
pub fn prometheus_url(playbook_url: Option<&str>) -> Option<String> {
    playbook_url
        .map(str::to_string)
        .or_else(|| std::env::var(URL_ENV).ok().filter(|u| !u.is_empty()))
}

impl Runner for PromqlRunner {
    async fn run(
        &self,
        script: &str,
        timeout: Duration,
        lines: mpsc::Sender<Chunk>,
        mut cancel: watch::Receiver<bool>,
    ) -> std::io::Result<Finished> {
        let started = Instant::now();
        let finish = |code: i32, timed_out: bool, cancelled: bool| Finished {
            exit_code: (!timed_out && !cancelled).then_some(code),
            signal: None,
            duration: started.elapsed(),
            timed_out,
            cancelled,
        };
        let say = |stream, text: String| {
            let lines = lines.clone();
            async move {
                let _ = lines.send(Chunk { stream, text }).await;
            }
        };
        let Some(base) = &self.base else {
            say(Stream::Stderr, format!("no Prometheus to query: add `prometheus: URL` to the playbook's front matter or set {URL_ENV}")).await;
            return Ok(finish(2, false, false));
        };
        let query = script.trim();
        let url = match query_url(base, query) {
            Ok(url) => url,
            Err(why) => {
                say(Stream::Stderr, why).await;
                return Ok(finish(2, false, false));
            }
        };
        let client = match &self.client {
            Ok(client) => client,
            Err(why) => {
                say(Stream::Stderr, why.clone()).await;
                return Ok(finish(2, false, false));
            }
        };
        let fetched = tokio::select! {
            fetched = client.get(&url) => fetched,
            _ = tokio::time::sleep(timeout) => return Ok(finish(1, true, false)),
            _ = cancel.wait_for(|c| *c) => return Ok(finish(1, false, true)),
        };
        let fetched = match fetched {
            Ok(fetched) => fetched,
            Err(failure) => {
                say(Stream::Stderr, failure.message).await;
                return Ok(finish(1, false, false));
            }
        };
        match parse_answer(&fetched.body) {
            Ok(samples) if fetched.status == 200 => {
                for row in table(&samples) {
                    say(Stream::Stdout, row).await;
                }
                Ok(finish(0, false, false))
            }
            Ok(_) => {
                say(
                    Stream::Stderr,
                    format!("Prometheus answered {}", fetched.answer()),
                )
                .await;
                Ok(finish(1, false, false))
            }
            Err(why) => {
                say(Stream::Stderr, format!("{why} ({})", fetched.answer())).await;
                Ok(finish(1, false, false))
            }
        }
    }
}

/// `VALUE  SERIES` rows, values right-aligned, series in answer order.
pub fn table(samples: &[Sample]) -> Vec<String> {
    if samples.is_empty() {
        return vec!["(no series: the query matched nothing)".into()];
    }
    let values: Vec<String> = samples.iter().map(|s| format_value(s.value)).collect();
    let width = values.iter().map(String::len).max().unwrap_or(5).max(5);
    let mut rows = vec![format!("{:>width$}  SERIES", "VALUE")];
    for (sample, value) in samples.iter().zip(values) {
        let series = if sample.labels.is_empty() {
            "(scalar)"
        } else {
            &sample.labels
        };
        rows.push(format!("{value:>width$}  {series}"));
    }
    rows
}

fn format_value(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_become_an_aligned_table() {
        let samples = vec![
            Sample {
                labels: "{job=\"api\"}".into(),
                value: 3.0,
            },
            Sample {
                labels: "{job=\"web\"}".into(),
                value: 0.25,
            },
        ];
        assert_eq!(
            table(&samples),
            vec![
                " VALUE  SERIES",
                "     3  {job=\"api\"}",
                "0.2500  {job=\"web\"}"
            ]
        );
        assert_eq!(table(&[]), vec!["(no series: the query matched nothing)"]);
    }
}
