//! What every benchmark shares: timing, medians, peak memory, and the
//! `BENCH` lines `bench/run` reads (also `SKIPPED` ones, so a benchmark that
//! cannot run says why instead of disappearing).
#![allow(dead_code)]

pub mod log_lines;
pub mod tmux;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Alternating rounds per figure (`OPSDECK_BENCH_ROUNDS`, default 5).
pub fn rounds() -> usize {
    std::env::var("OPSDECK_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1)
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

pub fn timed(run: impl FnOnce()) -> Duration {
    let started = Instant::now();
    run();
    started.elapsed()
}

/// Runs `command` with stdin empty, stdout to the file `stdout`, stderr
/// dropped; panics with the command when it fails.
pub fn run_to(mut command: Command, stdout: &Path) {
    let file = std::fs::File::create(stdout).unwrap();
    let status = command
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{command:?} failed: {status}");
}

/// Runs `command` (stdout to the file `stdout`) and returns its peak
/// resident memory in KiB (VmHWM, polled from /proc every 2 ms).
pub fn peak_kib(mut command: Command, stdout: &Path) -> u64 {
    let file = std::fs::File::create(stdout).unwrap();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(text) = std::fs::read_to_string(&status)
            && let Some(line) = text.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kib = line.split_whitespace().nth(1).and_then(|v| v.parse().ok());
            peak = peak.max(kib.unwrap_or(0));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    peak
}

/// One result line for `bench/run`: name, value, baseline, ratio, target, verdict.
pub fn bench_line(
    name: &str,
    value: &str,
    baseline: &str,
    ratio: &str,
    target: &str,
    verdict: &str,
) {
    println!("BENCH\t{name}\t{value}\t{baseline}\t{ratio}\t{target}\t{verdict}");
}

/// A benchmark that could not run, and why.
pub fn skipped(name: &str, target: &str, why: &str) {
    eprintln!("\n*** SKIPPED {name}: {why} ***\n");
    bench_line(name, "-", "-", "-", target, &format!("SKIPPED ({why})"));
}

pub fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "MISS" }
}

/// A time measured beside its baseline; the ratio is ours / baseline.
pub struct Figure {
    pub name: &'static str,
    pub ours_name: &'static str,
    pub ours: Duration,
    pub baseline_name: &'static str,
    pub baseline: Duration,
    /// None: a reference line (INFO), not a target.
    pub target: Option<f64>,
}

impl Figure {
    pub fn ratio(&self) -> f64 {
        self.ours.as_secs_f64() / self.baseline.as_secs_f64()
    }

    pub fn print(&self) {
        let verdict = match self.target {
            Some(target) => verdict(self.ratio() <= target),
            None => "INFO",
        };
        let target = self.target.map_or("-".into(), |t| format!("<= {t}"));
        eprintln!(
            "{}: {} {:.1} ms, {} {:.1} ms, ratio {:.3} ({target}) {verdict}",
            self.name,
            self.ours_name,
            ms(self.ours),
            self.baseline_name,
            ms(self.baseline),
            self.ratio()
        );
        bench_line(
            self.name,
            &format!("{:.0} ms ({})", ms(self.ours), self.ours_name),
            &format!("{:.0} ms ({})", ms(self.baseline), self.baseline_name),
            &format!("{:.3}", self.ratio()),
            &target,
            verdict,
        );
    }
}

/// The binary measured: this build's, or `OPSDECK_BENCH_BIN` (to measure
/// an older build beside it, for a before and after).
pub fn opsdeck_bin() -> std::path::PathBuf {
    std::env::var_os("OPSDECK_BENCH_BIN")
        .map_or_else(|| env!("CARGO_BIN_EXE_opsdeck").into(), Into::into)
}

/// `opsdeck exec pb.md ARGS…` in `dir`, with its own data dir and no config.
pub fn opsdeck_exec(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(opsdeck_bin());
    command
        .args(["exec", "pb.md"])
        .args(args)
        .current_dir(dir)
        .env("OPSDECK_CONFIG", "/dev/null")
        .env("OPSDECK_DATA_DIR", dir.join("data"));
    command
}
