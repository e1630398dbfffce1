//! Driving the SSH runner in tests: a runtime, a target for the test sshd,
//! and a bounded run that collects the output line by line.

use super::Sshd;
use opsdeck::exec::ssh::{SshRunner, SshTarget};
use opsdeck::exec::{Finished, Line, Runner, Stream};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

pub fn target(sshd: &Sshd) -> SshTarget {
    let mut target = SshTarget::new("127.0.0.1");
    target.port = Some(sshd.port);
    target.user = Some("root".into());
    target.identity_file = Some(sshd.client_key.clone());
    target.known_hosts = Some(sshd.known_hosts.clone());
    target
}

/// Runs `script` and collects its lines; `cancel_after` flips the cancel switch.
pub async fn collect(
    runner: &SshRunner,
    script: &str,
    timeout: Duration,
    cancel_after: Option<Duration>,
) -> (Vec<Line>, std::io::Result<Finished>) {
    let (tx, mut rx) = mpsc::channel(64);
    let (cancel_tx, cancel_rx) = watch::channel(false);
    if let Some(after) = cancel_after {
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            let _ = cancel_tx.send(true);
            // Keep the sender alive so the switch stays on.
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
    }
    let run = runner.run(script, timeout, tx, cancel_rx);
    let gather = async {
        let mut lines = Vec::new();
        while let Some(chunk) = rx.recv().await {
            lines.extend(chunk.lines().map(|text| Line {
                stream: chunk.stream,
                text: text.to_string(),
            }));
        }
        lines
    };
    let bounded =
        tokio::time::timeout(Duration::from_secs(30), async { tokio::join!(run, gather) });
    let (result, lines) = bounded.await.expect("the SSH run hung for 30 s");
    (lines, result)
}

pub fn texts(lines: &[Line], stream: Stream) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.stream == stream)
        .map(|l| l.text.clone())
        .collect()
}
