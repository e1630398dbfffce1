//! `opsdeck exec` of a trivial local command against `sh -c` running it,
//! side by side (median of OPSDECK_BENCH_RUNS interleaved runs, default 30),
//! and where the difference goes: the same binary stopping after each
//! stage (process start, reading and checking the playbook, planning, the
//! full run with its incident log), and the fsyncs a run makes (strace).
//!
//! `cargo bench --bench exec`; lines starting with BENCH are read by bench/run.

mod common;

use common::{Figure, bench_line, median, ms, opsdeck_exec, run_to, skipped, timed};
use std::process::Command;
use std::time::Duration;

const TARGET: f64 = 2.5;

/// A stage's name and the command that stops after it.
type Stage<'a> = Box<dyn Fn() -> Command + 'a>;

fn main() {
    let runs: usize = std::env::var("OPSDECK_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
        .max(1);
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(
        dir.join("pb.md"),
        "# Trivial\n\n## Say\n```sh {id=hi}\necho hi\n```\n",
    )
    .unwrap();
    let bin = common::opsdeck_bin();
    let stages: [(&str, Stage); 6] = [
        (
            "sh -c 'echo hi'",
            Box::new(|| {
                let mut c = Command::new("sh");
                c.args(["-c", "echo hi"]);
                c
            }),
        ),
        (
            "opsdeck --version",
            Box::new(|| {
                let mut c = Command::new(&bin);
                c.arg("--version");
                c
            }),
        ),
        (
            "opsdeck check",
            Box::new(|| {
                let mut c = Command::new(&bin);
                c.args(["check", "pb.md"]).current_dir(dir);
                c
            }),
        ),
        (
            "opsdeck exec --dry-run",
            Box::new(|| opsdeck_exec(dir, &["hi", "--dry-run"])),
        ),
        ("opsdeck exec", Box::new(|| opsdeck_exec(dir, &["hi"]))),
        (
            "opsdeck exec, incident open",
            Box::new(|| {
                let mut c = opsdeck_exec(dir, &["hi"]);
                c.env("OPSDECK_DATA_DIR", dir.join("resumed"));
                c
            }),
        ),
    ];
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); stages.len()];
    let mut floor = Vec::new();
    let out = dir.join("out");
    for _ in 0..runs {
        for ((_, command), times) in stages.iter().zip(&mut samples) {
            times.push(timed(|| run_to(command(), &out)));
        }
        floor.push(timed(|| {
            run_to(stages[0].1(), &out);
            durable_events(&dir.join("floor.jsonl"));
        }));
        // A fresh incident each run, as a responder's first command would have.
        let _ = std::fs::remove_dir_all(dir.join("data"));
    }
    let medians: Vec<Duration> = samples.into_iter().map(median).collect();
    for ((name, _), time) in stages.iter().zip(&medians).skip(1) {
        eprintln!("stage: {name}: {:.2} ms (median)", ms(*time));
    }
    Figure {
        name: "exec-trivial-command",
        ours_name: "opsdeck exec",
        ours: medians[4],
        baseline_name: "sh -c 'echo hi'",
        baseline: medians[0],
        target: Some(TARGET),
    }
    .print();
    // The usual case in an incident: a command after the first, appended to
    // the incident it opened (its log grows by three events a run).
    Figure {
        name: "exec-trivial-command-incident-open",
        ours_name: "opsdeck exec",
        ours: medians[5],
        baseline_name: "sh -c 'echo hi'",
        baseline: medians[0],
        target: Some(TARGET),
    }
    .print();
    Figure {
        name: "exec-trivial-command-durable-floor",
        ours_name: "opsdeck exec",
        ours: medians[4],
        baseline_name: "sh -c, then 3 event-sized lines each appended and fdatasync'd",
        baseline: median(floor),
        target: None,
    }
    .print();
    let stage_text = stages[1..]
        .iter()
        .zip(&medians[1..])
        .map(|((name, _), time)| format!("{name} {:.1}", ms(*time)))
        .collect::<Vec<_>>()
        .join(", ");
    bench_line(
        "exec-trivial-stages",
        &format!("{stage_text} ms"),
        &format!("{:.1} ms (sh -c)", ms(medians[0])),
        "-",
        "-",
        "INFO",
    );
    fsyncs(dir);
}

/// The fsyncs of one `opsdeck exec` run, counted by strace.
fn fsyncs(dir: &std::path::Path) {
    let _ = std::fs::remove_dir_all(dir.join("data"));
    let trace = dir.join("strace.out");
    let mut strace = Command::new("strace");
    strace
        .args([
            "-f",
            "-c",
            "-e",
            "trace=fsync,fdatasync,sync_file_range",
            "-o",
        ])
        .arg(&trace)
        .arg(common::opsdeck_bin())
        .args(["exec", "pb.md", "hi"])
        .current_dir(dir)
        .env("OPSDECK_CONFIG", "/dev/null")
        .env("OPSDECK_DATA_DIR", dir.join("data"));
    if strace.output().is_err() {
        skipped(
            "exec-trivial-fsyncs",
            "-",
            "strace is missing (apt-get install strace)",
        );
        return;
    }
    let text = std::fs::read_to_string(&trace).unwrap_or_default();
    let calls: u64 = text
        .lines()
        .filter(|l| l.contains("fsync") || l.contains("fdatasync"))
        .filter_map(|l| l.split_whitespace().nth(3)?.parse::<u64>().ok())
        .sum();
    bench_line(
        "exec-trivial-fsyncs",
        &format!("{calls} fsync/fdatasync calls"),
        "0 (sh -c)",
        "-",
        "-",
        "INFO",
    );
}

/// What a run must make durable at the least: its events (opened with
/// confirmed, started, finished), each a ~350-byte line synced on its own.
fn durable_events(path: &std::path::Path) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    let line = [b'x'; 350];
    for _ in 0..3 {
        file.write_all(&line).unwrap();
        file.write_all(b"\n").unwrap();
        file.sync_data().unwrap();
    }
}
