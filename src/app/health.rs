//! The health pane's view of each check, fed by probe results.

use crate::health::Status;
use crate::playbook::Playbook;
use std::collections::VecDeque;

/// Latencies kept per check for the sparkline.
pub const HISTORY: usize = 120;

#[derive(Clone, Debug, PartialEq)]
pub struct CheckView {
    pub id: String,
    pub kind: &'static str,
    pub target: String,
    pub status: Status,
    pub latencies_ms: VecDeque<u64>,
    /// Console seconds (`State::elapsed_secs`) when the status last changed.
    pub changed_at: Option<u64>,
    /// The last result in one line: `HTTP 200 in 12 ms`.
    pub summary: Option<String>,
    /// The last failure in one line, kept after recovery for context.
    pub last_error: Option<String>,
}

pub fn views(playbook: &Playbook) -> Vec<CheckView> {
    playbook
        .checks
        .iter()
        .map(|check| CheckView {
            id: check.id.clone(),
            kind: check.probe.kind(),
            target: check.probe.target().to_string(),
            status: Status::Unknown,
            latencies_ms: VecDeque::new(),
            changed_at: None,
            summary: None,
            last_error: None,
        })
        .collect()
}

/// One probe result, as the runtime reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct Probed {
    pub check: String,
    pub status: Status,
    pub latency_ms: u64,
    pub summary: String,
    pub error: Option<String>,
}

pub fn apply(views: &mut [CheckView], probed: Probed, now_secs: u64) {
    let Some(view) = views.iter_mut().find(|v| v.id == probed.check) else {
        return;
    };
    if view.latencies_ms.len() == HISTORY {
        view.latencies_ms.pop_front();
    }
    view.latencies_ms.push_back(probed.latency_ms);
    if view.status != probed.status {
        view.status = probed.status;
        view.changed_at = Some(now_secs);
    }
    view.summary = Some(probed.summary);
    if probed.error.is_some() {
        view.last_error = probed.error;
    }
}
