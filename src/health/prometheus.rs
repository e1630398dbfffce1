//! `prometheus: QUERY`: an instant query against the playbook's Prometheus,
//! every returned value compared with `expect.below` / `expect.above`.

use super::http_client::HttpClient;
use super::outcome::{Failure, FailureKind, Outcome, Verdict, format_latency};
use super::probe::{Probe, ProbeFuture};
use crate::playbook::model::Expect;
use serde_json::Value;
use std::time::Instant;

pub struct PrometheusProbe {
    client: HttpClient,
    /// `{prometheus}/api/v1/query?query=…`, or why there is none.
    url: Result<String, String>,
    query: String,
    expect: Expect,
}

/// One series of the answer: its labels as PromQL writes them, and its value.
#[derive(Debug, PartialEq)]
pub struct Sample {
    pub labels: String,
    pub value: f64,
}

impl PrometheusProbe {
    pub fn new(client: HttpClient, base: Option<&str>, query: &str, expect: Expect) -> Self {
        let url = match base {
            None => Err("no `prometheus:` URL in the playbook to query".to_string()),
            Some(base) => query_url(base, query),
        };
        PrometheusProbe {
            client,
            url,
            query: query.to_string(),
            expect,
        }
    }

    async fn query(&self) -> Outcome {
        let start = Instant::now();
        let url = match &self.url {
            Ok(url) => url,
            Err(why) => {
                let failure = Failure::new(FailureKind::Setup, self.asked(), why.clone());
                return Outcome::failed(Verdict::Unknown, start.elapsed(), failure);
            }
        };
        let fetched = match self.client.get(url).await {
            Ok(fetched) => fetched,
            Err(failure) => return Outcome::down(start.elapsed(), failure),
        };
        let latency = fetched.elapsed;
        let failure = |kind, message: String| {
            Failure::new(kind, self.asked(), message).answered(fetched.answer())
        };
        let samples = match parse_answer(&fetched.body) {
            Ok(samples) if fetched.status == 200 => samples,
            Ok(_) => {
                let message = format!("Prometheus answered HTTP {}", fetched.status);
                return Outcome::down(latency, failure(FailureKind::Protocol, message));
            }
            Err(why) => {
                let message = format!("Prometheus answered HTTP {}: {why}", fetched.status);
                return Outcome::down(latency, failure(FailureKind::Protocol, message));
            }
        };
        if samples.is_empty() {
            // An empty result often means "nothing to report" (no errors at
            // all), so it is neither up nor down.
            let message = "the query returned no series".to_string();
            return Outcome::failed(
                Verdict::Unknown,
                latency,
                failure(FailureKind::Unexpected, message),
            );
        }
        if let Some(bad) = samples.iter().find_map(|s| self.breach(s)) {
            return Outcome::down(latency, failure(FailureKind::Unexpected, bad));
        }
        let shown = match samples.as_slice() {
            [one] => format!("value {}", one.value),
            many => format!("{} series within limits", many.len()),
        };
        Outcome::up(latency, format!("{shown} in {}", format_latency(latency)))
    }

    /// Why a sample breaks `below` / `above`, if it does. NaN breaks both.
    fn breach(&self, sample: &Sample) -> Option<String> {
        let at = if sample.labels.is_empty() {
            String::new()
        } else {
            format!(" for {}", sample.labels)
        };
        if let Some(below) = self.expect.below
            && sample.value.partial_cmp(&below) != Some(std::cmp::Ordering::Less)
        {
            return Some(format!(
                "value {}{at}, expected below {below}",
                sample.value
            ));
        }
        if let Some(above) = self.expect.above
            && sample.value.partial_cmp(&above) != Some(std::cmp::Ordering::Greater)
        {
            return Some(format!(
                "value {}{at}, expected above {above}",
                sample.value
            ));
        }
        None
    }
}

pub fn query_url(base: &str, query: &str) -> Result<String, String> {
    let joined = format!("{}/api/v1/query", base.trim_end_matches('/'));
    let mut url = url::Url::parse(&joined)
        .map_err(|err| format!("the `prometheus:` URL is not valid: {err}"))?;
    url.query_pairs_mut().append_pair("query", query);
    Ok(url.into())
}

/// The samples of an instant query's JSON answer (vector or scalar).
pub fn parse_answer(body: &[u8]) -> Result<Vec<Sample>, String> {
    let answer: Value =
        serde_json::from_slice(body).map_err(|err| format!("not Prometheus JSON: {err}"))?;
    if answer["status"] != "success" {
        let error = answer["error"].as_str().unwrap_or("no reason given");
        return Err(format!("query failed: {error}"));
    }
    let data = &answer["data"];
    match data["resultType"].as_str() {
        Some("vector") => data["result"]
            .as_array()
            .ok_or("`result` is not a list")?
            .iter()
            .map(|series| {
                Ok(Sample {
                    labels: labels(&series["metric"]),
                    value: value(&series["value"])?,
                })
            })
            .collect(),
        Some("scalar") => Ok(vec![Sample {
            labels: String::new(),
            value: value(&data["result"])?,
        }]),
        Some(other) => Err(format!(
            "a `{other}` result; write an instant query that returns a vector or scalar"
        )),
        None => Err("no `resultType` in the answer".to_string()),
    }
}

/// `[timestamp, "1.5"]` → 1.5; Prometheus sends `NaN`, `+Inf`, `-Inf` as text too.
fn value(pair: &Value) -> Result<f64, String> {
    let text = pair[1].as_str().ok_or("a sample without a value")?;
    text.parse::<f64>()
        .map_err(|_| format!("`{text}` is not a number"))
}

fn labels(metric: &Value) -> String {
    let Some(map) = metric.as_object() else {
        return String::new();
    };
    let pairs: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{k}={:?}", v.as_str().unwrap_or_default()))
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", pairs.join(", "))
    }
}

impl Probe for PrometheusProbe {
    fn asked(&self) -> String {
        format!("Prometheus query `{}`", self.query)
    }

    fn run(&self) -> ProbeFuture<'_> {
        Box::pin(self.query())
    }
}
