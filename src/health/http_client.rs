//! The one HTTP client probes share: rustls with `ring`, few redirects (none
//! for webhooks), bodies cut at 1 MiB, and errors named for what they are
//! (DNS, TLS, …).

use super::cert_expiry;
use super::outcome::{Failure, FailureKind, snippet};
use std::error::Error as StdError;
use std::time::{Duration, Instant, SystemTime};

/// Bodies are read up to this size; the rest is never downloaded.
pub const MAX_BODY: usize = 1 << 20;
pub const MAX_REDIRECTS: usize = 5;

#[derive(Clone, Debug, Default)]
pub struct HttpOptions {
    /// Extra trusted roots (DER), e.g. a company CA, on top of the system's.
    pub extra_roots: Vec<Vec<u8>>,
}

#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
}

/// A complete answer, its body possibly cut.
#[derive(Debug)]
pub struct Fetched {
    pub status: u16,
    pub body: Vec<u8>,
    /// True when the body was longer than `MAX_BODY` and was cut.
    pub truncated: bool,
    /// From the start of the request to the end of the (cut) body.
    pub elapsed: Duration,
    /// When the server's TLS certificate expires (HTTPS only).
    pub cert_not_after: Option<SystemTime>,
}

impl Fetched {
    /// The start of the body on one line, for error context.
    pub fn answer(&self) -> String {
        let head = &self.body[..self.body.len().min(400)];
        let text = snippet(&String::from_utf8_lossy(head), 200);
        if text.is_empty() {
            format!("HTTP {}", self.status)
        } else {
            format!("HTTP {}: {text}", self.status)
        }
    }
}

impl HttpClient {
    /// For health checks: follows up to `MAX_REDIRECTS` redirects.
    pub fn new(options: &HttpOptions) -> Result<HttpClient, String> {
        HttpClient::build(options, reqwest::redirect::Policy::limited(MAX_REDIRECTS))
    }

    /// For posting (webhooks): a redirect is answered as it is (a 3xx), never
    /// followed, so an event never goes anywhere but the configured URL.
    pub fn without_redirects(options: &HttpOptions) -> Result<HttpClient, String> {
        HttpClient::build(options, reqwest::redirect::Policy::none())
    }

    fn build(
        options: &HttpOptions,
        redirects: reqwest::redirect::Policy,
    ) -> Result<HttpClient, String> {
        // reqwest is built without a default crypto provider; `ring` builds
        // much faster than aws-lc. Err means one is already installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("opsdeck-health/", env!("CARGO_PKG_VERSION")))
            .redirect(redirects)
            .tls_info(true)
            .pool_idle_timeout(Duration::from_secs(30));
        let mut roots = Vec::new();
        for der in &options.extra_roots {
            roots.push(
                reqwest::Certificate::from_der(der)
                    .map_err(|err| format!("bad extra root certificate: {err}"))?,
            );
        }
        if !roots.is_empty() {
            builder = builder.tls_certs_merge(roots);
        }
        builder
            .build()
            .map(|client| HttpClient { client })
            .map_err(|err| format!("cannot set up HTTP: {}", chain(&err)))
    }

    /// POSTs a JSON body (a webhook), returning the status; the body is not read.
    pub async fn post_json(&self, url: &str, body: &serde_json::Value) -> Result<u16, Failure> {
        // Serialized here: reqwest's `json` feature would add a dependency for one call.
        let response = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|err| classify(&err, url))?;
        Ok(response.status().as_u16())
    }

    /// GETs `url`, reading at most `MAX_BODY` bytes of the body. The caller
    /// bounds the time (`run_checked` drops this future at the deadline).
    pub async fn get(&self, url: &str) -> Result<Fetched, Failure> {
        let start = Instant::now();
        let mut response = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|err| classify(&err, url))?;
        let status = response.status().as_u16();
        let cert_not_after = response
            .extensions()
            .get::<reqwest::tls::TlsInfo>()
            .and_then(|info| info.peer_certificate())
            .and_then(cert_expiry::not_after);
        let mut body = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = response.chunk().await.map_err(|err| classify(&err, url))? {
            let room = MAX_BODY - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status,
            body,
            truncated,
            elapsed: start.elapsed(),
            cert_not_after,
        })
    }
}

/// Names a request error for a person, with the kind the retry logic needs.
pub fn classify(err: &reqwest::Error, url: &str) -> Failure {
    let host = err
        .url()
        .and_then(|u| u.host_str())
        .unwrap_or("the host")
        .to_string();
    let address = err
        .url()
        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
        .unwrap_or_else(|| host.clone());
    let (kind, message) = if err.is_timeout() {
        (FailureKind::Timeout, "timed out".to_string())
    } else if let Some(tls) = find_tls_error(err) {
        (FailureKind::Tls, format!("TLS with {host} failed: {tls}"))
    } else if err.is_dns() || chain(err).contains("dns error") {
        (
            FailureKind::Dns,
            format!("cannot resolve {host}: {}", innermost(err)),
        )
    } else if err.is_redirect() {
        (
            FailureKind::Protocol,
            format!("more than {MAX_REDIRECTS} redirects"),
        )
    } else if err.is_connect() {
        (
            FailureKind::Connect,
            format!("cannot connect to {address}: {}", os_words(&innermost(err))),
        )
    } else {
        (FailureKind::Protocol, chain(err))
    };
    Failure::new(kind, format!("GET {url}"), message)
}

/// A rustls error anywhere in the chain, including inside `io::Error`s
/// (whose `source()` skips the wrapped error).
pub fn find_tls_error(err: &(dyn StdError + 'static)) -> Option<String> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| find_tls_error(inner))
        {
            return Some(inner);
        }
        current = e.source();
    }
    None
}

use crate::terminal_text::error_chain as chain;

/// `Connection refused (os error 111)` → `connection refused`.
pub fn os_words(message: &str) -> String {
    let plain = match message.rfind(" (os error ") {
        Some(at) if message.ends_with(')') => &message[..at],
        _ => message,
    };
    let mut chars = plain.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The deepest message: usually the OS's own words ("Connection refused").
pub fn innermost(err: &(dyn StdError + 'static)) -> String {
    let mut current: &(dyn StdError + 'static) = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
