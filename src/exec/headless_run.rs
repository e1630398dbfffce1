//! The driver's reports for `opsdeck exec`: output to our stdout/stderr
//! (`host | line` when several hosts run) and each host's start and end
//! recorded through `plan::record`, like the console's.

use super::driver::{self, Ended};
use super::fanout::HostEvent;
use super::outcome::{self, HostResult};
use super::targets::AnyRunner;
use super::{Chunk, Stream};
use crate::incident::{IncidentLog, redact::Redactor};
use crate::plan::{Plan, record};
use crate::terminal_text::{Keep, sanitise};
use std::io::{IsTerminal, Write};
use tokio::sync::{mpsc, watch};

/// Runs on every host; returns each host's result in host order. Ctrl-C cancels all.
pub async fn run_streaming(
    plan: &Plan,
    runners: Vec<AnyRunner>,
    redactor: &Redactor,
    log: &mut Option<IncidentLog>,
) -> std::io::Result<Vec<(String, HostResult)>> {
    let labelled = plan.hosts.len() > 1;
    let outputs = plan
        .hosts
        .iter()
        .map(|host| {
            log.as_ref()
                .and_then(|l| l.output_file(&plan.command_id, host).ok())
        })
        .collect();
    // Chunks are up to 64 KiB: 64 of them bound what waits here to 4 MiB.
    let (tx, mut rx) = mpsc::channel(64);
    let (cancel_tx, cancel_rx) = watch::channel(false);
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    let drive = driver::drive(plan, runners, outputs, redactor, cancel_rx, tx);
    tokio::pin!(drive);
    let mut drive_done = false;
    let mut results: Vec<Option<HostResult>> = vec![None; plan.hosts.len()];
    // A chunk and its newline in one write (stdout alone is line-buffered:
    // two), flushed after each chunk so output still streams.
    let mut stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    // Asked once: a flood comes in thousands of chunks.
    let terminals = (
        std::io::stdout().is_terminal(),
        std::io::stderr().is_terminal(),
    );
    loop {
        let report = tokio::select! {
            () = &mut drive, if !drive_done => { drive_done = true; continue; }
            report = rx.recv() => report,
            _ = interrupt.recv() => { let _ = cancel_tx.send(true); continue; }
        };
        let Some(report) = report else { break };
        match report {
            HostEvent::Started { host } => {
                let entry =
                    record::started(&plan.command_id, &plan.hosts[host], plan.kube.as_ref());
                super::headless::record(log, &entry);
            }
            HostEvent::Output { host, chunk } => {
                let label = labelled.then_some(plan.hosts[host].as_str());
                let _ = print(&chunk, label, &mut stdout, terminals);
                let _ = stdout.flush();
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
                let _ = stdout.flush();
                let name = &plan.hosts[host];
                if let Err(error) = &result {
                    let label = if labelled {
                        format!("{name} | ")
                    } else {
                        String::new()
                    };
                    for line in sanitise(error, Keep::Text).lines() {
                        eprintln!("{label}opsdeck: {line}");
                    }
                }
                if let Some(program) = outcome::missing_program(&result, &last_lines) {
                    let explained = outcome::explain_missing(&program, name);
                    eprintln!("opsdeck: {}", sanitise(&explained, Keep::Text));
                }
                let entry = record::finished(
                    &plan.command_id,
                    name,
                    &result,
                    output_file,
                    last_lines,
                    plan.kube.as_ref(),
                );
                super::headless::record(log, &entry);
                results[host] = Some(result);
            }
        }
    }
    let _ = stdout.flush();
    Ok(plan
        .hosts
        .iter()
        .cloned()
        .zip(results)
        .map(|(host, result)| (host, result.unwrap_or_else(|| Err("no result".into()))))
        .collect())
}

/// Our stdout or stderr, `host | ` before each line when several hosts run.
/// Only text gets through, and colours when that stream is a terminal: the
/// output cannot set the clipboard, the title or move the cursor.
fn print(
    chunk: &Chunk,
    label: Option<&str>,
    stdout: &mut impl Write,
    (stdout_terminal, stderr_terminal): (bool, bool),
) -> std::io::Result<()> {
    let mut stderr;
    let (out, terminal): (&mut dyn Write, bool) = match chunk.stream {
        Stream::Stdout => (stdout, stdout_terminal),
        Stream::Stderr => {
            stderr = std::io::stderr().lock();
            (&mut stderr, stderr_terminal)
        }
    };
    let keep = if terminal { Keep::Colours } else { Keep::Text };
    let text = crate::terminal_text::sanitised(&chunk.text, keep);
    match label {
        None => {
            out.write_all(text.as_bytes())?;
            out.write_all(b"\n")
        }
        Some(host) => text
            .split('\n')
            .try_for_each(|line| writeln!(out, "{host} | {line}")),
    }
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
