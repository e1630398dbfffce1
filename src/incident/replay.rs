//! Reading `events.jsonl` back: the chain verified, a torn last line skipped.

use super::entry::Entry;
use super::store::{GENESIS, LOG_FORMAT_KEY, chain_hash};
use serde_json::Value;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

#[derive(Clone, Debug)]
pub struct Record {
    pub seq: u64,
    pub ts: String,
    pub actor: String,
    pub hash: String,
    /// `log_format`: 2 and up keep a head file beside the events; 0 when absent.
    pub format: u64,
    /// None for a kind this version does not know (written by a newer opsdeck).
    pub entry: Option<Entry>,
}

#[derive(Debug, Default)]
pub struct Replay {
    pub records: Vec<Record>,
    /// Bytes up to the end of the last complete line.
    pub valid_len: u64,
    /// A last line cut short by a crash: reported, skipped, never fatal.
    pub torn_tail: Option<String>,
    /// Where the hash chain breaks (1-based line) and why.
    pub chain_break: Option<(usize, String)>,
}

impl Replay {
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.records.iter().filter_map(|r| r.entry.as_ref())
    }

    pub fn is_closed(&self) -> bool {
        self.entries().any(|e| matches!(e, Entry::Closed { .. }))
    }

    /// Written by an opsdeck that keeps a head file beside the events.
    pub fn keeps_head(&self) -> bool {
        self.records.iter().any(|r| r.format >= 2)
    }
}

/// Reads a log: never through a symlink, and never anything but a regular
/// file (a FIFO planted there would hang the reader).
pub fn replay(path: &Path) -> std::io::Result<Replay> {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(replay_bytes(&bytes))
}

pub fn replay_bytes(bytes: &[u8]) -> Replay {
    let mut replay = Replay::default();
    let mut prev = GENESIS.to_string();
    let mut offset = 0usize;
    for (index, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        let line_no = index + 1;
        if !line.ends_with(b"\n") {
            replay.torn_tail = Some(format!(
                "line {line_no} is incomplete ({} bytes, written during a crash) and was skipped",
                line.len()
            ));
            break;
        }
        offset += line.len();
        let text = String::from_utf8_lossy(&line[..line.len() - 1]);
        if text.trim().is_empty() {
            replay.valid_len = offset as u64;
            continue;
        }
        match check_line(&text, &prev) {
            Ok(record) => {
                prev = record.hash.clone();
                replay.records.push(record);
                replay.valid_len = offset as u64;
            }
            Err(why) => {
                if replay.chain_break.is_none() {
                    replay.chain_break = Some((line_no, why));
                }
                // Keep reading: the rest of the timeline is still worth showing.
                if let Some(record) = parse_record(&text) {
                    prev = record.hash.clone();
                    replay.records.push(record);
                }
                replay.valid_len = offset as u64;
            }
        }
    }
    replay
}

fn check_line(text: &str, prev: &str) -> Result<Record, String> {
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(text) else {
        return Err("not a JSON object".into());
    };
    let Some(Value::String(hash)) = map.remove("hash") else {
        return Err("no hash".into());
    };
    if map.get("prev").and_then(Value::as_str) != Some(prev) {
        return Err("its `prev` does not match the hash of the line before (a line was removed or reordered)".into());
    }
    let expected = chain_hash(&map).map_err(|e| e.to_string())?;
    if expected != hash {
        return Err("its content does not match its hash (the line was edited)".into());
    }
    parse_record(text).ok_or_else(|| "missing seq/ts/actor".into())
}

fn parse_record(text: &str) -> Option<Record> {
    let value: Value = serde_json::from_str(text).ok()?;
    Some(Record {
        seq: value.get("seq")?.as_u64()?,
        ts: value.get("ts")?.as_str()?.to_string(),
        actor: value
            .get("actor")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        hash: value
            .get("hash")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        format: value
            .get(LOG_FORMAT_KEY)
            .and_then(Value::as_u64)
            .unwrap_or(0),
        entry: serde_json::from_value(value).ok(),
    })
}
