//! SSH, each figure side by side with the baseline a responder would pick
//! instead, first connection included on both sides (median of
//! OPSDECK_BENCH_ROUNDS alternating rounds, default 3):
//!
//! * 20 diagnostics in a row on one host: the console's runner (one
//!   connection pool for the session) and `opsdeck exec` (a process per
//!   command), against `ssh -o ControlMaster=auto -o ControlPersist=60`;
//! * one command on 10 hosts, and five commands in a row on the same 10
//!   hosts: `opsdeck exec` and the console's runner against 10 plain `ssh`
//!   started in parallel per command and 10 ControlMaster `ssh` in parallel.
//!
//! The hosts are aliases of one throwaway sshd on 127.0.0.1 (as in the
//! tests), so all servers and clients share this machine's cores.
//! `cargo bench --bench ssh`; lines starting with BENCH are read by bench/run.

mod common;
#[path = "../tests/ssh_support/mod.rs"]
mod ssh_support;

use common::{Figure, median, opsdeck_exec, run_to, skipped, timed};
use opsdeck::exec::Runner;
use opsdeck::exec::fanout::{HostEvent, fan_out};
use opsdeck::exec::ssh::{SshPool, SshRunner, SshTarget};
use opsdeck::exec::targets::AnyRunner;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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
    "head -5 /proc/meminfo",
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

/// The five a responder runs on every web host, one after the other.
const ROUND_OF_FIVE: [&str; 5] = [
    "uptime",
    "df -h /",
    "free -m",
    "tail -n 5 /etc/passwd",
    "ps -e | wc -l",
];

const NAMES: [&str; 6] = [
    "ssh-20-diagnostics-console-runner",
    "ssh-20-diagnostics-opsdeck-exec",
    "ssh-1-command-10-hosts",
    "ssh-1-command-10-hosts-controlmaster",
    "ssh-5-commands-10-hosts-console-runner",
    "ssh-5-commands-10-hosts-opsdeck-exec",
];

fn main() {
    let rounds: usize = std::env::var("OPSDECK_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let Some(sshd) = ssh_support::start_or_skip("bench ssh") else {
        for name in NAMES {
            skipped(
                name,
                "-",
                "no sshd or ssh: apt-get install openssh-server openssh-client",
            );
        }
        return;
    };
    let hosts: Vec<String> = (1..=10).map(|i| format!("h{i}")).collect();
    let names: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let config = sshd.ssh_config(&names);
    let dir = tempfile::tempdir().unwrap();
    write_playbook(dir.path(), &config, &hosts);
    let bench = Bench {
        dir: dir.path().to_path_buf(),
        config,
        hosts,
        rounds,
    };
    bench.diagnostics();
    bench.ten_hosts();
}

fn write_playbook(dir: &Path, config: &Path, hosts: &[String]) {
    let mut text = format!(
        "---\ntitle: SSH bench\nhosts:\n  one: {{hosts: [h1], ssh_config: {c}}}\n  all: {{hosts: [{}], ssh_config: {c}}}\n---\n# SSH bench\n\n## Look\n",
        hosts.join(", "),
        c = config.display()
    );
    for (n, diagnostic) in DIAGNOSTICS.iter().enumerate() {
        text.push_str(&format!("```sh {{id=d{n} host=one}}\n{diagnostic}\n```\n"));
    }
    for (n, command) in ROUND_OF_FIVE.iter().enumerate() {
        text.push_str(&format!("```sh {{id=all{n} host=all}}\n{command}\n```\n"));
    }
    std::fs::write(dir.join("pb.md"), text).unwrap();
}

struct Bench {
    dir: PathBuf,
    config: PathBuf,
    hosts: Vec<String>,
    rounds: usize,
}

/// ssh's own connection sharing, as a responder would set it up; each round
/// starts cold (a fresh control directory) and closes its masters at the end.
struct ControlMaster {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl ControlMaster {
    fn new(config: &Path) -> ControlMaster {
        // Short: a control socket path must fit in a Unix socket address.
        let dir = tempfile::Builder::new()
            .prefix("ocm")
            .tempdir_in("/tmp")
            .unwrap();
        ControlMaster {
            dir,
            config: config.to_path_buf(),
        }
    }

    fn ssh(&self, host: &str, command: &str) -> Command {
        let path = format!("ControlPath={}/%C", self.dir.path().display());
        let options = ["ControlMaster=auto", "ControlPersist=60", &path];
        ssh_with(&self.config, &options, host, command)
    }

    fn close(&self, hosts: &[String]) {
        let path = format!("ControlPath={}/%C", self.dir.path().display());
        for host in hosts {
            let mut exit = Command::new("ssh");
            exit.arg("-F")
                .arg(&self.config)
                .args(["-o", &path, "-O", "exit", host]);
            let _ = exit.stdout(Stdio::null()).stderr(Stdio::null()).status();
        }
    }
}

/// opsdeck's own sharing across `exec`s: each round starts cold (a fresh
/// control directory, so no keeper yet) and ends its keeper at the end, as
/// `ssh -O exit` does for ControlMaster.
struct Keeper {
    dir: tempfile::TempDir,
}

impl Keeper {
    fn new() -> Keeper {
        let dir = tempfile::Builder::new()
            .prefix("okp")
            .tempdir_in("/tmp")
            .unwrap();
        Keeper { dir }
    }

    fn close(&self) {
        let dir = self.dir.path().display().to_string();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return;
        };
        for pid in entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline);
            if cmdline.contains("ssh-keeper") && cmdline.contains(&dir) {
                // SAFETY: kill(2) on the keeper this bench started; no memory is touched.
                unsafe { libc::kill(pid, libc::SIGTERM) };
                let gone = Instant::now();
                while std::path::Path::new(&format!("/proc/{pid}")).exists()
                    && gone.elapsed() < Duration::from_secs(10)
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }
}

fn plain_ssh(config: &Path, host: &str, command: &str) -> Command {
    ssh_with(config, &[], host, command)
}

/// `ssh -F CONFIG -o BatchMode=yes -o OPTION… HOST [COMMAND]`, output dropped.
fn ssh_with(config: &Path, options: &[&str], host: &str, command: &str) -> Command {
    let mut ssh = Command::new("ssh");
    ssh.arg("-F").arg(config).args(["-o", "BatchMode=yes"]);
    for option in options {
        ssh.args(["-o", option]);
    }
    ssh.arg(host)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if !command.is_empty() {
        ssh.arg(command);
    }
    ssh
}

fn wait_all(children: Vec<Child>) {
    for mut child in children {
        let status = child.wait().unwrap();
        assert!(status.success(), "ssh failed: {status}");
    }
}

impl Bench {
    fn exec(&self, keeper: &Keeper, id: &str) -> Command {
        let mut command = opsdeck_exec(&self.dir, &[id, "--yes"]);
        command.env("OPSDECK_DATA_DIR", self.dir.join("data"));
        command.env("XDG_RUNTIME_DIR", keeper.dir.path());
        command
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    fn target(&self, host: &str) -> SshTarget {
        let mut target = SshTarget::new(host);
        target.ssh_config = Some(self.config.clone());
        target
    }

    /// 20 diagnostics on h1: the console's runner and `opsdeck exec`, against ControlMaster ssh.
    fn diagnostics(&self) {
        let runtime = Bench::runtime();
        let (mut console, mut exec, mut master) = (Vec::new(), Vec::new(), Vec::new());
        // The ControlMaster commands after the first: each a new session on
        // a master already up, the least a process sharing a master pays.
        let mut warm = Vec::new();
        let out = self.dir.join("out");
        for _ in 0..self.rounds {
            console.push(runtime.block_on(async {
                let started = Instant::now();
                let pool = SshPool::default();
                let runner = SshRunner::new(&pool, &self.target("h1"));
                for diagnostic in DIAGNOSTICS {
                    let (code, _) = run_one(&runner, diagnostic).await;
                    assert_eq!(code, Some(0), "{diagnostic}");
                }
                started.elapsed()
            }));
            let keeper = Keeper::new();
            exec.push(timed(|| {
                for n in 0..DIAGNOSTICS.len() {
                    run_to(self.exec(&keeper, &format!("d{n}")), &out);
                }
            }));
            keeper.close();
            let cm = ControlMaster::new(&self.config);
            let mut after_first = Duration::ZERO;
            master.push(timed(|| {
                for (n, diagnostic) in DIAGNOSTICS.iter().enumerate() {
                    let took = timed(|| {
                        let status = cm.ssh("h1", diagnostic).status().unwrap();
                        assert!(status.success(), "{diagnostic}: {status}");
                    });
                    if n > 0 {
                        after_first += took;
                    }
                }
            }));
            warm.push(after_first);
            cm.close(&self.hosts[..1]);
        }
        let master = median(master);
        let baseline_name = "20 x ssh with ControlMaster";
        for (name, ours_name, ours) in [
            (NAMES[0], "console runner", console),
            (NAMES[1], "20 x opsdeck exec", exec),
        ] {
            Figure {
                name,
                ours_name,
                ours: median(ours),
                baseline_name,
                baseline: master,
                target: Some(0.25),
            }
            .print();
        }
        Figure {
            name: "ssh-20-diagnostics-shared-master-floor",
            ours_name: "the 19 ControlMaster commands after the first",
            ours: median(warm),
            baseline_name,
            baseline: master,
            target: None,
        }
        .print();
    }

    /// One command on 10 hosts, then five in a row on them.
    fn ten_hosts(&self) {
        let runtime = Bench::runtime();
        let out = self.dir.join("out");
        let mut one = [Vec::new(), Vec::new(), Vec::new()];
        let mut five = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
        let parallel = |spawn: &dyn Fn(&str) -> Command, command: &str| {
            wait_all(
                self.hosts
                    .iter()
                    .map(|h| {
                        let mut ssh = spawn(h);
                        ssh.arg(command);
                        ssh.spawn().unwrap()
                    })
                    .collect(),
            );
        };
        let plain = |h: &str| plain_ssh(&self.config, h, "");
        for _ in 0..self.rounds {
            let keeper = Keeper::new();
            one[0].push(timed(|| run_to(self.exec(&keeper, "all0"), &out)));
            keeper.close();
            one[1].push(timed(|| parallel(&plain, ROUND_OF_FIVE[0])));
            let cm = ControlMaster::new(&self.config);
            let master = |h: &str| cm.ssh(h, "");
            one[2].push(timed(|| parallel(&master, ROUND_OF_FIVE[0])));
            cm.close(&self.hosts);

            five[0].push(runtime.block_on(self.console_rounds()));
            let keeper = Keeper::new();
            five[1].push(timed(|| {
                for n in 0..ROUND_OF_FIVE.len() {
                    run_to(self.exec(&keeper, &format!("all{n}")), &out);
                }
            }));
            keeper.close();
            five[2].push(timed(|| {
                for command in ROUND_OF_FIVE {
                    parallel(&plain, command);
                }
            }));
            let cm = ControlMaster::new(&self.config);
            let master = |h: &str| cm.ssh(h, "");
            five[3].push(timed(|| {
                for command in ROUND_OF_FIVE {
                    parallel(&master, command);
                }
            }));
            cm.close(&self.hosts);
        }
        let [exec_one, plain_one, master_one] = one.map(median);
        let [console_five, exec_five, plain_five, master_five] = five.map(median);
        let figures = [
            Figure {
                name: NAMES[2],
                ours_name: "opsdeck exec",
                ours: exec_one,
                baseline_name: "10 x ssh in parallel",
                baseline: plain_one,
                target: Some(1.25),
            },
            Figure {
                name: NAMES[3],
                ours_name: "opsdeck exec",
                ours: exec_one,
                baseline_name: "10 x ControlMaster ssh in parallel",
                baseline: master_one,
                target: Some(1.25),
            },
            Figure {
                name: NAMES[4],
                ours_name: "console runner",
                ours: console_five,
                baseline_name: "5 x 10 ControlMaster ssh in parallel",
                baseline: master_five,
                target: Some(1.0),
            },
            Figure {
                name: NAMES[5],
                ours_name: "5 x opsdeck exec",
                ours: exec_five,
                baseline_name: "5 x 10 ControlMaster ssh in parallel",
                baseline: master_five,
                target: Some(1.0),
            },
            Figure {
                name: "ssh-5-commands-10-hosts-floor",
                ours_name: "5 x 10 plain ssh in parallel",
                ours: plain_five,
                baseline_name: "5 x 10 ControlMaster ssh in parallel",
                baseline: master_five,
                target: None,
            },
        ];
        for figure in figures {
            figure.print();
        }
    }

    /// The console's way: one pool for the session, each command fanned out to all hosts.
    async fn console_rounds(&self) -> Duration {
        let started = Instant::now();
        let pool = SshPool::default();
        for command in ROUND_OF_FIVE {
            let runners: Vec<AnyRunner> = self
                .hosts
                .iter()
                .map(|h| AnyRunner::Ssh(SshRunner::new(&pool, &self.target(h))))
                .collect();
            let (tx, mut rx) = mpsc::channel::<HostEvent>(64);
            let (_cancel, cancel_rx) = watch::channel(false);
            let drain = async {
                let mut failed = 0;
                while let Some(event) = rx.recv().await {
                    if let HostEvent::Finished { end: result, .. } = event
                        && !result.is_ok_and(|f| f.exit_code == Some(0))
                    {
                        failed += 1;
                    }
                }
                failed
            };
            let ((), failed) = tokio::join!(
                fan_out(runners, command, Duration::from_secs(30), tx, cancel_rx),
                drain
            );
            assert_eq!(failed, 0, "{command}");
        }
        started.elapsed()
    }
}

/// Runs one command, draining its output; its exit code and output bytes.
async fn run_one(runner: &impl Runner, command: &str) -> (Option<i32>, usize) {
    let (tx, mut rx) = mpsc::channel::<opsdeck::exec::Chunk>(64);
    let (_cancel, cancel_rx) = watch::channel(false);
    let drain = async {
        let mut bytes = 0;
        while let Some(chunk) = rx.recv().await {
            bytes += chunk.text.len();
        }
        bytes
    };
    let (done, bytes) = tokio::join!(
        runner.run(command, Duration::from_secs(30), tx, cancel_rx),
        drain
    );
    (done.unwrap().exit_code, bytes)
}
