//! Where the SSH master connections keep their control sockets.
//!
//! A Unix socket path is limited to ~108 bytes and the `openssh` crate adds
//! ~47 characters below this directory, so it must stay short (≤ 60).

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub const MAX_LEN: usize = 60;

/// A private (0700, ours) short directory: `$XDG_RUNTIME_DIR/opsdeck` if
/// that is short enough, else `/tmp/opsdeck-UID`.
pub fn control_dir() -> io::Result<PathBuf> {
    // SAFETY: getuid(2) cannot fail and touches no memory.
    let uid = unsafe { libc::getuid() };
    let runtime = std::env::var_os("XDG_RUNTIME_DIR")
        .map(|dir| PathBuf::from(dir).join("opsdeck"))
        .filter(|dir| dir.is_absolute() && dir.as_os_str().len() <= MAX_LEN);
    if let Some(dir) = runtime
        && private_dir(&dir, uid).is_ok()
    {
        return Ok(dir);
    }
    let dir = PathBuf::from(format!("/tmp/opsdeck-{uid}"));
    private_dir(&dir, uid)?;
    Ok(dir)
}

/// Creates `dir` 0700, or checks that the existing one is a real directory
/// of ours that nobody else can write (a shared /tmp is hostile ground).
fn private_dir(dir: &Path, uid: u32) -> io::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => return Ok(()),
        Err(err) if err.kind() != io::ErrorKind::AlreadyExists => return Err(err),
        Err(_) => {}
    }
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() || meta.uid() != uid || meta.permissions().mode() & 0o077 != 0 {
        return Err(io::Error::other(format!(
            "{} is not a private directory of this user; remove it",
            dir.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_control_dir_is_short_and_private() {
        let dir = super::control_dir().unwrap();
        assert!(dir.as_os_str().len() <= super::MAX_LEN, "{}", dir.display());
        assert!(dir.is_dir());
    }
}
