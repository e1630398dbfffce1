//! Turning ssh's failure to connect into a message that says what happened
//! and what to do, above all for a host key that is unknown or changed.

use super::target::SshTarget;
use std::io;
use std::process::Stdio;
use std::time::Duration;

pub async fn connect_error(
    target: &SshTarget,
    err: openssh::Error,
    timeout: Duration,
) -> io::Error {
    let detail = match &err {
        openssh::Error::Connect(inner) | openssh::Error::Master(inner) => inner.to_string(),
        other => other.to_string(),
    };
    let detail = detail.trim().replace('\r', "");
    let host = &target.host;
    let message = if detail.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") {
        changed_key(target, &detail, timeout).await
    } else if detail.contains("Host key verification failed") {
        unknown_key(target, timeout).await
    } else if detail.contains("Connection refused") {
        format!("{host}: connection refused: no SSH server answers there ({detail})")
    } else if detail.contains("timed out") {
        format!(
            "{host}: no SSH answer within the connect timeout of {}s ({detail})",
            timeout.as_secs()
        )
    } else if detail.contains("Permission denied") {
        format!(
            "{host}: login refused ({detail}); check `user` and `identity_file` of host group `{}` (opsdeck never asks for a password)",
            target.group
        )
    } else {
        format!("{host}: cannot connect: {detail}")
    };
    io::Error::other(message)
}

async fn unknown_key(target: &SshTarget, timeout: Duration) -> String {
    let offered = offered_key(target, timeout)
        .await
        .map(|(fp, _)| format!(" It offers the key {fp}."))
        .unwrap_or_default();
    format!(
        "{host}: REFUSED: its host key is not in {known}, and host keys are checked strictly.{offered}\n  \
         Compare that fingerprint with the one the host's owner gives you (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host). If it matches, either\n  \
         - accept it once: `ssh {options} -o StrictHostKeyChecking=accept-new {host} true`, or\n  \
         - set `host_key_check: accept-new` on host group `{group}` to record keys on first connect.",
        host = target.host,
        known = known_hosts_name(target),
        group = target.group,
        options = manual_options(target),
    )
}

async fn changed_key(target: &SshTarget, detail: &str, timeout: Duration) -> String {
    let fingerprint = detail
        .lines()
        .skip_while(|l| !l.contains("The fingerprint for the"))
        .nth(1)
        .map(|l| l.trim().trim_end_matches('.').to_string());
    let fingerprint = match fingerprint {
        Some(fp) => Some(fp),
        None => offered_key(target, timeout).await.map(|(fp, _)| fp),
    };
    let offending = detail
        .lines()
        .find_map(|l| {
            l.split_once("Offending ")
                .map(|(_, rest)| rest.trim().to_string())
        })
        .map(|o| format!(" (the recorded one: {o})"))
        .unwrap_or_default();
    // ssh names the exact known_hosts entry to remove; else build the command.
    let remove = detail
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("ssh-keygen -f"))
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "ssh-keygen -R {} -f {}",
                known_hosts_host(target),
                known_hosts_name(target)
            )
        });
    format!(
        "{host}: REFUSED: its host key CHANGED{offending}; it now offers {fp}. This may be an attack (someone in the middle) or a reinstalled host.\n  \
         Only if the host's owner confirms the new fingerprint: remove the old key with `{remove}` and connect again. `host_key_check: accept-new` does not accept changed keys.",
        host = target.host,
        fp = fingerprint.as_deref().unwrap_or("an unknown key"),
    )
}

/// The key the server presents, from a verbose, strict, non-interactive
/// attempt with the same options: (`SHA256:...` with its type, raw line).
async fn offered_key(target: &SshTarget, timeout: Duration) -> Option<(String, String)> {
    let probe = tokio::process::Command::new("ssh")
        .args(target.ssh_options(timeout.as_secs().max(1)))
        .args(["-v", "-o", "StrictHostKeyChecking=yes", "-T", "--"])
        .arg(&target.host)
        .arg("true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(timeout + Duration::from_secs(2), probe)
        .await
        .ok()?
        .ok()?;
    let log = String::from_utf8_lossy(&output.stderr);
    let line = log.lines().find(|l| l.contains("Server host key:"))?;
    let key = line.split_once("Server host key:")?.1.trim();
    let (kind, fingerprint) = key.split_once(' ')?;
    Some((format!("{fingerprint} ({kind})"), line.to_string()))
}

fn known_hosts_name(target: &SshTarget) -> String {
    target
        .known_hosts
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "~/.ssh/known_hosts".into())
}

/// How known_hosts names this host: `[host]:port` for a port other than 22.
fn known_hosts_host(target: &SshTarget) -> String {
    match target.port {
        Some(port) if port != 22 => format!("'[{}]:{port}'", target.host),
        _ => target.host.clone(),
    }
}

/// The group's settings as ssh options, for a command the responder can paste.
fn manual_options(target: &SshTarget) -> String {
    let options = target.ssh_options(10);
    // Drop the strict check and BatchMode: the manual command replaces them.
    let mut kept = Vec::new();
    let mut words = options.iter();
    while let Some(word) = words.next() {
        if word == "-o" {
            if let Some(value) = words.next()
                && !value.starts_with("StrictHostKeyChecking")
                && !value.starts_with("BatchMode")
                && !value.starts_with("ConnectTimeout")
            {
                kept.push(format!("-o {}", crate::shell::quote::shell_quote(value)));
            }
        } else {
            kept.push(crate::shell::quote::shell_quote(word));
        }
    }
    kept.join(" ")
}
