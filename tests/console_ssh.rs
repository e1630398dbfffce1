//! The console runs a diagnosis on a host group over SSH: live output
//! labelled per host, a summary, and a started/finished pair per host in the
//! incident log. The real binary in tmux, against a real sshd.

mod ssh_support;

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, script: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                !ssh_support::required(),
                "tmux is not installed but OPSDECK_REQUIRE_E2E=1"
            );
            eprintln!("\n*** SKIPPED {name}: tmux is not installed (apt-get install tmux) ***\n");
            return None;
        }
        let tmux = Tmux {
            socket: format!("opsdeck-{name}-{}", std::process::id()),
        };
        let args = ["new-session", "-d", "-s", "app", "-x", "120", "-y", "40"];
        let status = tmux.cmd(&args).arg(script).status().expect("run tmux");
        assert!(status.success(), "tmux new-session failed");
        Some(tmux)
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut command = Command::new("tmux");
        command
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args);
        command
    }

    fn screen(&self) -> String {
        let output = self
            .cmd(&["capture-pane", "-p", "-t", "app"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "app"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status().unwrap().success());
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]).status();
    }
}

#[test]
fn the_console_runs_a_diagnosis_on_every_host_of_a_group() {
    let name = "the_console_runs_a_diagnosis_on_every_host_of_a_group";
    let Some(sshd) = ssh_support::start_or_skip(name) else {
        return;
    };
    let config = sshd.ssh_config(&["web1", "web2", "web3"]);
    let dir = tempfile::tempdir().unwrap();
    let playbook = dir.path().join("pb.md");
    std::fs::write(
        &playbook,
        format!(
            "---\ntitle: Remote\nhosts:\n  web: {{hosts: [web1, web2, web3], ssh_config: {}}}\n---\n# Remote\n\n## Look\n```sh {{id=greet host=web}}\necho hello-over-ssh\n```\n",
            config.display()
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let script = format!(
        "OPSDECK_DATA_DIR={} {} open {}; echo EXIT=$?; sleep 30",
        data.display(),
        env!("CARGO_BIN_EXE_opsdeck"),
        playbook.display()
    );
    let Some(tmux) = Tmux::start("ssh", &script) else {
        return;
    };
    tmux.wait_for("[greet]");
    tmux.keys(&["Tab"]);
    tmux.keys(&["Enter"]);
    let dialog = tmux.wait_for("Run diagnosis?");
    assert!(
        dialog.contains("web1") && dialog.contains("web3"),
        "shows every host: {dialog}"
    );
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("3/3 ok");
    for host in ["web1", "web2", "web3"] {
        assert!(
            screen.contains(&format!("{host} | hello-over-ssh")),
            "{screen}"
        );
    }
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");

    let incident = std::fs::read_dir(data.join("incidents"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let events = std::fs::read_to_string(incident.join("events.jsonl")).unwrap();
    for kind in ["command_started", "command_finished"] {
        let mut hosts: Vec<String> = events
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|e| e["kind"] == kind)
            .map(|e| e["host"].as_str().unwrap().to_string())
            .collect();
        hosts.sort();
        assert_eq!(
            hosts,
            ["web1", "web2", "web3"],
            "one {kind} per host:\n{events}"
        );
    }
    assert!(events.contains("\"exit_code\":0"));
}
