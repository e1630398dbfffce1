//! The SSH keeper: what ssh's `ControlPersist` is to `ssh`, for `opsdeck
//! exec`. A responder runs one diagnosis after another, each a new process;
//! without a keeper each pays a new SSH connection. The first `exec` that
//! needs a host starts `opsdeck ssh-keeper` in the background; it holds the
//! master connection and its remote shells (the console's [`SshPool`]) and
//! runs each later `exec`'s script on them, streaming the output back. It
//! exits after [`idle`] with nobody asking (60 s, `OPSDECK_SSH_KEEP`; `0`
//! turns it off).
//!
//! Trust: the socket sits in the private control directory (0700), the
//! keeper answers only its own user (`SO_PEERCRED`), and its name carries a
//! fingerprint of what a connection depends on (the binary, `PATH`, the SSH
//! agent, `HOME`, the connect timeout), so a keeper is only ever asked by
//! the same opsdeck in the same setting. The script goes over the socket,
//! never on an argv. Nothing is retried once a request is sent: a command
//! never runs twice.
//!
//! [`SshPool`]: crate::exec::ssh::SshPool

pub mod client;
pub mod protocol;
pub mod server;

use std::path::PathBuf;
use std::time::Duration;

pub use client::KeptRunner;

/// How long the keeper stays with nobody asking; `None`: no keeper.
pub fn idle() -> Option<Duration> {
    let Ok(text) = std::env::var("OPSDECK_SSH_KEEP") else {
        return Some(Duration::from_secs(60));
    };
    match text.trim() {
        "0" | "off" | "no" | "false" => None,
        text => humantime::parse_duration(text)
            .ok()
            .filter(|d| !d.is_zero())
            .or(Some(Duration::from_secs(60))),
    }
}

/// The keeper's socket (and, beside it, its lock) for this setting.
pub fn socket_path() -> std::io::Result<PathBuf> {
    let dir = crate::exec::ssh::control_dir::control_dir()?;
    Ok(dir.join(format!("keep-{}.sock", fingerprint())))
}

/// 16 hex digits that change with anything a connection depends on.
fn fingerprint() -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(protocol::VERSION.to_le_bytes());
    if let Ok(exe) = std::env::current_exe() {
        hash.update(exe.as_os_str().as_encoded_bytes());
        // A rebuilt or upgraded binary starts its own keeper.
        if let Ok(modified) = std::fs::metadata(&exe).and_then(|m| m.modified()) {
            hash.update(format!("{modified:?}"));
        }
    }
    for name in [
        "PATH",
        "HOME",
        "SSH_AUTH_SOCK",
        "OPSDECK_SSH_CONNECT_TIMEOUT",
        "OPSDECK_SSH_KEEP",
    ] {
        hash.update(name);
        hash.update(
            std::env::var_os(name)
                .unwrap_or_default()
                .as_encoded_bytes(),
        );
        hash.update([0]);
    }
    hash.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
