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

/// The newest incident still open for `playbook`, to offer resuming it.
pub fn open_for(base: &Path, playbook: &str) -> Option<Summary> {
    list(base)
        .into_iter()
        .find(|s| !s.closed && s.playbook == playbook)
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
