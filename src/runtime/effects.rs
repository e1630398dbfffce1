//! Carrying out the core's effects: the incident log and command runs.

mod console_run;
mod hand_over;

use crate::app::{Effect, Event};
use crate::exec::driver;
use crate::exec::ssh::SshPool;
use crate::incident::redact::Redactor;
use crate::incident::{self, Entry, IncidentLog};
use crate::plan::Plan;
use crate::playbook::Playbook;
use std::collections::HashMap;
use std::path::PathBuf;
use tokio::sync::{mpsc, watch};

pub struct Effects {
    pub playbook_path: PathBuf,
    pub title: String,
    /// A rehearsal: the incident it opens is marked as a drill.
    pub drill: bool,
    /// The playbook's `notify: {webhook}`, attached to the log when it opens.
    pub notify: Option<String>,
    /// The alert the console was opened from, and its Alertmanager, for a claim.
    pub claim: Option<crate::alerts::open::ClaimTarget>,
    /// The Kubernetes contexts pinned at start: kept in the incident when it opens.
    pub kube_pin: Option<crate::kube::KubeSnapshot>,
    /// The terminal was handed over: the next frame is drawn from scratch.
    pub redraw_all: bool,
    log: Option<IncidentLog>,
    /// Once the log failed, say so once and stop trying for this session.
    log_failed: bool,
    secrets: Vec<String>,
    cancels: HashMap<u64, watch::Sender<bool>>,
    events: mpsc::Sender<Event>,
    /// SSH connections, kept for the whole session: later commands reuse them.
    ssh: SshPool,
}

impl Effects {
    /// Runs SSH commands through `pool` (shared with the health checks).
    pub fn with_ssh(mut self, pool: SshPool) -> Effects {
        self.ssh = pool;
        self
    }

    /// Continues an incident that was resumed at start.
    pub fn with_log(mut self, log: IncidentLog) -> Effects {
        self.log = Some(self.notifying(log));
        self
    }

    /// The log, posting to the playbook's webhook when it has one.
    fn notifying(&self, mut log: IncidentLog) -> IncidentLog {
        if let Some(pin) = &self.kube_pin
            && let Err(err) = crate::exec::kube_pin::save_if_missing(log.dir(), pin)
        {
            let _ = log.append(&Entry::Note {
                text: format!("the Kubernetes pin could not be kept in the incident: {err}"),
            });
        }
        incident::opening::wire_notifier(&mut log, self.notify.as_deref());
        log
    }

    pub fn new(
        playbook_path: PathBuf,
        title: String,
        secrets: Vec<String>,
        events: mpsc::Sender<Event>,
    ) -> Effects {
        Effects {
            drill: false,
            notify: None,
            claim: None,
            kube_pin: None,
            redraw_all: false,
            playbook_path,
            title,
            log: None,
            log_failed: false,
            secrets,
            cancels: HashMap::new(),
            events,
            ssh: SshPool::from_env(),
        }
    }

    /// Applies effects in order; returns events to feed back (a failed log write).
    pub fn apply(&mut self, effects: Vec<Effect>) -> Vec<Event> {
        // Webhook failures reported since the last batch become events too.
        if let Some(log) = self.log.as_mut() {
            let _ = log.record_notify_failures();
        }
        let mut feedback = Vec::new();
        for effect in effects {
            match effect {
                // Carried out by the event loop, which owns the sources.
                Effect::Quit | Effect::RestartHealth(_) => {}
                Effect::Secrets(secrets) => {
                    if let Some(log) = self.log.as_mut() {
                        log.add_secrets(&secrets);
                    }
                    self.secrets.extend(secrets);
                }
                Effect::RecordIfOpen(entry) if self.log.is_some() => {
                    if let Err(error) = self.record(&entry) {
                        feedback.push(Event::LogFailed { error });
                    }
                }
                Effect::RecordIfOpen(_) => {}
                Effect::Record(entry) => {
                    if let Err(error) = self.record(&entry) {
                        feedback.push(Event::LogFailed { error });
                    }
                }
                Effect::Run { run, plan, .. } if plan.interactive => {
                    feedback.extend(hand_over::run(run, &plan));
                    self.redraw_all = true;
                }
                Effect::Run {
                    run,
                    plan,
                    playbook,
                } => self.spawn_run(run, *plan, &playbook),
                Effect::ClaimAlert => feedback.extend(self.claim_alert()),
                Effect::CloseIncident { summary } => feedback.push(self.close(&summary)),
                Effect::ExpireSilences(silences) => self.expire_silences(silences),
                Effect::Cancel { run } => {
                    if let Some(cancel) = self.cancels.get(&run) {
                        let _ = cancel.send(true);
                    }
                }
            }
        }
        feedback
    }

    fn record(&mut self, entry: &Entry) -> Result<(), String> {
        if self.log_failed {
            return Ok(());
        }
        let result = match self.log.as_mut() {
            Some(log) => log.append(entry).map(|_| ()),
            None => self.open_log().and_then(|log| {
                let mut log = self.notifying(log);
                let appended = log.append(entry).map(|_| ());
                self.log = Some(log);
                appended
            }),
        };
        result.map_err(|err| {
            self.log_failed = true;
            format!("{err} ({})", err.hint())
        })
    }

    /// Silences the alert in the background; the answer comes back as an event.
    fn claim_alert(&self) -> Option<Event> {
        let Some(target) = self.claim.clone() else {
            return Some(Event::AlertClaimed(Err(
                "this console was not opened from an alert".into(),
            )));
        };
        let Some(incident) = self.log.as_ref().map(IncidentLog::id) else {
            return Some(Event::AlertClaimed(Err(
                "no incident is open to name in the silence (the log could not be written)".into(),
            )));
        };
        let events = self.events.clone();
        tokio::spawn(async move {
            let result = target.claim(&incident).await;
            let _ = events.send(Event::AlertClaimed(result)).await;
        });
        None
    }

    /// Appends `closed` and lets the log go: the next record opens a new incident.
    fn close(&mut self, summary: &str) -> Event {
        let Some(mut log) = self.log.take() else {
            return Event::IncidentClosed {
                message: "no incident is open here: nothing was recorded yet".into(),
                silences: Vec::new(),
            };
        };
        let events = log.dir().join(incident::store::EVENTS_FILE);
        let replayed = incident::replay(&events).unwrap_or_default();
        let entry = incident::close::closing(&replayed, summary);
        match log.append(&entry) {
            Ok(_) => Event::IncidentClosed {
                message: format!(
                    "incident {} closed; anything recorded from now on starts a new one",
                    log.id()
                ),
                silences: incident::close::open_silences(&replayed),
            },
            Err(err) => {
                let message = format!("INCIDENT NOT CLOSED: {err} ({})", err.hint());
                self.log = Some(log);
                Event::IncidentClosed {
                    message,
                    silences: Vec::new(),
                }
            }
        }
    }

    /// Expires silences in the background; what happened comes back as an event.
    fn expire_silences(&self, silences: Vec<(String, String)>) {
        let events = self.events.clone();
        tokio::spawn(async move {
            let mut said = Vec::new();
            for (id, alertmanager) in silences {
                let result = match crate::alerts::client::Client::new(&alertmanager) {
                    Ok(client) => crate::alerts::claim::expire(&client, &id).await,
                    Err(err) => Err(err),
                };
                said.push(match result {
                    Ok(_) => format!("expired silence {id}"),
                    Err(err) => format!("silence {id} NOT expired: {err}"),
                });
            }
            let message = said.join("; ");
            let _ = events
                .send(Event::IncidentClosed {
                    message,
                    silences: Vec::new(),
                })
                .await;
        });
    }

    fn open_log(&self) -> Result<IncidentLog, incident::LogError> {
        let opening = incident::opening::Opening {
            playbook: &self.playbook_path,
            title: &self.title,
            drill: self.drill,
            // Wired by `notifying`, with the Kubernetes pin.
            notify: None,
        };
        incident::opening::create(&opening, Redactor::new(self.secrets.clone()))
    }

    fn spawn_run(&mut self, run: u64, plan: Plan, playbook: &Playbook) {
        let (cancel_tx, cancel_rx) = watch::channel(false);
        self.cancels.insert(run, cancel_tx);
        let outputs = plan
            .hosts
            .iter()
            .map(|host| {
                let log = self.log.as_ref()?;
                log.output_file(&plan.command_id, host).ok()
            })
            .collect();
        let mut all_secrets = self.secrets.clone();
        all_secrets.extend(plan.secrets.iter().cloned());
        let task = console_run::ConsoleRun {
            run,
            runners: driver::runners(&plan, playbook, &self.ssh, None),
            plan,
            outputs,
            redactor: Redactor::new(all_secrets),
        };
        tokio::spawn(console_run::run(task, cancel_rx, self.events.clone()));
    }
}
