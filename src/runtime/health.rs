//! Starts the playbook's health checks and turns their reports into core events.

use crate::app::Event;
use crate::health::http_client::HttpOptions;
use crate::health::{HealthEvent, Scheduler, SchedulerSettings, probe::context_for, scheduler};
use crate::playbook::Playbook;
use std::time::Instant;
use tokio::sync::mpsc;

/// Runs until the returned scheduler is dropped; a playbook without checks starts nothing.
/// `origin` is the console's start: probe times are told relative to it.
pub fn start(
    playbook: &Playbook,
    origin: Instant,
    events: mpsc::Sender<Event>,
    remote: crate::exec::remote_checks::SshHosts,
) -> Result<Option<Scheduler>, String> {
    if playbook.checks.is_empty() {
        return Ok(None);
    }
    let settings = SchedulerSettings::default();
    let mut context = context_for(playbook, HttpOptions::default())?;
    context.remote = Some(std::sync::Arc::new(remote));
    // A config file that cannot be read was said at start; checks then use
    // the environment only.
    context.alertmanager = crate::config::alertmanager_url().ok().flatten();
    let entries = scheduler::entries(playbook, &settings, &context)?;
    let (tx, mut rx) = mpsc::channel(256);
    let scheduler = Scheduler::start(entries, &settings, tx);
    tokio::spawn(async move {
        while let Some(report) = rx.recv().await {
            // The scheduler damps for its own pacing; the console's core
            // damps the same results into the state it shows.
            let HealthEvent::Checked(report) = report else {
                continue;
            };
            let event = Event::Probed {
                check: report.id,
                at: Instant::now().saturating_duration_since(origin),
                outcome: report.outcome,
            };
            if events.send(event).await.is_err() {
                return;
            }
        }
    });
    Ok(Some(scheduler))
}
