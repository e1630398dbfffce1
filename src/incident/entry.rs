//! What can happen during an incident, one variant per event `kind`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    Opened {
        title: String,
        playbook: String,
        /// sha256 of the playbook file, so the postmortem knows which version was followed.
        playbook_sha256: String,
        version: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        drill: bool,
    },
    PlaybookLoaded {
        playbook: String,
        playbook_sha256: String,
    },
    StepDone {
        step: String,
    },
    StepSkipped {
        step: String,
    },
    StepReopened {
        step: String,
    },
    CommandConfirmed {
        command: String,
        /// The plan's script as shown: values filled, secrets as dots.
        resolved: String,
        hosts: Vec<String>,
        /// Why it counts as changing things, when it does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        changes: Option<String>,
        /// A Kubernetes command's context, API server and namespace.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kube: Option<crate::kube::KubeTarget>,
    },
    CommandStarted {
        command: String,
        host: String,
        /// A Kubernetes command's context, API server and namespace.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kube: Option<crate::kube::KubeTarget>,
    },
    CommandFinished {
        command: String,
        host: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        signal: Option<i32>,
        duration_ms: u64,
        /// How the console said it ended (`exit 2`, `timed out`, `could not
        /// run: REASON (exit 255)`); logs of older versions lack it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<String>,
        output_file: String,
        last_lines: Vec<String>,
        /// A Kubernetes command's context, API server and namespace.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kube: Option<crate::kube::KubeTarget>,
    },
    CommandRefused {
        command: String,
        reason: String,
    },
    HealthChanged {
        check: String,
        from: String,
        to: String,
        reason: String,
    },
    Note {
        text: String,
    },
    Escalated {
        contact: String,
    },
    VerifyResult {
        command: String,
        check: String,
        recovered: bool,
    },
    /// The responder changed a placeholder's value in the console; a
    /// secret's value is dots.
    ValueSet {
        name: String,
        value: String,
    },
    /// A change without `verify=` ran, and these checks were still down
    /// when its window ended.
    StillDown {
        command: String,
        checks: Vec<String>,
        after_secs: u64,
    },
    /// The alert this incident answers, as Alertmanager gave it.
    Alert {
        alertname: String,
        fingerprint: String,
        /// When Alertmanager saw it start firing.
        #[serde(default)]
        starts_at: String,
        #[serde(default)]
        labels: std::collections::BTreeMap<String, String>,
        #[serde(default)]
        annotations: std::collections::BTreeMap<String, String>,
    },
    /// A silence created for the alert: the team sees who holds it.
    Claimed {
        fingerprint: String,
        silence_id: String,
        ends_at: String,
        comment: String,
        /// Where the silence lives, to expire it when the incident closes.
        #[serde(default)]
        alertmanager: String,
    },
    /// A silence this incident created was expired.
    SilenceExpired {
        silence_id: String,
    },
    /// The end of an incident; who and when are the record's actor and ts.
    Closed {
        summary: String,
        /// When the first change that was followed by recovery was confirmed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mitigated_at: Option<String>,
        /// That change's command id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mitigated_by: Option<String>,
    },
    /// The webhook could not be reached; the event itself is safe on disk.
    NotifyFailed {
        reason: String,
    },
}

impl Entry {
    pub fn kind(&self) -> &'static str {
        match self {
            Entry::Opened { .. } => "opened",
            Entry::PlaybookLoaded { .. } => "playbook_loaded",
            Entry::StepDone { .. } => "step_done",
            Entry::StepSkipped { .. } => "step_skipped",
            Entry::StepReopened { .. } => "step_reopened",
            Entry::CommandConfirmed { .. } => "command_confirmed",
            Entry::CommandStarted { .. } => "command_started",
            Entry::CommandFinished { .. } => "command_finished",
            Entry::CommandRefused { .. } => "command_refused",
            Entry::HealthChanged { .. } => "health_changed",
            Entry::Note { .. } => "note",
            Entry::Escalated { .. } => "escalated",
            Entry::VerifyResult { .. } => "verify_result",
            Entry::StillDown { .. } => "still_down",
            Entry::ValueSet { .. } => "value_set",
            Entry::Alert { .. } => "alert",
            Entry::Claimed { .. } => "claimed",
            Entry::SilenceExpired { .. } => "silence_expired",
            Entry::Closed { .. } => "closed",
            Entry::NotifyFailed { .. } => "notify_failed",
        }
    }

    /// One line for timelines: `command finished: disk-usage on web1 (exit 0, 1.2s)`.
    pub fn summary(&self) -> String {
        match self {
            Entry::Opened {
                title,
                playbook,
                drill,
                ..
            } => {
                format!(
                    "incident opened: {title} ({playbook}){}",
                    if *drill { " [DRILL]" } else { "" }
                )
            }
            Entry::PlaybookLoaded { playbook, .. } => format!("playbook reloaded: {playbook}"),
            Entry::StepDone { step } => format!("step done: {step}"),
            Entry::StepSkipped { step } => format!("step skipped: {step}"),
            Entry::StepReopened { step } => format!("step reopened: {step}"),
            Entry::CommandConfirmed {
                command,
                hosts,
                kube,
                ..
            } => match kube {
                Some(kube) => format!(
                    "confirmed `{command}` on {} in context {}/{} ({})",
                    hosts.join(", "),
                    kube.context,
                    kube.namespace,
                    kube.server
                ),
                None => format!("confirmed `{command}` on {}", hosts.join(", ")),
            },
            Entry::CommandStarted { command, host, .. } => {
                format!("started `{command}` on {host}")
            }
            Entry::CommandFinished {
                command,
                host,
                exit_code,
                signal,
                duration_ms,
                outcome,
                ..
            } => {
                let outcome = ended(outcome.as_deref(), *exit_code, *signal);
                format!(
                    "finished `{command}` on {host}: {outcome} in {:.1}s",
                    *duration_ms as f64 / 1000.0
                )
            }
            Entry::CommandRefused { command, reason } => format!("refused `{command}`: {reason}"),
            Entry::HealthChanged {
                check,
                from,
                to,
                reason,
            } => format!("health {check}: {from} → {to} ({reason})"),
            Entry::Note { text } => format!("note: {}", text.lines().next().unwrap_or("")),
            Entry::Escalated { contact } => format!("escalated to {contact}"),
            Entry::VerifyResult {
                command,
                check,
                recovered,
            } => {
                format!(
                    "verify `{command}` with {check}: {}",
                    if *recovered {
                        "recovered"
                    } else {
                        "NOT recovered"
                    }
                )
            }
            Entry::ValueSet { name, value } => format!("value `{name}` set to `{value}`"),
            Entry::StillDown {
                command,
                checks,
                after_secs,
            } => {
                let named: Vec<String> = checks.iter().map(|c| format!("`{c}`")).collect();
                let verb = if checks.len() == 1 { "is" } else { "are" };
                format!(
                    "ran `{command}`, but {} {verb} still down after {after_secs}s",
                    named.join(", ")
                )
            }
            Entry::Alert {
                alertname,
                fingerprint,
                ..
            } => format!("alert {alertname} ({fingerprint})"),
            Entry::Claimed {
                silence_id,
                ends_at,
                ..
            } => format!("claimed: silence {silence_id} until {ends_at}"),
            Entry::SilenceExpired { silence_id } => format!("silence {silence_id} expired"),
            Entry::Closed {
                summary,
                mitigated_by,
                ..
            } => {
                let summary = if summary.is_empty() {
                    "(no summary)"
                } else {
                    summary
                };
                match mitigated_by {
                    Some(by) => format!("incident closed: {summary} (mitigated by `{by}`)"),
                    None => format!("incident closed: {summary}"),
                }
            }
            Entry::NotifyFailed { reason } => format!("notification failed: {reason}"),
        }
    }
}

/// How a host's run ended, in the console's words when the log kept them.
pub fn ended(outcome: Option<&str>, exit_code: Option<i32>, signal: Option<i32>) -> String {
    match (outcome, exit_code, signal) {
        (Some(said), _, _) => said.to_string(),
        (None, Some(code), _) => format!("exit {code}"),
        (None, None, Some(sig)) => format!("killed by signal {sig}"),
        (None, None, None) => "no exit status".into(),
    }
}
