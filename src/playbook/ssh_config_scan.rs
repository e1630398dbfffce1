//! What a host group's `ssh_config:` file makes `ssh` run on this machine
//! (`ProxyCommand`, `LocalCommand`, `Match exec`, and `ProxyJump`, which
//! starts another ssh): read when the playbook is loaded, named by `check`
//! and shown in every confirmation, since connecting runs it before any
//! confirmed command.

use super::diagnostic::Diagnostic;
use super::model::Playbook;
use std::path::Path;

/// More than a config file could sensibly hold: not read further.
const MAX_CONFIG: u64 = 1 << 20;

/// Fills each group's `ssh_config_runs` and returns a warning per group
/// whose file runs something.
pub fn scan(playbook: &mut Playbook, playbook_dir: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (name, group) in &mut playbook.hosts {
        let Some(config) = &group.ssh_config else {
            continue;
        };
        let path = resolve(config, playbook_dir);
        let Some(text) = read_bounded(&path) else {
            continue;
        };
        group.ssh_config_runs = runs(&text);
        if let Some(first) = group.ssh_config_runs.first() {
            out.push(
                Diagnostic::warning(
                    "ssh-config-runs-command",
                    group.pos,
                    format!(
                        "host group `{name}`: its ssh_config `{config}` runs `{first}` on this machine whenever opsdeck connects"
                    ),
                )
                .help("make sure you trust that file; every confirmation shows this, `allow: [ssh-config-runs-command]` silences the warning"),
            );
        }
    }
    out
}

/// The lines that make `ssh` run a program locally, as written.
pub fn runs(config: &str) -> Vec<String> {
    config
        .lines()
        .map(str::trim)
        .filter(|line| {
            let lower = line.to_ascii_lowercase();
            [
                "proxycommand",
                "proxyjump",
                "localcommand",
                "match exec",
                "knownhostscommand",
            ]
            .iter()
            .any(|key| lower.starts_with(key) && lower[key.len()..].starts_with([' ', '\t', '=']))
        })
        .map(|line| crate::terminal_text::sanitise(line, crate::terminal_text::Keep::Text))
        .collect()
}

fn resolve(config: &str, dir: &Path) -> std::path::PathBuf {
    match (config.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => dir.join(config),
    }
}

/// At most `MAX_CONFIG` bytes of a regular file. Opened without blocking, so
/// a FIFO in its place cannot hang the load; read as lossy UTF-8, so a stray
/// invalid byte cannot hide a `ProxyCommand` from the scan.
fn read_bounded(path: &Path) -> Option<String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_ssh_would_run_locally_are_found() {
        let config = "Host web*\n  HostName 10.0.0.1\n  ProxyCommand nc -X connect %h %p\n  proxyjump=bastion\n  ProxyCommandX no\nMatch exec \"test -f /x\"\n";
        assert_eq!(
            runs(config),
            [
                "ProxyCommand nc -X connect %h %p",
                "proxyjump=bastion",
                "Match exec \"test -f /x\""
            ]
        );
    }
}
