//! The console keeps answering during a flood: in tmux, the real binary
//! runs a command printing 5 million log-like lines (`common::log_lines`),
//! and while it runs `?` opens the help overlay and Escape closes it; each
//! keypress is timed until `capture-pane` shows the change. p99 over the
//! presses made while the flood was still running (target < 50 ms).
//!
//! Baseline: the same generator piped into `less`, `h` opening its help and
//! `q` closing it, timed the same way in the same kind of pane. It is what a
//! responder would otherwise read a flood with, and its figure is the floor
//! of this measurement on this machine (tmux, `capture-pane`, a process
//! per poll); `less` reads only what it shows, so it carries none of the
//! flood the console ingests, redacts and keeps.
//!
//! `cargo bench --bench keypress` (OPSDECK_BENCH_LINES changes the count,
//! OPSDECK_BENCH_RUNS the presses, default 200).

mod common;

use common::log_lines::GENERATOR;
use common::tmux::Tmux;
use common::{bench_line, skipped, verdict};
use std::path::Path;
use std::time::Duration;

const TARGET_MS: f64 = 50.0;
const NAME: &str = "keypress-p99-during-5M-line-flood";
/// The last line of the console's help overlay (drawn last).
const CONSOLE_HELP: &str = "quit (asks first while a command runs)";
const LESS_HELP: &str = "SUMMARY OF LESS COMMANDS";

fn main() {
    let lines: u64 = env_or("OPSDECK_BENCH_LINES", 5_000_000);
    let presses: usize = env_or("OPSDECK_BENCH_RUNS", 200);
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("gen.awk"), GENERATOR).unwrap();
    // One marker each: a flood cut short by its pane's end may still touch its own.
    let (done, less_done) = (dir.join("console-flood-done"), dir.join("less-flood-done"));
    let generate = format!(
        "awk -v n={lines} -v secret=s3cr3t-bench -f {}",
        dir.join("gen.awk").display()
    );
    std::fs::write(
        dir.join("pb.md"),
        format!(
            "# Flood\n\n## Logs\n```sh {{id=flood}}\n{generate}; touch {}\n```\n",
            done.display()
        ),
    )
    .unwrap();
    let console = format!(
        "cd {} && OPSDECK_CONFIG=/dev/null OPSDECK_DATA_DIR={} exec {} open pb.md",
        dir.display(),
        dir.join("data").display(),
        common::opsdeck_bin().display()
    );
    let Some(ours) = console_presses(&console, &done, presses) else {
        return;
    };
    let less = format!("({generate}; touch {}) | less", less_done.display());
    let Some(base) = less_presses(&less, &less_done, presses) else {
        return;
    };
    let (p99, base99) = (percentile_ms(&ours, 99), percentile_ms(&base, 99));
    let in_ms = |samples: &[Duration]| -> Vec<String> {
        samples
            .iter()
            .map(|d| format!("{:.0}", d.as_secs_f64() * 1000.0))
            .collect()
    };
    eprintln!("console presses (ms, in order): {}", in_ms(&ours).join(" "));
    eprintln!("less presses (ms, in order): {}", in_ms(&base).join(" "));
    eprintln!(
        "keypress to screen during the flood: console p50 {:.1} ms, p99 {p99:.1} ms over {} presses; less p50 {:.1} ms, p99 {base99:.1} ms over {}",
        percentile_ms(&ours, 50),
        ours.len(),
        percentile_ms(&base, 50),
        base.len()
    );
    bench_line(
        NAME,
        &format!("{p99:.1} ms p99 ({} presses, console)", ours.len()),
        &format!(
            "{base99:.1} ms p99 ({} presses, the generator piped into less)",
            base.len()
        ),
        &format!("{:.2}", p99 / base99),
        &format!("< {TARGET_MS} ms p99"),
        verdict(p99 < TARGET_MS),
    );
}

/// Starts the flood from the console, then times `?` and Escape until it ends.
fn console_presses(command: &str, done: &Path, presses: usize) -> Option<Vec<Duration>> {
    let Some(tmux) = Tmux::start("keypress", command) else {
        skipped(
            NAME,
            "< 50 ms p99",
            "tmux is missing (apt-get install tmux)",
        );
        return None;
    };
    let ready = tmux.until(Duration::from_secs(20), |s| s.contains("[flood]"));
    if ready.is_none() {
        return failed("the console did not show the playbook", &tmux);
    }
    tmux.keys(&["Tab"]);
    tmux.keys(&["Enter"]);
    if tmux
        .until(Duration::from_secs(10), |s| s.contains("Run diagnosis?"))
        .is_none()
    {
        return failed("no confirmation dialog", &tmux);
    }
    tmux.keys(&["y"]);
    if tmux
        .until(Duration::from_secs(10), |s| s.contains("Output [flood]"))
        .is_none()
    {
        return failed("the command did not start", &tmux);
    }
    let samples = timed_toggles(&tmux, done, presses, ["?", "Escape"], CONSOLE_HELP);
    if samples.is_empty() {
        return failed("the flood ended before the first press", &tmux);
    }
    Some(samples)
}

fn less_presses(command: &str, done: &Path, presses: usize) -> Option<Vec<Duration>> {
    let tmux = Tmux::start("keypress-less", command)?;
    if tmux
        .until(Duration::from_secs(20), |s| s.contains("level="))
        .is_none()
    {
        return failed("less did not show the flood", &tmux);
    }
    let samples = timed_toggles(&tmux, done, presses, ["h", "q"], LESS_HELP);
    if samples.is_empty() {
        return failed("the flood ended before the first press to less", &tmux);
    }
    Some(samples)
}

/// Alternately opens (`keys[0]`) and closes (`keys[1]`) a help screen whose
/// text holds `marker`, timing each press until the screen shows it; stops
/// after `presses` or when `done` exists (the flood is over).
fn timed_toggles(
    tmux: &Tmux,
    done: &Path,
    presses: usize,
    keys: [&str; 2],
    marker: &str,
) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(presses);
    for n in 0..presses {
        let open = n % 2 == 0;
        tmux.keys(&[keys[n % 2]]);
        let took = tmux.until(Duration::from_secs(10), |s| s.contains(marker) == open);
        if done.exists() {
            break;
        }
        // A press never answered counts as the 10 s it was waited for.
        samples.push(took.unwrap_or(Duration::from_secs(10)));
    }
    samples
}

fn failed(why: &str, tmux: &Tmux) -> Option<Vec<Duration>> {
    eprintln!("{NAME}: {why}; screen:\n{}", tmux.screen());
    bench_line(
        NAME,
        "-",
        "-",
        "-",
        &format!("< {TARGET_MS} ms p99"),
        &format!("FAILED ({why})"),
    );
    None
}

fn percentile_ms(samples: &[Duration], percent: usize) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let at = (sorted.len() * percent / 100).min(sorted.len() - 1);
    sorted[at].as_secs_f64() * 1000.0
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
