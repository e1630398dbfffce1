//! The chain head, kept beside `events.jsonl`: the seq and hash of the last
//! event written. A log shorter than its head lost events.
//!
//! The head is a checkpoint that may lag behind the log, never run ahead of
//! it: it is written (to the page cache, which a killed process keeps) after
//! each event is fdatasync'd, and made durable itself only at checkpoints
//! (a command's end, closing, the writer's end). A power cut can leave it a
//! few events behind, which `log verify` says without calling it a loss; a
//! log cut below it still fails. Syncing it after every event doubled the
//! cost of an event for no acknowledged event kept.
//!
//! The file holds two fixed-size slots, each a line of JSON with a checksum;
//! an append overwrites the slot of its seq's parity in place, so a write
//! torn by a crash can only damage the slot being written, and the other
//! still holds the head before it (which then lags by one: nothing is lost).
//! In place and without a rename, it costs one fdatasync of a block that
//! does not change size: a temp file, rename and directory fsync per event
//! measured 3 to 9 times slower than the events' own write and fsync.

use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

pub const HEAD_FILE: &str = "head";
/// Bytes per slot, its newline included; a head line is at most 129 bytes.
const SLOT: usize = 160;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
}

impl Head {
    fn slot(&self) -> Vec<u8> {
        let mut line = format!(
            "{{\"seq\":{},\"hash\":\"{}\",\"check\":\"{}\"}}",
            self.seq,
            self.hash,
            check(self.seq, &self.hash)
        )
        .into_bytes();
        line.resize(SLOT - 1, b' ');
        line.push(b'\n');
        line
    }
}

/// Ties a slot's seq to its hash, so a torn or half-edited slot is not read
/// as a head.
fn check(seq: u64, hash: &str) -> String {
    let digest = Sha256::digest(format!("{seq}:{hash}").as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A sha256 in hex, as the chain writes them.
pub fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn parse_slot(bytes: &[u8]) -> Option<Head> {
    let text = std::str::from_utf8(bytes).ok()?;
    let value: serde_json::Value =
        serde_json::from_str(text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\0'))
            .ok()?;
    let seq = value.get("seq")?.as_u64()?;
    let hash = value.get("hash")?.as_str()?;
    let sum = value.get("check")?.as_str()?;
    (is_hash(hash) && sum == check(seq, hash)).then(|| Head {
        seq,
        hash: hash.to_string(),
    })
}

/// The head of a log no event of which is confirmed yet: its head file was
/// created, and a power cut came before the first checkpoint.
pub fn nothing_confirmed() -> Head {
    Head {
        seq: 0,
        hash: "0".repeat(64),
    }
}

/// A head file never written (created empty), or left as zeros by a power
/// cut before its first sync. (Blank slots of spaces are a head destroyed.)
fn never_written(bytes: &[u8]) -> bool {
    bytes.len() <= 2 * SLOT && bytes.iter().all(|&b| b == 0)
}

/// The head of the incident in `dir`: `Ok(None)` when it has no head file
/// (a log written before opsdeck kept one), [`nothing_confirmed`] when it
/// was never written, `Err` when the file is there but cannot be read or
/// holds no head.
pub fn read(dir: &Path) -> Result<Option<Head>, String> {
    let path = dir.join(HEAD_FILE);
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
    {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(format!(
                "the head file {} cannot be read: {err}",
                path.display()
            ));
        }
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(format!("the head file {} is not a file", path.display()));
    }
    let mut bytes = Vec::new();
    file.take(2 * SLOT as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| format!("the head file {} cannot be read: {err}", path.display()))?;
    if never_written(&bytes) {
        return Ok(Some(nothing_confirmed()));
    }
    let best = if bytes.len() > 2 * SLOT {
        None
    } else {
        bytes
            .chunks(SLOT)
            .filter_map(parse_slot)
            .max_by_key(|h| h.seq)
    };
    best.map(Some).ok_or_else(|| {
        format!(
            "the head file {} holds no head (it was damaged or replaced)",
            path.display()
        )
    })
}

/// Overwrites the head of one incident directory after each append, and
/// makes it durable at checkpoints (and when dropped).
pub struct HeadWriter {
    file: File,
    /// Written since the last sync.
    unsynced: bool,
}

impl HeadWriter {
    /// The head file of `dir`, created 0600 and empty when it is not there
    /// yet; never through a symlink. Not synced: a power cut before the
    /// first checkpoint leaves it empty, read as nothing confirmed yet.
    pub fn open(dir: &Path) -> std::io::Result<HeadWriter> {
        let path = dir.join(HEAD_FILE);
        let created = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path);
        let file = match created {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => OpenOptions::new()
                .read(true)
                .write(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(&path)?,
            Err(err) => return Err(err),
        };
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(std::io::Error::other(format!(
                "{} is not a regular file",
                path.display()
            )));
        }
        // Whatever else was there (reported by the resume that opens it) goes.
        if meta.len() > 2 * SLOT as u64 {
            file.set_len(2 * SLOT as u64)?;
        }
        Ok(HeadWriter {
            file,
            unsynced: false,
        })
    }

    /// Overwrites the slot of `head.seq`'s parity; durable at the next
    /// [`HeadWriter::sync`]. Call it only once the event `head` names is.
    pub fn write(&mut self, head: &Head) -> std::io::Result<()> {
        let offset = (head.seq % 2) * SLOT as u64;
        self.file.write_all_at(&head.slot(), offset)?;
        self.unsynced = true;
        Ok(())
    }

    /// A checkpoint: the last head written is durable when it returns.
    pub fn sync(&mut self) -> std::io::Result<()> {
        if self.unsynced {
            self.file.sync_data()?;
            self.unsynced = false;
        }
        Ok(())
    }
}

impl Drop for HeadWriter {
    fn drop(&mut self) {
        // Nothing to report to: a failed sync leaves the head lagging, which
        // `log verify` says.
        let _ = self.sync();
    }
}
