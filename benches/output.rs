//! Output through `opsdeck exec`, side by side with the shell writing the
//! same output to a file, in one run (median of OPSDECK_BENCH_ROUNDS
//! alternating rounds; OPSDECK_BENCH_LINES changes the line count):
//!
//! * `seq 1 5000000`: digits only, the cheap case;
//! * five million log-like lines (RFC 3339 timestamps, `level=… msg="…"
//!   user=… duration=…ms`, SGR colours on a fifth of them, a `password=`
//!   pair in every 10,000, a secret variable registered and its value in
//!   every 100,000): (a) `cat` of a prepared file, where the producer costs
//!   nothing, and (b) the `awk` generator printing them;
//! * peak memory of `opsdeck exec` in each.
//!
//! After each opsdeck run the incident's output file is checked: every line
//! there, no `password=` value and no secret left. `cargo bench --bench output`.

mod common;

use common::log_lines::GENERATOR;
use common::{Figure, median, opsdeck_exec, peak_kib, rounds, run_to, timed};
use std::path::Path;
use std::process::Command;

const SECRET: &str = "s3cr3t-bench-token-value";

fn lines() -> u64 {
    std::env::var("OPSDECK_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000_000)
}

fn main() {
    let rounds = rounds();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let n = lines();
    std::fs::write(dir.join("gen.awk"), GENERATOR).unwrap();
    let generate = format!(
        "awk -v n={n} -v secret={SECRET} -f {}",
        dir.join("gen.awk").display()
    );
    let prepared = dir.join("prepared.log");
    let mut shell = Command::new("sh");
    shell.args(["-c", &generate]);
    run_to(shell, &prepared);
    let size = std::fs::metadata(&prepared).unwrap().len();
    eprintln!(
        "output bench: {n} log-like lines, {:.0} MB",
        size as f64 / 1e6
    );

    let seq = format!("seq 1 {n}");
    let cat = format!("cat {}", prepared.display());
    let cases = [
        ("exec-seq-5M-lines", "sh -c 'seq > file'", seq.as_str(), 1.5),
        (
            "exec-cat-5M-log-lines",
            "sh -c 'cat FILE > file'",
            cat.as_str(),
            3.0,
        ),
        (
            "exec-awk-5M-log-lines",
            "sh -c 'awk … > file'",
            generate.as_str(),
            1.5,
        ),
    ];
    let mut memory = Vec::new();
    for (name, baseline_name, script, target) in cases {
        let case = dir.join(name);
        write_playbook(&case, script);
        let figure = bench_case(&case, name, baseline_name, script, target, rounds);
        check_output_file(&case, name.contains("log-lines"));
        figure.print();
        if name == "exec-cat-5M-log-lines" {
            pipe_floor(&case, script, &figure, rounds);
        }
        memory.push(peak_memory(&case, name, script));
    }
    for line in memory {
        println!("{line}");
    }
}

/// A playbook whose one command runs `script` with the secret variable in use.
fn write_playbook(case: &Path, script: &str) {
    std::fs::create_dir_all(case).unwrap();
    std::fs::write(
        case.join("pb.md"),
        format!(
            "---\ntitle: Output\nvariables:\n  token: {{secret: true, env: BENCH_TOKEN}}\n---\n# Output\n\n## Print\n```sh {{id=print}}\n: {{{{token}}}}; {script}\n```\n"
        ),
    )
    .unwrap();
}

fn exec(case: &Path) -> Command {
    let mut command = opsdeck_exec(case, &["print"]);
    command.env("BENCH_TOKEN", SECRET);
    command
}

fn bench_case(
    case: &Path,
    name: &'static str,
    baseline_name: &'static str,
    script: &str,
    target: f64,
    rounds: usize,
) -> Figure {
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    let out = case.join("stdout");
    for round in 0..rounds {
        // A fresh incident each round (the last one is kept for the check).
        let _ = std::fs::remove_dir_all(case.join("data"));
        let _ = std::fs::remove_file(&out);
        let _ = std::fs::remove_file(case.join("file"));
        let mut shell = Command::new("sh");
        shell.args(["-c", &format!("{script} > {}", case.join("file").display())]);
        // Alternate which goes first, so neither always finds a warm cache.
        let mut one = || ours.push(timed(|| run_to(exec(case), &out)));
        if round % 2 == 0 {
            one();
            plain.push(timed(|| run_to(shell, &case.join("sh.out"))));
        } else {
            plain.push(timed(|| run_to(shell, &case.join("sh.out"))));
            one();
        }
    }
    Figure {
        name,
        ours_name: "opsdeck exec",
        ours: median(ours),
        baseline_name,
        baseline: median(plain),
        target: Some(target),
    }
}

/// What reading a command's output costs any program at the least: the
/// same `cat` through one pipe into a reader that only copies it out,
/// beside the baseline that writes the file directly.
fn pipe_floor(case: &Path, script: &str, baseline: &Figure, rounds: usize) {
    let file = case.join("file");
    let piped: Vec<_> = (0..rounds)
        .map(|_| {
            let mut shell = Command::new("sh");
            shell.args(["-c", &format!("{script} | cat > {}", file.display())]);
            timed(|| run_to(shell, &case.join("sh.out")))
        })
        .collect();
    Figure {
        name: "exec-cat-5M-log-lines-pipe-floor",
        ours_name: "sh -c 'cat FILE | cat > file'",
        ours: median(piped),
        baseline_name: baseline.baseline_name,
        baseline: baseline.baseline,
        target: None,
    }
    .print();
}

/// The incident's output file holds every line, and (for the log lines) no
/// credential: a fast path that dropped or leaked something fails the bench.
fn check_output_file(case: &Path, log_lines: bool) {
    let expected = std::fs::read(case.join("file")).unwrap();
    let outputs: Vec<_> = walk(&case.join("data"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    assert_eq!(outputs.len(), 1, "one output file: {outputs:?}");
    let written = std::fs::read(&outputs[0]).unwrap();
    let count = |bytes: &[u8]| memchr::memchr_iter(b'\n', bytes).count();
    assert_eq!(
        count(&written),
        count(&expected),
        "every line in the output file"
    );
    if log_lines {
        let text = String::from_utf8_lossy(&written);
        assert!(!text.contains(SECRET), "the secret reached the output file");
        assert!(
            !text.contains("hunter2"),
            "a password reached the output file"
        );
        assert!(
            !text.contains('\u{1b}'),
            "an escape reached the output file"
        );
        assert!(text.contains("password=[REDACTED]"));
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Peak memory of `opsdeck exec` and of `sh -c 'SCRIPT > file'`.
fn peak_memory(case: &Path, name: &str, script: &str) -> String {
    let _ = std::fs::remove_dir_all(case.join("data"));
    let ours = peak_kib(exec(case), &case.join("stdout"));
    let mut shell = Command::new("sh");
    shell.args(["-c", &format!("{script} > {}", case.join("file").display())]);
    let theirs = peak_kib(shell, &case.join("sh.out")).max(1);
    let mib = |kib: u64| kib as f64 / 1024.0;
    let name = name.replacen("exec-", "peak-memory-", 1);
    format!(
        "BENCH\t{name}\t{:.1} MiB (opsdeck exec)\t{:.1} MiB (sh -c, its shell)\t{:.1}\t< 64 MiB\t{}",
        mib(ours),
        mib(theirs),
        ours as f64 / theirs as f64,
        common::verdict(ours < 64 * 1024)
    )
}
