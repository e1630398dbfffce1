//! `http: URL`: status, body contains / regex, max latency, certificate expiry.

use super::http_client::{Fetched, HttpClient, MAX_BODY};
use super::outcome::{Failure, FailureKind, Outcome, Verdict, format_latency};
use super::probe::{Probe, ProbeFuture};
use crate::playbook::model::Expect;
use regex::Regex;
use std::time::SystemTime;

pub struct HttpProbe {
    client: HttpClient,
    url: String,
    expect: Expect,
    body_regex: Option<Regex>,
}

impl HttpProbe {
    pub fn new(client: HttpClient, url: &str, expect: Expect) -> Result<HttpProbe, String> {
        let body_regex = match &expect.body_regex {
            Some(pattern) => Some(
                regex::RegexBuilder::new(pattern)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|err| format!("`body_regex` is not a valid regex: {err}"))?,
            ),
            None => None,
        };
        Ok(HttpProbe {
            client,
            url: url.to_string(),
            expect,
            body_regex,
        })
    }

    fn judge(&self, fetched: &Fetched, now: SystemTime) -> Outcome {
        let latency = fetched.elapsed;
        let fail = |verdict, message: String| {
            Outcome::failed(
                verdict,
                latency,
                Failure::new(FailureKind::Unexpected, self.asked(), message)
                    .answered(fetched.answer()),
            )
        };
        let status_ok = match self.expect.status {
            Some(expected) => fetched.status == expected,
            None => (200..400).contains(&fetched.status),
        };
        if !status_ok {
            let wanted = self
                .expect
                .status
                .map_or("2xx or 3xx".to_string(), |s| s.to_string());
            return fail(
                Verdict::Down,
                format!("HTTP {}, expected {wanted}", fetched.status),
            );
        }
        let cut = if fetched.truncated {
            format!(" (in the first {} KiB)", MAX_BODY / 1024)
        } else {
            String::new()
        };
        if self.expect.body_contains.is_some() || self.body_regex.is_some() {
            let body = String::from_utf8_lossy(&fetched.body);
            if let Some(needle) = &self.expect.body_contains
                && !body.contains(needle.as_str())
            {
                return fail(
                    Verdict::Down,
                    format!("body does not contain `{needle}`{cut}"),
                );
            }
            if let Some(regex) = &self.body_regex
                && !regex.is_match(&body)
            {
                return fail(
                    Verdict::Down,
                    format!("body does not match /{}/{cut}", regex.as_str()),
                );
            }
        }
        if let Some(max) = self.expect.max_latency
            && latency > max
        {
            return fail(
                Verdict::Degraded,
                format!(
                    "slow: answered in {}, over {}",
                    format_latency(latency),
                    format_latency(max)
                ),
            );
        }
        if let Some(min_days) = self.expect.cert_days {
            match fetched.cert_not_after {
                Some(expiry) => {
                    let days = days_left(expiry, now);
                    if days < i64::from(min_days) {
                        return fail(
                            Verdict::Degraded,
                            format!(
                                "TLS certificate expires in {days} days (expected at least {min_days})"
                            ),
                        );
                    }
                }
                None => {
                    return fail(
                        Verdict::Degraded,
                        "no TLS certificate to check `cert_days` against".to_string(),
                    );
                }
            }
        }
        let note = if fetched.truncated {
            format!(", body cut at {} KiB", MAX_BODY / 1024)
        } else {
            String::new()
        };
        Outcome::up(
            latency,
            format!(
                "HTTP {} in {}{note}",
                fetched.status,
                format_latency(latency)
            ),
        )
    }
}

/// Whole days from `now` until `expiry`; negative once expired.
fn days_left(expiry: SystemTime, now: SystemTime) -> i64 {
    match expiry.duration_since(now) {
        Ok(left) => (left.as_secs() / 86_400) as i64,
        Err(past) => -((past.duration().as_secs() / 86_400) as i64) - 1,
    }
}

impl Probe for HttpProbe {
    fn asked(&self) -> String {
        format!("GET {}", self.url)
    }

    fn run(&self) -> ProbeFuture<'_> {
        Box::pin(async move {
            let start = std::time::Instant::now();
            match self.client.get(&self.url).await {
                Ok(fetched) => self.judge(&fetched, SystemTime::now()),
                Err(failure) => Outcome::down(start.elapsed(), failure),
            }
        })
    }
}
