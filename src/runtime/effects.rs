//! Carrying out the core's effects: the incident log and command runs.

mod console_run;

use crate::app::{Effect, Event};
use crate::exec::ssh::SshPool;
use crate::exec::targets;
use crate::incident::redact::Redactor;
use crate::incident::{self, Entry, IncidentLog};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// What `Effect::Run` carries, gathered for `spawn_run`.
struct RunRequest {
    run: u64,
    command_id: String,
    script: String,
    timeout: Duration,
    secrets: Vec<String>,
    hosts: Vec<String>,
    playbook: Box<crate::playbook::Playbook>,
}

pub struct Effects {
    pub playbook_path: PathBuf,
    pub title: String,
    /// A rehearsal: the incident it opens is marked as a drill.
    pub drill: bool,
    /// The playbook's `notify: {webhook}`, attached to the log when it opens.
    pub notify: Option<String>,
    log: Option<IncidentLog>,
    /// Once the log failed, say so once and stop trying for this session.
    log_failed: bool,
    secrets: Vec<String>,
    cancels: HashMap<u64, watch::Sender<bool>>,
    events: mpsc::Sender<Event>,
    /// SSH connections, kept for the whole session: later commands reuse them.
    ssh: SshPool,
    /// Per-host entries of remote runs, appended at the next `apply`.
    queued: Arc<Mutex<Vec<Entry>>>,
    /// Commands running remotely, whose per-host entries replace the core's one.
    remote_runs: HashSet<String>,
}

impl Effects {
    /// Continues an incident that was resumed at start.
    pub fn with_log(mut self, log: IncidentLog) -> Effects {
        self.log = Some(self.notifying(log));
        self
    }

    /// The log, posting to the playbook's webhook when it has one.
    fn notifying(&self, mut log: IncidentLog) -> IncidentLog {
        if let Some(url) = &self.notify
            && let Err(reason) = log.notify_to(url)
        {
            let _ = log.append(&Entry::NotifyFailed { reason });
        }
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
            playbook_path,
            title,
            log: None,
            log_failed: false,
            secrets,
            cancels: HashMap::new(),
            events,
            ssh: SshPool::from_env(),
            queued: Arc::default(),
            remote_runs: HashSet::new(),
        }
    }

    /// Applies effects in order; returns events to feed back (a failed log write).
    pub fn apply(&mut self, effects: Vec<Effect>) -> Vec<Event> {
        // Webhook failures reported since the last batch become events too.
        if let Some(log) = self.log.as_mut() {
            let _ = log.record_notify_failures();
        }
        let mut feedback = Vec::new();
        let queued = std::mem::take(&mut *self.queued.lock().unwrap_or_else(|e| e.into_inner()));
        for entry in queued {
            if let Err(error) = self.record(&entry) {
                feedback.push(Event::LogFailed { error });
            }
        }
        let runs_now: HashSet<String> = effects
            .iter()
            .filter_map(|effect| match effect {
                Effect::Run { command_id, .. } => Some(command_id.clone()),
                _ => None,
            })
            .collect();
        for effect in effects {
            match effect {
                Effect::Quit => {}
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
                Effect::Record(entry) if self.recorded_per_host(&entry, &runs_now) => {}
                Effect::Record(entry) => {
                    if let Err(error) = self.record(&entry) {
                        feedback.push(Event::LogFailed { error });
                    }
                }
                Effect::Run {
                    run,
                    command_id,
                    script,
                    timeout,
                    secrets,
                    hosts,
                    playbook,
                } => {
                    let request = RunRequest {
                        run,
                        command_id,
                        script,
                        timeout,
                        secrets,
                        hosts,
                        playbook,
                    };
                    self.spawn_run(request)
                }
                Effect::Cancel { run } => {
                    if let Some(cancel) = self.cancels.get(&run) {
                        let _ = cancel.send(true);
                    }
                }
            }
        }
        feedback
    }

    /// A remote run records a started/finished pair per host itself, in
    /// place of the core's one entry for the whole host group.
    fn recorded_per_host(&mut self, entry: &Entry, runs_now: &HashSet<String>) -> bool {
        match entry {
            Entry::CommandStarted { command, host } => {
                host != "local" && runs_now.contains(command)
            }
            Entry::CommandFinished { command, host, .. } => {
                host != "local" && self.remote_runs.remove(command)
            }
            _ => false,
        }
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

    fn open_log(&self) -> Result<IncidentLog, incident::LogError> {
        let base = incident::incidents_dir().ok_or_else(|| {
            incident::LogError::io(
                "find",
                &PathBuf::from("the data directory"),
                std::io::Error::other("set OPSDECK_DATA_DIR"),
            )
        })?;
        let bytes = crate::playbook::read_limited(&self.playbook_path).unwrap_or_default();
        let path = std::fs::canonicalize(&self.playbook_path)
            .unwrap_or_else(|_| self.playbook_path.clone());
        let opened = Entry::Opened {
            title: self.title.clone(),
            playbook: path.display().to_string(),
            playbook_sha256: crate::exec::headless::sha256_hex(&bytes),
            version: env!("CARGO_PKG_VERSION").into(),
            drill: self.drill,
        };
        IncidentLog::create(
            &base,
            &self.title,
            opened,
            Redactor::new(self.secrets.clone()),
        )
    }

    fn spawn_run(&mut self, request: RunRequest) {
        let RunRequest {
            run,
            command_id,
            script,
            timeout,
            secrets,
            hosts,
            playbook,
        } = request;
        let command_id = command_id.as_str();
        let (cancel_tx, cancel_rx) = watch::channel(false);
        self.cancels.insert(run, cancel_tx);
        let (hosts, runners, remote) = match self.targets(&playbook, command_id, hosts) {
            Ok(found) => found,
            Err(error) => {
                self.queued
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(Entry::CommandRefused {
                        command: command_id.to_string(),
                        reason: error.clone(),
                    });
                let events = self.events.clone();
                tokio::spawn(async move { events.send(Event::RunFailed { run, error }).await });
                return;
            }
        };
        let outputs = hosts
            .iter()
            .map(|host| {
                let log = self.log.as_ref()?;
                log.output_file(command_id, host).ok()
            })
            .collect();
        if remote {
            self.remote_runs.insert(command_id.to_string());
        }
        let mut all_secrets = self.secrets.clone();
        all_secrets.extend(secrets);
        let task = console_run::ConsoleRun {
            run,
            command_id: command_id.to_string(),
            script,
            timeout,
            hosts,
            runners,
            outputs,
            redactor: Redactor::new(all_secrets),
            records: remote.then(|| Arc::clone(&self.queued)),
        };
        tokio::spawn(console_run::run(task, cancel_rx, self.events.clone()));
    }

    /// A runner for each confirmed host, with the confirmed playbook's settings.
    #[allow(clippy::type_complexity)]
    fn targets(
        &mut self,
        playbook: &crate::playbook::Playbook,
        command_id: &str,
        hosts: Vec<String>,
    ) -> Result<(Vec<String>, Vec<targets::AnyRunner>, bool), String> {
        let command = playbook
            .command(command_id)
            .ok_or_else(|| format!("`{command_id}` is not in the playbook"))?;
        let dir = targets::playbook_dir(&self.playbook_path);
        let runners = targets::runners(playbook, &dir, command, &hosts, &self.ssh);
        Ok((hosts, runners, command.host != "local"))
    }
}
