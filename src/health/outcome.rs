//! What one probe found: a verdict, how long it took, and when it failed,
//! what was asked and what came back. Plain data, no I/O.

use std::time::Duration;

/// The health one probe observed, before flap damping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    Up,
    /// Answering, but slow, nearly expired, or partly failing.
    Degraded,
    Down,
    /// The probe could not tell (no data, or not supported here yet).
    Unknown,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Up => "up",
            Verdict::Degraded => "degraded",
            Verdict::Down => "down",
            Verdict::Unknown => "unknown",
        }
    }
}

/// Why a probe did not come back healthy, so the screen can say it plainly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// The name did not resolve.
    Dns,
    /// Refused, reset or unreachable before any answer.
    Connect,
    /// The TLS handshake failed (untrusted, expired or mismatched certificate).
    Tls,
    /// No complete answer within the check's timeout.
    Timeout,
    /// An answer that is not what the protocol promises (bad JSON, too many redirects).
    Protocol,
    /// A proper answer that does not meet `expect`.
    Unexpected,
    /// The probe cannot run here (missing URL, unsupported host, cannot start `sh`).
    Setup,
}

impl FailureKind {
    pub fn label(self) -> &'static str {
        match self {
            FailureKind::Dns => "dns",
            FailureKind::Connect => "connect",
            FailureKind::Tls => "tls",
            FailureKind::Timeout => "timeout",
            FailureKind::Protocol => "protocol",
            FailureKind::Unexpected => "unexpected",
            FailureKind::Setup => "setup",
        }
    }

    /// Failures worth one quick retry: the network hiccupped before any answer.
    pub fn is_connection_level(self) -> bool {
        matches!(self, FailureKind::Dns | FailureKind::Connect)
    }
}

/// The last error with its context: what was asked, what came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// e.g. `GET https://shop.example.com/health`, `connect db1.internal:5432`.
    pub asked: String,
    /// The start of the answer, when there was one.
    pub answered: Option<String>,
    /// One line for a person: `HTTP 500, expected 200`.
    pub message: String,
}

impl Failure {
    pub fn new(kind: FailureKind, asked: impl Into<String>, message: impl Into<String>) -> Self {
        Failure {
            kind,
            asked: capped(asked.into()),
            answered: None,
            message: capped(message.into()),
        }
    }

    pub fn answered(mut self, answer: impl Into<String>) -> Self {
        self.answered = Some(capped(answer.into()));
        self
    }
}

/// The result of one probe, after its retry.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub verdict: Verdict,
    pub latency: Duration,
    /// One line for the screen: `HTTP 200 in 12 ms`, `connection refused`.
    pub summary: String,
    /// Set whenever the verdict is not `Up`.
    pub failure: Option<Failure>,
    /// 1, or 2 when a connection-level failure was retried.
    pub attempts: u8,
}

impl Outcome {
    pub fn up(latency: Duration, summary: impl Into<String>) -> Self {
        Outcome {
            verdict: Verdict::Up,
            latency,
            summary: capped(summary.into()),
            failure: None,
            attempts: 1,
        }
    }

    /// A verdict other than up, explained by `failure`.
    pub fn failed(verdict: Verdict, latency: Duration, failure: Failure) -> Self {
        Outcome {
            verdict,
            latency,
            summary: failure.message.clone(),
            failure: Some(failure),
            attempts: 1,
        }
    }

    pub fn down(latency: Duration, failure: Failure) -> Self {
        Outcome::failed(Verdict::Down, latency, failure)
    }
}

/// The most bytes a reason, summary or answer keeps. Each can quote what a
/// server said (a statuspage description, a Prometheus error, a body), and a
/// hostile server must not fill the screen, the log or memory with it.
pub const REASON_CAP: usize = 512;

/// `text` cut at `REASON_CAP` bytes (on a character boundary, with `…`).
pub fn capped(mut text: String) -> String {
    if text.len() > REASON_CAP {
        let mut cut = REASON_CAP - '…'.len_utf8();
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

/// `12 ms`, `1.2 s`: latencies as people read them.
pub fn format_latency(latency: Duration) -> String {
    let ms = latency.as_secs_f64() * 1000.0;
    if ms < 1.0 {
        "<1 ms".to_string()
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// At most `max` characters of `text` on one line, for error context.
pub fn snippet(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.trim();
    match flat.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat.to_string(),
    }
}
