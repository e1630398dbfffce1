//! The incidents on this machine, newest first.

use super::entry::Entry;
use super::head::HEAD_FILE;
use super::replay::{Replay, replay};
use super::store::EVENTS_FILE;
use std::path::{Path, PathBuf};

pub struct Summary {
    pub id: String,
    pub dir: PathBuf,
    pub title: String,
    pub playbook: String,
    pub started: String,
    pub closed: bool,
    pub drill: bool,
    pub events: usize,
    /// From detection to close, or to now while open (`1h02m`).
    pub duration: String,
}

pub fn summarize(dir: &Path, replay: &Replay) -> Summary {
    let opened = replay.entries().find_map(|e| match e {
        Entry::Opened {
            title,
            playbook,
            drill,
            ..
        } => Some((title.clone(), playbook.clone(), *drill)),
        _ => None,
    });
    let (title, playbook, drill) = opened.unwrap_or_default();
    let when = super::close::times(replay);
    let duration = when
        .detected
        .as_deref()
        .and_then(|start| super::close::duration(start, when.resolved.as_deref()))
        .unwrap_or_default();
    Summary {
        id: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        dir: dir.to_path_buf(),
        title,
        playbook,
        started: replay
            .records
            .first()
            .map(|r| r.ts.clone())
            .unwrap_or_default(),
        closed: replay.is_closed(),
        drill,
        events: replay.records.len(),
        duration,
    }
}

/// An incident id: a directory name as opsdeck makes them, never a path.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 255
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// An incident directory of `base`: a real directory (not a symlink out of
/// the data dir) named like an id, with a regular `events.jsonl` (or, for a
/// log whose events were all lost, its head).
fn is_incident(dir: &Path) -> bool {
    let named = dir.file_name().and_then(|n| n.to_str()).is_some_and(is_id);
    let real_dir = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    let file = |name: &str| std::fs::symlink_metadata(dir.join(name)).is_ok_and(|m| m.is_file());
    named && real_dir && (file(EVENTS_FILE) || file(HEAD_FILE))
}

/// The events of an incident directory; none when `events.jsonl` is gone
/// but its head is still there (`opsdeck log verify` says how many were lost).
pub fn read(dir: &Path) -> std::io::Result<Replay> {
    match replay(&dir.join(EVENTS_FILE)) {
        Err(err)
            if err.kind() == std::io::ErrorKind::NotFound
                && std::fs::symlink_metadata(dir.join(HEAD_FILE)).is_ok_and(|m| m.is_file()) =>
        {
            Ok(Replay::default())
        }
        other => other,
    }
}

pub fn list(base: &Path) -> Vec<Summary> {
    let Ok(entries) = std::fs::read_dir(base) else {
        return Vec::new();
    };
    let mut out: Vec<Summary> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|dir| is_incident(dir))
        .filter_map(|dir| read(&dir).ok().map(|r| summarize(&dir, &r)))
        .collect();
    out.sort_by(|a, b| b.id.cmp(&a.id));
    out
}

/// An open incident found for a playbook.
#[derive(Debug)]
pub struct Open {
    pub id: String,
    pub dir: PathBuf,
    pub events: usize,
}

/// The newest incident still open for `playbook`, to offer resuming it.
/// Every `exec` and console start asks, so no log is replayed: each is read
/// (newest first) for its first line, its `closed` events and its count of
/// lines, a scan at memory speed however many incidents the data dir holds.
pub fn open_for(base: &Path, playbook: &str) -> Option<Open> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(base)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|dir| is_incident(dir))
        .collect();
    dirs.sort_by(|a, b| b.file_name().cmp(&a.file_name()));
    dirs.into_iter().find_map(|dir| {
        let bytes = read_events(&dir)?;
        let first = bytes.split(|b| *b == b'\n').next()?;
        let opened_for = match parse_entry(first) {
            Some(Entry::Opened { playbook, .. }) => playbook,
            // Not the usual first line: what the whole log says.
            _ => summarize(&dir, &read(&dir).ok()?).playbook,
        };
        if opened_for != playbook || has_closed(&bytes) {
            return None;
        }
        Some(Open {
            id: dir.file_name()?.to_string_lossy().into_owned(),
            events: bytes
                .split(|b| *b == b'\n')
                .filter(|l| l.ends_with(b"}"))
                .count(),
            dir,
        })
    })
}

/// `events.jsonl`'s bytes, read as `replay` reads it (no symlink, no FIFO).
fn read_events(dir: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(dir.join(EVENTS_FILE))
        .ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

fn parse_entry(line: &[u8]) -> Option<Entry> {
    serde_json::from_slice(line).ok()
}

/// Whether a `closed` event is in the log: only the lines holding its
/// marker are parsed (a note quoting it has its quotes escaped).
fn has_closed(bytes: &[u8]) -> bool {
    memchr::memmem::find_iter(bytes, br#""kind":"closed""#).any(|at| {
        let start = bytes[..at]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |n| n + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n);
        matches!(parse_entry(&bytes[start..end]), Some(Entry::Closed { .. }))
    })
}

/// An incident by id, or by a unique prefix of it; only ever a directory
/// of `base`.
pub fn find(base: &Path, id: &str) -> Result<PathBuf, String> {
    if !is_id(id) {
        return Err(format!(
            "`{id}` is not an incident id: an id names a directory under {} (letters, digits, `-`, `_`, `.`; no `/`, no leading `.`), it is not a path; `opsdeck log list` shows the ids",
            base.display()
        ));
    }
    let exact = base.join(id);
    if is_incident(&exact) {
        return Ok(exact);
    }
    let matches: Vec<Summary> = list(base)
        .into_iter()
        .filter(|s| s.id.starts_with(id))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.dir.clone()),
        [] => Err(format!(
            "no incident `{id}` under {} (`opsdeck log list` shows them)",
            base.display()
        )),
        many => Err(format!(
            "`{id}` matches {} incidents: {}; give more of the id (`opsdeck log list` shows them)",
            many.len(),
            many.iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::IncidentLog;
    use crate::incident::redact::Redactor;

    fn incident(base: &Path, playbook: &str, then: &[Entry]) -> PathBuf {
        let opened = Entry::Opened {
            title: "t".into(),
            playbook: playbook.into(),
            playbook_sha256: String::new(),
            version: String::new(),
            drill: false,
        };
        let mut log = IncidentLog::create(base, "t", opened, Redactor::default()).unwrap();
        log.append_all(then).unwrap();
        // Ids are to the second: the next one must sort after this one.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        log.dir().to_path_buf()
    }

    fn closed() -> Entry {
        Entry::Closed {
            summary: "fixed".into(),
            mitigated_at: None,
            mitigated_by: None,
        }
    }

    #[test]
    fn the_newest_open_incident_of_the_playbook_is_found_without_replaying() {
        let base = tempfile::tempdir().unwrap();
        let base = base.path();
        // An alert's labels are Alertmanager's to choose: one says
        // `"kind":"closed"` in the line, unescaped, inside its map.
        let quoting = Entry::Alert {
            alertname: "A".into(),
            fingerprint: "f".into(),
            starts_at: String::new(),
            labels: [("kind".to_string(), "closed".to_string())].into(),
            annotations: Default::default(),
        };
        let open_old = incident(base, "/pb.md", std::slice::from_ref(&quoting));
        incident(base, "/pb.md", &[quoting, closed()]);
        incident(base, "/other.md", &[]);
        let found = open_for(base, "/pb.md").expect("the open one");
        assert_eq!(found.dir, open_old, "a closed newer one is skipped");
        assert_eq!(found.events, 2);
        assert!(open_for(base, "/nothing.md").is_none());
        let newest = incident(base, "/pb.md", &[]);
        assert_eq!(open_for(base, "/pb.md").unwrap().dir, newest);
    }
}
