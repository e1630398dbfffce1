//! Carrying out the core's effects: the incident log and command runs.

use crate::app::runs::RunResult;
use crate::app::{Effect, Event};
use crate::exec::local::LocalRunner;
use crate::exec::{Line, Runner};
use crate::incident::redact::Redactor;
use crate::incident::store_output::OutputFile;
use crate::incident::{self, Entry, IncidentLog};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Output lines are sent to the core in batches of at most this many.
const BATCH: usize = 1000;

pub struct Effects {
    pub playbook_path: PathBuf,
    pub title: String,
    /// A rehearsal: the incident it opens is marked as a drill.
    pub drill: bool,
    log: Option<IncidentLog>,
    /// Once the log failed, say so once and stop trying for this session.
    log_failed: bool,
    secrets: Vec<String>,
    cancels: HashMap<u64, watch::Sender<bool>>,
    events: mpsc::Sender<Event>,
}

impl Effects {
    /// Continues an incident that was resumed at start.
    pub fn with_log(mut self, log: IncidentLog) -> Effects {
        self.log = Some(log);
        self
    }

    pub fn new(
        playbook_path: PathBuf,
        title: String,
        secrets: Vec<String>,
        events: mpsc::Sender<Event>,
    ) -> Effects {
        Effects {
            drill: false,
            playbook_path,
            title,
            log: None,
            log_failed: false,
            secrets,
            cancels: HashMap::new(),
            events,
        }
    }

    /// Applies effects in order; returns events to feed back (a failed log write).
    pub fn apply(&mut self, effects: Vec<Effect>) -> Vec<Event> {
        let mut feedback = Vec::new();
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
                } => self.spawn_run(run, &command_id, script, timeout, secrets),
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
            None => self.open_log().and_then(|mut log| {
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

    fn spawn_run(
        &mut self,
        run: u64,
        command_id: &str,
        script: String,
        timeout: Duration,
        secrets: Vec<String>,
    ) {
        let (cancel_tx, cancel_rx) = watch::channel(false);
        self.cancels.insert(run, cancel_tx);
        let output = self
            .log
            .as_ref()
            .and_then(|log| log.output_file(command_id, "local").ok());
        let mut all_secrets = self.secrets.clone();
        all_secrets.extend(secrets);
        let events = self.events.clone();
        tokio::spawn(run_task(
            run,
            script,
            timeout,
            cancel_rx,
            output,
            Redactor::new(all_secrets),
            events,
        ));
    }
}

async fn run_task(
    run: u64,
    script: String,
    timeout: Duration,
    cancel: watch::Receiver<bool>,
    mut output: Option<OutputFile>,
    redactor: Redactor,
    events: mpsc::Sender<Event>,
) {
    let (line_tx, mut line_rx) = mpsc::channel::<Line>(BATCH);
    let runner =
        tokio::spawn(async move { LocalRunner.run(&script, timeout, line_tx, cancel).await });
    while let Some(first) = line_rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match line_rx.try_recv() {
                Ok(line) => batch.push(line),
                Err(_) => break,
            }
        }
        let mut lines = Vec::with_capacity(batch.len());
        for line in batch {
            if let Some(file) = output.as_mut()
                && file.write_line(&line.text).is_err()
            {
                output = None;
            }
            lines.push(redactor.redact(&line.text));
        }
        // Waits when the screen is behind: the command's pipe fills, memory does not.
        if events.send(Event::Output { run, lines }).await.is_err() {
            return;
        }
    }
    let event = match runner.await {
        Ok(Ok(finished)) => Event::Finished {
            run,
            result: RunResult {
                exit_code: finished.exit_code,
                signal: finished.signal,
                duration_ms: finished.duration.as_millis() as u64,
                timed_out: finished.timed_out,
                cancelled: finished.cancelled,
                output_file: output
                    .and_then(|file| file.finish().ok())
                    .unwrap_or_default(),
            },
        },
        Ok(Err(err)) => Event::RunFailed {
            run,
            error: err.to_string(),
        },
        Err(err) => Event::RunFailed {
            run,
            error: err.to_string(),
        },
    };
    let _ = events.send(event).await;
}
