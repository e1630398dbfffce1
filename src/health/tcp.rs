//! `tcp: host:port`: does something accept connections there?

use super::http_client::os_words;
use super::outcome::{Failure, FailureKind, Outcome, Verdict, format_latency};
use super::probe::{Probe, ProbeFuture};
use crate::playbook::model::Expect;
use std::time::Instant;
use tokio::net::{TcpStream, lookup_host};

pub struct TcpProbe {
    address: String,
    expect: Expect,
}

impl TcpProbe {
    pub fn new(address: &str, expect: Expect) -> TcpProbe {
        TcpProbe {
            address: address.to_string(),
            expect,
        }
    }

    async fn connect(&self) -> Outcome {
        let start = Instant::now();
        let addresses: Vec<_> = match lookup_host(self.address.as_str()).await {
            Ok(found) => found.collect(),
            Err(err) => {
                let host = self.address.rsplit_once(':').map_or("", |(h, _)| h);
                return Outcome::down(
                    start.elapsed(),
                    Failure::new(
                        FailureKind::Dns,
                        self.asked(),
                        format!("cannot resolve {host}: {err}"),
                    ),
                );
            }
        };
        let mut last_error = None;
        // Every address in turn (IPv6 and IPv4 of one name), like a client would.
        for address in &addresses {
            match TcpStream::connect(address).await {
                Ok(_stream) => return self.judge(start),
                Err(err) => last_error = Some(format!("{address}: {}", os_words(&err.to_string()))),
            }
        }
        let message = last_error.unwrap_or_else(|| "the name has no addresses".to_string());
        Outcome::down(
            start.elapsed(),
            Failure::new(
                FailureKind::Connect,
                self.asked(),
                format!("cannot connect to {message}"),
            ),
        )
    }

    fn judge(&self, start: Instant) -> Outcome {
        let latency = start.elapsed();
        if let Some(max) = self.expect.max_latency
            && latency > max
        {
            return Outcome::failed(
                Verdict::Degraded,
                latency,
                Failure::new(
                    FailureKind::Unexpected,
                    self.asked(),
                    format!(
                        "slow: connected in {}, over {}",
                        format_latency(latency),
                        format_latency(max)
                    ),
                ),
            );
        }
        Outcome::up(latency, format!("connected in {}", format_latency(latency)))
    }
}

impl Probe for TcpProbe {
    fn asked(&self) -> String {
        format!("connect {}", self.address)
    }

    fn run(&self) -> ProbeFuture<'_> {
        Box::pin(self.connect())
    }
}
