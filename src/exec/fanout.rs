//! One command on many hosts at once (bounded), each host's output and end
//! reported as events tagged with the host's index.

use super::local::cancelled;
use super::outcome::HostResult;
use super::{Chunk, Finished, Runner};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc, watch};

/// Hosts that run at the same time; the rest wait for a free place.
pub const MAX_PARALLEL_HOSTS: usize = 16;

/// What happened on one host (`host` indexes the runners, or the plan's
/// hosts). `End` is what a host's end carries: its result from `fan_out`;
/// its result, output file and last lines ([`super::driver::Ended`]) from
/// the driver.
#[derive(Debug)]
pub enum HostEvent<End = HostResult> {
    /// The host's run begins (its place in the bound is free).
    Started {
        host: usize,
    },
    Output {
        host: usize,
        chunk: Chunk,
    },
    Finished {
        host: usize,
        end: End,
    },
}

/// Runs `script` on every runner; returns when all have finished. Every host
/// gets exactly one `Finished`, in whatever order they end.
pub async fn fan_out<R>(
    runners: Vec<R>,
    script: &str,
    timeout: Duration,
    events: mpsc::Sender<HostEvent>,
    cancel: watch::Receiver<bool>,
) where
    R: Runner + Send + Sync + 'static,
{
    let places = Arc::new(Semaphore::new(MAX_PARALLEL_HOSTS));
    let script: Arc<str> = Arc::from(script);
    let mut tasks = tokio::task::JoinSet::new();
    for (host, runner) in runners.into_iter().enumerate() {
        let (places, script, events, mut cancel) = (
            Arc::clone(&places),
            Arc::clone(&script),
            events.clone(),
            cancel.clone(),
        );
        tasks.spawn(async move {
            let waited = Instant::now();
            let place = tokio::select! {
                place = places.acquire_owned() => place.ok(),
                _ = cancelled(&mut cancel) => None,
            };
            if place.is_none() {
                let result = Ok(never_started(waited.elapsed()));
                let _ = events.send(HostEvent::Finished { host, end: result }).await;
                return;
            }
            let _ = events.send(HostEvent::Started { host }).await;
            let result = run_one(&runner, host, &script, timeout, &events, cancel).await;
            let _ = events.send(HostEvent::Finished { host, end: result }).await;
        });
    }
    while tasks.join_next().await.is_some() {}
}

async fn run_one<R: Runner>(
    runner: &R,
    host: usize,
    script: &str,
    timeout: Duration,
    events: &mpsc::Sender<HostEvent>,
    cancel: watch::Receiver<bool>,
) -> HostResult {
    let (tx, mut rx) = mpsc::channel::<Chunk>(64);
    let forward = async {
        while let Some(chunk) = rx.recv().await {
            // The consumer left: keep draining so the run can finish.
            let _ = events.send(HostEvent::Output { host, chunk }).await;
        }
    };
    let (result, ()) = tokio::join!(runner.run(script, timeout, tx, cancel), forward);
    result.map_err(|err| err.to_string())
}

/// A host cancelled while it waited for its turn: nothing ran there.
fn never_started(waited: Duration) -> Finished {
    Finished {
        exit_code: None,
        signal: None,
        duration: waited,
        timed_out: false,
        cancelled: true,
    }
}
