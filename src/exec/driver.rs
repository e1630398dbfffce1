//! The one driver of a confirmed plan, for the console and `opsdeck exec`
//! alike: runs it on every target, writes each host's output to its file,
//! keeps each host's last lines, and reports every start, output chunk and
//! end. It never writes the incident log: the core turns its reports into
//! entries (`plan::record`).

use super::fanout::{HostEvent, fan_out};
use super::keeper::KeptRunner;
use super::outcome::HostResult;
use super::ssh::{SshPool, SshRunner};
use super::tail::Tail;
use super::targets::AnyRunner;
use super::{local::LocalRunner, promql::PromqlRunner};
use crate::incident::redact::Redactor;
use crate::incident::store_output::OutputFile;
use crate::plan::{Plan, Target};
use crate::playbook::Playbook;
use tokio::sync::{mpsc, watch};

/// How one host's run ended, as the driver reports it.
#[derive(Debug)]
pub struct Ended {
    pub result: HostResult,
    /// The output file's name, empty when none was written.
    pub output_file: String,
    /// The last lines, colours stripped and secrets redacted.
    pub last_lines: Vec<String>,
}

/// A runner for each of the plan's targets, sharing `pool`'s connections,
/// or the keeper's when `keeper` names its socket.
pub fn runners(
    plan: &Plan,
    playbook: &Playbook,
    pool: &SshPool,
    keeper: Option<&std::path::Path>,
) -> Vec<AnyRunner> {
    plan.targets
        .iter()
        .map(|target| match target {
            Target::Local => match &plan.kube {
                Some(kube) => AnyRunner::Kube(crate::exec::kube_runner::KubeRunner {
                    target: kube.clone(),
                }),
                None => AnyRunner::Local(LocalRunner),
            },
            Target::Ssh(ssh) => match keeper {
                Some(socket) => AnyRunner::Kept(KeptRunner::new(socket, pool, ssh)),
                None => AnyRunner::Ssh(SshRunner::new(pool, ssh)),
            },
            Target::Prometheus => AnyRunner::Promql(PromqlRunner::for_playbook(playbook)),
        })
        .collect()
}

struct Host {
    output: Option<OutputFile>,
    tail: Tail,
}

/// Runs `plan.script` with `runners` (one per host) until every host has
/// ended; `outputs` holds each host's output file when the log is open.
pub async fn drive(
    plan: &Plan,
    runners: Vec<AnyRunner>,
    outputs: Vec<Option<OutputFile>>,
    redactor: &Redactor,
    cancel: watch::Receiver<bool>,
    reports: mpsc::Sender<HostEvent<Ended>>,
) {
    let mut hosts: Vec<Host> = outputs
        .into_iter()
        .chain(std::iter::repeat_with(|| None))
        .take(plan.hosts.len())
        .map(|output| Host {
            output,
            tail: Tail::default(),
        })
        .collect();
    let (tx, mut rx) = mpsc::channel(64);
    let fan = fan_out(runners, &plan.script, plan.timeout, tx, cancel);
    tokio::pin!(fan);
    let mut fan_done = false;
    loop {
        let event = tokio::select! {
            () = &mut fan, if !fan_done => { fan_done = true; continue; }
            event = rx.recv() => event,
        };
        let Some(event) = event else { break };
        let report = match event {
            HostEvent::Started { host } => HostEvent::Started { host },
            HostEvent::Output { host, chunk } => {
                keep(&mut hosts[host], &chunk.text);
                HostEvent::Output { host, chunk }
            }
            HostEvent::Finished { host, end: result } => {
                let record = &mut hosts[host];
                if let Err(error) = &result {
                    keep(record, &format!("opsdeck: {error}"));
                }
                let output_file = record
                    .output
                    .take()
                    .and_then(|file| file.finish().ok())
                    .unwrap_or_default();
                HostEvent::Finished {
                    host,
                    end: Ended {
                        result,
                        output_file,
                        last_lines: record.tail.last_lines(redactor),
                    },
                }
            }
        };
        // Waiting here when the reader is behind keeps memory bounded.
        if reports.send(report).await.is_err() {
            return;
        }
    }
}

fn keep(host: &mut Host, text: &str) {
    if let Some(file) = host.output.as_mut()
        && file.write_line(text).is_err()
    {
        host.output = None;
    }
    host.tail.push(text);
}
