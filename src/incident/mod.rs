//! The incident log: one private directory per incident, an append-only,
//! fsync'd, hash-chained `events.jsonl` with its chain head beside it, and
//! each command's output.

pub mod actor;
pub mod close;
pub mod entry;
pub mod export;
pub mod head;
pub mod integrity;
pub mod list;
pub mod notify;
pub mod opening;
pub mod redact;
pub mod replay;
mod shared;
pub mod store;
pub mod store_output;
pub mod timeline;

pub use entry::Entry;
pub use replay::{Replay, replay};
pub use store::{IncidentLog, LogError};

use std::path::PathBuf;

/// `OPSDECK_DATA_DIR`, else the platform data dir (`~/.local/share/opsdeck`).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("OPSDECK_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "opsdeck").map(|dirs| dirs.data_dir().to_path_buf())
}

pub fn incidents_dir() -> Option<PathBuf> {
    data_dir().map(|dir| dir.join("incidents"))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
