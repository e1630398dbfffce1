//! Who did it: `user@host`, and when, in RFC 3339 UTC with milliseconds.

use std::time::SystemTime;

/// `login@host`: the account's login name from the system's user database,
/// so that an unset or forged `$USER` neither hides nor fakes who acted.
pub fn actor() -> String {
    format!("{}@{}", login_name(), hostname())
}

/// The login name of this process's real user; `$USER`/`$LOGNAME` only when
/// the user database has no entry for it (a container's bare uid).
pub fn login_name() -> String {
    let uid = nix::unistd::getuid();
    nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map(|user| user.name)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| format!("uid{uid}"))
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
