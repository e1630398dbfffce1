//! The one way an incident is opened: its `opened` event names the playbook
//! (its canonical path and the sha256 of the bytes being followed), and the
//! playbook's webhook, when it has one, is wired right after.

use super::entry::Entry;
use super::redact::Redactor;
use super::store::{IncidentLog, LogError};
use std::path::{Path, PathBuf};

/// What an incident is opened for.
pub struct Opening<'a> {
    /// The playbook file as given; recorded canonical.
    pub playbook: &'a Path,
    pub title: &'a str,
    pub drill: bool,
    /// The playbook's `notify: {webhook}`.
    pub notify: Option<&'a str>,
}

/// A new incident.
pub fn create(opening: &Opening, redactor: Redactor) -> Result<IncidentLog, LogError> {
    create_with(opening, redactor, &[])
}

/// A new incident, with `then` recorded in the same write and fdatasync as
/// its `opened`.
fn create_with(
    opening: &Opening,
    redactor: Redactor,
    then: &[Entry],
) -> Result<IncidentLog, LogError> {
    let base = base()?;
    let bytes = crate::playbook::read_limited(opening.playbook).unwrap_or_default();
    let opened = Entry::Opened {
        title: opening.title.to_string(),
        playbook: canonical(opening.playbook),
        playbook_sha256: super::sha256_hex(&bytes),
        version: env!("CARGO_PKG_VERSION").into(),
        drill: opening.drill,
    };
    let mut first = vec![opened];
    first.extend_from_slice(then);
    let mut log = IncidentLog::create_with(&base, opening.title, &first, redactor)?;
    wire_notifier(&mut log, opening.notify);
    Ok(log)
}

/// The open incident of this playbook (after a crash or from another
/// terminal), else a new one.
pub fn resume_or_create(opening: &Opening, redactor: Redactor) -> Result<IncidentLog, LogError> {
    resume_or_create_with(opening, redactor, &[])
}

/// Like [`resume_or_create`], then records `then`: with `opened`, in one
/// write and one fdatasync, when the incident is new; with the next event
/// (a command's start), in its write and fdatasync, when it is resumed.
pub fn resume_or_create_with(
    opening: &Opening,
    redactor: Redactor,
    then: &[Entry],
) -> Result<IncidentLog, LogError> {
    let base = base()?;
    match super::list::open_for(&base, &canonical(opening.playbook)) {
        Some(open) => {
            let mut log = IncidentLog::resume(&open.dir, redactor)?;
            wire_notifier(&mut log, opening.notify);
            // In the next event's write and fdatasync (a command's start).
            log.hold(then);
            Ok(log)
        }
        None => create_with(opening, redactor, then),
    }
}

/// Posts every later event to `notify`; a webhook that cannot be used is
/// recorded, and the log goes on without it.
pub fn wire_notifier(log: &mut IncidentLog, notify: Option<&str>) {
    if let Some(url) = notify
        && let Err(reason) = log.notify_to(url)
    {
        let _ = log.append(&Entry::NotifyFailed { reason });
    }
}

fn canonical(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

fn base() -> Result<PathBuf, LogError> {
    super::incidents_dir().ok_or_else(|| {
        LogError::io(
            "find",
            &PathBuf::from("the data directory"),
            std::io::Error::other("set OPSDECK_DATA_DIR"),
        )
    })
}
