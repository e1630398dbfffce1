//! The one writer of an incident: every append is on disk (fsync) before it
//! returns; the chain head beside it follows (see `head.rs`). Everything it creates is
//! private from the start: directories 0700, files 0600.

use super::actor::{actor, compact_timestamp, timestamp};
use super::entry::Entry;
use super::head::{Head, HeadWriter};
use super::notify::Notifier;
use super::redact::Redactor;
use super::replay::replay_bytes;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use tokio::sync::mpsc;

pub const EVENTS_FILE: &str = "events.jsonl";
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Written into every event (and so into its hash): this log keeps a head
/// file, so a missing one means something removed it.
pub const LOG_FORMAT_KEY: &str = "log_format";
pub const LOG_FORMAT: u64 = 2;
/// How the note that records damage found on resuming a log begins.
pub const DAMAGED_NOTE: &str = "opsdeck: this log was damaged when it was resumed: ";
pub const PRIVATE_DIR_MODE: u32 = 0o700;
pub const PRIVATE_FILE_MODE: u32 = 0o600;

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
    /// A directory of the log that others can write to.
    #[error("{}", exposed_message(.attempted, .path, *.mode))]
    Exposed {
        attempted: &'static str,
        path: PathBuf,
        mode: u32,
    },
}

fn exposed_message(attempted: &str, path: &Path, mode: u32) -> String {
    let who = match (mode & 0o020 != 0, mode & 0o002 != 0) {
        (true, true) => "its group and everyone else",
        (true, false) => "its group",
        _ => "everyone",
    };
    format!(
        "cannot {attempted}: {} is writable by {who} (mode {:03o}), so they could alter, remove or plant incident records; make it private: chmod 700 {}",
        path.display(),
        mode & 0o777,
        crate::shell::quote::shell_quote(&path.display().to_string())
    )
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
            LogError::Exposed { .. } => {
                "run the chmod above, or set OPSDECK_DATA_DIR to a directory only you can write to"
            }
            _ => "check the data directory (OPSDECK_DATA_DIR); events already written are kept",
        }
    }
}

/// Refuses `dir` when its group or others can write to it.
pub fn check_private(dir: &Path, attempted: &'static str) -> Result<(), LogError> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(dir).map_err(|e| LogError::io("examine", dir, e))?;
    if !meta.is_dir() {
        return Err(LogError::io(
            "use",
            dir,
            std::io::Error::other("it is not a directory"),
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(LogError::Exposed {
            attempted,
            path: dir.to_path_buf(),
            mode: meta.mode(),
        });
    }
    Ok(())
}

/// The directories above an incident's that are the data dir's: `base`
/// (the incidents directory) and, in the usual layout (`DATA/incidents`), the
/// data dir itself.
fn data_dirs(base: &Path) -> Vec<&Path> {
    let mut dirs = Vec::new();
    if base.file_name().is_some_and(|n| n == "incidents")
        && let Some(data) = base.parent().filter(|p| !p.as_os_str().is_empty())
    {
        dirs.push(data);
    }
    dirs.push(base);
    dirs
}

/// Creates the incidents directory `base` (and the data dir above it) 0700
/// where missing, and refuses them when others can write to them. Anyone
/// about to write under the data dir calls this first.
pub fn ensure_private_base(base: &Path, attempted: &'static str) -> Result<(), LogError> {
    for dir in data_dirs(base) {
        if dir.exists() {
            check_private(dir, attempted)?;
        }
    }
    DirBuilder::new()
        .recursive(true)
        .mode(PRIVATE_DIR_MODE)
        .create(base)
        .map_err(|e| LogError::io("create the data directory", base, e))?;
    for dir in data_dirs(base) {
        check_private(dir, attempted)?;
    }
    Ok(())
}

/// fsync of a directory: the names created in it are durable.
fn sync_dir(dir: &Path) -> Result<(), LogError> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| LogError::io("sync the directory", dir, e))
}

/// Creates one private directory (0700) under a private one; an existing
/// one is fine (a crash between two calls), anything else there is not.
pub fn private_subdir(dir: &Path) -> Result<(), LogError> {
    match DirBuilder::new().mode(PRIVATE_DIR_MODE).create(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let meta =
                std::fs::symlink_metadata(dir).map_err(|e| LogError::io("examine", dir, e))?;
            if meta.is_dir() {
                check_private(dir, "write the incident log")
            } else {
                Err(LogError::io(
                    "use",
                    dir,
                    std::io::Error::other("it is not a directory"),
                ))
            }
        }
        Err(e) => Err(LogError::io("create", dir, e)),
    }
}

pub struct IncidentLog {
    dir: PathBuf,
    file: File,
    head: HeadWriter,
    seq: u64,
    prev_hash: String,
    /// The log's length after this process's last append or read: what
    /// another writer added since starts there.
    len: u64,
    actor: String,
    redactor: Redactor,
    /// `notify: {webhook}`: each durable event is also posted, with the
    /// delivery failures coming back to be recorded.
    notifier: Option<(Notifier, mpsc::UnboundedReceiver<String>)>,
    /// The lines of the first events of an incident this process started
    /// (its `opened`), posted once a webhook is attached.
    unposted: Vec<String>,
    /// Entries that go in with the next event, in its write and fdatasync
    /// ([`IncidentLog::hold`]); written on drop if none comes.
    held: Vec<Entry>,
}

impl IncidentLog {
    /// Starts a new incident under `base` and records `opened`.
    pub fn create(
        base: &Path,
        title: &str,
        opened: Entry,
        redactor: Redactor,
    ) -> Result<IncidentLog, LogError> {
        IncidentLog::create_with(base, title, &[opened], redactor)
    }

    /// Starts a new incident under `base` and records `first` (its `opened`,
    /// then what is known with it) in one write and one fdatasync.
    pub fn create_with(
        base: &Path,
        title: &str,
        first: &[Entry],
        redactor: Redactor,
    ) -> Result<IncidentLog, LogError> {
        ensure_private_base(base, "start the incident log")?;
        let stem = format!(
            "{}-{}",
            compact_timestamp(SystemTime::now()),
            crate::playbook::attrs::slug(title)
        );
        let mut dir = base.join(&stem);
        let mut n = 1;
        loop {
            match DirBuilder::new().mode(PRIVATE_DIR_MODE).create(&dir) {
                Ok(()) => break,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => {
                    n += 1;
                    dir = base.join(format!("{stem}-{n}"));
                }
                Err(e) => return Err(LogError::io("create the incident directory", &dir, e)),
            }
        }
        let path = dir.join(EVENTS_FILE);
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .mode(PRIVATE_FILE_MODE)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| LogError::io("create the incident log", &path, e))?;
        let mut log = IncidentLog::with_file(dir, file, (0, GENESIS.to_string(), 0), redactor)?;
        // No webhook yet: posted once one is attached.
        let written = log.write_events(first)?;
        // The new names are durable before the first events are acknowledged.
        // Synced after them: on ext4 the events' sync commits the names too,
        // and these find nothing left to do.
        sync_dir(&log.dir)?;
        sync_dir(base)?;
        log.unposted = first
            .iter()
            .zip(&written)
            .map(|(entry, (seq, hash))| log.webhook_text(entry, *seq, hash))
            .collect();
        Ok(log)
    }

    /// Continues an incident after a crash: a torn last line is cut off first,
    /// since it was never acknowledged. A log that lost events (shorter than
    /// its head) goes on numbering after its head, so the gap stays visible,
    /// and says what it found in a note.
    pub fn resume(dir: &Path, redactor: Redactor) -> Result<IncidentLog, LogError> {
        let attempted = "resume the incident log";
        if let Some(base) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            for data in data_dirs(base) {
                check_private(data, attempted)?;
            }
        }
        check_private(dir, attempted)?;
        let events = dir.join(EVENTS_FILE);
        // Read and repaired through the descriptor later appends use: never
        // through a symlink, never anything but a regular file.
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&events)
            .map_err(|e| LogError::io("open the incident log", &events, e))?;
        let meta = file
            .metadata()
            .map_err(|e| LogError::io("examine", &events, e))?;
        if !meta.is_file() {
            return Err(LogError::io(
                "open the incident log",
                &events,
                std::io::Error::other("it is not a regular file"),
            ));
        }
        // Read and repaired under the lock: a line another opsdeck is
        // writing at this moment is not a torn one.
        let lock = super::shared::lock(&file).map_err(|e| LogError::io("lock", &events, e))?;
        // The usual case, a log that ends whole at its head, is taken as it
        // is: only a crash (a torn line, a head behind or ahead) needs the
        // whole log replayed. Edits in the middle are `log verify`'s to find.
        if let Some(chain) = super::shared::whole_at_head(dir, &file, meta.len()) {
            drop(lock);
            return IncidentLog::with_file(dir.to_path_buf(), file, chain, redactor);
        }
        let mut bytes = Vec::new();
        (&file)
            .read_to_end(&mut bytes)
            .map_err(|e| LogError::io("read", &events, e))?;
        let replayed = replay_bytes(&bytes);
        if replayed.valid_len < bytes.len() as u64 {
            file.set_len(replayed.valid_len)
                .map_err(|e| LogError::io("repair", &events, e))?;
            file.sync_data()
                .map_err(|e| LogError::io("sync the incident log", &events, e))?;
        }
        drop(lock);
        // A gap that ends at the note an earlier resume wrote about it was
        // recorded already.
        let noted: Vec<u64> = replayed
            .records
            .iter()
            .filter(|r| {
                matches!(&r.entry, Some(Entry::Note { text }) if text.starts_with(DAMAGED_NOTE))
            })
            .map(|r| r.seq)
            .collect();
        let found = super::integrity::examine_with(dir, &replayed, &|seq| noted.contains(&seq));
        let last = replayed.records.last();
        let mut seq = last.map_or(0, |r| r.seq);
        if let super::integrity::HeadState::Known(head) = &found.head {
            seq = seq.max(head.seq);
        }
        let prev = last.map_or(GENESIS.to_string(), |r| r.hash.clone());
        let chain = (seq, prev, replayed.valid_len);
        let mut log = IncidentLog::with_file(dir.to_path_buf(), file, chain, redactor)?;
        let problems = found.everything();
        if !problems.is_empty() {
            let text = format!("{DAMAGED_NOTE}{}", problems.join("; "));
            // Said once: the gap stays, and so would the note on every resume.
            let said = replayed
                .entries()
                .any(|e| matches!(e, Entry::Note { text: t } if *t == text));
            if !said {
                log.append(&Entry::Note { text })?;
            }
        }
        Ok(log)
    }

    /// `chain`: the last seq, its hash and the log's length so far.
    fn with_file(
        dir: PathBuf,
        file: File,
        chain: (u64, String, u64),
        redactor: Redactor,
    ) -> Result<IncidentLog, LogError> {
        let (seq, prev_hash, len) = chain;
        let head = HeadWriter::open(&dir).map_err(|e| {
            LogError::io("open the chain head", &dir.join(super::head::HEAD_FILE), e)
        })?;
        Ok(IncidentLog {
            dir,
            file,
            head,
            seq,
            prev_hash,
            len,
            actor: actor(),
            redactor,
            held: Vec::new(),
            notifier: None,
            unposted: Vec::new(),
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
        for line in std::mem::take(&mut self.unposted) {
            notifier.send(self.redactor.redact(&line));
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
        self.append_all(std::slice::from_ref(entry))
    }

    /// Writes events known together (an incident's `opened` and the first
    /// command's confirmation) in one write and one fdatasync; returns the
    /// last one's `seq` once all are durable.
    pub fn append_all(&mut self, entries: &[Entry]) -> Result<u64, LogError> {
        let mut held = std::mem::take(&mut self.held);
        let entries = if held.is_empty() {
            entries
        } else {
            held.extend_from_slice(entries);
            &held[..]
        };
        let written = self.write_events(entries)?;
        for (entry, (seq, hash)) in entries.iter().zip(&written) {
            self.notify(entry, *seq, hash)?;
        }
        Ok(self.seq)
    }

    /// `entries` in one write and one fdatasync, then the head after them;
    /// each one's seq and hash.
    /// Records `entries` with the next event, in its one write and
    /// fdatasync: `exec`'s confirmation goes in with its command's start.
    /// What is held was never acknowledged to anyone; it is written when
    /// the log is dropped if no event comes.
    pub fn hold(&mut self, entries: &[Entry]) {
        self.held.extend_from_slice(entries);
    }

    fn write_events(&mut self, entries: &[Entry]) -> Result<Vec<(u64, String)>, LogError> {
        let path = self.dir.join(EVENTS_FILE);
        let lock = super::shared::lock(&self.file)
            .map_err(|e| LogError::io("lock the incident log", &path, e))?;
        self.catch_up(&path)?;
        let (mut seq, mut prev_hash) = (self.seq, self.prev_hash.clone());
        let mut text = String::new();
        let mut written = Vec::with_capacity(entries.len());
        for entry in entries {
            seq += 1;
            let (line, hash) = self.event_line(entry, seq, prev_hash)?;
            text.push_str(&line);
            written.push((seq, hash.clone()));
            prev_hash = hash;
        }
        self.file
            .write_all(text.as_bytes())
            .map_err(|e| LogError::io("write the incident log", &path, e))?;
        self.file
            .sync_data()
            .map_err(|e| LogError::io("sync the incident log", &path, e))?;
        self.seq = seq;
        self.prev_hash = prev_hash.clone();
        self.len += text.len() as u64;
        let head_path = self.dir.join(super::head::HEAD_FILE);
        let head_failed = |e| {
            LogError::io(
                "update the chain head (the event itself was written) of",
                &head_path,
                e,
            )
        };
        self.head
            .write(&Head {
                seq,
                hash: prev_hash,
            })
            .map_err(head_failed)?;
        // A command's end and closing are checkpoints: the head is made
        // durable there, not after every event.
        if entries
            .iter()
            .any(|e| matches!(e, Entry::CommandFinished { .. } | Entry::Closed { .. }))
        {
            self.head.sync().map_err(head_failed)?;
        }
        drop(lock);
        Ok(written)
    }

    /// The line of event `seq` after `prev_hash`, redacted and hashed, and its hash.
    fn event_line(
        &self,
        entry: &Entry,
        seq: u64,
        prev_hash: String,
    ) -> Result<(String, String), LogError> {
        let mut record = match serde_json::to_value(entry)? {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        redact_strings(&mut record, &self.redactor);
        record.insert("seq".into(), seq.into());
        record.insert("ts".into(), timestamp(SystemTime::now()).into());
        record.insert("actor".into(), self.actor.clone().into());
        record.insert("pid".into(), std::process::id().into());
        record.insert("prev".into(), prev_hash.into());
        record.insert(LOG_FORMAT_KEY.into(), LOG_FORMAT.into());
        let hash = chain_hash(&record)?;
        record.insert("hash".into(), hash.clone().into());
        let mut line = serde_json::to_string(&record)?;
        line.push('\n');
        Ok((line, hash))
    }

    /// Numbers and chains after what another opsdeck appended since this
    /// one last did; cuts off a line torn by a writer killed mid-write.
    fn catch_up(&mut self, path: &Path) -> Result<(), LogError> {
        let Some(tail) = super::shared::catch_up(&self.file, self.len)
            .map_err(|e| LogError::io("read", path, e))?
        else {
            return Ok(());
        };
        if let Some((seq, hash)) = tail.last {
            self.seq = seq;
            self.prev_hash = hash;
        }
        let len = self
            .file
            .metadata()
            .map_err(|e| LogError::io("examine", path, e))?
            .len();
        if len > tail.len {
            self.file
                .set_len(tail.len)
                .map_err(|e| LogError::io("repair", path, e))?;
            self.file
                .sync_data()
                .map_err(|e| LogError::io("sync the incident log", path, e))?;
        }
        self.len = tail.len;
        Ok(())
    }

    /// The line posted for an event just appended: its summary, and the
    /// chain head it made (what `opsdeck log verify ID --head HASH` checks).
    fn webhook_text(&self, entry: &Entry, seq: u64, hash: &str) -> String {
        format!(
            "[{}] {} (seq {seq}, head {hash})",
            self.id(),
            entry.summary(),
        )
    }

    /// After the event is on disk: post it, and record what could not be posted.
    fn notify(&mut self, entry: &Entry, seq: u64, hash: &str) -> Result<(), LogError> {
        let Some((notifier, _)) = self.notifier.as_ref() else {
            return Ok(());
        };
        if !matches!(entry, Entry::NotifyFailed { .. }) {
            notifier.send(self.redactor.redact(&self.webhook_text(entry, seq, hash)));
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
        // Made here, 0700, before store_output's create_dir_all finds it.
        private_subdir(&self.dir.join("output"))?;
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
impl Drop for IncidentLog {
    fn drop(&mut self) {
        if !self.held.is_empty() {
            // Nobody to tell of a failure here; `exec` has said its result.
            let _ = self.append_all(&[]);
        }
    }
}

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
