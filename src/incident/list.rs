//! The incidents on this machine, newest first.

use super::entry::Entry;
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
    }
}

pub fn list(base: &Path) -> Vec<Summary> {
    let Ok(entries) = std::fs::read_dir(base) else {
        return Vec::new();
    };
    let mut out: Vec<Summary> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|dir| dir.join(EVENTS_FILE).is_file())
        .filter_map(|dir| {
            replay(&dir.join(EVENTS_FILE))
                .ok()
                .map(|r| summarize(&dir, &r))
        })
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

/// An incident by id, or by a unique prefix of it.
pub fn find(base: &Path, id: &str) -> Result<PathBuf, String> {
    let exact = base.join(id);
    if exact.join(EVENTS_FILE).is_file() {
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
            "`{id}` matches {} incidents: {}; give more of the id",
            many.len(),
            many.iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
