//! The caps on what runs at once, seen from outside: health probes in flight
//! (64, in `health --once` and in the console's scheduler, counted by a
//! loopback HTTP server), hosts of one fan-out (16, counted
//! by the commands themselves) and remote shells per SSH host (4, counted on
//! the host behind a real sshd). Each test fails when its cap is lifted.

mod common;
#[path = "health_support/mod.rs"]
mod health_support;
mod ssh_support;

use common::run_opsdeck_env;
use opsdeck::exec::fanout::{HostEvent, MAX_PARALLEL_HOSTS, fan_out};
use opsdeck::exec::local::LocalRunner;
use opsdeck::exec::ssh::{SshPool, SshRunner};
use ssh_support::run::{runtime, target};
use ssh_support::start_or_skip;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// The health scheduler's default cap (`SchedulerSettings::default().max_in_flight`).
const PROBES_IN_FLIGHT: usize = 64;
/// Remote shells per host (`exec::ssh::pool`'s `MAX_SHELLS`).
const SHELLS_PER_HOST: usize = 4;

/// Counts requests being answered at once; each is held for `hold`.
struct CountingServer {
    port: u16,
    peak: Arc<AtomicUsize>,
    served: Arc<AtomicUsize>,
}

impl CountingServer {
    fn start(hold: Duration, max_connections: usize) -> CountingServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let now = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let served = Arc::new(AtomicUsize::new(0));
        let (now_c, peak_c, served_c) = (now.clone(), peak.clone(), served.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().take(max_connections) {
                let Ok(mut stream) = stream else { continue };
                let (now, peak, served) = (now_c.clone(), peak_c.clone(), served_c.clone());
                std::thread::spawn(move || {
                    let mut buf = [0u8; 4096];
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    // A connection the client opened but sent nothing on
                    // (hyper may race a spare connect against its pool) is
                    // not a probe: count requests, not connections.
                    if !matches!(stream.read(&mut buf), Ok(n) if n > 0) {
                        return;
                    }
                    let current = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(current, Ordering::SeqCst);
                    std::thread::sleep(hold);
                    now.fetch_sub(1, Ordering::SeqCst);
                    served.fetch_add(1, Ordering::SeqCst);
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    );
                });
            }
        });
        CountingServer { port, peak, served }
    }
}

#[test]
fn health_once_never_has_more_than_64_probes_in_flight() {
    let checks = PROBES_IN_FLIGHT + 16;
    let server = CountingServer::start(Duration::from_millis(1500), checks * 2);
    let dir = tempfile::tempdir().unwrap();
    let mut playbook = String::from("---\ntitle: Many checks\nchecks:\n");
    for n in 0..checks {
        playbook.push_str(&format!(
            "  - {{id: c{n}, http: \"http://127.0.0.1:{}/{n}\", timeout: 20s}}\n",
            server.port
        ));
    }
    playbook.push_str("---\n# Many\n\n## Look\nWatch.\n");
    std::fs::write(dir.path().join("many.md"), playbook).unwrap();
    let data = dir.path().join("data").display().to_string();
    let out = run_opsdeck_env(
        dir.path(),
        ["health", "many.md", "--once"],
        &[("OPSDECK_DATA_DIR", &data), ("OPSDECK_CONFIG", "/dev/null")],
    );
    out.assert_exit(0);
    assert_eq!(
        server.served.load(Ordering::SeqCst),
        checks,
        "{}",
        out.stdout
    );
    let peak = server.peak.load(Ordering::SeqCst);
    assert!(
        peak <= PROBES_IN_FLIGHT,
        "{peak} probes ran at once, the cap is {PROBES_IN_FLIGHT}"
    );
    assert!(
        peak >= PROBES_IN_FLIGHT / 2,
        "probes should run in parallel up to the cap, peak was {peak}"
    );
}

#[test]
fn the_console_scheduler_never_has_more_than_64_probes_in_flight() {
    use opsdeck::health::scheduler::{self, HealthEvent, Scheduler, SchedulerSettings};
    let checks = PROBES_IN_FLIGHT + 16;
    let server = CountingServer::start(Duration::from_millis(1500), checks * 4);
    let mut front = String::from("checks:\n");
    for n in 0..checks {
        front.push_str(&format!(
            "  - {{id: c{n}, http: \"http://127.0.0.1:{}/{n}\", timeout: 20s, interval: 1s}}\n",
            server.port
        ));
    }
    let book = health_support::playbook(&front);
    let settings = SchedulerSettings::default();
    assert_eq!(settings.max_in_flight, PROBES_IN_FLIGHT);
    runtime().block_on(async {
        let entries = scheduler::entries(&book, &settings, &health_support::context()).unwrap();
        let (tx, mut events) = mpsc::channel(256);
        let _scheduler = Scheduler::start(entries, &settings, tx);
        let mut reports = 0;
        while reports < checks {
            let event = tokio::time::timeout(Duration::from_secs(30), events.recv())
                .await
                .expect("probes kept reporting")
                .expect("the scheduler runs");
            if let HealthEvent::Checked(_) = event {
                reports += 1;
            }
        }
    });
    let peak = server.peak.load(Ordering::SeqCst);
    assert!(
        peak <= PROBES_IN_FLIGHT,
        "{peak} probes ran at once, the cap is {PROBES_IN_FLIGHT}"
    );
    assert!(
        peak >= PROBES_IN_FLIGHT / 2,
        "probes should run in parallel up to the cap, peak was {peak}"
    );
}

/// A script that marks itself live in `dir` for a second and then writes
/// how many were live at once to `dir/../counts`.
fn counting_script(dir: &Path) -> String {
    let live = dir.display();
    format!(
        "f=$(mktemp {live}/live.XXXXXX); sleep 1; ls {live} | grep -c live >> {live}/../counts; rm -f \"$f\""
    )
}

fn peak_count(dir: &Path) -> (usize, usize) {
    let counts = std::fs::read_to_string(dir.join("counts")).unwrap_or_default();
    let values: Vec<usize> = counts
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    (values.iter().copied().max().unwrap_or(0), values.len())
}

async fn fan_out_and_count<R>(runners: Vec<R>, script: &str) -> usize
where
    R: opsdeck::exec::Runner + Send + Sync + 'static,
{
    let (tx, mut rx) = mpsc::channel::<HostEvent>(64);
    let (_cancel_tx, cancel) = watch::channel(false);
    let drain = tokio::spawn(async move {
        let mut finished = 0;
        while let Some(event) = rx.recv().await {
            if let HostEvent::Finished { end: result, .. } = event {
                assert!(result.is_ok(), "a host failed: {:?}", result.err());
                finished += 1;
            }
        }
        finished
    });
    let run = fan_out(runners, script, Duration::from_secs(30), tx, cancel);
    tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("the fan-out hung");
    drain.await.unwrap()
}

#[test]
fn a_fan_out_runs_at_most_16_hosts_at_once() {
    let hosts = MAX_PARALLEL_HOSTS + 6;
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    std::fs::create_dir(&live).unwrap();
    let script = counting_script(&live);
    let finished = runtime().block_on(fan_out_and_count(
        (0..hosts).map(|_| LocalRunner).collect(),
        &script,
    ));
    assert_eq!(finished, hosts);
    let (peak, reports) = peak_count(dir.path());
    assert_eq!(reports, hosts, "every host ran");
    assert!(
        peak <= MAX_PARALLEL_HOSTS,
        "{peak} hosts ran at once, the cap is {MAX_PARALLEL_HOSTS}"
    );
    assert!(
        peak >= MAX_PARALLEL_HOSTS / 2,
        "hosts run in parallel: {peak}"
    );
}

#[test]
fn one_ssh_host_runs_at_most_4_commands_at_once() {
    let Some(sshd) = start_or_skip("one_ssh_host_runs_at_most_4_commands_at_once") else {
        return;
    };
    let runs = SHELLS_PER_HOST * 2 + 1;
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    std::fs::create_dir(&live).unwrap();
    let script = counting_script(&live);
    let pool = SshPool::new(Duration::from_secs(10));
    let target = target(&sshd);
    let finished = runtime().block_on(fan_out_and_count(
        (0..runs).map(|_| SshRunner::new(&pool, &target)).collect(),
        &script,
    ));
    assert_eq!(finished, runs);
    let (peak, reports) = peak_count(dir.path());
    assert_eq!(reports, runs, "every command ran on the host");
    assert!(
        peak <= SHELLS_PER_HOST,
        "{peak} shells ran at once on one host, the cap is {SHELLS_PER_HOST}"
    );
    assert!(peak >= 2, "shells on one host run in parallel: {peak}");
    assert_eq!(sshd.accepted_logins(), 1, "one master connection");
}
