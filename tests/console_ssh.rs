//! The console runs a diagnosis on a host group over SSH: live output
//! labelled per host, a summary, and a started/finished pair per host in the
//! incident log. The real binary in tmux, against a real sshd.

mod common;
mod ssh_support;
mod tmux_support;

use tmux_support::Tmux;

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

    let events = common::only_incident_events(&data);
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
