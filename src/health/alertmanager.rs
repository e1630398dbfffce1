//! `alertmanager: '{alertname=~"Kube.*", namespace="shop"}'`: down while an
//! alert matching the matchers fires (with its summary), up once none does.

use super::http_client::HttpClient;
use super::outcome::{Failure, FailureKind, Outcome, Verdict};
use super::probe::{Probe, ProbeFuture};
use crate::alertmanager::model::alert;
use crate::playbook::matchers::{Matcher, all_match, parse};
use std::time::Instant;

pub struct AlertmanagerProbe {
    client: HttpClient,
    /// `{alertmanager}/api/v2/alerts?…`, or why there is none.
    url: Result<String, String>,
    matchers: Result<Vec<Matcher>, String>,
    text: String,
}

impl AlertmanagerProbe {
    /// `base` from the check, else `configured` (the config file's, given
    /// by whoever built the probes' context), else the environment.
    pub fn new(
        client: HttpClient,
        base: Option<&str>,
        configured: Option<String>,
        matchers: &str,
    ) -> Self {
        let base = match base {
            Some(base) => Ok(base.to_string()),
            None => crate::alertmanager::client::resolve_url(None, configured),
        };
        AlertmanagerProbe {
            client,
            url: base.map(|b| {
                format!(
                    "{}/api/v2/alerts?active=true&silenced=false&inhibited=false",
                    b.trim_end_matches('/')
                )
            }),
            matchers: parse(matchers),
            text: matchers.to_string(),
        }
    }

    async fn check(&self) -> Outcome {
        let start = Instant::now();
        let setup = |why: &String| {
            let failure = Failure::new(FailureKind::Setup, self.asked(), why.clone());
            Outcome::failed(Verdict::Unknown, start.elapsed(), failure)
        };
        let (url, matchers) = match (&self.url, &self.matchers) {
            (Ok(url), Ok(matchers)) => (url, matchers),
            (Err(why), _) | (_, Err(why)) => return setup(why),
        };
        let fetched = match self.client.get(url).await {
            Ok(fetched) => fetched,
            Err(failure) => return Outcome::down(start.elapsed(), failure),
        };
        let latency = fetched.elapsed;
        let protocol = |message: String| {
            let failure = Failure::new(FailureKind::Protocol, self.asked(), message)
                .answered(fetched.answer());
            Outcome::failed(Verdict::Unknown, latency, failure)
        };
        if fetched.status != 200 {
            return protocol(format!("Alertmanager answered HTTP {}", fetched.status));
        }
        if fetched.truncated {
            return protocol("Alertmanager's answer is larger than 1 MiB".into());
        }
        let list: Vec<serde_json::Value> = match serde_json::from_slice(&fetched.body) {
            Ok(serde_json::Value::Array(list)) => list,
            _ => return protocol("the answer is not a list of alerts".into()),
        };
        let firing: Vec<_> = list
            .iter()
            .filter_map(alert)
            .filter(|a| all_match(matchers, &a.labels))
            .collect();
        match firing.as_slice() {
            [] => Outcome::up(latency, "no alert firing"),
            [first, rest @ ..] => {
                let summary = first
                    .annotations
                    .get("summary")
                    .map(|s| format!(": {s}"))
                    .unwrap_or_default();
                let more = if rest.is_empty() {
                    String::new()
                } else {
                    format!(" (and {} more)", rest.len())
                };
                let message = format!("FIRING {}{summary}{more}", first.alertname);
                Outcome::down(
                    latency,
                    Failure::new(FailureKind::Unexpected, self.asked(), message),
                )
            }
        }
    }
}

impl Probe for AlertmanagerProbe {
    fn asked(&self) -> String {
        format!("alerts {}", self.text)
    }

    fn run(&self) -> ProbeFuture<'_> {
        Box::pin(self.check())
    }
}
