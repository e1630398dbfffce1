//! The console's side of Kubernetes commands, without a terminal: the
//! confirmation wants the pinned context typed and shows it with its server
//! and namespace, the log entry carries them, the status bar shows
//! `⎈ context/namespace`, read-only contexts are said so.

use opsdeck::app::state::Overlay;
use opsdeck::app::{Effect, Event, Key, KeyCode, Mode, State, update};
use opsdeck::incident::Entry;
use opsdeck::kube::{KubeContext, KubeSnapshot};

const PLAYBOOK: &str = "---\ntitle: Pods\n---\n# Pods\n\n## Fix\n```sh {id=delete-pod}\nkubectl delete pod web-1\n```\n";

fn snapshot() -> KubeSnapshot {
    let context = |name: &str, port: u16| KubeContext {
        name: name.into(),
        cluster: format!("{name}-cluster"),
        user: format!("{name}-user"),
        server: format!("https://127.0.0.1:{port}"),
        namespace: Some(format!("team-{name}")),
    };
    KubeSnapshot {
        kubeconfig: Some("/nonexistent/kubeconfig".into()),
        current: Some("alpha".into()),
        contexts: vec![context("alpha", 6443), context("beta", 7443)],
        problem: None,
        read_only: Vec::new(),
    }
}

fn state(snapshot: KubeSnapshot, mode: Mode) -> State {
    let playbook = opsdeck::playbook::parse(
        PLAYBOOK.as_bytes(),
        opsdeck::playbook::Form::Markdown,
        "pods.md",
    )
    .playbook
    .expect("valid");
    let mut state = State::new(playbook, "pods.md".into(), mode);
    state.kube = Some(snapshot);
    state
}

fn press(state: &mut State, keys: &[Key]) -> Vec<Effect> {
    keys.iter()
        .flat_map(|key| update(state, Event::Key(*key)))
        .collect()
}

fn screen(state: &State) -> String {
    let backend = ratatui::backend::TestBackend::new(120, 30);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    let theme = opsdeck::ui::Theme::dark();
    terminal
        .draw(|frame| opsdeck::ui::draw(frame, state, &theme))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}

#[test]
fn a_delete_wants_the_context_typed_and_shows_context_server_and_namespace() {
    let mut state = state(snapshot(), Mode::Live);
    update(
        &mut state,
        Event::Resize {
            width: 120,
            height: 30,
        },
    );
    press(
        &mut state,
        &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::Enter)],
    );
    let Some(Overlay::Confirm(dialog)) = &state.overlay else {
        panic!("no confirmation: {:?}", state.message);
    };
    assert_eq!(dialog.plan.type_to_confirm.as_deref(), Some("alpha"));
    let shown = screen(&state);
    assert!(shown.contains("context `alpha`"), "{shown}");
    assert!(shown.contains("https://127.0.0.1:6443"), "{shown}");
    assert!(shown.contains("namespace `team-alpha`"), "{shown}");
    // The group's name is not enough: only the context's name confirms.
    let wrong: Vec<Key> = "local".chars().map(Key::char).collect();
    press(&mut state, &wrong);
    let effects = press(&mut state, &[Key::plain(KeyCode::Enter)]);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Run { .. })));
    let Some(Overlay::Confirm(_)) = &state.overlay else {
        panic!("the dialog closed on a wrong name");
    };
    let erase = vec![Key::plain(KeyCode::Backspace); 5];
    press(&mut state, &erase);
    let typed: Vec<Key> = "alpha".chars().map(Key::char).collect();
    press(&mut state, &typed);
    let effects = press(&mut state, &[Key::plain(KeyCode::Enter)]);
    let confirmed = effects.iter().find_map(|e| match e {
        Effect::Record(Entry::CommandConfirmed { kube, .. }) => Some(kube.clone()),
        _ => None,
    });
    let kube = confirmed
        .flatten()
        .expect("a command_confirmed with its context");
    assert_eq!(kube.context, "alpha");
    assert_eq!(kube.server, "https://127.0.0.1:6443");
    assert_eq!(kube.namespace, "team-alpha");
    assert!(effects.iter().any(|e| matches!(e, Effect::Run { .. })));
}

#[test]
fn the_status_bar_shows_the_pinned_context_and_namespace() {
    let mut state = state(snapshot(), Mode::Live);
    update(
        &mut state,
        Event::Resize {
            width: 120,
            height: 30,
        },
    );
    let shown = screen(&state);
    assert!(shown.contains("⎈ alpha/team-alpha"), "{shown}");
}

#[test]
fn a_read_only_context_is_said_and_its_changes_refused() {
    let mut pinned = snapshot();
    pinned.read_only = vec!["alpha".into()];
    let mut state = state(pinned, Mode::Live);
    update(
        &mut state,
        Event::Resize {
            width: 120,
            height: 30,
        },
    );
    assert!(screen(&state).contains("⎈ alpha/team-alpha read-only"));
    press(
        &mut state,
        &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::Enter)],
    );
    assert!(state.overlay.is_none());
    let message = state.message.clone().unwrap_or_default();
    assert!(
        message.contains("marks context `alpha` read-only"),
        "{message}"
    );
}

#[test]
fn read_only_mode_refuses_a_kubernetes_change() {
    let mut state = state(snapshot(), Mode::ReadOnly);
    press(
        &mut state,
        &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::Enter)],
    );
    assert!(state.overlay.is_none());
    let message = state.message.clone().unwrap_or_default();
    assert!(message.contains("read-only mode is on"), "{message}");
}

#[test]
fn learn_mode_says_where_a_kubernetes_command_would_run() {
    let mut state = state(snapshot(), Mode::Learn);
    update(
        &mut state,
        Event::Resize {
            width: 120,
            height: 30,
        },
    );
    let shown = screen(&state);
    assert!(
        shown.contains("would run in Kubernetes context `alpha`"),
        "{shown}"
    );
}

#[test]
fn a_context_the_kubeconfig_did_not_have_is_refused_with_its_contexts() {
    let mut pinned = snapshot();
    pinned.current = Some("gone".into());
    let mut state = state(pinned, Mode::Live);
    press(
        &mut state,
        &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::Enter)],
    );
    let message = state.message.clone().unwrap_or_default();
    assert!(message.contains("`gone` was not in"), "{message}");
    assert!(message.contains("alpha, beta"), "{message}");
}
