//! The one writer of an incident: every append is on disk (fsync) before it returns.

use super::actor::{actor, compact_timestamp, timestamp};
use super::entry::Entry;
use super::notify::Notifier;
use super::redact::Redactor;
use super::replay::replay;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use tokio::sync::mpsc;

pub const EVENTS_FILE: &str = "events.jsonl";
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot encode an event: {0}")]
    Encode(#[from] serde_json::Error),
}

impl LogError {
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> LogError {
        LogError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// What to do about it, for the person reading the error.
    pub fn hint(&self) -> &'static str {
        match self {
            LogError::Io { source, .. } if source.raw_os_error() == Some(28) => {
                "the disk is full: free space, or set OPSDECK_DATA_DIR to another disk; events already written are kept"
            }
            LogError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                "the data directory is not writable: fix its permissions or set OPSDECK_DATA_DIR"
            }
            _ => "check the data directory (OPSDECK_DATA_DIR); events already written are kept",
        }
    }
}

pub struct IncidentLog {
    dir: PathBuf,
    file: File,
    seq: u64,
    prev_hash: String,
    actor: String,
    redactor: Redactor,
    /// `notify: {webhook}`: each durable event is also posted, with the
    /// delivery failures coming back to be recorded.
    notifier: Option<(Notifier, mpsc::UnboundedReceiver<String>)>,
    /// The `opened` line of an incident this process started, posted once a
    /// webhook is attached.
    opened: Option<String>,
}

impl IncidentLog {
    /// Starts a new incident under `base` and records `opened`.
    pub fn create(
        base: &Path,
        title: &str,
        opened: Entry,
        redactor: Redactor,
    ) -> Result<IncidentLog, LogError> {
        std::fs::create_dir_all(base)
            .map_err(|e| LogError::io("create the data directory", base, e))?;
        let stem = format!(
            "{}-{}",
            compact_timestamp(SystemTime::now()),
            crate::playbook::attrs::slug(title)
        );
        let mut dir = base.join(&stem);
        let mut n = 1;
        loop {
            match std::fs::create_dir(&dir) {
                Ok(()) => break,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => {
                    n += 1;
                    dir = base.join(format!("{stem}-{n}"));
                }
                Err(e) => return Err(LogError::io("create the incident directory", &dir, e)),
            }
        }
        let mut log = IncidentLog::open_file(dir, 0, GENESIS.to_string(), redactor)?;
        log.append(&opened)?;
        log.opened = Some(opened.summary());
        Ok(log)
    }

    /// Continues an incident after a crash: a torn last line is cut off first,
    /// since it was never acknowledged.
    pub fn resume(dir: &Path, redactor: Redactor) -> Result<IncidentLog, LogError> {
        let events = dir.join(EVENTS_FILE);
        let replayed = replay(&events).map_err(|e| LogError::io("read", &events, e))?;
        let file = OpenOptions::new()
            .write(true)
            .open(&events)
            .map_err(|e| LogError::io("open", &events, e))?;
        file.set_len(replayed.valid_len)
            .map_err(|e| LogError::io("repair", &events, e))?;
        drop(file);
        let last = replayed.records.last();
        let seq = last.map_or(0, |r| r.seq);
        let prev = last.map_or(GENESIS.to_string(), |r| r.hash.clone());
        IncidentLog::open_file(dir.to_path_buf(), seq, prev, redactor)
    }

    fn open_file(
        dir: PathBuf,
        seq: u64,
        prev_hash: String,
        redactor: Redactor,
    ) -> Result<IncidentLog, LogError> {
        let path = dir.join(EVENTS_FILE);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| LogError::io("open the incident log", &path, e))?;
        Ok(IncidentLog {
            dir,
            file,
            seq,
            prev_hash,
            actor: actor(),
            redactor,
            notifier: None,
            opened: None,
        })
    }

    /// Posts every later event to `url` (needs a tokio runtime).
    pub fn notify_to(&mut self, url: &str) -> Result<(), String> {
        // A webhook URL is a credential (chat webhooks carry their token in
        // the path): it is redacted from every event, delivery errors included.
        for form in webhook_url_forms(url) {
            self.redactor.add_secret(form);
        }
        let (failures, reports) = mpsc::unbounded_channel();
        let notifier = Notifier::start(url.to_string(), failures)?;
        if let Some(opened) = self.opened.take() {
            notifier.send(self.redactor.redact(&format!("[{}] {opened}", self.id())));
        }
        self.notifier = Some((notifier, reports));
        Ok(())
    }

    pub fn notifier(&self) -> Option<&Notifier> {
        self.notifier.as_ref().map(|(notifier, _)| notifier)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn id(&self) -> String {
        self.dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Secrets learnt after the incident started (a prompted secret variable).
    pub fn add_secrets(&mut self, secrets: &[String]) {
        for secret in secrets {
            self.redactor.add_secret(secret.clone());
        }
    }

    /// Writes one event and fsyncs it; returns its `seq` once it is durable.
    pub fn append(&mut self, entry: &Entry) -> Result<u64, LogError> {
        let seq = self.seq + 1;
        let mut record = match serde_json::to_value(entry)? {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        redact_strings(&mut record, &self.redactor);
        record.insert("seq".into(), seq.into());
        record.insert("ts".into(), timestamp(SystemTime::now()).into());
        record.insert("actor".into(), self.actor.clone().into());
        record.insert("pid".into(), std::process::id().into());
        record.insert("prev".into(), self.prev_hash.clone().into());
        let hash = chain_hash(&record)?;
        record.insert("hash".into(), hash.clone().into());
        let mut line = serde_json::to_string(&record)?;
        line.push('\n');
        let path = self.dir.join(EVENTS_FILE);
        self.file
            .write_all(line.as_bytes())
            .map_err(|e| LogError::io("write the incident log", &path, e))?;
        self.file
            .sync_data()
            .map_err(|e| LogError::io("sync the incident log", &path, e))?;
        self.seq = seq;
        self.prev_hash = hash;
        self.notify(entry)?;
        Ok(seq)
    }

    /// After the event is on disk: post it, and record what could not be posted.
    fn notify(&mut self, entry: &Entry) -> Result<(), LogError> {
        let Some((notifier, _)) = self.notifier.as_ref() else {
            return Ok(());
        };
        if !matches!(entry, Entry::NotifyFailed { .. }) {
            notifier.send(
                self.redactor
                    .redact(&format!("[{}] {}", self.id(), entry.summary())),
            );
        }
        self.record_notify_failures()
    }

    /// Records the webhook's delivery failures reported so far; called after
    /// each append and by whoever waits for the webhook at the end.
    pub fn record_notify_failures(&mut self) -> Result<(), LogError> {
        let Some((_, reports)) = self.notifier.as_mut() else {
            return Ok(());
        };
        let mut failed = Vec::new();
        while let Ok(reason) = reports.try_recv() {
            failed.push(reason);
        }
        for reason in failed {
            self.append(&Entry::NotifyFailed { reason })?;
        }
        Ok(())
    }

    /// A file for one command's full output, redacted as it is written.
    pub fn output_file(
        &self,
        command: &str,
        host: &str,
    ) -> Result<super::store_output::OutputFile, LogError> {
        super::store_output::OutputFile::create(
            &self.dir,
            self.seq + 1,
            command,
            host,
            self.redactor.clone(),
        )
    }
}

/// sha256 over the record without its own hash; keys are sorted, so the text is canonical.
pub fn chain_hash(record: &Map<String, Value>) -> Result<String, serde_json::Error> {
    let text = serde_json::to_string(record)?;
    let digest = Sha256::digest(text.as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

fn redact_strings(map: &mut Map<String, Value>, redactor: &Redactor) {
    for value in map.values_mut() {
        redact_value(value, redactor);
    }
}

fn redact_value(value: &mut Value, redactor: &Redactor) {
    match value {
        Value::String(s) => *s = redactor.redact(s),
        Value::Array(items) => items.iter_mut().for_each(|v| redact_value(v, redactor)),
        Value::Object(map) => redact_strings(map, redactor),
        _ => {}
    }
}

/// The URL as given, as a URL library prints it, and its path and query.
fn webhook_url_forms(url: &str) -> Vec<String> {
    let mut forms = vec![url.to_string()];
    if let Ok(parsed) = url::Url::parse(url) {
        forms.push(parsed.to_string());
        let mut tail = parsed.path().to_string();
        if let Some(query) = parsed.query() {
            tail.push('?');
            tail.push_str(query);
        }
        // `/` alone or a short path names nothing secret.
        if tail.len() > 8 {
            forms.push(tail);
        }
    }
    forms
}
