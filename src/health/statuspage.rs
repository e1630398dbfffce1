//! `statuspage: URL`: a provider's Statuspage indicator as a check
//! (`/api/v2/status.json`: none, minor, major, critical, maintenance).

use super::http_client::HttpClient;
use super::outcome::{Failure, FailureKind, Outcome, Verdict};
use super::probe::{Probe, ProbeFuture};
use serde_json::Value;
use std::time::Instant;

pub struct StatuspageProbe {
    client: HttpClient,
    url: String,
}

impl StatuspageProbe {
    /// `url` is the status page itself or its `status.json`.
    pub fn new(client: HttpClient, url: &str) -> StatuspageProbe {
        let url = if url.ends_with(".json") {
            url.to_string()
        } else {
            format!("{}/api/v2/status.json", url.trim_end_matches('/'))
        };
        StatuspageProbe { client, url }
    }

    async fn fetch(&self) -> Outcome {
        let start = Instant::now();
        let fetched = match self.client.get(&self.url).await {
            Ok(fetched) => fetched,
            Err(failure) => return Outcome::down(start.elapsed(), failure),
        };
        let latency = fetched.elapsed;
        let failure = |kind, message: String| {
            Failure::new(kind, self.asked(), message).answered(fetched.answer())
        };
        let parsed = (fetched.status == 200)
            .then(|| serde_json::from_slice::<Value>(&fetched.body).ok())
            .flatten();
        let Some(answer) = parsed else {
            let message = format!("no Statuspage JSON here (HTTP {})", fetched.status);
            return Outcome::down(latency, failure(FailureKind::Protocol, message));
        };
        let status = &answer["status"];
        let indicator = status["indicator"].as_str().unwrap_or("");
        let description = status["description"]
            .as_str()
            .unwrap_or(indicator)
            .to_string();
        match indicator_verdict(indicator) {
            Verdict::Up => Outcome::up(latency, format!("provider: {description}")),
            verdict => {
                let message = format!("provider reports {indicator}: {description}");
                let kind = if verdict == Verdict::Unknown {
                    FailureKind::Protocol
                } else {
                    FailureKind::Unexpected
                };
                Outcome::failed(verdict, latency, failure(kind, message))
            }
        }
    }
}

/// Statuspage's indicator scale mapped to ours.
pub fn indicator_verdict(indicator: &str) -> Verdict {
    match indicator {
        "none" => Verdict::Up,
        "minor" | "maintenance" => Verdict::Degraded,
        "major" | "critical" => Verdict::Down,
        _ => Verdict::Unknown,
    }
}

impl Probe for StatuspageProbe {
    fn asked(&self) -> String {
        format!("GET {}", self.url)
    }

    fn run(&self) -> ProbeFuture<'_> {
        Box::pin(self.fetch())
    }
}
