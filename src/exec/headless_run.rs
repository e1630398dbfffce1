//! `opsdeck exec` while the command runs: output to our stdout/stderr
//! (labelled `host | line` when several hosts run), each host's output to its
//! own file, and a `command_started`/`command_finished` pair per host.

use super::fanout::{HostEvent, fan_out};
use super::outcome::{self, HostResult};
use super::tail::Tail;
use super::targets::AnyRunner;
use super::{Chunk, Stream};
use crate::incident::store_output::OutputFile;
use crate::incident::{Entry, IncidentLog, redact::Redactor};
use std::io::Write;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// What one host produced so far.
struct HostRecord {
    name: String,
    output: Option<OutputFile>,
    tail: Tail,
    result: Option<HostResult>,
}

pub struct Run<'a> {
    pub command_id: &'a str,
    pub script: &'a str,
    pub timeout: Duration,
    pub hosts: Vec<String>,
    pub redactor: &'a Redactor,
}

/// Runs on every host; returns each host's result in host order. Ctrl-C cancels all.
pub async fn run_streaming(
    run: Run<'_>,
    runners: Vec<AnyRunner>,
    log: &mut Option<IncidentLog>,
) -> std::io::Result<Vec<(String, HostResult)>> {
    let labelled = run.hosts.len() > 1;
    let mut hosts: Vec<HostRecord> = run
        .hosts
        .iter()
        .map(|name| HostRecord {
            name: name.clone(),
            output: None,
            tail: Tail::default(),
            result: None,
        })
        .collect();
    let (tx, mut rx) = mpsc::channel(1024);
    let (cancel_tx, cancel_rx) = watch::channel(false);
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    let fan = fan_out(runners, run.script, run.timeout, tx, cancel_rx);
    tokio::pin!(fan);
    let mut fan_done = false;
    let mut stdout = std::io::stdout().lock();
    loop {
        let event = tokio::select! {
            () = &mut fan, if !fan_done => { fan_done = true; continue; }
            event = rx.recv() => event,
            _ = interrupt.recv() => { let _ = cancel_tx.send(true); continue; }
        };
        let Some(event) = event else { break };
        on_event(event, &mut hosts, &run, labelled, log, &mut stdout);
    }
    let _ = stdout.flush();
    Ok(hosts
        .into_iter()
        .map(|h| {
            let result = h.result.unwrap_or_else(|| Err("no result".into()));
            (h.name, result)
        })
        .collect())
}

fn on_event(
    event: HostEvent,
    hosts: &mut [HostRecord],
    run: &Run<'_>,
    labelled: bool,
    log: &mut Option<IncidentLog>,
    stdout: &mut impl Write,
) {
    match event {
        HostEvent::Started { host } => {
            let record = &mut hosts[host];
            record.output = log
                .as_ref()
                .and_then(|l| l.output_file(run.command_id, &record.name).ok());
            let started = Entry::CommandStarted {
                command: run.command_id.to_string(),
                host: record.name.clone(),
            };
            super::headless::record(log, &started);
        }
        HostEvent::Output { host, chunk } => {
            let record = &mut hosts[host];
            let _ = print(&chunk, labelled.then_some(record.name.as_str()), stdout);
            keep(record, chunk.text);
        }
        HostEvent::Finished { host, result } => {
            let _ = stdout.flush();
            let record = &mut hosts[host];
            if let Err(error) = &result {
                let label = if labelled {
                    format!("{} | ", record.name)
                } else {
                    String::new()
                };
                for line in error.lines() {
                    eprintln!("{label}opsdeck: {line}");
                }
                keep(record, format!("opsdeck: {error}"));
            }
            let entry = finished_entry(run.command_id, record, &result, run.redactor);
            super::headless::record(log, &entry);
            record.result = Some(result);
        }
    }
}

/// Our stdout or stderr, `host | ` before each line when several hosts run.
fn print(chunk: &Chunk, label: Option<&str>, stdout: &mut impl Write) -> std::io::Result<()> {
    let mut stderr;
    let out: &mut dyn Write = match chunk.stream {
        Stream::Stdout => stdout,
        Stream::Stderr => {
            stderr = std::io::stderr().lock();
            &mut stderr
        }
    };
    match label {
        None => {
            out.write_all(chunk.text.as_bytes())?;
            out.write_all(b"\n")
        }
        Some(host) => chunk
            .lines()
            .try_for_each(|line| writeln!(out, "{host} | {line}")),
    }
}

fn keep(record: &mut HostRecord, text: String) {
    if let Some(file) = record.output.as_mut()
        && file.write_line(&text).is_err()
    {
        record.output = None;
    }
    record.tail.push(text);
}

fn finished_entry(
    command: &str,
    record: &mut HostRecord,
    result: &HostResult,
    redactor: &Redactor,
) -> Entry {
    let output_file = record
        .output
        .take()
        .and_then(|file| file.finish().ok())
        .unwrap_or_default();
    let last_lines = record.tail.last_lines(redactor);
    outcome::finished_entry(command, &record.name, result, output_file, last_lines)
}

/// The exit code of `opsdeck exec`: the command's, or for several hosts 0
/// only if all succeeded, else the first failure's.
pub fn exit_code(results: &[(String, HostResult)]) -> u8 {
    outcome::overall_exit_code(results.iter().map(|(_, r)| r))
}

/// `3/4 ok; web3: exit 2`
pub fn summary(results: &[(String, HostResult)]) -> String {
    outcome::summary(results.iter().map(|(h, r)| (h.as_str(), r)))
}
