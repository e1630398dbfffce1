//! Ending an incident: the `closed` event with its mitigation, and an
//! incident's times (detection, mitigation, resolution) for lists and exports.

use super::entry::Entry;
use super::replay::Replay;
use std::time::{Duration, SystemTime};

/// A summary longer than this is cut: it is a line for a postmortem, not a file.
pub const MAX_SUMMARY_CHARS: usize = 2000;

/// When the incident was detected, mitigated and resolved, as RFC 3339 UTC.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Times {
    /// The alert's start (when Alertmanager saw it fire), else the first event.
    pub detected: Option<String>,
    /// When the first change that was followed by recovery was confirmed.
    pub mitigated: Option<String>,
    /// The command id of that change.
    pub mitigated_by: Option<String>,
    /// When it was closed.
    pub resolved: Option<String>,
}

/// The first confirmed change (a remediation) after which a check recovered:
/// its time and command id.
pub fn mitigation(replay: &Replay) -> Option<(String, String)> {
    let records = &replay.records;
    records.iter().enumerate().find_map(|(at, record)| {
        let Some(Entry::CommandConfirmed {
            command,
            changes: Some(_),
            ..
        }) = &record.entry
        else {
            return None;
        };
        records[at + 1..]
            .iter()
            .any(|later| later.entry.as_ref().is_some_and(is_recovery))
            .then(|| (record.ts.clone(), command.clone()))
    })
}

fn is_recovery(entry: &Entry) -> bool {
    match entry {
        Entry::VerifyResult { recovered, .. } => *recovered,
        Entry::HealthChanged { to, .. } => to == "up",
        _ => false,
    }
}

/// The `closed` event for an incident whose events are `replay`.
pub fn closing(replay: &Replay, summary: &str) -> Entry {
    let (mitigated_at, mitigated_by) = mitigation(replay).unzip();
    Entry::Closed {
        summary: summary.trim().chars().take(MAX_SUMMARY_CHARS).collect(),
        mitigated_at,
        mitigated_by,
    }
}

pub fn times(replay: &Replay) -> Times {
    let alert_start = replay.records.iter().find_map(|r| match &r.entry {
        Some(Entry::Alert { starts_at, .. }) => Some(
            Some(starts_at.clone())
                .filter(|s| humantime::parse_rfc3339_weak(s).is_ok())
                .unwrap_or_else(|| r.ts.clone()),
        ),
        _ => None,
    });
    let closed = replay.records.iter().find_map(|r| match &r.entry {
        Some(Entry::Closed {
            mitigated_at,
            mitigated_by,
            ..
        }) => Some((r.ts.clone(), mitigated_at.clone(), mitigated_by.clone())),
        _ => None,
    });
    let (mitigated, mitigated_by) = match &closed {
        Some((_, at, by)) => (at.clone(), by.clone()),
        None => mitigation(replay).unzip(),
    };
    Times {
        detected: alert_start.or_else(|| replay.records.first().map(|r| r.ts.clone())),
        mitigated,
        mitigated_by,
        resolved: closed.map(|(ts, _, _)| ts),
    }
}

/// `1h02m`, `3m05s`, `42s`: from `start` to `end` (RFC 3339), or to now.
pub fn duration(start: &str, end: Option<&str>) -> Option<String> {
    let start = humantime::parse_rfc3339_weak(start).ok()?;
    let end = match end {
        Some(end) => humantime::parse_rfc3339_weak(end).ok()?,
        None => SystemTime::now(),
    };
    Some(compact(end.duration_since(start).unwrap_or_default()))
}

pub fn compact(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    match secs {
        s if s >= 86_400 => format!("{}d{:02}h", s / 86_400, s % 86_400 / 3600),
        s if s >= 3600 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        s if s >= 60 => format!("{}m{:02}s", s / 60, s % 60),
        s => format!("{s}s"),
    }
}

/// Silences claimed in this incident and not expired since: id and Alertmanager.
pub fn open_silences(replay: &super::Replay) -> Vec<(String, String)> {
    let mut open: Vec<(String, String)> = Vec::new();
    for entry in replay.entries() {
        match entry {
            super::Entry::Claimed {
                silence_id,
                alertmanager,
                ..
            } => open.push((silence_id.clone(), alertmanager.clone())),
            super::Entry::SilenceExpired { silence_id } => open.retain(|(s, _)| s != silence_id),
            _ => {}
        }
    }
    open
}
