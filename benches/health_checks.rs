//! Benchmark: 1,000 HTTP checks at a 1 s interval, then 10,000 at 10 s (the
//! scale where other monitors' users report trouble), against a loopback server.
//!
//! Prints the CPU this process uses (from /proc/self/stat) and how late
//! checks start (p99), beside a baseline: the same requests from a plain
//! reqwest loop without the scheduler. The server runs in a child process
//! so its CPU is not counted. `OPSDECK_BENCH_SECS` shortens each run
//! (default 30); `OPSDECK_BENCH_CHECKS` (with `OPSDECK_BENCH_INTERVAL`,
//! seconds) runs that one configuration instead.
//!
//! Run: `cargo bench --bench health_checks`

#[path = "../tests/health_support/http_server.rs"]
mod http_server;

use opsdeck::health::http_client::{HttpClient, HttpOptions};
use opsdeck::health::probe::ProbeContext;
use opsdeck::health::scheduler::{self, HealthEvent, Scheduler, SchedulerSettings};
use opsdeck::playbook::{self, Form};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SERVER_ENV: &str = "OPSDECK_BENCH_SERVER";
const WARM_UP: Duration = Duration::from_secs(2);
const TARGET_CPU: f64 = 10.0;
const TARGET_P99_MS: f64 = 100.0;

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        serve();
        return;
    }
    let seconds = env_number("OPSDECK_BENCH_SECS", 30).max(3);
    let configurations = match std::env::var("OPSDECK_BENCH_CHECKS") {
        Ok(_) => vec![(
            env_number("OPSDECK_BENCH_CHECKS", 1000).max(1) as usize,
            env_number("OPSDECK_BENCH_INTERVAL", 1).max(1),
        )],
        Err(_) => vec![(1000, 1), (10_000, 10)],
    };
    let run_for = Duration::from_secs(seconds);

    let mut server = Command::new(std::env::current_exe().expect("own path"))
        .env(SERVER_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the loopback server");
    let mut first_line = String::new();
    BufReader::new(server.stdout.take().expect("server stdout"))
        .read_line(&mut first_line)
        .expect("server port");
    let url = format!("http://{}/health", first_line.trim());

    for (checks, interval) in configurations {
        println!(
            "health_checks: {checks} HTTP checks at {interval}s against a loopback server, {seconds}s each run \
             (measured after a warm-up of one interval; server in a child process)"
        );
        let interval = Duration::from_secs(interval);
        let opsdeck = run_scheduler(&url, checks, interval, run_for);
        let baseline = run_baseline(&url, checks, interval, run_for);
        report(checks, interval, &opsdeck, &baseline);
    }

    drop(server.stdin.take()); // the server exits when its stdin closes
    let _ = server.kill();
    let _ = server.wait();
}

struct Measured {
    probes: usize,
    failed: usize,
    cpu_percent: f64,
    lateness_ms: Vec<f64>,
}

fn run_scheduler(url: &str, checks: usize, interval: Duration, run_for: Duration) -> Measured {
    let warm_up = WARM_UP.max(interval);
    let runtime = runtime();
    runtime.block_on(async {
        let mut front = String::from("checks:\n");
        for i in 0..checks {
            front.push_str(&format!(
                "  - {{id: c{i}, http: \"{url}\", interval: {}s}}\n",
                interval.as_secs()
            ));
        }
        let text = format!("---\n{front}---\n# Bench\n\n## Step\nText.\n");
        let book = playbook::parse(text.as_bytes(), Form::Markdown, "bench")
            .playbook
            .expect("bench playbook");
        let context = ProbeContext {
            http: HttpClient::new(&HttpOptions::default()).expect("client"),
            prometheus: None,
            remote: None,
            alertmanager: None,
        };
        let settings = SchedulerSettings::default();
        let entries = scheduler::entries(&book, &settings, &context).expect("entries");
        let (tx, mut events) = tokio::sync::mpsc::channel(1024);
        let started = Instant::now();
        let _scheduler = Scheduler::start(entries, &settings, tx);
        let mut measured = Measured::empty();
        let mut cpu_start = None;
        let end = started + warm_up + run_for;
        while let Ok(Some(event)) = tokio::time::timeout_at(end.into(), events.recv()).await {
            if started.elapsed() < warm_up {
                continue;
            }
            cpu_start.get_or_insert_with(|| (cpu_seconds(), Instant::now()));
            if let HealthEvent::Checked(report) = event {
                measured.probes += 1;
                if report.outcome.verdict != opsdeck::health::Verdict::Up {
                    measured.failed += 1;
                }
                measured
                    .lateness_ms
                    .push(report.lateness().as_secs_f64() * 1000.0);
            }
        }
        if let Some((cpu, at)) = cpu_start {
            measured.cpu_percent = 100.0 * (cpu_seconds() - cpu) / at.elapsed().as_secs_f64();
        }
        measured
    })
}

/// The same requests without opsdeck's machinery: a task per check on a
/// 1 s tokio interval, each a plain reqwest GET reading the body.
fn run_baseline(url: &str, checks: usize, interval: Duration, run_for: Duration) -> Measured {
    let warm_up = WARM_UP.max(interval);
    let runtime = runtime();
    runtime.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::new();
        let (tx, mut done) = tokio::sync::mpsc::channel::<(f64, bool)>(1024);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..checks {
            let (client, url, tx) = (client.clone(), url.to_string(), tx.clone());
            tasks.spawn(async move {
                // Spread over the whole interval, like the scheduler's jitter does.
                let offset = interval.mul_f64(i as f64 / checks as f64);
                let mut ticks =
                    tokio::time::interval_at(tokio::time::Instant::now() + offset, interval);
                loop {
                    let due = ticks.tick().await;
                    let late = due.elapsed().as_secs_f64() * 1000.0;
                    let ok = match client.get(&url).send().await {
                        Ok(response) => response.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if tx.send((late, ok)).await.is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let started = Instant::now();
        let end = started + warm_up + run_for;
        let mut measured = Measured::empty();
        let mut cpu_start = None;
        while let Ok(Some((late, ok))) = tokio::time::timeout_at(end.into(), done.recv()).await {
            if started.elapsed() < warm_up {
                continue;
            }
            cpu_start.get_or_insert_with(|| (cpu_seconds(), Instant::now()));
            measured.probes += 1;
            measured.failed += usize::from(!ok);
            measured.lateness_ms.push(late);
        }
        if let Some((cpu, at)) = cpu_start {
            measured.cpu_percent = 100.0 * (cpu_seconds() - cpu) / at.elapsed().as_secs_f64();
        }
        tasks.abort_all();
        measured
    })
}

impl Measured {
    fn empty() -> Measured {
        Measured {
            probes: 0,
            failed: 0,
            cpu_percent: 0.0,
            lateness_ms: Vec::new(),
        }
    }

    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.lateness_ms.clone();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return f64::NAN;
        }
        let index = ((sorted.len() - 1) as f64 * p).round() as usize;
        sorted[index]
    }
}

fn report(checks: usize, interval: Duration, opsdeck: &Measured, baseline: &Measured) {
    let name = format!("health-{checks}-checks-{}s", interval.as_secs());
    for (name, m) in [
        ("opsdeck scheduler", opsdeck),
        ("baseline reqwest loop", baseline),
    ] {
        println!(
            "  {name:<22} probes {:>7} ({} failed)  CPU {:>5.1}% of one core  lateness p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            m.probes,
            m.failed,
            m.cpu_percent,
            m.percentile(0.5),
            m.percentile(0.99),
            m.percentile(1.0)
        );
    }
    let ratio = opsdeck.cpu_percent / baseline.cpu_percent.max(0.01);
    println!("  CPU ratio opsdeck / baseline: {ratio:.2}");
    let cpu_ok = opsdeck.cpu_percent < TARGET_CPU;
    let p99_ok = opsdeck.percentile(0.99) < TARGET_P99_MS;
    println!(
        "  targets: CPU under {TARGET_CPU}% of one core: {}; p99 lateness under {TARGET_P99_MS} ms: {}",
        if cpu_ok { "met" } else { "MISSED" },
        if p99_ok { "met" } else { "MISSED" }
    );
    let verdict = |ok: bool| if ok { "PASS" } else { "MISS" };
    println!(
        "BENCH\t{name}-cpu\t{:.1}%\t{:.1}% (reqwest loop)\t{ratio:.2}\t< {TARGET_CPU}%\t{}",
        opsdeck.cpu_percent,
        baseline.cpu_percent,
        verdict(cpu_ok)
    );
    println!(
        "BENCH\t{name}-p99-late\t{:.1} ms\t{:.1} ms (reqwest loop)\t{:.2}\t< {TARGET_P99_MS} ms\t{}",
        opsdeck.percentile(0.99),
        baseline.percentile(0.99),
        opsdeck.percentile(0.99) / baseline.percentile(0.99).max(0.001),
        verdict(p99_ok)
    );
}

fn runtime() -> tokio::runtime::Runtime {
    // One thread, like the console's runtime.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// User + system CPU time of this process so far, in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at `state`.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    (ticks(11) + ticks(12)) / per_second
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The child process: a loopback server answering 200, until stdin closes.
fn serve() {
    let server = http_server::TestServer::start(|_| http_server::Reply::text(200, "ok"));
    println!("{}", server.addr);
    let _ = std::io::stdout().flush();
    let mut sink = [0u8; 64];
    // Bounded: read returns 0 when the parent closes the pipe or dies.
    while let Ok(n) = std::io::stdin().read(&mut sink) {
        if n == 0 {
            break;
        }
    }
}
