//! A real, throwaway `sshd` on 127.0.0.1 for SSH tests and benchmarks.
//!
//! Fresh ed25519 host and client keys in a temp dir, root login by key only,
//! a `known_hosts` written from the host key (no ssh-keyscan race), and an
//! `ssh_config` with host aliases that all point at this one server.
#![allow(dead_code)]

pub mod run;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long sshd may take to listen before the harness gives up.
const START_TIMEOUT: Duration = Duration::from_secs(10);
const SSHD: &str = "/usr/sbin/sshd";

pub struct Sshd {
    pub dir: tempfile::TempDir,
    pub port: u16,
    child: Child,
    /// `ssh-ed25519 AAAA...` of the server.
    pub host_key: String,
    pub client_key: PathBuf,
    pub known_hosts: PathBuf,
    pub log: PathBuf,
}

/// True when tests must fail rather than skip (CI).
pub fn required() -> bool {
    std::env::var("OPSDECK_REQUIRE_E2E").is_ok_and(|v| v == "1")
}

/// True when the `ssh` client is installed; else says loudly that `test` is
/// skipped (and fails instead when `OPSDECK_REQUIRE_E2E=1`).
pub fn have_ssh(test: &str) -> bool {
    if Command::new("ssh").arg("-V").output().is_ok() {
        return true;
    }
    let why = "the `ssh` program is missing (apt-get install openssh-client)";
    assert!(!required(), "{test}: {why}, and OPSDECK_REQUIRE_E2E=1");
    eprintln!("\n*** SKIPPED {test}: {why} ***\n");
    false
}

/// Starts an sshd, or returns None after saying loudly why the test is skipped
/// (and fails instead when `OPSDECK_REQUIRE_E2E=1`).
pub fn start_or_skip(test: &str) -> Option<Sshd> {
    let missing = if !Path::new(SSHD).exists() {
        Some("/usr/sbin/sshd is missing (apt-get install openssh-server)")
    } else if Command::new("ssh").arg("-V").output().is_err() {
        Some("the `ssh` program is missing (apt-get install openssh-client)")
    } else {
        None
    };
    if let Some(why) = missing {
        assert!(!required(), "{test}: {why}, and OPSDECK_REQUIRE_E2E=1");
        eprintln!("\n*** SKIPPED {test}: {why} ***\n");
        return None;
    }
    Some(Sshd::start(&[]))
}

impl Sshd {
    /// Starts sshd with extra `sshd_config` lines; panics with its log if it does not come up.
    pub fn start(extra_config: &[&str]) -> Sshd {
        std::fs::create_dir_all("/run/sshd").expect("create /run/sshd (sshd's privsep dir)");
        let dir = tempfile::Builder::new()
            .prefix("opsdeck-sshd")
            .tempdir()
            .unwrap();
        let host_key = keygen(&dir.path().join("host_key"));
        keygen(&dir.path().join("client_key"));
        let mut last_log = String::new();
        // A port can be taken between probing and binding: then try another.
        for _attempt in 0..3 {
            let port = free_port();
            let config = dir.path().join("sshd_config");
            write_sshd_config(&config, dir.path(), port, extra_config);
            let log = dir.path().join(format!("sshd-{port}.log"));
            let mut child = Command::new(SSHD)
                .args(["-D", "-e", "-f"])
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .expect("start sshd");
            if wait_listening(&mut child, port) {
                let known_hosts = dir.path().join("known_hosts");
                std::fs::write(&known_hosts, known_hosts_line(port, &host_key)).unwrap();
                return Sshd {
                    client_key: dir.path().join("client_key"),
                    known_hosts,
                    host_key,
                    port,
                    child,
                    log,
                    dir,
                };
            }
            last_log = std::fs::read_to_string(&log).unwrap_or_default();
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("sshd did not start:\n{last_log}");
    }

    /// `[127.0.0.1]:PORT ssh-ed25519 AAAA...`
    pub fn known_hosts_line(&self, key: &str) -> String {
        known_hosts_line(self.port, key)
    }

    /// A known_hosts file that names a different, unrelated key for this server.
    pub fn wrong_known_hosts(&self) -> PathBuf {
        let other = keygen(&self.dir.path().join("other_host_key"));
        let path = self.dir.path().join("wrong_known_hosts");
        std::fs::write(&path, self.known_hosts_line(&other)).unwrap();
        path
    }

    /// An ssh_config where each alias reaches this sshd as root with the client key.
    pub fn ssh_config(&self, aliases: &[&str]) -> PathBuf {
        let path = self.dir.path().join("ssh_config");
        let mut text = String::new();
        for alias in aliases {
            text.push_str(&format!(
                "Host {alias}\n  HostName 127.0.0.1\n  Port {}\n  User root\n  IdentityFile {}\n  IdentitiesOnly yes\n  UserKnownHostsFile {}\n\n",
                self.port,
                self.client_key.display(),
                self.known_hosts.display()
            ));
        }
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Logins sshd has accepted so far: one per SSH connection (master).
    /// The listening sshd; the per-connection sshd processes are its children.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn accepted_logins(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .matches("Accepted publickey")
            .count()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn known_hosts_line(port: u16, key: &str) -> String {
    format!("[127.0.0.1]:{port} {key}\n")
}

fn wait_listening(child: &mut Child, port: u16) -> bool {
    let started = Instant::now();
    while started.elapsed() < START_TIMEOUT {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A fresh passphrase-less ed25519 key pair; returns the public key (`ssh-ed25519 AAAA...`).
fn keygen(path: &Path) -> String {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "opsdeck-test", "-f"])
        .arg(path)
        .stdin(Stdio::null())
        .status()
        .expect("run ssh-keygen");
    assert!(status.success(), "ssh-keygen failed");
    let public = std::fs::read_to_string(path.with_extension("pub")).unwrap();
    let mut fields = public.split_whitespace();
    format!("{} {}", fields.next().unwrap(), fields.next().unwrap())
}

fn write_sshd_config(path: &Path, dir: &Path, port: u16, extra: &[&str]) {
    let mut file = std::fs::File::create(path).unwrap();
    let d = dir.display();
    writeln!(
        file,
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\n\
         AuthorizedKeysFile {d}/client_key.pub\nPasswordAuthentication no\n\
         KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n\
         UsePAM no\nStrictModes no\nPidFile {d}/sshd.pid\nLogLevel INFO\n\
         MaxStartups 100:30:200"
    )
    .unwrap();
    for line in extra {
        writeln!(file, "{line}").unwrap();
    }
}
