//! Running commands, each side by side with its baseline in one run:
//!
//! (a) `opsdeck exec` of `seq 1 5000000` (stdout to a file, output file and
//!     incident log written) against `sh -c 'seq 1 5000000 > file'`;
//! (b) 20 diagnostics in a row on one SSH host through opsdeck's SSH runner,
//!     connection included, against 20 plain `ssh HOST CMD` invocations;
//! (c) one command fanned out to 10 hosts by `opsdeck exec` against a
//!     sequential `ssh` loop over the same hosts.
//!
//! The SSH hosts are aliases of one throwaway sshd on 127.0.0.1 (as in the
//! tests). Each figure is the median of OPSDECK_BENCH_ROUNDS (default 5)
//! alternating rounds. `cargo bench --bench exec`; lines starting with
//! BENCH are read by bench/run.

#[path = "../tests/ssh_support/mod.rs"]
mod ssh_support;

use opsdeck::exec::ssh::{SshPool, SshRunner};
use opsdeck::exec::{Runner, ssh::SshTarget};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

const DIAGNOSTICS: [&str; 20] = [
    "uptime",
    "cat /proc/loadavg",
    "df -h /",
    "df -i /",
    "free -m",
    "uname -a",
    "ps -eo pid,pcpu,pmem,comm --sort=-pcpu | head -5",
    "ps -e | wc -l",
    "cat /proc/meminfo | head -5",
    "ls /var/log | head -20",
    "tail -n 5 /etc/passwd",
    "id",
    "hostname",
    "date -u",
    "cat /proc/uptime",
    "cat /proc/sys/fs/file-nr",
    "ss -s 2>/dev/null || true",
    "who -b 2>/dev/null || true",
    "getconf _NPROCESSORS_ONLN",
    "env | wc -l",
];

fn main() {
    let rounds: usize = std::env::var("OPSDECK_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let dir = tempfile::tempdir().unwrap();
    let seq = bench_seq(dir.path(), rounds);
    peak_memory(dir.path());
    let Some(sshd) = ssh_support::start_or_skip("bench exec (SSH parts)") else {
        report(&[seq]);
        return;
    };
    let hosts: Vec<String> = (1..=10).map(|i| format!("h{i}")).collect();
    let names: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let config = sshd.ssh_config(&names);
    let diagnostics = bench_diagnostics(&sshd, &config, rounds);
    let (fan_out, parallel_ssh) = bench_fan_out(dir.path(), &config, &hosts, rounds);
    report(&[seq, diagnostics, fan_out, parallel_ssh]);
}

struct Figure {
    name: &'static str,
    /// What is measured against the baseline (opsdeck, or another reference).
    ours_name: &'static str,
    ours: Duration,
    baseline: Duration,
    baseline_name: &'static str,
    /// None: a reference line, not a target.
    target: Option<f64>,
}

impl Figure {
    fn ratio(&self) -> f64 {
        self.ours.as_secs_f64() / self.baseline.as_secs_f64()
    }

    fn verdict(&self) -> &'static str {
        match self.target {
            Some(target) if self.ratio() <= target => "PASS",
            Some(_) => "MISS",
            None => "INFO",
        }
    }

    fn target(&self) -> String {
        self.target.map_or("-".into(), |t| format!("<= {t}"))
    }
}

fn report(figures: &[Figure]) {
    println!();
    for f in figures {
        println!(
            "{:<30} {} {:.1} ms | {} {:.1} ms | ratio {:.3} (target {}) {}",
            f.name,
            f.ours_name,
            ms(f.ours),
            f.baseline_name,
            ms(f.baseline),
            f.ratio(),
            f.target(),
            f.verdict()
        );
    }
    for f in figures {
        println!(
            "BENCH\t{}\t{:.0} ms ({})\t{:.0} ms ({})\t{:.3}\t{}\t{}",
            f.name,
            ms(f.ours),
            f.ours_name,
            ms(f.baseline),
            f.baseline_name,
            f.ratio(),
            f.target(),
            f.verdict()
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn timed(run: impl FnOnce()) -> Duration {
    let started = Instant::now();
    run();
    started.elapsed()
}

/// Runs `program args` with stdout to `stdout` (a file) and stderr dropped; must succeed.
fn run_to(mut command: Command, stdout: &Path) {
    let file = std::fs::File::create(stdout).unwrap();
    let status = command
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{command:?} failed");
}

fn opsdeck(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    command
        .args(["exec", "pb.md"])
        .args(args)
        .current_dir(dir)
        .env("OPSDECK_DATA_DIR", dir.join("data"));
    command
}

/// Peak memory of `opsdeck exec` while 5 million lines stream through it
/// (VmHWM polled from /proc), against `seq` itself writing them.
fn peak_memory(dir: &Path) {
    let seq_dir = dir.join("seq");
    let peak = |mut command: Command| -> u64 {
        let mut child = command.stdout(std::process::Stdio::null()).spawn().unwrap();
        let status = format!("/proc/{}/status", child.id());
        let mut peak_kib = 0;
        while child.try_wait().unwrap().is_none() {
            if let Ok(text) = std::fs::read_to_string(&status)
                && let Some(line) = text.lines().find(|l| l.starts_with("VmHWM:"))
            {
                peak_kib = peak_kib.max(
                    line.split_whitespace()
                        .nth(1)
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0),
                );
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        peak_kib
    };
    let ours = peak(opsdeck(&seq_dir, &["seq"]));
    let _ = std::fs::remove_dir_all(seq_dir.join("data"));
    let mut seq = Command::new("seq");
    seq.args(["1", "5000000"]);
    let theirs = peak(seq).max(1);
    let verdict = if ours < 64 * 1024 { "PASS" } else { "MISS" };
    println!(
        "BENCH\tpeak-memory-5M-lines\t{:.1} MiB (opsdeck exec)\t{:.1} MiB (seq)\t{:.1}\t< 64 MiB\t{verdict}",
        ours as f64 / 1024.0,
        theirs as f64 / 1024.0,
        ours as f64 / theirs as f64
    );
}

/// (a) Five million lines through `opsdeck exec` against the shell writing them to a file.
fn bench_seq(dir: &Path, rounds: usize) -> Figure {
    let seq_dir = dir.join("seq");
    std::fs::create_dir_all(&seq_dir).unwrap();
    std::fs::write(
        seq_dir.join("pb.md"),
        "# Seq\n\n## Print\n```sh {id=seq}\nseq 1 5000000\n```\n",
    )
    .unwrap();
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    let out = dir.join("seq.out");
    for _ in 0..rounds {
        ours.push(timed(|| run_to(opsdeck(&seq_dir, &["seq"]), &out)));
        // Each round a fresh incident, so disk use does not grow.
        let _ = std::fs::remove_dir_all(seq_dir.join("data"));
        let mut shell = Command::new("sh");
        shell.args([
            "-c",
            &format!("seq 1 5000000 > {}", dir.join("seq.file").display()),
        ]);
        plain.push(timed(|| run_to(shell, &dir.join("seq.sh.out"))));
    }
    Figure {
        name: "exec-seq-5M-lines",
        ours_name: "opsdeck exec",
        ours: median(ours),
        baseline: median(plain),
        baseline_name: "sh -c 'seq > file'",
        target: Some(1.5),
    }
}

/// (b) Twenty diagnostics in a row on one host: opsdeck's runner (a fresh
/// pool each round, so the connection is paid for) against plain ssh.
fn bench_diagnostics(sshd: &ssh_support::Sshd, config: &Path, rounds: usize) -> Figure {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut target = SshTarget::new("h1");
    target.ssh_config = Some(config.to_path_buf());
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        ours.push(runtime.block_on(async {
            let started = Instant::now();
            let pool = SshPool::default();
            let runner = SshRunner::new(&pool, &target);
            for diagnostic in DIAGNOSTICS {
                let (tx, mut rx) = mpsc::channel(64);
                let (_cancel, cancel_rx) = watch::channel(false);
                let drain = async { while rx.recv().await.is_some() {} };
                let (done, ()) = tokio::join!(
                    runner.run(diagnostic, Duration::from_secs(30), tx, cancel_rx),
                    drain
                );
                assert_eq!(done.unwrap().exit_code, Some(0), "{diagnostic}");
            }
            started.elapsed()
        }));
        plain.push(timed(|| {
            for diagnostic in DIAGNOSTICS {
                let mut ssh = Command::new("ssh");
                ssh.args(["-F"])
                    .arg(config)
                    .args(["-o", "BatchMode=yes", "h1", diagnostic]);
                run_to(ssh, &sshd.dir.path().join("plain.out"));
            }
        }));
    }
    Figure {
        name: "ssh-20-diagnostics-one-host",
        ours_name: "opsdeck SSH runner",
        ours: median(ours),
        baseline: median(plain),
        baseline_name: "20 x ssh HOST CMD",
        target: Some(0.15),
    }
}

/// (c) One command on ten hosts: `opsdeck exec` fans out, the baseline loops.
/// Also plain `ssh` started in parallel against the same loop: the floor
/// this machine allows, where client and server share two cores.
fn bench_fan_out(dir: &Path, config: &Path, hosts: &[String], rounds: usize) -> (Figure, Figure) {
    let fan_dir = dir.join("fan");
    std::fs::create_dir_all(&fan_dir).unwrap();
    std::fs::write(
        fan_dir.join("pb.md"),
        format!(
            "---\ntitle: Fan\nhosts:\n  all: {{hosts: [{}], ssh_config: {}}}\n---\n# Fan\n\n## Look\n```sh {{id=load host=all}}\nuptime\n```\n",
            hosts.join(", "),
            config.display()
        ),
    )
    .unwrap();
    let ssh = |host: &str| {
        let mut ssh = Command::new("ssh");
        ssh.args(["-F"])
            .arg(config)
            .args(["-o", "BatchMode=yes", host, "uptime"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        ssh
    };
    let (mut ours, mut plain, mut parallel) = (Vec::new(), Vec::new(), Vec::new());
    let out = dir.join("fan.out");
    for _ in 0..rounds {
        ours.push(timed(|| run_to(opsdeck(&fan_dir, &["load"]), &out)));
        plain.push(timed(|| {
            for host in hosts {
                assert!(ssh(host).status().unwrap().success());
            }
        }));
        parallel.push(timed(|| {
            let children: Vec<_> = hosts.iter().map(|h| ssh(h).spawn().unwrap()).collect();
            for mut child in children {
                assert!(child.wait().unwrap().success());
            }
        }));
    }
    let plain = median(plain);
    let fan_out = Figure {
        name: "ssh-fan-out-10-hosts",
        ours_name: "opsdeck exec",
        ours: median(ours),
        baseline: plain,
        baseline_name: "ssh loop over 10 hosts",
        target: Some(0.3),
    };
    let floor = Figure {
        name: "ssh-parallel-10-hosts-floor",
        ours_name: "10 x ssh in parallel",
        ours: median(parallel),
        baseline: plain,
        baseline_name: "ssh loop over 10 hosts",
        target: None,
    };
    (fan_out, floor)
}
