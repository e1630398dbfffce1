//! The console and `opsdeck exec` confirm the same plan for the same input,
//! and the headless prompt shows that plan, resolved, not the template.

mod common;
mod tmux_support;

use opsdeck::app::event::{Key, KeyCode};
use opsdeck::app::state::Overlay;
use opsdeck::app::{Event, Mode, State, update};
use tmux_support::Tmux;

const PLAYBOOK: &str = "---\ntitle: P\nservice: shop\nvariables:\n  unit: {description: the unit}\n---\n# P\n\n## Fix\n```sh {id=restart-unit}\nsystemctl restart {{unit}} && echo \"ns=<namespace>\"\n```\n";

#[test]
fn the_console_and_exec_confirm_the_same_resolved_script() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pb.md"), PLAYBOOK).unwrap();
    let dry = common::run_opsdeck_in(
        dir.path(),
        [
            "exec",
            "pb.md",
            "restart-unit",
            "--dry-run",
            "--var",
            "unit=api's",
            "--alert",
            "namespace=prod",
        ],
    );
    dry.assert_exit(0);
    let exec_script: String = dry.stdout.lines().skip(1).collect::<Vec<_>>().join("\n");

    let parsed =
        opsdeck::playbook::parse(PLAYBOOK.as_bytes(), opsdeck::playbook::Form::Markdown, "p");
    let mut state = State::new(parsed.playbook.unwrap(), "pb.md".into(), Mode::Live);
    state.vars.insert("unit".into(), "api's".into());
    state.vars.insert("alert.namespace".into(), "prod".into());
    for key in [KeyCode::Tab, KeyCode::Enter] {
        update(&mut state, Event::Key(Key::plain(key)));
    }
    let Some(Overlay::Confirm(dialog)) = &state.overlay else {
        panic!("no confirmation: {:?}", state.overlay)
    };
    assert_eq!(dialog.plan.shown, exec_script);
    assert_eq!(
        exec_script,
        "systemctl restart 'api'\\''s' && echo \"ns=prod\""
    );
    assert!(
        dialog.plan.type_to_confirm.is_some(),
        "a restart needs typing"
    );
    assert!(dry.stdout.contains("changes things"), "{}", dry.stdout);
}

#[test]
fn the_headless_prompt_shows_the_resolved_command_and_wants_the_target_typed() {
    let dir = tempfile::tempdir().unwrap();
    let playbook = dir.path().join("pb.md");
    std::fs::write(
        &playbook,
        "---\ntitle: P\nservice: shop\n---\n# P\n\n## Fix\n```sh {id=restart kind=remediate}\necho restarting {{unit}}\n```\n",
    )
    .unwrap();
    let script = format!(
        "OPSDECK_DATA_DIR={} {} exec {} restart --var unit=api; echo EXIT=$?; sleep 30",
        dir.path().join("data").display(),
        env!("CARGO_BIN_EXE_opsdeck"),
        playbook.display()
    );
    let Some(tmux) = Tmux::start("headless-prompt", &script) else {
        return;
    };
    let screen = tmux.wait_for("Type `shop` to run it");
    assert!(screen.contains("echo restarting api"), "{screen}");
    assert!(
        !screen.contains("{{unit}}"),
        "the template is not what runs: {screen}"
    );
    tmux.keys(&["s", "h", "o", "p", "Enter"]);
    let screen = tmux.wait_for("EXIT=0");
    assert!(screen.contains("restarting api"), "{screen}");
}
