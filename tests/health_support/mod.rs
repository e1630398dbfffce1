//! Shared helpers for the health tests: real loopback servers, certificates,
//! and checks built the way the playbook parser builds them.
#![allow(dead_code)]

pub mod certs;
pub mod http_server;

use opsdeck::health::http_client::{HttpClient, HttpOptions};
use opsdeck::health::probe::ProbeContext;
use opsdeck::playbook::model::{Check, Expect, Probe};
use opsdeck::playbook::{Form, Playbook};
use std::time::Duration;

/// A check as the parser builds it, with the given probe and expectations.
pub fn check(id: &str, probe: Probe, expect: Expect) -> Check {
    let base = playbook("checks:\n  - {id: base, tcp: \"127.0.0.1:9\"}\n")
        .checks
        .remove(0);
    Check {
        id: id.to_string(),
        probe,
        expect,
        ..base
    }
}

/// A Markdown playbook with this front matter, parsed for real.
pub fn playbook(front_matter: &str) -> Playbook {
    let text = format!("---\n{front_matter}---\n# Test\n\n## Step\nText.\n");
    let parsed = opsdeck::playbook::parse(text.as_bytes(), Form::Markdown, "test");
    parsed
        .playbook
        .unwrap_or_else(|| panic!("invalid test playbook: {:?}", parsed.diagnostics))
}

pub fn context() -> ProbeContext {
    context_with(HttpOptions::default(), None)
}

pub fn context_with(options: HttpOptions, prometheus: Option<String>) -> ProbeContext {
    ProbeContext {
        http: HttpClient::new(&options).expect("HTTP client"),
        prometheus,
        remote: None,
        alertmanager: None,
    }
}

/// A loopback port with nothing listening (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

pub const SHORT: Duration = Duration::from_secs(2);
