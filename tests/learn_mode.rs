//! `opsdeck open --learn` is a rehearsal, through the real binary in tmux:
//! a newcomer's marks and notes never reach the live incident of the same
//! playbook (nor start another), and every command without an `explain`
//! is explained from what it runs.

mod tmux_support;

use std::path::Path;
use tmux_support::Tmux;

const PLAYBOOK: &str = r#"---
title: Shop down
---
# Shop down

## Look
```sh {id=look}
echo looking
```

```sh {id=syslog}
tail -n 50 /var/log/syslog
```

```sh {id=clean}
rm -rf /tmp/opsdeck-learn-cache
```
"#;

fn incidents(data: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(data.join("incidents"))
        .map(|dirs| dirs.filter_map(Result::ok).map(|d| d.path()).collect())
        .unwrap_or_default()
}

#[test]
fn learn_mode_leaves_the_live_incident_alone_and_explains_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::write(dir.path().join("p.md"), PLAYBOOK).unwrap();
    let data_env = data.display().to_string();
    let live = std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["exec", "p.md", "look"])
        .current_dir(dir.path())
        .env("OPSDECK_DATA_DIR", &data_env)
        .env("OPSDECK_CONFIG", "/dev/null")
        .output()
        .unwrap();
    assert!(live.status.success(), "{live:?}");
    let found = incidents(&data);
    let [incident] = found.as_slice() else {
        panic!("one live incident: {found:?}");
    };
    let events = incident.join("events.jsonl");
    let before = std::fs::read(&events).unwrap();

    let script = format!(
        "cd {} && OPSDECK_DATA_DIR={data_env} OPSDECK_CONFIG=/dev/null {} open --learn p.md; echo EXIT=$?; sleep 30",
        dir.path().display(),
        env!("CARGO_BIN_EXE_opsdeck")
    );
    let Some(tmux) = Tmux::start("learn", &script) else {
        return;
    };
    let screen = tmux.wait_for("[clean]");
    for said in [
        "runs `tail`; reads /var/log/syslog",
        "runs `rm`; CHANGES things:",
        "on this machine",
    ] {
        assert!(screen.contains(said), "{said} missing:\n{screen}");
    }
    assert!(!screen.contains("no `explain` given"), "{screen}");

    tmux.keys(&["Space"]);
    tmux.wait_for("learn mode is a rehearsal: nothing is recorded");
    tmux.keys(&["n"]);
    tmux.keys(&["-l", "a learner's note"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("learn mode is a rehearsal: nothing is recorded");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");

    assert_eq!(
        std::fs::read(&events).unwrap(),
        before,
        "learn mode wrote into the live incident"
    );
    assert_eq!(incidents(&data).len(), 1, "learn mode started an incident");
}
