//! Who did it: `user@host`, and when, in RFC 3339 UTC with milliseconds.

use std::time::SystemTime;

pub fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("{user}@{}", hostname())
}

pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// `2026-11-22T02:14:43.123Z`
pub fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}

/// `20261122T021443Z`, for incident ids that sort by start time.
pub fn compact_timestamp(at: SystemTime) -> String {
    let full = humantime::format_rfc3339_seconds(at).to_string();
    full.chars().filter(|c| *c != '-' && *c != ':').collect()
}
