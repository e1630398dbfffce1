//! Interactive commands on SSH hosts: the terminal is handed to `ssh -tt`
//! (the remote command sees a tty and what is typed), each host of the group
//! in turn, and the console comes back. The script, and so a secret value in
//! it, is in no process's argv on either side (here both sides are this
//! machine, so every process is looked at while the command waits).
//! The real binary in tmux, against a real sshd.

mod common;
mod ssh_support;
mod tmux_support;

use tmux_support::Tmux;

const SECRET: &str = "Zq9xW4-interactive-secret";

fn playbook(dir: &std::path::Path, config: &std::path::Path, hosts: &str) -> std::path::PathBuf {
    let path = dir.join("pb.md");
    let text = format!(
        "---\ntitle: Remote shell\nvariables:\n  token: {{secret: true, description: the API token}}\nhosts:\n  web: {{hosts: [{hosts}], ssh_config: {}}}\n---\n# Remote shell\n\n## Ask\n```sh {{id=ask host=web interactive=true}}\n[ -t 0 ] && t=yes; printenv SSH_CONNECTION >/dev/null && s=ssh; echo \"tty-$t via-$s\"; printf '%s' {{{{token}}}} | wc -c; printf '%s? ' name; read name; echo \"hello-$name\"; exit 4\n```\n",
        config.display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Every process's command line that holds `needle`.
fn argv_holding(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(bytes) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let line = String::from_utf8_lossy(&bytes).replace('\0', " ");
        if line.contains(needle) {
            found.push(line);
        }
    }
    found
}

fn finished_exit_codes(data: &std::path::Path) -> Vec<(String, i64)> {
    common::only_incident_events(data)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["kind"] == "command_finished")
        .map(|e| {
            (
                e["host"].as_str().unwrap_or_default().to_string(),
                e["exit_code"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

#[test]
fn exec_runs_it_on_the_host_with_a_pty_and_the_script_in_no_argv() {
    let name = "exec_runs_it_on_the_host_with_a_pty_and_the_script_in_no_argv";
    let Some(sshd) = ssh_support::start_or_skip(name) else {
        return;
    };
    let config = sshd.ssh_config(&["web1"]);
    let dir = tempfile::tempdir().unwrap();
    let pb = playbook(dir.path(), &config, "web1");
    let data = dir.path().join("data");
    let script = format!(
        "OPSDECK_DATA_DIR={} {} exec {} ask --var token={SECRET}; echo EXIT=$?; sleep 30",
        data.display(),
        env!("CARGO_BIN_EXE_opsdeck"),
        pb.display()
    );
    let Some(tmux) = Tmux::start("sshexec", &script) else {
        return;
    };
    let asked = tmux.wait_for("name?");
    assert!(
        asked.contains("tty-yes via-ssh"),
        "it ran over ssh on a tty: {asked}"
    );
    assert!(
        asked.contains(&SECRET.len().to_string()),
        "the secret reached the command: {asked}"
    );
    // The tmux command line itself holds the secret (it is typed there as
    // `--var`): only opsdeck's children and the remote side are looked at.
    let holding: Vec<String> = argv_holding(SECRET)
        .into_iter()
        .filter(|line| !line.contains("--var") && !line.starts_with("tmux"))
        .collect();
    assert!(holding.is_empty(), "the secret is in an argv: {holding:?}");
    tmux.keys(&["-l", "zed"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("EXIT=4");
    assert!(screen.contains("hello-zed"), "{screen}");
    assert_eq!(finished_exit_codes(&data), vec![("web1".to_string(), 4)]);
    // The host's copy of the script (and so the secret) is gone: it was
    // removed before the command ran.
    for entry in std::fs::read_dir(std::env::temp_dir()).unwrap().flatten() {
        let copy = std::fs::read_to_string(entry.path().join("script")).unwrap_or_default();
        assert!(
            !copy.contains(SECRET),
            "left on the host: {}",
            entry.path().display()
        );
    }
    let events = common::only_incident_events(&data);
    assert!(!events.contains("hello-zed"), "{events}");
    assert!(!events.contains(SECRET), "{events}");
}

#[test]
fn the_console_hands_the_terminal_to_each_host_in_turn_and_comes_back() {
    let name = "the_console_hands_the_terminal_to_each_host_in_turn_and_comes_back";
    let Some(sshd) = ssh_support::start_or_skip(name) else {
        return;
    };
    let config = sshd.ssh_config(&["web1", "web2"]);
    let dir = tempfile::tempdir().unwrap();
    let pb = playbook(dir.path(), &config, "web1, web2");
    let data = dir.path().join("data");
    let script = format!(
        "OPSDECK_DATA_DIR={} {} open {} --var token={SECRET}; echo EXIT=$?; sleep 30",
        data.display(),
        env!("CARGO_BIN_EXE_opsdeck"),
        pb.display()
    );
    let Some(tmux) = Tmux::start("sshconsole", &script) else {
        return;
    };
    tmux.wait_for("[ask]");
    tmux.keys(&["Tab"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Run diagnosis?");
    tmux.keys(&["y"]);
    let first = tmux.wait_for("name?");
    assert!(
        first.contains("on web1 (1 of 2) has the terminal"),
        "{first}"
    );
    assert!(first.contains("tty-yes via-ssh"), "{first}");
    tmux.keys(&["-l", "one"]);
    tmux.keys(&["Enter"]);
    let second = tmux.wait_for("on web2 (2 of 2) has the terminal");
    assert!(second.contains("hello-one"), "{second}");
    tmux.wait_for("hello-one");
    tmux.keys(&["-l", "two"]);
    tmux.keys(&["Enter"]);
    let back = tmux.wait_for("Output [ask]");
    assert!(back.contains("exit 4"), "{back}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    assert_eq!(
        finished_exit_codes(&data),
        vec![("web1".to_string(), 4), ("web2".to_string(), 4)]
    );
}

#[test]
fn its_timeout_ends_it_on_the_host_too() {
    let name = "its_timeout_ends_it_on_the_host_too";
    let Some(sshd) = ssh_support::start_or_skip(name) else {
        return;
    };
    let config = sshd.ssh_config(&["web1"]);
    let dir = tempfile::tempdir().unwrap();
    let pb = dir.path().join("pb.md");
    std::fs::write(
        &pb,
        format!(
            "---\ntitle: Hang\nhosts:\n  web: {{hosts: [web1], ssh_config: {}}}\n---\n# Hang\n\n## Wait\n```sh {{id=hang host=web interactive=true timeout=8s}}\necho waiting-now; sleep 297; echo never\n```\n",
            config.display()
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let script = format!(
        "OPSDECK_DATA_DIR={} {} exec {} hang; echo EXIT=$?; sleep 30",
        data.display(),
        env!("CARGO_BIN_EXE_opsdeck"),
        pb.display()
    );
    let Some(tmux) = Tmux::start("sshtimeout", &script) else {
        return;
    };
    // The timeout counts from before the script is sent, so it is long
    // enough for a slow connection to reach the command.
    tmux.wait_for("waiting-now");
    // 124 is exec's code for a timeout, as timeout(1).
    let screen = tmux.wait_for("EXIT=124");
    assert!(!screen.contains("never"), "{screen}");
    assert_eq!(finished_exit_codes(&data).len(), 1);
    // The remote side got its hang-up with the connection.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !argv_holding("sleep 297").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the remote command outlived its timeout: {:?}",
            argv_holding("sleep 297")
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
