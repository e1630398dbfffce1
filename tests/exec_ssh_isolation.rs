//! Commands share one remote shell per host, yet each is on its own: stdin
//! from /dev/null, no state carried to the next, output intact however much,
//! a wrong key refused at once, and Ctrl-C reaching every host.

mod ssh_support;

use opsdeck::exec::Stream;
use opsdeck::exec::ssh::{SshPool, SshRunner};
use ssh_support::run::{collect, runtime, target, texts};
use ssh_support::start_or_skip;
use std::time::{Duration, Instant};

#[test]
fn each_command_runs_in_its_own_shell_with_stdin_from_dev_null() {
    let Some(sshd) = start_or_skip("each_command_runs_in_its_own_shell_with_stdin_from_dev_null")
    else {
        return;
    };
    runtime().block_on(async {
        let pool = SshPool::default();
        let runner = SshRunner::new(&pool, &target(&sshd));
        let ten = Duration::from_secs(10);
        // `cat` would wait forever on a terminal or an open pipe.
        let (lines, done) = collect(&runner, "cat; echo read-nothing", ten, None).await;
        assert_eq!(done.unwrap().exit_code, Some(0));
        assert_eq!(texts(&lines, Stream::Stdout), ["read-nothing"]);

        let (_, done) = collect(&runner, "cd /tmp && export LEAK=1 && LOCAL=2", ten, None).await;
        assert_eq!(done.unwrap().exit_code, Some(0));
        let script = "pwd; echo ${LEAK:-unset} ${LOCAL:-unset}";
        let (lines, done) = collect(&runner, script, ten, None).await;
        assert_eq!(done.unwrap().exit_code, Some(0));
        let out = texts(&lines, Stream::Stdout);
        assert_ne!(out[0], "/tmp", "the working directory leaked");
        assert_eq!(out[1], "unset unset", "variables leaked");

        // A line that looks like the framing does not end the command.
        let script = "echo '@opsdeck-00000000000000000000000000000000 X 0'; echo after; exit 4";
        let (lines, done) = collect(&runner, script, ten, None).await;
        assert_eq!(done.unwrap().exit_code, Some(4));
        assert_eq!(texts(&lines, Stream::Stdout).len(), 2);
    });
    assert_eq!(sshd.accepted_logins(), 1);
}

#[test]
fn a_large_output_arrives_whole_and_in_order() {
    let Some(sshd) = start_or_skip("a_large_output_arrives_whole_and_in_order") else {
        return;
    };
    runtime().block_on(async {
        let pool = SshPool::default();
        let runner = SshRunner::new(&pool, &target(&sshd));
        let script = "seq 1 200000; seq 1 1000 >&2";
        let (lines, done) = collect(&runner, script, Duration::from_secs(20), None).await;
        assert_eq!(done.unwrap().exit_code, Some(0));
        let out = texts(&lines, Stream::Stdout);
        assert_eq!(out.len(), 200_000);
        assert!(
            out.iter()
                .enumerate()
                .all(|(i, l)| *l == (i + 1).to_string())
        );
        assert_eq!(texts(&lines, Stream::Stderr).len(), 1000);
    });
}

#[test]
fn a_key_the_server_does_not_know_is_refused_without_a_prompt() {
    let Some(sshd) = start_or_skip("a_key_the_server_does_not_know_is_refused_without_a_prompt")
    else {
        return;
    };
    let stranger = sshd.dir.path().join("stranger_key");
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&stranger)
        .status()
        .unwrap();
    assert!(status.success());
    runtime().block_on(async {
        let pool = SshPool::new(Duration::from_secs(5));
        let mut wrong = target(&sshd);
        wrong.identity_file = Some(stranger);
        let started = Instant::now();
        let (_, done) = collect(
            &SshRunner::new(&pool, &wrong),
            "true",
            Duration::from_secs(10),
            None,
        )
        .await;
        let err = done
            .expect_err("an unknown key must not log in")
            .to_string();
        assert!(err.contains("login refused"), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
    });
    assert_eq!(sshd.accepted_logins(), 0);
}

#[test]
fn ctrl_c_on_exec_cancels_the_command_on_every_host() {
    let Some(sshd) = start_or_skip("ctrl_c_on_exec_cancels_the_command_on_every_host") else {
        return;
    };
    let config = sshd.ssh_config(&["web1", "web2", "web3"]);
    let dir = tempfile::tempdir().unwrap();
    let marker = format!("{}", 40_000 + std::process::id() % 10_000);
    std::fs::write(
        dir.path().join("pb.md"),
        format!(
            "---\ntitle: Cancel\nhosts:\n  web: {{hosts: [web1, web2, web3], ssh_config: {}}}\n---\n# Cancel\n\n## Wait\n```sh {{id=wait host=web}}\necho started; sleep {marker}\n```\n",
            config.display()
        ),
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["exec", "pb.md", "wait"])
        .current_dir(dir.path())
        .env("OPSDECK_DATA_DIR", dir.path().join("data"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until all three are running, then interrupt as Ctrl-C would.
    let deadline = Instant::now() + Duration::from_secs(15);
    while remote_sleeps(&marker) < 3 {
        assert!(Instant::now() < deadline, "the commands never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: kill(2) on the child we just started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "Ctrl-C did not stop it"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130), "128 + SIGINT");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        remote_sleeps(&marker),
        0,
        "a remote command outlived the cancel"
    );
}

/// How many `sleep MARKER` processes run on this machine (the sshd's host).
fn remote_sleeps(marker: &str) -> usize {
    let wanted = format!("sleep\0{marker}\0");
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| std::fs::read(entry.ok()?.path().join("cmdline")).ok())
        .filter(|cmdline| cmdline == wanted.as_bytes())
        .count()
}
