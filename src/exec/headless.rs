//! `opsdeck exec`: one command without the console, confirmed and logged like in it.

use super::local::LocalRunner;
use super::resolve::resolve;
use super::{Finished, Runner, Stream};
use crate::incident::{self, Entry, IncidentLog, redact::Redactor};
use crate::playbook::Playbook;
use crate::playbook::model::{Command, Kind};
use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use tokio::sync::{mpsc, watch};

pub const EXIT_REFUSED: u8 = 3;
const LAST_LINES: usize = 10;

pub struct ExecOptions {
    pub vars: BTreeMap<String, String>,
    pub yes: bool,
    pub dry_run: bool,
    pub read_only: bool,
}

pub fn exec(path: &Path, playbook: &Playbook, command_id: &str, options: &ExecOptions) -> u8 {
    let Some(command) = playbook.command(command_id) else {
        let ids: Vec<&str> = playbook.commands().map(|c| c.id.as_str()).collect();
        eprintln!(
            "opsdeck exec: no command `{command_id}` in {}; its commands are: {}",
            path.display(),
            ids.join(", ")
        );
        return 1;
    };
    if let Some(reason) = refusal(command, options) {
        eprintln!("opsdeck exec: refused to run `{command_id}`: {reason}");
        return EXIT_REFUSED;
    }
    let mut vars = super::resolve::env_values(playbook);
    vars.extend(options.vars.clone());
    let resolved = match resolve(&command.run, playbook, &vars) {
        Ok(resolved) => resolved,
        Err(missing) => {
            let flags: Vec<String> = missing.iter().map(|m| format!("--var {m}=VALUE")).collect();
            eprintln!(
                "opsdeck exec: refused to run `{command_id}`: no value for {}; pass {}",
                missing.join(", "),
                flags.join(" ")
            );
            return EXIT_REFUSED;
        }
    };
    let hosts = target_hosts(playbook, command);
    let redactor = Redactor::new(resolved.secrets.clone());
    if options.dry_run {
        println!(
            "dry run: would run `{}` ({:?}) on {}:",
            command.id,
            command.kind,
            hosts.join(", ")
        );
        println!("{}", redactor.redact(&resolved.script));
        return 0;
    }
    if command.host != "local" {
        eprintln!(
            "opsdeck exec: `{command_id}` runs on host group `{}`, and this version of opsdeck runs commands on this machine only; use --dry-run to see what would run",
            command.host
        );
        return 1;
    }
    if command.kind == Kind::Remediate && !options.yes && !typed_confirmation(command, playbook) {
        eprintln!(
            "opsdeck exec: refused to run remediation `{command_id}`: not confirmed (pass --yes, or type the target at the prompt)"
        );
        return EXIT_REFUSED;
    }
    let mut log = open_incident(path, playbook, redactor.clone());
    let confirmed = Entry::CommandConfirmed {
        command: command.id.clone(),
        resolved: resolved.script.clone(),
        hosts: hosts.clone(),
    };
    record(&mut log, &confirmed);
    record(
        &mut log,
        &Entry::CommandStarted {
            command: command.id.clone(),
            host: "local".into(),
        },
    );
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("opsdeck exec: cannot start: {err}");
            return 1;
        }
    };
    let outcome = runtime.block_on(run_streaming(
        command,
        &resolved.script,
        log.as_ref(),
        &redactor,
    ));
    match outcome {
        Ok((finished, output_file, last_lines)) => {
            record(
                &mut log,
                &Entry::CommandFinished {
                    command: command.id.clone(),
                    host: "local".into(),
                    exit_code: finished.exit_code,
                    signal: finished.signal,
                    duration_ms: finished.duration.as_millis() as u64,
                    output_file,
                    last_lines,
                },
            );
            if let Some(log) = &log {
                eprintln!(
                    "opsdeck: recorded in incident {} ({})",
                    log.id(),
                    log.dir().display()
                );
            }
            exit_code(&finished)
        }
        Err(err) => {
            eprintln!("opsdeck exec: could not start `sh`: {err}");
            1
        }
    }
}

fn refusal(command: &Command, options: &ExecOptions) -> Option<String> {
    if command.show_only {
        return Some("it is marked `run=false` (shown, never run)".into());
    }
    if options.read_only && command.kind == Kind::Remediate {
        return Some("it is a remediation and --read-only is set".into());
    }
    None
}

pub fn target_hosts(playbook: &Playbook, command: &Command) -> Vec<String> {
    match playbook.hosts.get(&command.host) {
        Some(group) => group.hosts.clone(),
        None => vec![command.host.clone()],
    }
}

/// A remediation on a terminal: the responder types the target's name.
fn typed_confirmation(command: &Command, playbook: &Playbook) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    let target = if command.host == "local" {
        playbook.service.clone().unwrap_or_else(|| "local".into())
    } else {
        command.host.clone()
    };
    eprintln!(
        "`{}` is a REMEDIATION on {}:\n{}",
        command.id,
        target_hosts(playbook, command).join(", "),
        command.run
    );
    eprint!("Type `{target}` to run it, anything else cancels: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok() && answer.trim() == target
}

fn open_incident(path: &Path, playbook: &Playbook, redactor: Redactor) -> Option<IncidentLog> {
    let base = incident::incidents_dir()?;
    let playbook_path = std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string();
    let result = match incident::list::open_for(&base, &playbook_path) {
        Some(open) => IncidentLog::resume(&open.dir, redactor),
        None => {
            let bytes = crate::playbook::read_limited(path).unwrap_or_default();
            let opened = Entry::Opened {
                title: playbook.title.clone(),
                playbook: playbook_path,
                playbook_sha256: sha256_hex(&bytes),
                version: env!("CARGO_PKG_VERSION").into(),
                drill: false,
            };
            IncidentLog::create(&base, &playbook.title, opened, redactor)
        }
    };
    match result {
        Ok(log) => Some(log),
        Err(err) => {
            eprintln!(
                "opsdeck: WARNING: the incident log is not being written: {err}\n  {}",
                err.hint()
            );
            None
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn record(log: &mut Option<IncidentLog>, entry: &Entry) {
    if let Some(writer) = log
        && let Err(err) = writer.append(entry)
    {
        eprintln!(
            "opsdeck: WARNING: could not record `{}`: {err}\n  {}",
            entry.kind(),
            err.hint()
        );
        *log = None;
    }
}

/// Runs the command, copying its output to ours and to its output file; Ctrl-C cancels it.
async fn run_streaming(
    command: &Command,
    script: &str,
    log: Option<&IncidentLog>,
    redactor: &Redactor,
) -> std::io::Result<(Finished, String, Vec<String>)> {
    let mut output = log.and_then(|log| log.output_file(&command.id, "local").ok());
    let (tx, mut rx) = mpsc::channel(1024);
    let (cancel_tx, cancel_rx) = watch::channel(false);
    let script = script.to_string();
    let timeout = command.timeout;
    let run = tokio::spawn(async move { LocalRunner.run(&script, timeout, tx, cancel_rx).await });
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    let mut last = VecDeque::with_capacity(LAST_LINES);
    let mut stdout = std::io::stdout().lock();
    loop {
        tokio::select! {
            line = rx.recv() => {
                let Some(line) = line else { break };
                let _ = match line.stream {
                    Stream::Stdout => writeln!(stdout, "{}", line.text),
                    Stream::Stderr => writeln!(std::io::stderr(), "{}", line.text),
                };
                if let Some(file) = output.as_mut() && file.write_line(&line.text).is_err() {
                    output = None;
                }
                if last.len() == LAST_LINES {
                    last.pop_front();
                }
                last.push_back(redactor.redact(&incident::store_output::strip_ansi(&line.text)).chars().take(500).collect());
            }
            _ = interrupt.recv() => { let _ = cancel_tx.send(true); }
        }
    }
    let _ = stdout.flush();
    let finished = run.await.map_err(std::io::Error::other)??;
    let name = output
        .and_then(|file| file.finish().ok())
        .unwrap_or_default();
    Ok((finished, name, last.into_iter().collect()))
}

/// The command's own exit code; 128+N for a signal, 124 for a timeout (as timeout(1)).
fn exit_code(finished: &Finished) -> u8 {
    if finished.timed_out {
        return 124;
    }
    match (finished.exit_code, finished.signal) {
        (Some(code), _) => code.clamp(0, 255) as u8,
        (None, Some(signal)) => (128 + signal).clamp(0, 255) as u8,
        (None, None) => 1,
    }
}
