//! The core without a terminal: keys in, state and effects out.

use opsdeck::app::{Effect, Event, Focus, Key, KeyCode, Mode, State, StepStatus, update};
use std::path::Path;

fn site_down() -> State {
    let playbook = opsdeck::playbook::load(Path::new("playbooks/site-down.md"))
        .playbook
        .unwrap();
    State::new(playbook, "playbooks/site-down.md".into(), Mode::Live)
}

fn press(state: &mut State, keys: &[Key]) -> Vec<Effect> {
    keys.iter()
        .flat_map(|key| update(state, Event::Key(*key)))
        .collect()
}

#[test]
fn j_k_and_arrows_move_between_steps_within_bounds() {
    let mut state = site_down();
    press(&mut state, &[Key::char('j'), Key::plain(KeyCode::Down)]);
    assert_eq!(state.selected_step, 2);
    press(
        &mut state,
        &[
            Key::char('k'),
            Key::plain(KeyCode::Up),
            Key::plain(KeyCode::Up),
        ],
    );
    assert_eq!(state.selected_step, 0, "never above the first step");
    press(&mut state, &[Key::char('G'), Key::char('j')]);
    assert_eq!(
        state.selected_step,
        state.step_count() - 1,
        "never past the last step"
    );
}

#[test]
fn space_marks_done_and_moves_on_and_s_skips() {
    let mut state = site_down();
    press(&mut state, &[Key::char(' ')]);
    assert_eq!(state.step_status[0], StepStatus::Done);
    assert_eq!(state.selected_step, 1);
    press(&mut state, &[Key::char('s')]);
    assert_eq!(state.step_status[1], StepStatus::Skipped);
    assert_eq!(state.done_count(), 2);
    press(&mut state, &[Key::char('k'), Key::char('s')]);
    assert_eq!(
        state.step_status[1],
        StepStatus::Pending,
        "s again undoes the skip"
    );
}

#[test]
fn tab_moves_focus_to_the_step_text_where_j_selects_commands() {
    let mut state = site_down();
    press(&mut state, &[Key::plain(KeyCode::Tab)]);
    assert_eq!(state.focus, Focus::Body);
    let first = state.selected_command().unwrap().id.clone();
    press(&mut state, &[Key::char('j')]);
    assert_ne!(state.selected_command().unwrap().id, first);
    press(&mut state, &[Key::plain(KeyCode::Esc)]);
    assert_eq!(state.focus, Focus::Steps);
}

#[test]
fn help_opens_with_question_mark_and_any_key_closes_it() {
    let mut state = site_down();
    press(&mut state, &[Key::char('?')]);
    assert!(state.show_help);
    let effects = press(&mut state, &[Key::char('j')]);
    assert!(!state.show_help);
    assert!(effects.is_empty());
    assert_eq!(state.selected_step, 0, "the closing key does nothing else");
}

#[test]
fn q_and_ctrl_c_quit() {
    assert_eq!(
        press(&mut site_down(), &[Key::char('q')]),
        vec![Effect::Quit]
    );
    assert_eq!(
        press(&mut site_down(), &[Key::ctrl('c')]),
        vec![Effect::Quit]
    );
}

#[test]
fn the_clock_tick_updates_the_status_fields() {
    let mut state = site_down();
    update(
        &mut state,
        Event::Tick {
            utc: "03:04:05".into(),
            elapsed_secs: 65,
        },
    );
    assert_eq!(state.utc_clock, "03:04:05");
    assert_eq!(state.elapsed_secs, 65);
}
