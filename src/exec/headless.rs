//! `opsdeck exec`: one command without the console, confirmed and logged like in it.

use super::headless_run::{self, Run};
use super::resolve::resolve;
use super::ssh::SshPool;
use super::targets;
use crate::incident::{self, Entry, IncidentLog, redact::Redactor};
use crate::playbook::Playbook;
use crate::playbook::model::{Command, Kind};
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

pub const EXIT_REFUSED: u8 = 3;

pub struct ExecOptions {
    pub vars: BTreeMap<String, String>,
    pub yes: bool,
    pub dry_run: bool,
    pub read_only: bool,
    /// `--host H`: run on this one host of the command's group.
    pub host: Option<String>,
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
    let hosts = match targets::select_hosts(playbook, command, options.host.as_deref()) {
        Ok(hosts) => hosts,
        Err(message) => {
            eprintln!("opsdeck exec: {message}");
            return 1;
        }
    };
    let redactor = Redactor::new(resolved.secrets.clone());
    if options.dry_run {
        // SIGPIPE stays ignored for `exec`: a closed reader must not panic it.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "dry run: would run `{}` ({:?}) on {}:\n{}",
            command.id,
            command.kind,
            hosts.join(", "),
            redactor.redact(&resolved.script)
        );
        return 0;
    }
    if command.kind == Kind::Remediate
        && !options.yes
        && !typed_confirmation(command, playbook, &hosts)
    {
        eprintln!(
            "opsdeck exec: refused to run remediation `{command_id}`: not confirmed (pass --yes, or type the target at the prompt)"
        );
        return EXIT_REFUSED;
    }
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
    // Entered so the webhook sender can start; it runs while `block_on` does.
    let _runtime_context = runtime.enter();
    let mut log = open_incident(path, playbook, redactor.clone());
    if let (Some(log), Some(url)) = (log.as_mut(), &playbook.notify)
        && let Err(reason) = log.notify_to(url)
    {
        let _ = log.append(&Entry::NotifyFailed { reason });
    }
    let confirmed = Entry::CommandConfirmed {
        command: command.id.clone(),
        resolved: resolved.script.clone(),
        hosts: hosts.clone(),
    };
    record(&mut log, &confirmed);
    let several = hosts.len() > 1;
    let results = runtime.block_on(async {
        // Dropped at the end of this block: the master connections close.
        let pool = SshPool::from_env();
        let runners = targets::runners(
            playbook,
            &targets::playbook_dir(path),
            command,
            &hosts,
            &pool,
        );
        let run = Run {
            command_id: &command.id,
            script: &resolved.script,
            timeout: command.timeout,
            hosts,
            redactor: &redactor,
        };
        headless_run::run_streaming(run, runners, &mut log).await
    });
    let results = match results {
        Ok(results) => results,
        Err(err) => {
            eprintln!("opsdeck exec: cannot run `{command_id}`: {err}");
            return 1;
        }
    };
    // A short-lived process: give the webhook a moment to deliver what it holds.
    if let Some(notifier) = log.as_ref().and_then(IncidentLog::notifier) {
        runtime.block_on(notifier.settle(std::time::Duration::from_secs(5)));
    }
    if let Some(writer) = log.as_mut() {
        let _ = writer.record_notify_failures();
    }
    if several {
        eprintln!(
            "opsdeck: `{command_id}`: {}",
            headless_run::summary(&results)
        );
    }
    if let Some(log) = &log {
        eprintln!(
            "opsdeck: recorded in incident {} ({})",
            log.id(),
            log.dir().display()
        );
    }
    headless_run::exit_code(&results)
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
fn typed_confirmation(command: &Command, playbook: &Playbook, hosts: &[String]) -> bool {
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
        hosts.join(", "),
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

pub(crate) fn record(log: &mut Option<IncidentLog>, entry: &Entry) {
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
