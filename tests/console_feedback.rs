//! Context and feedback a responder needs: the text under the title, a
//! change that did not fix anything said as such, a missing program named,
//! and a value prompt that says what it fills and refuses an empty value.

mod common;
mod tmux_support;

use opsdeck::app::runs::RunResult;
use opsdeck::app::{Effect, Event, Key, KeyCode, Mode, State, update};
use opsdeck::incident::Entry;
use std::path::Path;
use tmux_support::Tmux;

const PODS: &str = r#"# Pods crashing

The payments pods restart in a loop since the 02:00 deploy.

## Look
```sh {id=pods}
echo "pods in $NAMESPACE"
```

```sh {id=tool}
opsdeck-no-such-tool get pods
```
"#;

#[test]
fn exec_names_the_program_that_is_not_installed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.md"), PODS).unwrap();
    let data = dir.path().join("data").display().to_string();
    let out = common::run_opsdeck_env(
        dir.path(),
        ["exec", "p.md", "tool"],
        &[("OPSDECK_DATA_DIR", &data), ("OPSDECK_CONFIG", "/dev/null")],
    );
    out.assert_exit(127);
    assert!(
        out.stderr
            .contains("`opsdeck-no-such-tool` is not installed here (exit 127"),
        "{}",
        out.stderr
    );
}

fn console(name: &str, dir: &Path) -> Option<Tmux> {
    std::fs::write(dir.join("p.md"), PODS).unwrap();
    let script = format!(
        "cd {} && OPSDECK_DATA_DIR=data OPSDECK_CONFIG=/dev/null {} open p.md; sleep 30",
        dir.display(),
        env!("CARGO_BIN_EXE_opsdeck")
    );
    Tmux::start(name, &script)
}

#[test]
fn the_console_shows_the_text_under_the_title_and_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let Some(tmux) = console("feedback", dir.path()) else {
        return;
    };
    let screen = tmux.wait_for("[pods]");
    assert!(
        screen.contains("The payments pods restart in a loop since the 02:00 deploy."),
        "the text under the title, at the top of the first step:\n{screen}"
    );

    tmux.keys(&["Tab", "Enter"]);
    let prompt = tmux.wait_for("Value for $NAMESPACE");
    assert!(
        prompt.contains("--var NAMESPACE=… or --alert namespace=… fills it"),
        "{prompt}"
    );
    tmux.keys(&["Enter"]);
    let refused = tmux.wait_for("a value is needed here");
    assert!(
        refused.contains("Value for $NAMESPACE"),
        "still asked:\n{refused}"
    );
    assert!(
        !refused.contains("Confirm"),
        "nothing to confirm:\n{refused}"
    );

    tmux.keys(&["-l", "prod"]);
    tmux.keys(&["Enter"]);
    let confirm = tmux.wait_for("export NAMESPACE=prod");
    assert!(!confirm.contains("a value is needed"), "{confirm}");
    tmux.keys(&["y"]);
    tmux.wait_for("`pods`: exit 0");

    tmux.keys(&["j", "Enter"]);
    tmux.wait_for("[tool] on local");
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("`tool`: `opsdeck-no-such-tool` is not installed here");
    assert!(
        screen.contains("opsdeck: `opsdeck-no-such-tool` is not installed here (exit 127"),
        "said in the output too:\n{screen}"
    );
}

const SHOP: &str = "---\ntitle: S\nservice: shop\nchecks:\n  - {id: home, http: \"https://x.example/health\", timeout: 5s}\n---\n# S\n\n## Fix\n```sh {id=restart kind=remediate}\nsystemctl restart shop\n```\n";

fn down_at(at: u64) -> Event {
    use opsdeck::health::outcome::{Failure, FailureKind, Outcome, Verdict};
    Event::Probed {
        check: "home".into(),
        outcome: Outcome::failed(
            Verdict::Down,
            std::time::Duration::from_millis(9),
            Failure::new(FailureKind::Unexpected, "GET /", "HTTP 502"),
        ),
        at: std::time::Duration::from_secs(at),
    }
}

fn tick(secs: u64) -> Event {
    Event::Tick {
        utc: "00:00:00".into(),
        elapsed_secs: secs,
    }
}

#[test]
fn a_change_without_verify_that_leaves_a_check_down_says_so_and_records_it() {
    let playbook =
        opsdeck::playbook::parse(SHOP.as_bytes(), opsdeck::playbook::Form::Markdown, "s")
            .playbook
            .unwrap();
    let mut state = State::new(playbook, "s.md".into(), Mode::Live);
    for at in 1..4 {
        update(&mut state, down_at(at));
    }
    update(&mut state, Event::Key(Key::plain(KeyCode::Tab)));
    update(&mut state, Event::Key(Key::plain(KeyCode::Enter)));
    for c in "shop".chars() {
        update(&mut state, Event::Key(Key::char(c)));
    }
    update(&mut state, Event::Key(Key::plain(KeyCode::Enter)));
    let run = state.output.running().expect("the change runs").id;
    let result = RunResult {
        finished: opsdeck::plan::outcome::Finished {
            exit_code: Some(0),
            signal: None,
            duration: std::time::Duration::from_millis(5),
            timed_out: false,
            cancelled: false,
        },
        output_file: String::new(),
    };
    update(&mut state, Event::Finished { run, result });
    assert!(
        update(&mut state, tick(60)).is_empty(),
        "quiet within its window"
    );
    let late = update(&mut state, tick(200));
    assert!(
        matches!(&late[..], [Effect::Record(Entry::StillDown { checks, .. })] if checks == &["home"]),
        "{late:?}"
    );
    let message = state.message.clone().unwrap_or_default();
    assert!(
        message.contains("`restart` ran, but `home` is still down"),
        "the status bar says it ran but did not fix it: {message}"
    );
    assert!(
        late.iter()
            .all(|e| !matches!(e, Effect::Record(entry) if entry.summary().contains("exit 0"))),
        "{late:?}"
    );
}

const VALUES: &str = r#"---
title: Values
variables:
  namespace: {default: shop, description: the namespace}
  token: {secret: true, env: SHOP_TOKEN}
---
# Values

## Look
```sh {id=look}
echo "in {{namespace}}"
```
"#;

#[test]
fn v_shows_the_values_in_force_and_a_change_is_used_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("v.md"), VALUES).unwrap();
    let script = format!(
        "cd {} && SHOP_TOKEN=hunter2-secret OPSDECK_DATA_DIR=data OPSDECK_CONFIG=/dev/null {} open v.md; echo EXIT=$?; sleep 30",
        dir.path().display(),
        env!("CARGO_BIN_EXE_opsdeck")
    );
    let Some(tmux) = Tmux::start("values", &script) else {
        return;
    };
    tmux.wait_for("[look]");
    tmux.keys(&["v"]);
    let shown = tmux.wait_for("Values in force");
    assert!(shown.contains("namespace = shop  (default)"), "{shown}");
    assert!(shown.contains("token = ••••••  (environment)"), "{shown}");
    assert!(!shown.contains("hunter2"), "a secret on screen:\n{shown}");

    tmux.keys(&["Enter"]);
    tmux.wait_for("New value for namespace (now shop)");
    tmux.keys(&["-l", "payments"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("`namespace` is now `payments` (recorded)");
    tmux.keys(&["v"]);
    let again = tmux.wait_for("Values in force");
    assert!(
        again.contains("namespace = payments  (--var or prompt)"),
        "{again}"
    );

    tmux.keys(&["j", "Enter"]);
    tmux.wait_for("New value for token (now ••••••)");
    tmux.keys(&["-l", "s3cret-new"]);
    tmux.keys(&["Enter"]);
    let secret = tmux.wait_for("`token` is now `••••••` (recorded)");
    assert!(!secret.contains("s3cret-new"), "{secret}");

    tmux.keys(&["Tab", "Enter"]);
    tmux.wait_for("echo \"in payments\"");
    tmux.keys(&["Escape"]);
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");

    let incidents = dir.path().join("data/incidents");
    let incident = std::fs::read_dir(&incidents)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let events = std::fs::read_to_string(incident.join("events.jsonl")).unwrap();
    assert!(
        events.contains(r#""kind":"value_set""#) && events.contains(r#""value":"payments""#),
        "{events}"
    );
    assert!(
        !events.contains("s3cret-new"),
        "a secret in the log:\n{events}"
    );
}
