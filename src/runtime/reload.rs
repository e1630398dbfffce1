//! Live reload: the open playbook's directory is watched (editors save by
//! renaming a new file over the old one, which a watch on the file itself
//! would lose), events are debounced, and the file is parsed again.

use crate::app::Event;
use crate::playbook;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

/// An editor's save is several events; parse once they have settled.
const DEBOUNCE: Duration = Duration::from_millis(150);

pub struct Reloader {
    path: PathBuf,
    /// Kept alive: dropping it stops the watch.
    _watcher: RecommendedWatcher,
    changes: mpsc::UnboundedReceiver<()>,
    due: Option<Instant>,
    /// The bytes last parsed: a save without changes is not a reload.
    last: Vec<u8>,
}

impl Reloader {
    pub fn start(path: &Path) -> Result<Reloader, String> {
        let path = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name: OsString = path.file_name().unwrap_or_default().to_os_string();
        let (tx, changes) = mpsc::unbounded_channel();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            let ours = res.is_ok_and(|event| {
                !event.kind.is_access() && event.paths.iter().any(|p| p.file_name() == Some(&name))
            });
            if ours {
                let _ = tx.send(());
            }
        })
        .map_err(|e| e.to_string())?;
        watcher
            .watch(&dir, RecursiveMode::NonRecursive)
            .map_err(|e| e.to_string())?;
        let last = playbook::read_limited(&path).unwrap_or_default();
        Ok(Reloader {
            path,
            _watcher: watcher,
            changes,
            due: None,
            last,
        })
    }

    /// Waits for the next change that settled and differs; cancel-safe, so
    /// it can sit in a `select!` with the console's other sources.
    pub async fn next(&mut self) -> Event {
        loop {
            match self.due {
                None => {
                    if self.changes.recv().await.is_none() {
                        std::future::pending::<()>().await;
                    }
                    self.due = Some(Instant::now() + DEBOUNCE);
                }
                Some(due) => {
                    tokio::select! {
                        Some(()) = self.changes.recv() => self.due = Some(Instant::now() + DEBOUNCE),
                        _ = sleep_until(due) => {
                            self.due = None;
                            if let Some(event) = self.reload() {
                                return event;
                            }
                        }
                    }
                }
            }
        }
    }

    fn reload(&mut self) -> Option<Event> {
        let bytes = playbook::read_limited(&self.path).ok();
        if bytes.as_ref() == Some(&self.last) {
            return None;
        }
        // Parsed from the bytes just read, so the hash recorded is of the
        // version that was loaded.
        let parsed = match &bytes {
            Some(bytes) => crate::plan::check::parse(
                bytes,
                playbook::Form::of(&self.path),
                &self.path.file_stem().unwrap_or_default().to_string_lossy(),
            ),
            None => crate::plan::check::load(&self.path),
        };
        let sha256 = crate::incident::sha256_hex(bytes.as_deref().unwrap_or_default());
        // Unreadable (mid-rename): forget the old bytes so its return reloads.
        self.last = bytes.unwrap_or_default();
        let name = self.path.file_name().unwrap_or_default().to_string_lossy();
        Some(match parsed.playbook {
            Some(playbook) => Event::Reloaded {
                playbook: Box::new(playbook),
                sha256,
            },
            None => {
                let error = parsed.diagnostics.iter().find(|d| d.is_error());
                Event::ReloadFailed {
                    error: error.map_or_else(
                        || format!("{name}: cannot be read"),
                        |d| format!("{name}:{}:{}: {}", d.line, d.col, d.message),
                    ),
                }
            }
        })
    }
}
