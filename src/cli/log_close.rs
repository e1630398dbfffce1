//! `opsdeck log close ID [--summary TEXT]`: ends an incident. A closed
//! incident is never resumed; opening its playbook again starts a new one.

use crate::incident::Entry;
use crate::incident::IncidentLog;
use crate::incident::close::{closing, duration, times};
use crate::incident::list;
use crate::incident::redact::Redactor;

/// What closing did, for the caller to say (and to offer expiring silences).
pub struct Closed {
    pub id: String,
    pub duration: Option<String>,
    pub mitigated_by: Option<String>,
    /// Silences this incident created and did not expire: id and Alertmanager.
    pub silences: Vec<(String, String)>,
}

/// Appends `closed` to the incident `id`; an error says what to do instead.
pub fn close(id: &str, summary: &str) -> Result<Closed, String> {
    let base = crate::incident::incidents_dir().ok_or("no data directory; set OPSDECK_DATA_DIR")?;
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
        silences: crate::incident::close::open_silences(&after),
    })
}

/// `expire`: end the incident's silences without asking; else a terminal is asked.
pub fn run(id: &str, summary: Option<&str>, expire: bool) -> u8 {
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
            let mut code = 0;
            for (silence, alertmanager) in &closed.silences {
                if expire || ask_expire(silence) {
                    code = code.max(expire_silence(silence, alertmanager));
                } else {
                    println!(
                        "its silence {} still holds the alert: `opsdeck alerts --expire {}` ends it",
                        text(silence),
                        text(silence)
                    );
                }
            }
            code
        }
        Err(message) => {
            eprintln!("opsdeck log close: {message}");
            1
        }
    }
}

fn ask_expire(silence: &str) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!(
        "The incident holds the alert with silence {}. Expire it now, so the alert pages again if it fires? [y/N] ",
        crate::terminal_text::sanitise(silence, crate::terminal_text::Keep::Text)
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok()
        && answer.trim().eq_ignore_ascii_case("y")
}

fn expire_silence(silence: &str, alertmanager: &str) -> u8 {
    let url = if alertmanager.is_empty() {
        crate::config::alertmanager_url()
            .and_then(|configured| crate::alerts::client::resolve_url(None, configured))
    } else {
        Ok(alertmanager.to_string())
    };
    let client = url.and_then(|url| crate::alerts::client::Client::new(&url));
    let result = client.and_then(|client| {
        super::alerts::runtime()?.block_on(crate::alerts::claim::expire(&client, silence))
    });
    match result {
        Ok(_) => {
            println!("expired silence {silence}");
            0
        }
        Err(message) => {
            eprintln!(
                "opsdeck log close: the incident is closed but its silence is not expired: {message}"
            );
            1
        }
    }
}
