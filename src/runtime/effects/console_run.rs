//! One confirmed command running for the console: on this machine or fanned
//! out over SSH, its output sent to the core in batches (`host | line` when
//! several hosts run), each host's output in its own file, and for remote
//! runs a `command_started`/`command_finished` pair per host.

use crate::app::Event;
use crate::app::runs::RunResult;
use crate::exec::fanout::{HostEvent, fan_out};
use crate::exec::outcome::{self, HostResult};
use crate::exec::tail::Tail;
use crate::exec::targets::AnyRunner;
use crate::incident::Entry;
use crate::incident::redact::Redactor;
use crate::incident::store_output::OutputFile;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Output lines are sent to the core in batches of at most this many.
const BATCH: usize = 1000;

pub struct ConsoleRun {
    pub run: u64,
    pub command_id: String,
    pub script: String,
    pub timeout: Duration,
    pub hosts: Vec<String>,
    pub runners: Vec<AnyRunner>,
    /// One per host, when the incident log is open.
    pub outputs: Vec<Option<OutputFile>>,
    pub redactor: Redactor,
    /// Where per-host log entries wait for the event loop to append them;
    /// `None` for a local run, which the core records itself.
    pub records: Option<Arc<Mutex<Vec<Entry>>>>,
}

struct Host {
    name: String,
    output: Option<OutputFile>,
    /// The output file's name once it is complete.
    output_name: String,
    tail: Tail,
    result: Option<HostResult>,
}

pub async fn run(task: ConsoleRun, cancel: watch::Receiver<bool>, events: mpsc::Sender<Event>) {
    let several = task.hosts.len() > 1;
    let mut hosts: Vec<Host> = task
        .hosts
        .iter()
        .zip(task.outputs)
        .map(|(name, output)| Host {
            name: name.clone(),
            output,
            output_name: String::new(),
            tail: Tail::default(),
            result: None,
        })
        .collect();
    let record = |entry: Entry| {
        if let Some(records) = &task.records {
            records
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(entry);
        }
    };
    let (tx, mut rx) = mpsc::channel(64);
    let fan = fan_out(task.runners, &task.script, task.timeout, tx, cancel);
    tokio::pin!(fan);
    let mut fan_done = false;
    let mut screen: Vec<String> = Vec::new();
    loop {
        let event = tokio::select! {
            () = &mut fan, if !fan_done => { fan_done = true; continue; }
            event = rx.recv() => event,
        };
        let Some(event) = event else { break };
        match event {
            HostEvent::Started { host } => record(Entry::CommandStarted {
                command: task.command_id.clone(),
                host: hosts[host].name.clone(),
            }),
            HostEvent::Output { host, chunk } => {
                let host = &mut hosts[host];
                if let Some(file) = host.output.as_mut()
                    && file.write_line(&chunk.text).is_err()
                {
                    host.output = None;
                }
                let shown = task.redactor.redact(&chunk.text);
                host.tail.push(chunk.text);
                for line in shown.split('\n') {
                    screen.push(label(several, &host.name, line));
                }
            }
            HostEvent::Finished { host, result } => {
                let host = &mut hosts[host];
                if let Err(error) = &result {
                    host.tail.push(format!("opsdeck: {error}"));
                    for line in task.redactor.redact(error).lines() {
                        screen.push(label(several, &host.name, line));
                    }
                }
                host.output_name = host
                    .output
                    .take()
                    .and_then(|file| file.finish().ok())
                    .unwrap_or_default();
                record(outcome::finished_entry(
                    &task.command_id,
                    &host.name,
                    &result,
                    host.output_name.clone(),
                    host.tail.last_lines(&task.redactor),
                ));
                host.result = Some(result);
            }
        }
        // Send what is ready; waiting here when the screen is behind keeps memory bounded.
        if rx.is_empty() || screen.len() >= BATCH {
            for batch in screen.chunks(BATCH) {
                let lines = batch.to_vec();
                if events
                    .send(Event::Output {
                        run: task.run,
                        lines,
                    })
                    .await
                    .is_err()
                {
                    return;
                }
            }
            screen.clear();
        }
    }
    let files: Vec<&str> = hosts
        .iter()
        .map(|h| h.output_name.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    let output_file = files.join(", ");
    let results: Vec<(String, HostResult)> = hosts
        .into_iter()
        .map(|h| (h.name, h.result.unwrap_or_else(|| Err("no result".into()))))
        .collect();
    if several {
        let summary = outcome::summary(results.iter().map(|(h, r)| (h.as_str(), r)));
        let lines = vec![format!("── {summary}")];
        let _ = events
            .send(Event::Output {
                run: task.run,
                lines,
            })
            .await;
    }
    let _ = events
        .send(finished_event(task.run, &results, output_file))
        .await;
}

fn label(several: bool, host: &str, line: &str) -> String {
    if several {
        format!("{host} | {line}")
    } else {
        line.to_string()
    }
}

/// One host: its own end. Several: exit 0 only if all succeeded, else the
/// first failure's code; timed out or cancelled if any was.
fn finished_event(run: u64, results: &[(String, HostResult)], output_file: String) -> Event {
    if let [(_, only)] = results {
        return match only {
            Ok(f) => Event::Finished {
                run,
                result: RunResult {
                    exit_code: f.exit_code,
                    signal: f.signal,
                    duration_ms: f.duration.as_millis() as u64,
                    timed_out: f.timed_out,
                    cancelled: f.cancelled,
                    output_file,
                },
            },
            Err(error) => Event::RunFailed {
                run,
                error: error.lines().next().unwrap_or("failed").to_string(),
            },
        };
    }
    let finished = results.iter().filter_map(|(_, r)| r.as_ref().ok());
    let code = outcome::overall_exit_code(results.iter().map(|(_, r)| r));
    Event::Finished {
        run,
        result: RunResult {
            exit_code: Some(i32::from(code)),
            signal: None,
            duration_ms: finished
                .clone()
                .map(|f| f.duration.as_millis() as u64)
                .max()
                .unwrap_or(0),
            timed_out: finished.clone().any(|f| f.timed_out),
            cancelled: finished.clone().any(|f| f.cancelled),
            output_file,
        },
    }
}
