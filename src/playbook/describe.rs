//! `opsdeck show --format text`: the model as a person reads it.

use super::model::{Block, Kind, Playbook, Probe};
use std::fmt::Write;

pub fn describe(playbook: &Playbook) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", playbook.title);
    if let Some(service) = &playbook.service {
        let _ = writeln!(out, "  service: {service}");
    }
    if !playbook.owners.is_empty() {
        let _ = writeln!(out, "  owners: {}", playbook.owners.join(", "));
    }
    for contact in &playbook.escalation {
        let after = contact
            .after
            .map(|a| format!(" after {}", humantime::format_duration(a)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  escalate: {} {}{after}",
            contact.name,
            contact.contact.as_deref().unwrap_or("")
        );
    }
    for (name, group) in &playbook.hosts {
        let _ = writeln!(out, "  hosts {name}: {}", group.hosts.join(", "));
    }
    for check in &playbook.checks {
        let target = match &check.probe {
            Probe::Command(cmd) => format!("`{cmd}`"),
            probe => probe.target().to_string(),
        };
        let _ = writeln!(
            out,
            "  check {} ({}): {target}",
            check.id,
            check.probe.kind()
        );
    }
    for (n, step) in playbook.steps.iter().enumerate() {
        let _ = writeln!(out, "\n{}. {}", n + 1, step.title);
        for block in &step.content {
            if let Block::Command(command) = block {
                let kind = match command.kind {
                    Kind::Diagnose => "diagnose",
                    Kind::Remediate => "REMEDIATE",
                };
                let first = command.run.lines().next().unwrap_or("");
                let more = if command.run.lines().count() > 1 {
                    " …"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "   [{}] {kind} on {}: {first}{more}",
                    command.id, command.host
                );
            }
        }
    }
    out
}
