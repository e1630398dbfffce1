//! Starts the playbook's health checks and turns their reports into core events.

use crate::app::Event;
use crate::app::health::Probed;
use crate::health::http_client::HttpOptions;
use crate::health::{HealthEvent, Scheduler, Settings, cli::context_for, scheduler};
use crate::playbook::Playbook;
use tokio::sync::mpsc;

/// Runs until the returned scheduler is dropped; a playbook without checks starts nothing.
pub fn start(
    playbook: &Playbook,
    events: mpsc::Sender<Event>,
    remote: crate::health::remote::RemoteHosts,
) -> Result<Option<Scheduler>, String> {
    if playbook.checks.is_empty() {
        return Ok(None);
    }
    let settings = Settings::default();
    let mut context = context_for(playbook, HttpOptions::default())?;
    context.remote = Some(remote);
    let entries = scheduler::entries(playbook, &settings, &context)?;
    let (tx, mut rx) = mpsc::channel(256);
    let scheduler = Scheduler::start(entries, &settings, tx);
    tokio::spawn(async move {
        while let Some(report) = rx.recv().await {
            let event = match report {
                HealthEvent::Checked(report) => Event::Probed(Probed {
                    check: report.id,
                    status: report.status,
                    latency_ms: report.outcome.latency.as_millis() as u64,
                    summary: report.outcome.summary,
                    error: report.outcome.failure.map(|f| f.message),
                }),
                HealthEvent::Changed(change) => Event::HealthChanged {
                    check: change.id,
                    from: change.transition.from.label().into(),
                    to: change.transition.to.label().into(),
                    reason: change.transition.reason,
                },
            };
            if events.send(event).await.is_err() {
                return;
            }
        }
    });
    Ok(Some(scheduler))
}
