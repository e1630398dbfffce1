//! `opsdeck health PLAYBOOK [--once | --watch] [--format json]`.

use crate::exec::ssh::SshPool;
use crate::health::http_client::HttpOptions;
use crate::health::probe::{ProbeContext, context_for};
use crate::health::report;
use crate::health::scheduler::{self, HealthEvent, Scheduler, SchedulerSettings};
use crate::health::state::Status;
use crate::playbook::Playbook;
use crate::terminal_text::{Keep, sanitise};
use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write;
use std::path::Path;
use tokio::sync::mpsc;

pub use crate::health::report::{EXIT_DOWN, EXIT_ERROR, EXIT_OK};

/// Runs every check once (the default), or with `watch` keeps checking and
/// prints each transition until interrupted. Exit 0 when nothing is down,
/// 2 when something is, 1 when the playbook cannot be used.
pub fn run(path: &Path, once: bool, watch: bool, json: bool) -> u8 {
    let Some(playbook) = load(path) else {
        return EXIT_ERROR;
    };
    let context = match context_for(&playbook, HttpOptions::default()) {
        Ok(context) => ProbeContext {
            remote: Some(std::sync::Arc::new(
                crate::exec::remote_checks::SshHosts::of(&playbook, path, SshPool::from_env()),
            )),
            alertmanager: crate::config::alertmanager_url().ok().flatten(),
            ..context
        },
        Err(why) => {
            eprintln!("opsdeck health: {why}");
            return EXIT_ERROR;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("opsdeck health: cannot start: {err}");
            return EXIT_ERROR;
        }
    };
    let settings = SchedulerSettings::default();
    let name = path.display().to_string();
    let mut stdout = std::io::stdout();
    // `--once` wins over `--watch`: a smoke test must end.
    if watch && !once {
        runtime.block_on(watch_changes(
            &playbook,
            &context,
            &settings,
            json,
            &mut stdout,
            interrupted(),
        ))
    } else {
        runtime.block_on(check_once(
            &playbook,
            &name,
            &context,
            &settings,
            json,
            &mut stdout,
        ))
    }
}

/// Every check once, printed as a table or JSON; returns the exit code.
pub async fn check_once(
    playbook: &Playbook,
    name: &str,
    context: &ProbeContext,
    settings: &SchedulerSettings,
    json: bool,
    out: &mut dyn Write,
) -> u8 {
    let entries = match scheduler::entries(playbook, settings, context) {
        Ok(entries) => entries,
        Err(why) => {
            eprintln!("opsdeck health: {name}: {why}");
            return EXIT_ERROR;
        }
    };
    if entries.is_empty() && !json {
        let _ = writeln!(out, "{name} has no checks (add them under `checks:`)");
        return EXIT_OK;
    }
    let outcomes = scheduler::check_all_once(&entries, settings.max_in_flight).await;
    let results: Vec<_> = playbook.checks.iter().zip(outcomes.iter()).collect();
    // Reasons quote what servers answered: nothing but text reaches the terminal.
    let text = if json {
        report::once_json(name, &results) + "\n"
    } else {
        sanitise(&report::once_text(&results), Keep::Text)
    };
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    report::exit_code(outcomes.iter().map(|o| Status::from(o.verdict)))
}

/// Prints every status change until `stop` completes (or output fails);
/// returns the exit code for the statuses at that moment.
pub async fn watch_changes(
    playbook: &Playbook,
    context: &ProbeContext,
    settings: &SchedulerSettings,
    json: bool,
    out: &mut dyn Write,
    stop: impl Future<Output = ()>,
) -> u8 {
    let entries = match scheduler::entries(playbook, settings, context) {
        Ok(entries) => entries,
        Err(why) => {
            eprintln!("opsdeck health: {why}");
            return EXIT_ERROR;
        }
    };
    let (events, mut received) = mpsc::channel(256);
    let mut scheduler = Scheduler::start(entries, settings, events);
    let mut statuses: BTreeMap<String, Status> = BTreeMap::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            event = received.recv() => match event {
                Some(HealthEvent::Changed(change)) => {
                    statuses.insert(change.id.clone(), change.transition.to);
                    let line = if json { report::change_json(&change) } else { sanitise(&report::change_text(&change), Keep::Text) };
                    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                        break;
                    }
                }
                Some(HealthEvent::Checked(_)) => {}
                None => break,
            },
            () = &mut stop => break,
        }
    }
    scheduler.stop();
    report::exit_code(statuses.into_values())
}

/// Completes on Ctrl-C or SIGTERM.
async fn interrupted() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The playbook, or its diagnostics printed and `None`.
fn load(path: &Path) -> Option<Playbook> {
    super::load::load_or_explain(path, "opsdeck health")
}
