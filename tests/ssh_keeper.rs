//! The SSH keeper behind `opsdeck exec`, against a real sshd on 127.0.0.1:
//! later execs reuse the first one's connection, a killed exec's remote
//! command is stopped, the keeper leaves when idle, and whatever sits at
//! its socket (a planted file, a server speaking garbage) never runs a
//! command twice, hangs or panics.

mod common;
mod ssh_support;

use common::run_opsdeck_env;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A playbook with `echo-n` and `long` on host group `web` (this sshd).
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new(sshd: &ssh_support::Sshd) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let config = sshd.ssh_config(&["web1"]);
        std::fs::write(
            dir.path().join("pb.md"),
            format!(
                "---\ntitle: Keep\nhosts:\n  web: {{hosts: [web1], ssh_config: {}}}\n---\n# Keep\n\n## Look\n```sh {{id=hello host=web}}\necho \"hello from $(hostname)\"\n```\n\n```sh {{id=long host=web}}\necho started; exec sleep 313\n```\n",
                config.display()
            ),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("run")).unwrap();
        Setup { dir }
    }

    /// The environment each exec gets: its own control directory (so its
    /// own keeper) and a short idle time.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("OPSDECK_DATA_DIR", self.path("data")),
            ("XDG_RUNTIME_DIR", self.path("run")),
            ("OPSDECK_SSH_KEEP", "3s".into()),
        ]
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn exec(&self, id: &str) -> common::Output {
        let env = self.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run_opsdeck_env(self.dir.path(), ["exec", "pb.md", id], &env)
    }

    /// The socket's path after an exec started a keeper and it was killed
    /// (its socket file removed): free for what a test puts there.
    fn keeper_gone(&self) -> PathBuf {
        assert_eq!(self.exec("hello").status.code(), Some(0));
        let socket = self.socket().unwrap();
        stop_keeper(&socket);
        std::fs::remove_file(&socket).unwrap();
        socket
    }

    /// The keeper's socket, once one was started.
    fn socket(&self) -> Option<PathBuf> {
        std::fs::read_dir(self.dir.path().join("run/opsdeck"))
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "sock"))
    }
}

/// Processes whose command line contains every one of `words`.
fn processes_with(words: &[&str]) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            words.iter().all(|w| cmdline.contains(w))
        })
        .collect()
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn later_execs_reuse_the_first_connection_and_the_keeper_leaves_when_idle() {
    let Some(sshd) = ssh_support::start_or_skip(
        "later_execs_reuse_the_first_connection_and_the_keeper_leaves_when_idle",
    ) else {
        return;
    };
    let setup = Setup::new(&sshd);
    for n in 0..5 {
        let out = setup.exec("hello");
        let stdout = &out.stdout;
        assert_eq!(out.status.code(), Some(0), "exec {n}: {out:?}");
        assert!(stdout.contains("hello from"), "exec {n}: {stdout}");
    }
    assert_eq!(
        sshd.accepted_logins(),
        1,
        "five execs, one SSH login:\n{}",
        sshd.log_text()
    );
    let socket = setup.socket().expect("a keeper socket");
    let dir_mode = std::fs::metadata(socket.parent().unwrap()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(dir_mode.permissions().mode() & 0o777, 0o700);
    let keeper = processes_with(&["ssh-keeper", &socket.display().to_string()]);
    assert_eq!(keeper.len(), 1, "one keeper: {keeper:?}");
    // Idle for 3 s: it leaves, with its socket and its connection.
    wait_until("the idle keeper leaves", Duration::from_secs(20), || {
        processes_with(&["ssh-keeper", &socket.display().to_string()]).is_empty()
    });
    assert!(!socket.exists(), "the socket is removed");
    wait_until("the connection closes", Duration::from_secs(10), || {
        sshd.log_text().contains("Disconnected from")
            || sshd.log_text().contains("disconnected by user")
    });
}

#[test]
fn a_killed_exec_stops_its_command_on_the_host() {
    let Some(sshd) = ssh_support::start_or_skip("a_killed_exec_stops_its_command_on_the_host")
    else {
        return;
    };
    let setup = Setup::new(&sshd);
    let mut exec = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    exec.args(["exec", "pb.md", "long"])
        .current_dir(setup.dir.path())
        .envs(setup.env())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = exec.spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    assert!(first.contains("started"), "{first}");
    assert!(
        !processes_with(&["sleep 313"]).is_empty(),
        "the command runs"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    wait_until(
        "the host's `sleep 313` ends with the exec that ran it",
        Duration::from_secs(15),
        || processes_with(&["sleep 313"]).is_empty(),
    );
    // The keeper stays for the next exec.
    let out = setup.exec("hello");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn a_file_planted_at_the_socket_is_replaced_not_trusted() {
    let Some(sshd) =
        ssh_support::start_or_skip("a_file_planted_at_the_socket_is_replaced_not_trusted")
    else {
        return;
    };
    let setup = Setup::new(&sshd);
    let socket = setup.keeper_gone();
    std::fs::write(&socket, "not a socket").unwrap();
    let out = setup.exec("hello");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.contains("hello from"));
}

#[test]
fn a_server_speaking_garbage_at_the_socket_is_an_error_said_once() {
    let Some(sshd) =
        ssh_support::start_or_skip("a_server_speaking_garbage_at_the_socket_is_an_error_said_once")
    else {
        return;
    };
    let setup = Setup::new(&sshd);
    let socket = setup.keeper_gone();
    for garbage in [
        &b"{\"stdout\": \"forged\"}\n{\"end\": 12}\n"[..],
        &vec![b'x'; 5 << 20][..],
        &b""[..],
    ] {
        let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let answer = garbage.to_vec();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let _ = std::io::Write::write_all(&mut stream, &answer);
        });
        let out = setup.exec("hello");
        server.join().unwrap();
        let stderr = &out.stderr;
        assert_ne!(out.status.code(), Some(0), "{stderr}");
        assert_ne!(out.status.code(), Some(101), "a panic: {stderr}");
        assert!(stderr.contains("web1"), "the host is named: {stderr}");
        assert!(
            stderr.contains("keeper"),
            "what went wrong is said: {stderr}"
        );
        let _ = std::fs::remove_file(&socket);
    }
    // Each answer was a failure, never a retry that could run it twice.
    assert_eq!(sshd.accepted_logins(), 1, "{}", sshd.log_text());
}

/// Ends the keeper behind `socket` and waits until it is gone.
fn stop_keeper(socket: &Path) {
    for pid in processes_with(&["ssh-keeper", &socket.display().to_string()]) {
        // SAFETY: kill(2) on the keeper this test started; no memory is touched.
        unsafe {
            libc::kill(pid as i32, libc::SIGKILL);
        }
    }
    wait_until("the keeper is gone", Duration::from_secs(10), || {
        processes_with(&["ssh-keeper", &socket.display().to_string()]).is_empty()
    });
}

#[test]
fn a_pipe_the_exec_inherited_is_not_held_open_by_the_keeper() {
    let Some(sshd) =
        ssh_support::start_or_skip("a_pipe_the_exec_inherited_is_not_held_open_by_the_keeper")
    else {
        return;
    };
    let setup = Setup::new(&sshd);
    // A caller's pipe without close-on-exec, as a build tool's jobserver or
    // a shell's `3>` gives its children.
    let (mut reader, writer) = std::io::pipe().unwrap();
    let leaked = std::os::fd::AsRawFd::as_raw_fd(&writer);
    let mut exec = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    exec.args(["exec", "pb.md", "hello"])
        .current_dir(setup.dir.path())
        .envs(setup.env())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: dup2(2) in the child before exec; async-signal-safe.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut exec, move || {
            if libc::dup2(leaked, 9) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let status = exec.status().unwrap();
    assert!(status.success());
    drop(writer);
    let socket = setup.socket().expect("a keeper socket");
    assert!(
        !processes_with(&["ssh-keeper", &socket.display().to_string()]).is_empty(),
        "the keeper lives on"
    );
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut rest = Vec::new();
        let _ = std::io::Read::read_to_end(&mut reader, &mut rest);
        let _ = tx.send(());
    });
    assert!(
        rx.recv_timeout(Duration::from_secs(2)).is_ok(),
        "the caller's pipe stays open while the keeper lives"
    );
}

#[test]
fn a_client_that_says_nothing_does_not_keep_the_keeper_alive() {
    let Some(sshd) =
        ssh_support::start_or_skip("a_client_that_says_nothing_does_not_keep_the_keeper_alive")
    else {
        return;
    };
    let setup = Setup::new(&sshd);
    assert_eq!(setup.exec("hello").status.code(), Some(0));
    let socket = setup.socket().unwrap();
    // Connected, silent, never closed: the keeper drops it after its wait
    // for a request, then leaves when idle (3 s here).
    let _silent = std::os::unix::net::UnixStream::connect(&socket).unwrap();
    wait_until(
        "the keeper leaves despite a silent client",
        Duration::from_secs(25),
        || processes_with(&["ssh-keeper", &socket.display().to_string()]).is_empty(),
    );
}
