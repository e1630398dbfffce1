//! An interactive command on an SSH host. The script never goes into an
//! argv (local or remote, where every user can read it): a first, plain
//! connection writes it to a private directory on the host (`mktemp -d`,
//! 0700; the file 0600); then `ssh -tt`, with the real terminal as its pty,
//! reads it, removes the directory and only then runs it.

use crate::plan::ssh_target::SshTarget;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the upload may take before it is given up.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT_SECS: u64 = 10;

/// Run by the remote login shell (through `sh`, whatever that shell is): a
/// private directory, the script from stdin into it, its name back.
const UPLOAD: &str =
    "exec sh -c 'umask 077 && d=$(mktemp -d) && cat > \"$d/script\" && printf \"%s\\n\" \"$d\"'";

/// Run by the remote login shell with the directory as `$1`: the script is
/// read and removed before it runs, as `sh -c SCRIPT` would run it.
const RUN: &str =
    "'d=$1; set --; s=$(cat \"$d/script\") && rm -rf -- \"$d\" && unset d && eval \"$s\"'";

/// The `ssh -tt` command that runs `script` on `target` with this terminal.
pub fn command(target: &SshTarget, script: &str) -> Result<Command, String> {
    let dir = upload(target, script)?;
    let mut ssh = Command::new("ssh");
    ssh.args(target.ssh_options(CONNECT_TIMEOUT_SECS))
        .arg("-tt")
        .arg("--")
        .arg(&target.host)
        .arg(format!("exec sh -c {RUN} sh {dir}"));
    Ok(ssh)
}

/// Writes `script` into a fresh private directory on the host; returns it.
fn upload(target: &SshTarget, script: &str) -> Result<String, String> {
    let host = target.describe();
    let mut child = Command::new("ssh")
        .args(target.ssh_options(CONNECT_TIMEOUT_SECS))
        .arg("-T")
        .arg("--")
        .arg(&target.host)
        .arg(UPLOAD)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start ssh to send the command to {host}: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let written = stdin.write_all(script.as_bytes());
    drop(stdin);
    let deadline = Instant::now() + UPLOAD_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "sending the command to {host} did not finish in {} s",
                    UPLOAD_TIMEOUT.as_secs()
                ));
            }
        }
    };
    let stdout = bounded(child.stdout.take());
    let stderr = bounded(child.stderr.take());
    if !status.success() || written.is_err() {
        let said = crate::terminal_text::sanitise(stderr.trim(), crate::terminal_text::Keep::Text);
        return Err(format!(
            "could not send the command to {host} (ssh exit {}): {said}",
            status.code().map_or("by signal".into(), |c| c.to_string())
        ));
    }
    let dir = stdout.trim();
    if !is_plain_path(dir) {
        return Err(format!(
            "{host} answered the upload with an unexpected directory name; nothing was run"
        ));
    }
    Ok(dir.to_string())
}

/// At most 4 KiB of a finished child's pipe.
fn bounded(pipe: Option<impl Read>) -> String {
    let mut text = String::new();
    if let Some(pipe) = pipe {
        let _ = pipe.take(4096).read_to_string(&mut text);
    }
    text
}

/// An absolute path the remote shell reads as one plain word.
fn is_plain_path(path: &str) -> bool {
    path.starts_with('/')
        && path.len() < 256
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_absolute_paths_are_used_as_the_directory() {
        assert!(is_plain_path("/tmp/tmp.AbC123"));
        for hostile in [
            "tmp/x",
            "/tmp/x; rm -rf /",
            "/tmp/$(id)",
            "/tmp/a b",
            "",
            "/tmp/`x`",
        ] {
            assert!(!is_plain_path(hostile), "{hostile}");
        }
    }
}
