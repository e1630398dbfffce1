//! `opsdeck log close ID [--summary TEXT]`: ends an incident. A closed
//! incident is never resumed; opening its playbook again starts a new one.

use super::close::{closing, duration, times};
use super::entry::Entry;
use super::list;
use super::redact::Redactor;
use super::store::IncidentLog;

/// What closing did, for the caller to say (and to offer expiring silences).
pub struct Closed {
    pub id: String,
    pub duration: Option<String>,
    pub mitigated_by: Option<String>,
    /// Silences this incident created and did not expire.
    pub silences: Vec<String>,
}

/// Appends `closed` to the incident `id`; an error says what to do instead.
pub fn close(id: &str, summary: &str) -> Result<Closed, String> {
    let base = super::incidents_dir().ok_or("no data directory; set OPSDECK_DATA_DIR")?;
    let dir = list::find(&base, id)?;
    let replayed =
        list::read(&dir).map_err(|err| format!("cannot read {}: {err}", dir.display()))?;
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(record) = replayed
        .records
        .iter()
        .find(|r| matches!(r.entry, Some(Entry::Closed { .. })))
    {
        return Err(format!(
            "incident {id} was already closed at {} by {}; opening its playbook again starts a new incident",
            record.ts, record.actor
        ));
    }
    let mut log = IncidentLog::resume(&dir, Redactor::default())
        .map_err(|err| format!("cannot close {id}: {err} ({})", err.hint()))?;
    let entry = closing(&replayed, summary);
    log.append(&entry)
        .map_err(|err| format!("cannot close {id}: {err} ({})", err.hint()))?;
    let after = list::read(&dir).map_err(|err| format!("cannot read {}: {err}", dir.display()))?;
    let when = times(&after);
    Ok(Closed {
        id,
        duration: when
            .detected
            .as_deref()
            .and_then(|start| duration(start, when.resolved.as_deref())),
        mitigated_by: when.mitigated_by,
        silences: open_silences(&after),
    })
}

/// Silences claimed in this incident and not expired since.
pub fn open_silences(replay: &super::Replay) -> Vec<String> {
    let mut open = Vec::new();
    for entry in replay.entries() {
        match entry {
            Entry::Claimed { silence_id, .. } => open.push(silence_id.clone()),
            Entry::SilenceExpired { silence_id } => open.retain(|s| s != silence_id),
            _ => {}
        }
    }
    open
}

pub fn run(id: &str, summary: Option<&str>) -> u8 {
    match close(id, summary.unwrap_or("")) {
        Ok(closed) => {
            let text =
                |s: &str| crate::terminal_text::sanitise(s, crate::terminal_text::Keep::Text);
            println!(
                "closed {}{}{}",
                closed.id,
                closed
                    .duration
                    .map(|d| format!(" after {d}"))
                    .unwrap_or_default(),
                closed
                    .mitigated_by
                    .map(|c| format!(", mitigated by `{}`", text(&c)))
                    .unwrap_or_default()
            );
            for silence in &closed.silences {
                println!(
                    "its silence {} still holds the alert: `opsdeck alerts --expire {}` ends it",
                    text(silence),
                    text(silence)
                );
            }
            0
        }
        Err(message) => {
            eprintln!("opsdeck log close: {message}");
            1
        }
    }
}
