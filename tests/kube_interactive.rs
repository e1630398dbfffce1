//! Commands that need a terminal: the console hands it over and comes back,
//! `opsdeck exec` runs them on its own terminal and refuses without one;
//! only the start, end and exit code are recorded.

mod common;
mod kube_support;
mod tmux_support;

use kube_support::{ApiServer, World, write_kubeconfig};
use tmux_support::Tmux;

const PLAYBOOK: &str = "---\ntitle: Ask\n---\n# Ask\n\n## Talk\n```sh {id=ask interactive=true}\nprintf 'name? '; read name; echo \"hello $name\"; exit 4\n```\n";

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_opsdeck")
}

fn events(data: &std::path::Path) -> String {
    common::only_incident_events(data)
}

#[test]
fn the_console_hands_the_terminal_over_and_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let playbook = dir.path().join("ask.md");
    std::fs::write(&playbook, PLAYBOOK).unwrap();
    let data = dir.path().join("data");
    let script = format!(
        "OPSDECK_DATA_DIR={} {} open {}; echo EXIT=$?; sleep 30",
        data.display(),
        binary(),
        playbook.display()
    );
    let Some(tmux) = Tmux::start("handover", &script) else {
        return;
    };
    tmux.wait_for("[ask]");
    tmux.keys(&["Tab"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Run diagnosis?");
    tmux.keys(&["y"]);
    let handed = tmux.wait_for("has the terminal");
    assert!(
        !handed.contains("Steps"),
        "the console left the screen: {handed}"
    );
    tmux.keys(&["-l", "zed-typed-secret"]);
    tmux.keys(&["Enter"]);
    let back = tmux.wait_for("Output [ask]");
    assert!(back.contains("exit 4"), "{back}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    let events = events(&data);
    assert!(events.contains("\"kind\":\"command_started\""), "{events}");
    assert!(events.contains("\"exit_code\":4"), "{events}");
    assert!(!events.contains("zed-typed-secret"), "{events}");
    assert!(
        events.contains("\"last_lines\":[]"),
        "what was shown is not kept: {events}"
    );
}

#[test]
fn exec_runs_it_on_its_own_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let playbook = dir.path().join("ask.md");
    std::fs::write(&playbook, PLAYBOOK).unwrap();
    let data = dir.path().join("data");
    let script = format!(
        "OPSDECK_DATA_DIR={} {} exec {} ask; echo EXIT=$?; sleep 30",
        data.display(),
        binary(),
        playbook.display()
    );
    let Some(tmux) = Tmux::start("execterm", &script) else {
        return;
    };
    tmux.wait_for("name?");
    tmux.keys(&["-l", "zed"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("EXIT=4");
    assert!(screen.contains("hello zed"), "{screen}");
    let events = events(&data);
    assert!(events.contains("\"exit_code\":4"), "{events}");
    assert!(!events.contains("hello zed"), "{events}");
}

#[test]
fn exec_without_a_terminal_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let playbook = dir.path().join("ask.md");
    std::fs::write(&playbook, PLAYBOOK).unwrap();
    let data = dir.path().join("data");
    let out = common::run_opsdeck_env(
        dir.path(),
        ["exec", playbook.to_str().unwrap(), "ask"],
        &[("OPSDECK_DATA_DIR", data.to_str().unwrap())],
    );
    out.assert_exit(3);
    assert!(out.stderr.contains("needs a terminal"), "{out:?}");
}

#[test]
fn kubectl_exec_it_is_interactive_and_wants_the_context_typed() {
    let server = ApiServer::start("prod");
    let world = World::new();
    write_kubeconfig(
        &world.path("kubeconfig"),
        &[("prod", &server.url, "default")],
    );
    let pb = "---\ntitle: Shell\n---\n# Shell\n\n## In\n```sh {id=shell}\nkubectl exec -it api-1 -- sh\n```\n";
    std::fs::write(world.path("shell.md"), pb).unwrap();
    let env = world.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let playbook = world.path("shell.md");
    let out = common::run_opsdeck_env(
        world.dir.path(),
        ["exec", playbook.to_str().unwrap(), "shell", "--yes"],
        &env,
    );
    out.assert_exit(3);
    assert!(out.stderr.contains("needs a terminal"), "{out:?}");
    let refused = common::run_opsdeck_env(
        world.dir.path(),
        ["exec", playbook.to_str().unwrap(), "shell", "--read-only"],
        &env,
    );
    refused.assert_exit(3);
    assert!(
        refused.stderr.contains("runs a process inside the cluster"),
        "{refused:?}"
    );
    assert_eq!(server.requests(), Vec::<String>::new());
}
