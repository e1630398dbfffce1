//! `opsdeck exec`: one command without the console, confirmed and logged like in it.

use super::headless_run;
use super::ssh::SshPool;
use crate::incident::{self, Entry, IncidentLog, redact::Redactor};
use crate::plan::values::env_values_of;
use crate::plan::{self, Danger, Mode, Plan, Planned, Refusal, Request, Target};
use crate::playbook::Playbook;
use crate::terminal_text::{Keep, sanitise};
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
    let mut values = env_values_of(playbook, playbook.command(command_id));
    values.extend(options.vars.clone());
    let dir = super::targets::playbook_dir(path);
    let mode = if options.read_only {
        Mode::ReadOnly
    } else if options.dry_run {
        Mode::DryRun
    } else {
        Mode::Live
    };
    // The open incident's pinned contexts, or the kubeconfig as it is now.
    let kube = crate::exec::kube_pin::pinned(path, false);
    let plan = match plan::plan(&Request {
        playbook,
        playbook_dir: &dir,
        command_id,
        values: &values,
        mode,
        only_host: options.host.as_deref(),
        kube: Some(&kube),
    }) {
        Planned::Ready(plan) => *plan,
        Planned::Ask(missing) => {
            let names: Vec<&str> = missing.iter().map(|m| m.name.as_str()).collect();
            let flags: Vec<String> = names.iter().map(|m| format!("--var {m}=VALUE")).collect();
            eprintln!(
                "opsdeck exec: refused to run `{command_id}`: no value for {}; pass {}",
                names.join(", "),
                flags.join(" ")
            );
            return EXIT_REFUSED;
        }
        Planned::Refused(refusal @ Refusal::NoSuchCommand { .. }) => {
            eprintln!(
                "opsdeck exec: no command `{command_id}` in {}: {}",
                path.display(),
                refusal.reason()
            );
            return 1;
        }
        Planned::Refused(refusal @ Refusal::NotInGroup { .. }) => {
            eprintln!("opsdeck exec: {}", refusal.reason());
            return 1;
        }
        Planned::Refused(refusal) => {
            eprintln!(
                "opsdeck exec: refused to run `{command_id}`: {}",
                refusal.reason()
            );
            return EXIT_REFUSED;
        }
    };
    if options.dry_run {
        // SIGPIPE stays ignored for `exec`: a closed reader must not panic it.
        let mut out = std::io::stdout().lock();
        let text = format!(
            "dry run: would run `{}` ({}) on {}:\n{}",
            plan.command_id,
            danger_words(&plan.danger),
            plan.where_it_runs(),
            plan.shown
        );
        // The playbook's text may hold escapes that would forge what is shown.
        let _ = writeln!(out, "{}", sanitise(&text, Keep::Text));
        return 0;
    }
    if plan.interactive && !super::terminal_run::have_terminal() {
        eprintln!(
            "opsdeck exec: refused to run `{command_id}`: it needs a terminal (it is interactive) and this exec has none; run it from a terminal"
        );
        return EXIT_REFUSED;
    }
    if let Some(name) = &plan.type_to_confirm
        && !options.yes
        && !typed_confirmation(&plan, name)
    {
        eprintln!(
            "opsdeck exec: refused to run `{command_id}`: it changes things ({}) and was not confirmed (pass --yes, or type `{name}` at the prompt)",
            danger_words(&plan.danger)
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
    let redactor = Redactor::new(plan.secrets.clone());
    // The confirmation goes in with a new incident's `opened`: one fdatasync.
    let confirmed = plan::record::confirmed(&plan);
    let mut log = open_incident(path, playbook, redactor.clone(), &confirmed);
    if let Some(log) = &log
        && let Err(err) = crate::exec::kube_pin::save_if_missing(log.dir(), &kube)
    {
        eprintln!("opsdeck: WARNING: the Kubernetes pin is not kept in the incident: {err}");
    }
    let results = if plan.interactive {
        Ok(interactive(&plan, &mut log))
    } else {
        runtime.block_on(async {
            // Dropped at the end of this block: the master connections close.
            let pool = SshPool::from_env();
            // A keeper holds the connections for the next `exec`, as ControlPersist would.
            let over_ssh = plan.targets.iter().any(|t| matches!(t, Target::Ssh(_)));
            let keeper = (over_ssh && super::keeper::idle().is_some())
                .then(super::keeper::socket_path)
                .and_then(Result::ok);
            let runners = super::driver::runners(&plan, playbook, &pool, keeper.as_deref());
            headless_run::run_streaming(&plan, runners, &redactor, &mut log).await
        })
    };
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
    if plan.hosts.len() > 1 {
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

/// An interactive command on this terminal, on each of its hosts in turn:
/// the start, end and exit code are recorded, not what was typed or shown.
fn interactive(
    plan: &Plan,
    log: &mut Option<IncidentLog>,
) -> Vec<(String, crate::exec::outcome::HostResult)> {
    let kube = plan.kube.as_ref();
    let mut results = Vec::new();
    for (index, host) in plan.hosts.iter().enumerate() {
        if plan.hosts.len() > 1 {
            eprintln!(
                "opsdeck: `{}` on {} ({} of {})",
                plan.command_id,
                sanitise(host, Keep::Text),
                index + 1,
                plan.hosts.len()
            );
        }
        record(log, &plan::record::started(&plan.command_id, host, kube));
        let result = super::terminal_run::run_on_terminal(plan, index);
        if let Err(error) = &result {
            eprintln!(
                "opsdeck exec: `{}` on {}: {}",
                plan.command_id,
                sanitise(host, Keep::Text),
                sanitise(error, Keep::Text)
            );
        }
        let entry = plan::record::finished(
            &plan.command_id,
            host,
            &result,
            String::new(),
            Vec::new(),
            kube,
        );
        record(log, &entry);
        results.push((host.clone(), result));
    }
    results
}

/// `reads only`, or `changes things: restarts a service [service-control]`.
pub fn danger_words(danger: &Danger) -> String {
    match danger {
        Danger::Reads => "reads only".into(),
        Danger::Changes { rule, why } => format!("changes things: {why} [{rule}]"),
    }
}

/// A command that changes things, on a terminal: the responder reads the
/// plan and types its target's name.
fn typed_confirmation(plan: &Plan, name: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    let shown = format!(
        "`{}` is a REMEDIATION on {} ({}):\n{}",
        plan.command_id,
        plan.where_it_runs(),
        danger_words(&plan.danger),
        plan.shown
    );
    eprintln!("{}", sanitise(&shown, Keep::Text));
    eprint!("Type `{name}` to run it, anything else cancels: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok() && answer.trim() == name
}

/// The playbook's open incident, else a new one, with `confirmed` recorded.
fn open_incident(
    path: &Path,
    playbook: &Playbook,
    redactor: Redactor,
    confirmed: &Entry,
) -> Option<IncidentLog> {
    let opening = incident::opening::Opening {
        playbook: path,
        title: &playbook.title,
        drill: false,
        notify: playbook.notify.as_deref(),
    };
    match incident::opening::resume_or_create_with(
        &opening,
        redactor,
        std::slice::from_ref(confirmed),
    ) {
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
