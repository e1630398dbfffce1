//! The core without a terminal: keys in, state and effects out.

use opsdeck::app::runs::RunResult;
use opsdeck::app::state::Overlay;
use opsdeck::app::{Effect, Event, Focus, Key, KeyCode, Mode, State, StepStatus, update};
use opsdeck::incident::Entry;
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
    assert!(state.show_help());
    let effects = press(&mut state, &[Key::char('j')]);
    assert!(!state.show_help());
    assert!(effects.is_empty());
    assert_eq!(state.selected_step, 0, "the closing key does nothing else");
}

#[test]
fn q_quits_and_ctrl_c_never_does() {
    assert_eq!(
        press(&mut site_down(), &[Key::char('q')]),
        vec![Effect::Quit]
    );
    assert!(press(&mut site_down(), &[Key::ctrl('c')]).is_empty());
}

fn local_playbook() -> State {
    let text = "---\ntitle: T\nservice: shop\nvariables:\n  unit: {description: systemd unit}\n---\n# T\n\n## Look\n```sh {id=look}\necho {{unit}}\n```\n\n## Fix\n```sh {id=restart kind=remediate}\nsystemctl restart {{unit}}\n```\n";
    let parsed = opsdeck::playbook::parse(text.as_bytes(), opsdeck::playbook::Form::Markdown, "t");
    State::new(parsed.playbook.expect("valid"), "t.md".into(), Mode::Live)
}

fn type_text(state: &mut State, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| update(state, Event::Key(Key::char(c))))
        .collect()
}

fn enter() -> Key {
    Key::plain(KeyCode::Enter)
}

#[test]
fn a_diagnosis_asks_for_its_placeholder_then_runs_on_y_and_is_recorded() {
    let mut state = local_playbook();
    press(&mut state, &[Key::plain(KeyCode::Tab), enter()]);
    assert!(
        matches!(state.overlay, Some(Overlay::Prompt(_))),
        "asks for the placeholder"
    );
    type_text(&mut state, "shop-web");
    press(&mut state, &[enter()]);
    let Some(Overlay::Confirm(dialog)) = &state.overlay else {
        panic!("no confirmation: {:?}", state.overlay)
    };
    assert_eq!(dialog.plan.script, "echo shop-web");
    assert_eq!(dialog.plan.hosts, vec!["local".to_string()]);
    let effects = press(&mut state, &[Key::char('y')]);
    assert!(
        matches!(&effects[1], Effect::Record(Entry::CommandConfirmed { resolved, .. }) if resolved == "echo shop-web")
    );
    let Some(Effect::Run { run, plan, .. }) = effects.last() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        plan.script, "echo shop-web",
        "what runs is what was confirmed"
    );
    let run = *run;
    let effects = update(&mut state, Event::HostStarted { run, host: 0 });
    assert!(
        matches!(&effects[..], [Effect::Record(Entry::CommandStarted { host, .. })] if host == "local"),
        "{effects:?}"
    );
    update(
        &mut state,
        Event::Output {
            run,
            lines: vec!["shop-web".into()],
        },
    );
    let ended = Ok(opsdeck::exec::Finished {
        exit_code: Some(0),
        signal: None,
        duration: std::time::Duration::from_millis(12),
        timed_out: false,
        cancelled: false,
    });
    let effects = update(
        &mut state,
        Event::HostFinished {
            run,
            host: 0,
            result: ended,
            output_file: "output/x.log".into(),
            last_lines: vec!["shop-web".into()],
        },
    );
    let [
        Effect::Record(Entry::CommandFinished {
            exit_code,
            last_lines,
            host,
            ..
        }),
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!((*exit_code, host.as_str()), (Some(0), "local"));
    assert_eq!(last_lines, &vec!["shop-web".to_string()]);
    let result = RunResult {
        finished: opsdeck::plan::outcome::Finished {
            exit_code: Some(0),
            signal: None,
            duration: std::time::Duration::from_millis(12),
            timed_out: false,
            cancelled: false,
        },
        output_file: "output/x.log".into(),
    };
    update(&mut state, Event::Finished { run, result });
    assert_eq!(state.message.as_deref(), Some("`look`: exit 0 in 0.0s"));
}

#[test]
fn a_remediation_cannot_be_confirmed_without_typing_its_target() {
    let mut state = local_playbook();
    state.vars.insert("unit".into(), "shop-web".into());
    press(
        &mut state,
        &[Key::char('j'), Key::plain(KeyCode::Tab), enter()],
    );
    assert!(matches!(state.overlay, Some(Overlay::Confirm(_))));
    // y and held keys do nothing; a half-typed target and Enter do not run it.
    let mut effects = press(
        &mut state,
        &[
            Key::char('y'),
            Key {
                repeat: true,
                ..enter()
            },
        ],
    );
    effects.extend(type_text(&mut state, "ho"));
    effects.extend(press(&mut state, &[enter()]));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Run { .. })),
        "ran without the target: {effects:?}"
    );
    assert!(
        matches!(state.overlay, Some(Overlay::Confirm(_))),
        "a half-typed target keeps the dialog open"
    );
    for _ in 0..3 {
        press(&mut state, &[Key::plain(KeyCode::Backspace)]);
    }
    type_text(&mut state, "shop");
    let effects = press(&mut state, &[enter()]);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Run { .. })),
        "{effects:?}"
    );
}

#[test]
fn read_only_refuses_remediations_and_dry_run_records_nothing() {
    let mut state = local_playbook();
    state.mode = Mode::ReadOnly;
    state.vars.insert("unit".into(), "x".into());
    press(
        &mut state,
        &[Key::char('j'), Key::plain(KeyCode::Tab), enter()],
    );
    assert!(state.overlay.is_none());
    assert!(state.message.as_deref().unwrap().contains("read-only"));

    let mut state = local_playbook();
    state.mode = Mode::DryRun;
    state.vars.insert("unit".into(), "x".into());
    press(&mut state, &[Key::plain(KeyCode::Tab), enter()]);
    let effects = press(&mut state, &[Key::char('y')]);
    assert!(effects.is_empty(), "dry run: {effects:?}");
    assert!(
        state
            .output
            .current()
            .unwrap()
            .lines
            .iter()
            .any(|l| l == "echo x")
    );
}

#[test]
fn ctrl_c_cancels_the_running_command_and_q_asks_first() {
    let mut state = local_playbook();
    state.vars.insert("unit".into(), "x".into());
    press(
        &mut state,
        &[Key::plain(KeyCode::Tab), enter(), Key::char('y')],
    );
    let run = state.output.running().unwrap().id;
    assert_eq!(
        press(&mut state, &[Key::ctrl('c')]),
        vec![Effect::Cancel { run }]
    );
    assert!(press(&mut state, &[Key::char('q')]).is_empty());
    assert_eq!(state.overlay, Some(Overlay::QuitWhileRunning));
    assert_eq!(
        press(&mut state, &[Key::char('y')]),
        vec![Effect::Cancel { run }, Effect::Quit]
    );
}

#[test]
fn marking_steps_and_notes_are_recorded() {
    let mut state = site_down();
    let effects = press(&mut state, &[Key::char(' ')]);
    assert!(matches!(
        &effects[..],
        [Effect::Record(Entry::StepDone { .. })]
    ));
    press(&mut state, &[Key::char('n')]);
    type_text(&mut state, "rolled back");
    let effects = press(&mut state, &[enter()]);
    assert_eq!(
        effects,
        vec![Effect::Record(Entry::Note {
            text: "rolled back".into()
        })]
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

#[test]
fn replayed_step_events_restore_progress_and_select_the_first_open_step() {
    let mut state = site_down();
    let titles: Vec<String> = state
        .playbook
        .steps
        .iter()
        .map(|s| s.title.clone())
        .collect();
    let entries = vec![
        Entry::StepDone {
            step: titles[0].clone(),
        },
        Entry::StepSkipped {
            step: titles[1].clone(),
        },
        Entry::StepDone {
            step: titles[2].clone(),
        },
        Entry::StepReopened {
            step: titles[2].clone(),
        },
        Entry::StepDone {
            step: "a step that was renamed since".into(),
        },
    ];
    let applied = opsdeck::app::resume::restore_progress(&mut state, &entries);
    assert_eq!(applied, 4);
    assert_eq!(
        &state.step_status[..3],
        &[StepStatus::Done, StepStatus::Skipped, StepStatus::Pending]
    );
    assert_eq!(state.selected_step, 2);
}

/// A probe result for `home` at console second `at`.
fn probed(verdict: opsdeck::health::outcome::Verdict, ms: u64, at: u64) -> Event {
    use opsdeck::health::outcome::{Failure, FailureKind, Outcome, Verdict};
    let latency = std::time::Duration::from_millis(ms);
    let outcome = match verdict {
        Verdict::Up => Outcome::up(latency, "HTTP 200"),
        _ => Outcome::failed(
            verdict,
            latency,
            Failure::new(FailureKind::Unexpected, "GET /", "HTTP 502"),
        ),
    };
    Event::Probed {
        check: "home".into(),
        outcome,
        at: std::time::Duration::from_secs(at),
    }
}

fn recorded_changes(effects: &[Effect]) -> Vec<(String, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RecordIfOpen(Entry::HealthChanged { from, to, .. }) => {
                Some((from.clone(), to.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn probe_results_update_the_health_view_and_only_real_changes_are_recorded() {
    use opsdeck::health::Status;
    use opsdeck::health::outcome::Verdict;
    let mut state = site_down();
    let first = update(&mut state, probed(Verdict::Up, 12, 10));
    assert!(
        recorded_changes(&first).is_empty(),
        "the first result is not news"
    );
    update(&mut state, probed(Verdict::Up, 30, 11));
    let home = state.health.iter().find(|c| c.id == "home").unwrap();
    assert_eq!(home.status(), Status::Up);
    assert_eq!(home.latencies_ms(), vec![12, 30]);
    assert_eq!(home.changed_at_secs(), Some(10));
    let mut downs = Vec::new();
    for at in 12..15 {
        downs.extend(recorded_changes(&update(
            &mut state,
            probed(Verdict::Down, 5, at),
        )));
    }
    assert_eq!(downs, [("up".to_string(), "down".to_string())]);
    let home = state.health.iter().find(|c| c.id == "home").unwrap();
    assert_eq!(home.last_error(), Some("HTTP 502"));
    assert_eq!(home.changed_at_secs(), Some(14));
}

#[test]
fn a_flapping_check_is_damped_in_the_core_and_recorded_once_per_real_change() {
    use opsdeck::health::Status;
    use opsdeck::health::outcome::Verdict::{Down, Up};
    let mut state = site_down();
    let mut changes = Vec::new();
    // One blip is not an outage; three in a row are; one good result is
    // not a recovery; two are.
    let sequence = [Up, Down, Up, Down, Up, Down, Down, Down, Up, Down, Up, Up];
    let mut seen = Vec::new();
    for (at, verdict) in sequence.into_iter().enumerate() {
        changes.extend(recorded_changes(&update(
            &mut state,
            probed(verdict, 10, at as u64),
        )));
        seen.push(
            state
                .health
                .iter()
                .find(|c| c.id == "home")
                .unwrap()
                .status(),
        );
    }
    use Status as S;
    assert_eq!(
        seen,
        [
            S::Up,
            S::Up,
            S::Up,
            S::Up,
            S::Up,
            S::Up,
            S::Up,
            S::Down,
            S::Down,
            S::Down,
            S::Down,
            S::Up
        ]
    );
    assert_eq!(
        changes,
        [
            ("up".to_string(), "down".to_string()),
            ("down".to_string(), "up".to_string())
        ]
    );
}

fn parse(text: &str) -> opsdeck::playbook::Playbook {
    opsdeck::playbook::parse(text.as_bytes(), opsdeck::playbook::Form::Markdown, "t")
        .playbook
        .expect("valid")
}

const V1: &str = "---\ntitle: T\nservice: shop\n---\n# T\n\n## Look\n```sh {id=look}\necho look\n```\n\n## Fix\n```sh {id=restart kind=remediate}\nsystemctl restart shop\n```\n\n## Tell\nSay it.\n";

#[test]
fn a_reload_keeps_the_selected_step_and_the_marks_by_title() {
    let mut state = State::new(parse(V1), "t.md".into(), Mode::Live);
    press(&mut state, &[Key::char(' ')]);
    assert_eq!(state.selected_step, 1, "on Fix");
    // A step is inserted at the top and Look is renamed: Fix stays selected.
    let v2 = V1
        .replace("## Look", "## New first step\nHi.\n\n## Look again")
        .replace("Say it.", "Say it louder.");
    update(
        &mut state,
        Event::Reloaded {
            playbook: Box::new(parse(&v2)),
            sha256: String::new(),
        },
    );
    assert_eq!(state.playbook.steps[state.selected_step].title, "Fix");
    assert_eq!(
        state.step_status,
        vec![
            StepStatus::Pending,
            StepStatus::Pending,
            StepStatus::Pending,
            StepStatus::Pending
        ],
        "the renamed step lost its mark; nothing else was marked"
    );
    press(&mut state, &[Key::char('k'), Key::char('s')]);
    update(
        &mut state,
        Event::Reloaded {
            playbook: Box::new(parse(&v2)),
            sha256: String::new(),
        },
    );
    assert_eq!(state.step_status[1], StepStatus::Skipped, "kept by title");
    assert!(state.message.as_deref().unwrap().contains("reloaded"));
}

#[test]
fn a_confirmation_whose_command_changed_on_disk_is_cancelled_and_nothing_runs() {
    let mut state = State::new(parse(V1), "t.md".into(), Mode::Live);
    press(
        &mut state,
        &[Key::char('j'), Key::plain(KeyCode::Tab), enter()],
    );
    assert!(matches!(state.overlay, Some(Overlay::Confirm(_))));
    // Prose changes elsewhere leave the dialog alone.
    update(
        &mut state,
        Event::Reloaded {
            playbook: Box::new(parse(&V1.replace("Say it.", "Shout."))),
            sha256: String::new(),
        },
    );
    assert!(matches!(state.overlay, Some(Overlay::Confirm(_))));
    // The command's text changes: the dialog goes, and typing the target runs nothing.
    let v2 = V1.replace("systemctl restart shop", "systemctl stop shop");
    update(
        &mut state,
        Event::Reloaded {
            playbook: Box::new(parse(&v2)),
            sha256: String::new(),
        },
    );
    assert!(matches!(state.overlay, Some(Overlay::Notice(_))));
    // The letters typed for the vanished dialog are swallowed, not shortcuts.
    let effects = type_text(&mut state, "shop");
    let effects: Vec<_> = effects
        .into_iter()
        .chain(press(&mut state, &[enter()]))
        .collect();
    assert!(effects.is_empty(), "{effects:?}");
    assert!(state.overlay.is_none(), "Enter closes the notice");
    assert_eq!(state.step_status, vec![StepStatus::Pending; 3]);
    // Confirming again shows the new text.
    press(&mut state, &[enter()]);
    let Some(Overlay::Confirm(dialog)) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert_eq!(dialog.plan.script, "systemctl stop shop");
}

#[test]
fn a_parse_error_keeps_the_last_good_version_and_shows_until_fixed() {
    let mut state = State::new(parse(V1), "t.md".into(), Mode::Live);
    update(
        &mut state,
        Event::ReloadFailed {
            error: "t.md:2:8: invalid YAML".into(),
        },
    );
    assert_eq!(state.step_count(), 3, "the last good version stays");
    assert_eq!(
        state.reload_error.as_deref(),
        Some("t.md:2:8: invalid YAML")
    );
    press(&mut state, &[Key::char('j')]);
    assert!(state.reload_error.is_some(), "a key does not hide it");
    update(
        &mut state,
        Event::Reloaded {
            playbook: Box::new(parse(V1)),
            sha256: String::new(),
        },
    );
    assert!(state.reload_error.is_none());
}

#[test]
fn a_reload_keeps_the_health_history_of_unchanged_checks() {
    use opsdeck::health::Status;
    use opsdeck::health::outcome::Verdict;
    let with_checks = |extra: &str| {
        V1.replace(
            "service: shop\n",
            &format!("service: shop\nchecks:\n  - {{id: home, tcp: \"127.0.0.1:9\"}}\n{extra}"),
        )
    };
    let mut state = State::new(parse(&with_checks("")), "t.md".into(), Mode::Live);
    update(&mut state, probed(Verdict::Down, 3, 1));
    let v2 = with_checks("  - {id: api, tcp: \"127.0.0.1:10\"}\n");
    update(
        &mut state,
        Event::Reloaded {
            playbook: Box::new(parse(&v2)),
            sha256: String::new(),
        },
    );
    assert_eq!(state.health.len(), 2);
    assert_eq!(
        state.health[0].status(),
        Status::Down,
        "home kept its state"
    );
    assert_eq!(state.health[1].status(), Status::Unknown, "api is new");
}

/// A finished run of `look` with `lines` of output, the output pane focused.
fn with_output(lines: &[&str]) -> (State, u64) {
    let mut state = State::new(parse(V1), "t.md".into(), Mode::Live);
    press(
        &mut state,
        &[Key::plain(KeyCode::Tab), enter(), Key::char('y')],
    );
    let run = state.output.current().unwrap().id;
    update(
        &mut state,
        Event::Output {
            run,
            lines: lines.iter().map(|l| l.to_string()).collect(),
        },
    );
    // The run leaves focus in the step text; Tab moves on to the output.
    assert_eq!(state.focus, Focus::Body);
    press(&mut state, &[Key::plain(KeyCode::Tab)]);
    assert_eq!(state.focus, Focus::Output);
    (state, run)
}

#[test]
fn after_a_run_focus_stays_where_the_responder_was_and_n_adds_a_note() {
    let mut state = State::new(parse(V1), "t.md".into(), Mode::Live);
    press(
        &mut state,
        &[Key::plain(KeyCode::Tab), enter(), Key::char('y')],
    );
    assert!(
        state.output.current().is_some(),
        "the run shows in the output pane"
    );
    assert_eq!(state.focus, Focus::Body, "focus did not jump to the output");
    press(&mut state, &[Key::char('n')]);
    assert!(
        matches!(state.overlay, Some(Overlay::Prompt(_))),
        "`n` asks for a note, as before the run: {:?}",
        state.message
    );
}

#[test]
fn q_closes_the_help_and_the_contacts_and_never_quits() {
    let mut state = State::new(parse(V1), "t.md".into(), Mode::Live);
    for open in ['?', 'e'] {
        press(&mut state, &[Key::char(open)]);
        assert!(state.overlay.is_some(), "`{open}` opens its overlay");
        let effects = press(&mut state, &[Key::char('q')]);
        assert!(state.overlay.is_none(), "`q` closes it");
        assert!(
            !effects.contains(&Effect::Quit),
            "`q` in `{open}` quit the console"
        );
    }
    assert!(press(&mut state, &[Key::char('q')]).contains(&Effect::Quit));
}

#[test]
fn q_and_esc_close_a_notice_without_quitting_and_other_letters_are_swallowed() {
    for close in [Key::char('q'), Key::plain(KeyCode::Esc)] {
        let mut state = State::new(parse(V1), "t.md".into(), Mode::Live);
        update(
            &mut state,
            Event::OpenedFromAlert {
                name: "SiteDown".into(),
                notice: "SiteDown is firing".into(),
                from_list: true,
            },
        );
        assert!(press(&mut state, &[Key::char('j')]).is_empty());
        assert!(
            matches!(state.overlay, Some(Overlay::Notice(_))),
            "j is swallowed"
        );
        let effects = press(&mut state, &[close]);
        assert!(state.overlay.is_none(), "{close:?} closes the notice");
        assert!(
            !effects.contains(&Effect::Quit),
            "{close:?} quit the console"
        );
    }
}

#[test]
fn slash_searches_the_output_and_n_walks_the_matches_with_wraparound() {
    let mut lines = vec!["ok"; 50];
    lines[5] = "\x1b[31mERROR\x1b[0m disk";
    lines[20] = "error: retry";
    lines[40] = "no Error here? yes";
    let (mut state, run) = with_output(&lines);
    press(&mut state, &[Key::char('g')]);
    assert_eq!(state.output.view.top, Some(0), "g: the first line");
    press(&mut state, &[Key::char('/')]);
    assert_eq!(state.overlay, Some(Overlay::Search(String::new())));
    type_text(&mut state, "error");
    assert!(state.output.search.is_none(), "nothing found before Enter");
    press(&mut state, &[enter()]);
    let search = state.output.search.clone().unwrap();
    assert_eq!(
        search.matches,
        vec![5, 20, 40],
        "smart case, colours ignored"
    );
    assert_eq!(search.current, Some(0), "the nearest at or above the view");
    // Unmeasured, the pane counts as 10 rows: the match with 2 lines below.
    assert_eq!(state.output.view.top, Some(0));

    press(&mut state, &[Key::char('n'), Key::char('n')]);
    assert_eq!(state.output.search.as_ref().unwrap().current, Some(2));
    assert_eq!(state.output.view.top, Some(40 + 3 - 10));
    press(&mut state, &[Key::char('n')]);
    assert_eq!(state.output.search.as_ref().unwrap().current, Some(0));
    assert!(state.message.as_deref().unwrap().contains("wrapped"));
    press(&mut state, &[Key::char('N')]);
    assert_eq!(state.output.search.as_ref().unwrap().current, Some(2));
    assert!(
        state.overlay.is_none(),
        "n never opened the note prompt here"
    );

    // New output is searched as it arrives.
    update(
        &mut state,
        Event::Output {
            run,
            lines: vec!["late error".into()],
        },
    );
    assert_eq!(
        state.output.search.as_ref().unwrap().matches,
        vec![5, 20, 40, 50]
    );

    // Outside the output pane, n is a note again.
    press(&mut state, &[Key::plain(KeyCode::Tab), Key::char('n')]);
    assert!(matches!(state.overlay, Some(Overlay::Prompt(_))));
}

#[test]
fn a_search_with_no_match_or_no_output_says_so() {
    let mut state = site_down();
    press(&mut state, &[Key::char('/')]);
    assert!(state.overlay.is_none());
    assert!(state.message.as_deref().unwrap().contains("no output"));

    let (mut state, _) = with_output(&["a", "b"]);
    press(&mut state, &[Key::char('/')]);
    type_text(&mut state, "zzz");
    press(&mut state, &[enter()]);
    assert!(state.message.as_deref().unwrap().contains("no match"));
    press(&mut state, &[Key::char('n')]);
    assert!(state.message.as_deref().unwrap().contains("no match"));
    press(
        &mut state,
        &[Key::char('/'), Key::char('x'), Key::plain(KeyCode::Esc)],
    );
    assert!(state.overlay.is_none(), "Esc cancels the query");
}

#[test]
fn a_click_selects_a_step_or_command_and_never_runs_or_confirms() {
    use opsdeck::app::event::Hit;
    let mut state = State::new(parse(V1), "t.md".into(), Mode::Live);
    assert!(update(&mut state, Event::Click(Hit::Step(2))).is_empty());
    assert_eq!((state.selected_step, state.focus), (2, Focus::Steps));
    update(&mut state, Event::Click(Hit::Step(1)));
    update(&mut state, Event::Click(Hit::Command(0)));
    assert_eq!(state.focus, Focus::Body);
    assert_eq!(state.selected_command().unwrap().id, "restart");
    update(&mut state, Event::Click(Hit::Pane(Focus::Output)));
    assert_eq!(state.focus, Focus::Output);

    // With a dialog open, the mouse does nothing at all.
    press(
        &mut state,
        &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::Tab), enter()],
    );
    let dialog = state.overlay.clone();
    assert!(matches!(dialog, Some(Overlay::Confirm(_))), "{dialog:?}");
    for event in [
        Event::Click(Hit::Step(0)),
        Event::Click(Hit::Command(0)),
        Event::Scroll {
            pane: Focus::Steps,
            down: true,
        },
    ] {
        assert!(update(&mut state, event).is_empty());
    }
    assert_eq!(state.overlay, dialog);
    assert_eq!(state.selected_step, 1);
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
    let (mut state, _) = with_output(&["x"; 100]);
    let wheel = |pane, down| Event::Scroll { pane, down };
    update(&mut state, wheel(Focus::Output, false));
    assert_eq!(state.output.view.top, Some(100 - 10 - 3));
    update(&mut state, wheel(Focus::Output, true));
    assert!(state.output.following());
    update(&mut state, wheel(Focus::Steps, true));
    assert_eq!(state.selected_step, 1, "over the steps: the next step");
    assert_eq!(state.focus, Focus::Output, "the wheel does not move focus");
    update(&mut state, wheel(Focus::Body, true));
    assert_eq!(state.body_scroll, 3, "unfocused text scrolls freely");
}

#[test]
fn keys_from_the_config_replace_the_defaults_of_their_actions() {
    use opsdeck::app::keymap::{Action, Keymap};
    let (mut state, _) = with_output(&["error one", "error two"]);
    state.keymap = Keymap::with(&[
        (Action::Note, vec!["m".parse().unwrap()]),
        (Action::Help, vec!["h".parse().unwrap()]),
    ])
    .unwrap();
    press(&mut state, &[Key::plain(KeyCode::Esc)]);
    assert_eq!(state.focus, Focus::Steps, "Esc still goes back");
    press(&mut state, &[Key::char('n')]);
    assert!(state.overlay.is_none(), "n no longer adds a note");
    press(&mut state, &[Key::char('m')]);
    assert!(matches!(state.overlay, Some(Overlay::Prompt(_))));
    press(&mut state, &[Key::plain(KeyCode::Esc), Key::char('h')]);
    assert!(state.show_help(), "h took the help from `back`");
}

#[test]
fn learn_mode_runs_nothing_and_says_where_it_would_have_run() {
    let mut state = local_playbook();
    state.mode = Mode::Learn;
    state.vars.insert("unit".into(), "x".into());
    press(&mut state, &[Key::plain(KeyCode::Tab), enter()]);
    assert!(
        press(&mut state, &[Key::char('y')]).is_empty(),
        "nothing runs, nothing is recorded"
    );
    let lines: Vec<&String> = state.output.current().unwrap().lines.iter().collect();
    assert_eq!(lines[0], "DRY RUN: would run on local:");
    assert_eq!(lines[1], "echo x");
}

#[test]
fn a_verify_check_is_watched_after_its_command_and_the_outcome_recorded() {
    use opsdeck::health::outcome::Verdict;
    let text = "---\ntitle: V\nservice: shop\nchecks:\n  - {id: home, http: \"https://x.example/health\", timeout: 5s}\n---\n# V\n\n## Fix\n```sh {id=fix kind=remediate verify=home}\ntrue\n```\n";
    let playbook =
        opsdeck::playbook::parse(text.as_bytes(), opsdeck::playbook::Form::Markdown, "v")
            .playbook
            .unwrap();
    let mut state = State::new(playbook, "v.md".into(), Mode::Live);
    press(&mut state, &[Key::plain(KeyCode::Tab), enter()]);
    type_text(&mut state, "shop");
    press(&mut state, &[enter()]);
    let run = state.output.running().unwrap().id;
    let done = RunResult {
        finished: opsdeck::plan::outcome::Finished {
            exit_code: Some(0),
            signal: None,
            duration: std::time::Duration::from_millis(5),
            timed_out: false,
            cancelled: false,
        },
        output_file: String::new(),
    };
    update(
        &mut state,
        Event::Finished {
            run,
            result: done.clone(),
        },
    );
    update(
        &mut state,
        Event::Tick {
            utc: "00:00:05".into(),
            elapsed_secs: 5,
        },
    );
    let effects = update(&mut state, probed(Verdict::Up, 9, 5));
    assert!(
        matches!(
            &effects[..],
            [Effect::Record(Entry::VerifyResult {
                recovered: true,
                ..
            })]
        ),
        "{effects:?}"
    );
    assert!(state.message.as_deref().unwrap().contains("healthy again"));

    // Not recovered within the window: said and recorded too.
    press(&mut state, &[enter()]);
    type_text(&mut state, "shop");
    press(&mut state, &[enter()]);
    let run = state.output.running().unwrap().id;
    // Down for three results in a row: not a blip.
    for at in 6..9 {
        update(&mut state, probed(Verdict::Down, 9, at));
    }
    update(&mut state, Event::Finished { run, result: done });
    let late = update(
        &mut state,
        Event::Tick {
            utc: "00:10:00".into(),
            elapsed_secs: 600,
        },
    );
    assert!(
        matches!(
            &late[..],
            [Effect::Record(Entry::VerifyResult {
                recovered: false,
                ..
            })]
        ),
        "{late:?}"
    );
}

#[test]
fn a_reload_records_the_version_and_restarts_checks_only_when_they_changed() {
    let mut state = State::new(parse(V1), "t.md".into(), Mode::Live);
    let reload = |state: &mut State, text: &str| {
        update(
            state,
            Event::Reloaded {
                playbook: Box::new(parse(text)),
                sha256: "abc123".into(),
            },
        )
    };
    let same_checks = reload(&mut state, &V1.replace("Say it.", "Shout."));
    assert!(same_checks.iter().any(|e| matches!(e,
        Effect::RecordIfOpen(Entry::PlaybookLoaded { playbook_sha256, .. }) if playbook_sha256 == "abc123")));
    assert!(
        !same_checks
            .iter()
            .any(|e| matches!(e, Effect::RestartHealth(_)))
    );
    let with_check = V1.replace(
        "service: shop\n",
        "service: shop\nchecks:\n  - {id: home, http: \"http://127.0.0.1:9/\"}\n",
    );
    let new_checks = reload(&mut state, &with_check);
    assert!(
        new_checks
            .iter()
            .any(|e| matches!(e, Effect::RestartHealth(p) if p.checks.len() == 1)),
        "{new_checks:?}"
    );
}

#[test]
fn capital_x_asks_for_a_summary_and_only_a_real_enter_closes_the_incident() {
    let mut state = site_down();
    press(&mut state, &[Key::char('X')]);
    assert!(matches!(state.overlay, Some(Overlay::Prompt(_))));
    type_text(&mut state, "rolled back v42");
    let held = Key {
        repeat: true,
        ..enter()
    };
    assert!(
        press(&mut state, &[held]).is_empty(),
        "a held Enter closes nothing"
    );
    let effects = press(&mut state, &[enter()]);
    assert_eq!(
        effects,
        vec![Effect::CloseIncident {
            summary: "rolled back v42".into()
        }]
    );
    assert!(state.overlay.is_none());
    update(
        &mut state,
        Event::IncidentClosed {
            message: "incident X closed".into(),
            silences: Vec::new(),
        },
    );
    assert_eq!(state.message.as_deref(), Some("incident X closed"));
    assert!(state.overlay.is_none(), "nothing more to ask");
}

#[test]
fn closing_an_incident_that_holds_a_silence_offers_to_expire_it() {
    let mut state = site_down();
    let silences = vec![("0f1e-22".to_string(), "http://127.0.0.1:9093/".to_string())];
    let closed = |state: &mut State| {
        update(
            state,
            Event::IncidentClosed {
                message: "incident X closed".into(),
                silences: silences.clone(),
            },
        )
    };
    closed(&mut state);
    assert!(matches!(state.overlay, Some(Overlay::Prompt(_))));
    type_text(&mut state, "n");
    assert!(
        press(&mut state, &[enter()]).is_empty(),
        "anything but y keeps it"
    );
    assert!(state.message.as_deref().unwrap().contains("--expire"));

    closed(&mut state);
    type_text(&mut state, "y");
    assert_eq!(
        press(&mut state, &[enter()]),
        vec![Effect::ExpireSilences(silences.clone())]
    );
}

#[test]
fn esc_keeps_the_incident_open() {
    let mut state = site_down();
    press(&mut state, &[Key::char('X')]);
    type_text(&mut state, "oops");
    let effects = press(&mut state, &[Key::plain(KeyCode::Esc)]);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(state.overlay.is_none());
}

#[test]
fn capital_c_claims_the_alert_only_when_its_name_is_typed() {
    let mut state = site_down();
    press(&mut state, &[Key::char('C')]);
    assert!(state.overlay.is_none());
    assert!(
        state
            .message
            .as_deref()
            .unwrap()
            .contains("not opened from an alert"),
        "{:?}",
        state.message
    );

    state.alert_name = Some("KubePodCrashLooping".into());
    press(&mut state, &[Key::char('C')]);
    type_text(&mut state, "KubePod");
    assert!(
        press(&mut state, &[enter()]).is_empty(),
        "a wrong name claims nothing"
    );
    assert!(state.message.as_deref().unwrap().contains("not claimed"));

    press(&mut state, &[Key::char('C')]);
    type_text(&mut state, "KubePodCrashLooping");
    assert_eq!(press(&mut state, &[enter()]), vec![Effect::ClaimAlert]);

    let claimed = Entry::Claimed {
        fingerprint: "ab12".into(),
        silence_id: "0f1e".into(),
        ends_at: "2026-12-02T10:00:00.000Z".into(),
        comment: "opsdeck incident X".into(),
        alertmanager: "http://127.0.0.1:9093/".into(),
    };
    let effects = update(&mut state, Event::AlertClaimed(Ok(claimed.clone())));
    assert_eq!(effects, vec![Effect::Record(claimed)]);
    let effects = update(&mut state, Event::AlertClaimed(Err("HTTP 500".into())));
    assert!(effects.is_empty());
    assert!(
        state
            .message
            .as_deref()
            .unwrap()
            .contains("NOT CLAIMED: HTTP 500")
    );
}

/// The pane as measured at `rows` rows and 40 columns, lines one row each.
fn measured_output(state: &mut State, rows: usize) {
    let tail = state
        .output
        .current()
        .map_or(0, |r| r.lines.len().min(rows));
    let viewport = opsdeck::app::viewport::Viewport {
        output_height: rows,
        output_width: 40,
        output_tail: tail,
        output_widest: 100,
        ..Default::default()
    };
    update(state, Event::Measured(viewport));
}

#[test]
fn a_scrolled_output_stays_on_its_lines_while_more_arrive_and_end_follows_again() {
    let lines: Vec<String> = (0..30).map(|n| format!("line {n}")).collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let (mut state, run) = with_output(&refs);
    measured_output(&mut state, 8);
    press(&mut state, &[Key::char('k'), Key::char('k')]);
    assert_eq!(state.output.view.top, Some(30 - 8 - 2));
    update(
        &mut state,
        Event::Output {
            run,
            lines: (30..70).map(|n| format!("line {n}")).collect(),
        },
    );
    assert_eq!(state.output.view.top, Some(20), "the view did not move");
    assert_eq!(state.output.view.new_lines, 40, "and counts what came");
    press(&mut state, &[Key::plain(KeyCode::PageDown)]);
    assert_eq!(state.output.view.top, Some(27), "a page less a line");
    press(&mut state, &[Key::plain(KeyCode::End)]);
    assert!(state.output.following(), "End follows the tail");
    assert_eq!(state.output.view.new_lines, 0);
    press(&mut state, &[Key::plain(KeyCode::Home)]);
    assert_eq!(state.output.view.top, Some(0));
    press(&mut state, &[Key::char('G')]);
    assert!(state.output.following(), "G too");
    // j at the tail stays following; k never goes above the first line.
    press(&mut state, &[Key::char('j')]);
    assert!(state.output.following());
    for _ in 0..100 {
        press(&mut state, &[Key::char('k')]);
    }
    assert_eq!(state.output.view.top, Some(0));
}

#[test]
fn search_counts_every_hit_and_forgets_the_hits_of_dropped_lines() {
    let (mut state, run) = with_output(&["err err", "ok", "ERR and err", "err"]);
    press(&mut state, &[Key::char('/')]);
    type_text(&mut state, "err");
    press(&mut state, &[enter()]);
    let search = state.output.search.clone().unwrap();
    assert_eq!(search.matches, vec![0, 2, 3]);
    assert_eq!(search.hits, 5, "every hit, two on a line counted twice");
    assert!(
        state
            .message
            .as_deref()
            .unwrap()
            .contains("5 matches on 3 lines"),
        "{:?}",
        state.message
    );
    // The pane's budget drops the oldest lines: their hits go with them.
    state.output.set_budget(0);
    let big = "x".repeat(600 * 1024);
    update(
        &mut state,
        Event::Output {
            run,
            lines: vec![big.clone(), big, "err".into()],
        },
    );
    let search = state.output.search.clone().unwrap();
    assert!(state.output.held_bytes() <= state.output.budget());
    assert_eq!(search.matches.len(), 1, "{search:?}");
    assert_eq!(search.hits, 1);
}

#[test]
fn w_toggles_wrapping_and_arrows_scroll_sideways_only_without_it() {
    let (mut state, _) = with_output(&["short"]);
    measured_output(&mut state, 8);
    assert!(state.output.view.wrap, "long lines wrap by default");
    press(&mut state, &[Key::plain(KeyCode::Right)]);
    assert_eq!(state.output.view.column, 0);
    assert!(
        state
            .message
            .as_deref()
            .unwrap()
            .contains("w turns wrapping off")
    );
    assert_eq!(state.focus, Focus::Output, "→ is not `open` in the output");
    press(&mut state, &[Key::char('w')]);
    assert!(!state.output.view.wrap);
    press(
        &mut state,
        &[Key::plain(KeyCode::Right), Key::plain(KeyCode::Right)],
    );
    assert_eq!(state.output.view.column, 40, "half a pane a press");
    for _ in 0..10 {
        press(&mut state, &[Key::plain(KeyCode::Right)]);
    }
    assert_eq!(
        state.output.view.column,
        100 - 40,
        "no further than the widest line"
    );
    press(&mut state, &[Key::plain(KeyCode::Left)]);
    assert_eq!(state.output.view.column, 40);
    assert_eq!(state.focus, Focus::Output, "← is not `back` in the output");
    press(&mut state, &[Key::char('h')]);
    assert_eq!(state.focus, Focus::Steps, "h still goes back");
}
