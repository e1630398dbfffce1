//! The driver's reports of one confirmed run, turned into the core's events:
//! output lines in batches (`host | line` when several hosts run, secrets
//! redacted), each host's start and end, and the run's overall end.

use crate::app::Event;
use crate::app::runs::RunResult;
use crate::exec::driver::{self, Ended};
use crate::exec::fanout::HostEvent;
use crate::exec::outcome::{self, HostResult};
use crate::exec::targets::AnyRunner;
use crate::incident::redact::Redactor;
use crate::incident::store_output::OutputFile;
use crate::plan::Plan;
use tokio::sync::{mpsc, watch};

/// Output lines are sent to the core in batches of at most this many lines
/// and about this many bytes, so one batch never outgrows the pane's budget.
const BATCH: usize = 1000;
const BATCH_BYTES: usize = 1 << 20;

pub struct ConsoleRun {
    pub run: u64,
    pub plan: Plan,
    pub runners: Vec<AnyRunner>,
    /// One per host, when the incident log is open.
    pub outputs: Vec<Option<OutputFile>>,
    pub redactor: Redactor,
}

pub async fn run(task: ConsoleRun, cancel: watch::Receiver<bool>, events: mpsc::Sender<Event>) {
    let ConsoleRun {
        run,
        plan,
        runners,
        outputs,
        redactor,
    } = task;
    let several = plan.hosts.len() > 1;
    let (tx, mut rx) = mpsc::channel(64);
    let drive = driver::drive(&plan, runners, outputs, &redactor, cancel, tx);
    tokio::pin!(drive);
    let mut drive_done = false;
    let mut screen: Vec<String> = Vec::new();
    let mut screen_bytes = 0;
    let mut results: Vec<Option<HostResult>> = vec![None; plan.hosts.len()];
    let mut files: Vec<String> = Vec::new();
    loop {
        let report = tokio::select! {
            () = &mut drive, if !drive_done => { drive_done = true; continue; }
            report = rx.recv() => report,
        };
        let Some(report) = report else { break };
        let event = match report {
            HostEvent::Started { host } => Some(Event::HostStarted { run, host }),
            HostEvent::Output { host, chunk } => {
                let shown = redactor.redact(&chunk.text);
                for line in shown.split('\n') {
                    let line = label(several, &plan.hosts[host], line);
                    screen_bytes += line.len();
                    screen.push(line);
                }
                None
            }
            HostEvent::Finished {
                host,
                end:
                    Ended {
                        result,
                        output_file,
                        last_lines,
                    },
            } => {
                if let Err(error) = &result {
                    for line in redactor.redact(error).lines() {
                        screen.push(label(several, &plan.hosts[host], line));
                    }
                }
                if !output_file.is_empty() {
                    files.push(output_file.clone());
                }
                results[host] = Some(result.clone());
                Some(Event::HostFinished {
                    run,
                    host,
                    result,
                    output_file,
                    last_lines,
                })
            }
        };
        // Send what is ready; waiting here when the screen is behind keeps memory bounded.
        let full = screen.len() >= BATCH || screen_bytes >= BATCH_BYTES;
        if rx.is_empty() || full || event.is_some() {
            screen_bytes = 0;
            let mut pending = std::mem::take(&mut screen).into_iter().peekable();
            while pending.peek().is_some() {
                let lines: Vec<String> = pending.by_ref().take(BATCH).collect();
                if events.send(Event::Output { run, lines }).await.is_err() {
                    return;
                }
            }
        }
        if let Some(event) = event
            && events.send(event).await.is_err()
        {
            return;
        }
    }
    let results: Vec<(String, HostResult)> = plan
        .hosts
        .iter()
        .cloned()
        .zip(results)
        .map(|(h, r)| (h, r.unwrap_or_else(|| Err("no result".into()))))
        .collect();
    if several {
        let summary = outcome::summary(results.iter().map(|(h, r)| (h.as_str(), r)));
        let lines = vec![format!("── {summary}")];
        let _ = events.send(Event::Output { run, lines }).await;
    }
    let _ = events
        .send(finished_event(run, &results, files.join(", ")))
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
pub(super) fn finished_event(
    run: u64,
    results: &[(String, HostResult)],
    output_file: String,
) -> Event {
    if let [(_, only)] = results {
        return match only {
            Ok(f) => Event::Finished {
                run,
                result: RunResult {
                    finished: f.clone(),
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
            finished: outcome::Finished {
                exit_code: Some(i32::from(code)),
                signal: None,
                duration: finished
                    .clone()
                    .map(|f| f.duration)
                    .max()
                    .unwrap_or_default(),
                timed_out: finished.clone().any(|f| f.timed_out),
                cancelled: finished.clone().any(|f| f.cancelled),
            },
            output_file,
        },
    }
}
