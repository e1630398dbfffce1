//! The end of a drill: how long recovery took and how it went.

use super::scenarios::Scenario;
use super::service;
use crate::incident::{self, Entry};
use std::path::Path;

/// `started`: when the drill began, so recovery time includes the reading and thinking.
pub fn summarize(
    scenario: &Scenario,
    dir: &Path,
    playbook: &Path,
    started: std::time::SystemTime,
) -> String {
    let (healthy, _) = service::health(dir, scenario.fault);
    let recovered = healthy == 200;
    let mut out = format!(
        "\nDrill `{}` finished: the service is {}.\n",
        scenario.name,
        if recovered {
            "HEALTHY again"
        } else {
            "still broken"
        }
    );
    let Some(replayed) = incident_of(playbook) else {
        out.push_str("Nothing was recorded (no step marked, no command run).\n");
        return out;
    };
    let entries: Vec<&Entry> = replayed.entries().collect();
    let commands: Vec<&str> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::CommandFinished { command, .. } => Some(command.as_str()),
            _ => None,
        })
        .collect();
    let steps = entries
        .iter()
        .filter(|e| matches!(e, Entry::StepDone { .. } | Entry::StepSkipped { .. }))
        .count();
    let wrong: Vec<&str> = commands
        .iter()
        .copied()
        .filter(|c| scenario.wrong_turns.contains(c))
        .collect();
    let opened = Some(crate::incident::actor::timestamp(started));
    let up_at = replayed.records.iter().find_map(|r| match &r.entry {
        Some(Entry::HealthChanged { to, .. }) if to == "up" => Some(r.ts.clone()),
        _ => None,
    });
    if let (Some(start), Some(end)) = (opened, up_at) {
        out.push_str(&format!("  time to recover: {}\n", elapsed(&start, &end)));
    }
    out.push_str(&format!(
        "  steps marked:    {steps}\n  commands run:    {} ({})\n",
        commands.len(),
        commands.join(", ")
    ));
    out.push_str(&format!(
        "  wrong turns:     {}{}\n",
        wrong.len(),
        if wrong.is_empty() {
            String::new()
        } else {
            format!(
                " ({}: changed things without fixing the cause)",
                wrong.join(", ")
            )
        }
    ));
    out.push_str("  The drill's incident log is marked as a drill: `opsdeck log list`.\n");
    out
}

fn incident_of(playbook: &Path) -> Option<incident::Replay> {
    let base = incident::incidents_dir()?;
    let path = std::fs::canonicalize(playbook).ok()?.display().to_string();
    let newest = incident::list::list(&base)
        .into_iter()
        .find(|s| s.playbook == path)?;
    incident::replay(&newest.dir.join(incident::store::EVENTS_FILE)).ok()
}

/// `02:14:43.123Z`-style stamps → `1m 12s`.
fn elapsed(start: &str, end: &str) -> String {
    let parse = |ts: &str| humantime::parse_rfc3339(ts).ok();
    match (parse(start), parse(end)) {
        (Some(a), Some(b)) => {
            let secs = b.duration_since(a).map(|d| d.as_secs()).unwrap_or(0);
            format!("{}m {:02}s", secs / 60, secs % 60)
        }
        _ => "unknown".into(),
    }
}
