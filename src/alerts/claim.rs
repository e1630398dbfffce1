//! Claiming an alert: a silence for its exact labels, `createdBy` the
//! responder, the incident and playbook in its comment, recorded in the
//! incident log. A change to shared state, so it is confirmed like one.

use super::client::Client;
use super::model::{Alert, clean};
use super::silences;
use crate::incident::{self, Entry, IncidentLog, redact::Redactor};
use std::path::Path;
use std::time::Duration;

pub const DEFAULT_FOR: Duration = Duration::from_secs(2 * 3600);
const LONGEST: Duration = Duration::from_secs(7 * 24 * 3600);

/// `2h`, `90m`: at least a minute, at most a week.
pub fn parse_for(text: Option<&str>) -> Result<Duration, String> {
    let Some(text) = text else {
        return Ok(DEFAULT_FOR);
    };
    let duration = humantime::parse_duration(text.trim()).map_err(|err| {
        format!(
            "--for `{}` is not a duration ({err}); e.g. 30m, 2h",
            clean(text, 40)
        )
    })?;
    if duration < Duration::from_secs(60) || duration > LONGEST {
        return Err(format!(
            "--for {} is out of range: from 1m to 7d",
            clean(text, 40)
        ));
    }
    Ok(duration)
}

/// The incident this claim belongs to: the open one of the playbook, else a
/// new one opened with the alert as its first event.
pub fn incident_for(alert: &Alert, playbook: Option<&Path>) -> Result<IncidentLog, String> {
    let loaded = playbook.and_then(|p| crate::playbook::load(p).playbook);
    let title = loaded
        .as_ref()
        .map_or_else(|| alert.alertname.clone(), |b| b.title.clone());
    let opening = incident::opening::Opening {
        playbook: playbook.unwrap_or(Path::new("")),
        title: &title,
        drill: false,
        notify: loaded.as_ref().and_then(|b| b.notify.as_deref()),
    };
    let existing = playbook.is_some_and(|p| {
        incident::incidents_dir().is_some_and(|base| {
            let canonical = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            incident::list::open_for(&base, &canonical.display().to_string()).is_some()
        })
    });
    // Without a playbook there is nothing to resume by.
    let opened = if playbook.is_some() {
        incident::opening::resume_or_create(&opening, Redactor::default())
    } else {
        incident::opening::create(&opening, Redactor::default())
    };
    let mut log = opened.map_err(|err| format!("{err} ({})", err.hint()))?;
    if !existing {
        // A new incident starts with the alert that opened it.
        log.append(&super::open::entry(alert))
            .map_err(|err| format!("{err} ({})", err.hint()))?;
    }
    Ok(log)
}

/// Creates the silence and records it; returns the silence id.
pub async fn claim(
    client: &Client,
    alert: &Alert,
    playbook: Option<&Path>,
    duration: Duration,
    log: &mut IncidentLog,
) -> Result<String, String> {
    let entry = silence(client, alert, playbook, duration, &log.id()).await?;
    let Entry::Claimed { silence_id, .. } = &entry else {
        return Err("no silence was created".into());
    };
    let id = silence_id.clone();
    log.append(&entry).map_err(|err| {
        format!(
            "silence {id} created but not recorded: {err} ({})",
            err.hint()
        )
    })?;
    Ok(id)
}

/// Creates the silence for incident `incident`: the `claimed` event to record.
pub async fn silence(
    client: &Client,
    alert: &Alert,
    playbook: Option<&Path>,
    duration: Duration,
    incident: &str,
) -> Result<Entry, String> {
    let comment = format!(
        "opsdeck incident {incident}{}",
        playbook
            .map(|p| format!(", playbook {}", p.display()))
            .unwrap_or_default()
    );
    let body = silences::body(&alert.labels, duration, &incident::actor::actor(), &comment);
    let answer = client.post_json("/api/v2/silences", &body).await?;
    let id = silences::created_id(&answer)?;
    let ends_at = body["endsAt"].as_str().unwrap_or_default().to_string();
    Ok(Entry::Claimed {
        fingerprint: alert.fingerprint.clone(),
        silence_id: id,
        ends_at,
        comment,
        alertmanager: client.shown(),
    })
}

/// Expires silence `id` at Alertmanager and records it in the incident that claimed it.
pub async fn expire(client: &Client, id: &str) -> Result<Option<String>, String> {
    if !silences::is_silence_id(id) {
        return Err(format!("`{}` is not a silence id", clean(id, 80)));
    }
    client.delete(&format!("/api/v2/silence/{id}")).await?;
    let Some(base) = incident::incidents_dir() else {
        return Ok(None);
    };
    for summary in incident::list::list(&base) {
        let Ok(replayed) = incident::list::read(&summary.dir) else {
            continue;
        };
        let claimed = replayed
            .entries()
            .any(|e| matches!(e, Entry::Claimed { silence_id, .. } if silence_id == id));
        if claimed {
            let mut log = IncidentLog::resume(&summary.dir, Redactor::default())
                .map_err(|err| format!("silence {id} expired but not recorded: {err}"))?;
            log.append(&Entry::SilenceExpired {
                silence_id: id.to_string(),
            })
            .map_err(|err| format!("silence {id} expired but not recorded: {err}"))?;
            return Ok(Some(summary.id));
        }
    }
    Ok(None)
}
