//! How `opsdeck health` prints results and transitions, as text or JSON.

use super::outcome::{Failure, Outcome, Verdict};
use super::scheduler::Change;
use super::state::Status;
use crate::playbook::model::Check;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::time::SystemTime;

/// `opsdeck health`'s exit codes: all up, could not check, something down.
pub const EXIT_OK: u8 = 0;
pub const EXIT_ERROR: u8 = 1;
pub const EXIT_DOWN: u8 = 2;

/// 0: nothing down; 2: something down.
pub fn exit_code(statuses: impl IntoIterator<Item = Status>) -> u8 {
    if statuses.into_iter().any(|s| s == Status::Down) {
        EXIT_DOWN
    } else {
        EXIT_OK
    }
}

/// One line per check, the failure's context indented under it, and a tally.
pub fn once_text(results: &[(&Check, &Outcome)]) -> String {
    let id_width = results.iter().map(|(c, _)| c.id.len()).max().unwrap_or(0);
    let mut text = String::new();
    for (check, outcome) in results {
        let _ = writeln!(
            text,
            "{:<9} {:<id_width$}  {:<10} {}",
            outcome.verdict.label(),
            check.id,
            check.probe.kind(),
            outcome.summary
        );
        if let Some(failure) = &outcome.failure {
            let indent = " ".repeat(9 + 1 + id_width + 2);
            let _ = writeln!(text, "{indent}asked:    {}", failure.asked);
            if let Some(answered) = &failure.answered {
                let _ = writeln!(text, "{indent}answered: {answered}");
            }
        }
    }
    let _ = writeln!(text, "{}", tally(results.iter().map(|(_, o)| o.verdict)));
    text
}

/// `3 checks: 1 up, 1 down, 1 unknown`
fn tally(verdicts: impl Iterator<Item = Verdict>) -> String {
    let verdicts: Vec<Verdict> = verdicts.collect();
    let parts: Vec<String> = [
        Verdict::Up,
        Verdict::Degraded,
        Verdict::Down,
        Verdict::Unknown,
    ]
    .iter()
    .map(|kind| (kind, verdicts.iter().filter(|v| *v == kind).count()))
    .filter(|(_, n)| *n > 0)
    .map(|(kind, n)| format!("{n} {}", kind.label()))
    .collect();
    let plural = if verdicts.len() == 1 { "" } else { "s" };
    format!("{} check{plural}: {}", verdicts.len(), parts.join(", "))
}

pub fn once_json(playbook: &str, results: &[(&Check, &Outcome)]) -> String {
    let checks: Vec<Value> = results
        .iter()
        .map(|(check, outcome)| {
            json!({
                "id": check.id,
                "probe": check.probe.kind(),
                "target": check.probe.target(),
                "status": outcome.verdict.label(),
                "latency_ms": latency_ms(outcome),
                "summary": outcome.summary,
                "attempts": outcome.attempts,
                "failure": outcome.failure.as_ref().map(failure_json),
            })
        })
        .collect();
    let statuses = results.iter().map(|(_, o)| Status::from(o.verdict));
    let overall = if exit_code(statuses) == EXIT_OK {
        "ok"
    } else {
        "down"
    };
    let document = json!({ "playbook": playbook, "result": overall, "checks": checks });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// `2024-05-01T10:00:00Z  home  up → down  HTTP 500, expected 200`
pub fn change_text(change: &Change) -> String {
    let t = &change.transition;
    format!(
        "{}  {}  {} → {}  {}",
        timestamp(change.wall),
        change.id,
        t.from.label(),
        t.to.label(),
        t.reason
    )
}

/// One JSON object per line, for scripts and the incident log.
pub fn change_json(change: &Change) -> String {
    let t = &change.transition;
    json!({
        "ts": timestamp(change.wall),
        "id": change.id,
        "from": t.from.label(),
        "to": t.to.label(),
        "reason": t.reason,
        "latency_ms": latency_ms(&change.outcome),
        "failure": change.outcome.failure.as_ref().map(failure_json),
    })
    .to_string()
}

fn failure_json(failure: &Failure) -> Value {
    json!({
        "kind": failure.kind.label(),
        "asked": failure.asked,
        "answered": failure.answered,
        "message": failure.message,
    })
}

fn latency_ms(outcome: &Outcome) -> f64 {
    (outcome.latency.as_secs_f64() * 10_000.0).round() / 10.0
}

fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_seconds(at).to_string()
}
