//! Writes to files: redirections, `tee` and `dd` onto paths that matter.

use super::joined;
use super::options::Args;
use super::walk::Invocation;
use crate::shell::words::Redirect;

/// Paths whose writes change nothing that matters.
fn harmless_target(path: &str) -> bool {
    const FILES: &[&str] = &[
        "/dev/null",
        "/dev/stdout",
        "/dev/stderr",
        "/dev/stdin",
        "/dev/tty",
    ];
    const DIRS: &[&str] = &[
        "/tmp/",
        "/var/tmp/",
        "/dev/shm/",
        "/dev/fd/",
        "/dev/tcp/",
        "/dev/udp/",
    ];
    // `/tmp/../etc/passwd` is not in /tmp.
    !path.split('/').any(|part| part == "..")
        && (FILES.contains(&path) || DIRS.iter().any(|dir| path.starts_with(dir)))
}

/// An absolute path whose writes matter; a relative one lands in the
/// working directory.
fn absolute_and_matters(path: &str) -> bool {
    path.starts_with('/') && !harmless_target(path)
}

/// Operators that write to their target.
fn writes(redirect: &Redirect) -> bool {
    match redirect.op.as_str() {
        ">" | ">>" | ">|" | "&>" | "&>>" => true,
        // `>&2` duplicates a descriptor; `>& file` writes the file.
        ">&" => {
            !(redirect.target.text == "-"
                || redirect.target.text.chars().all(|c| c.is_ascii_digit()))
        }
        _ => false,
    }
}

/// `> FILE` alone, `: > FILE`, `true > FILE`, `cat /dev/null > FILE`.
pub(super) fn empties_a_file(invocation: &Invocation, _: &Args) -> Option<String> {
    let command = invocation.command;
    let args = invocation.args;
    let empties = command.words.is_empty() && !command.compound
        || matches!(invocation.program, ":" | "true") && args.is_empty()
        || invocation.program == "cat" && args.len() == 1 && args[0].text == "/dev/null";
    if !empties {
        return None;
    }
    let redirect = command
        .redirects
        .iter()
        .find(|r| matches!(r.op.as_str(), ">" | ">|" | "&>") && !harmless_target(&r.target.text))?;
    let before = joined(&command.words);
    let space = if before.is_empty() { "" } else { " " };
    Some(format!(
        "{before}{space}{} {}",
        redirect.op, redirect.target.text
    ))
}

/// `… > /etc/x`: a write onto an absolute path that matters.
pub(super) fn writes_outside_tmp(invocation: &Invocation, args: &Args) -> Option<String> {
    if empties_a_file(invocation, args).is_some() {
        return None; // Said better as a truncation.
    }
    let redirect = invocation
        .command
        .redirects
        .iter()
        .find(|r| writes(r) && absolute_and_matters(&r.target.text))?;
    Some(format!("{} {}", redirect.op, redirect.target.text))
}

/// `tee /etc/x`: stdin copied onto an absolute path that matters.
pub(super) fn tee_outside_tmp(invocation: &Invocation, args: &Args) -> Option<String> {
    let file = args
        .positionals
        .iter()
        .find(|w| absolute_and_matters(&w.text))?;
    Some(format!("{} {}", invocation.program, file.text))
}

/// `dd of=/dev/sda`: an output that matters.
pub(super) fn dd_output(_: &Invocation, args: &Args) -> Option<String> {
    let target = args
        .positionals
        .iter()
        .find_map(|w| w.text.strip_prefix("of="))?;
    (!harmless_target(target)).then(|| format!("dd of={target}"))
}
