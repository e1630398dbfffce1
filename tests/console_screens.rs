//! Whole screens drawn on ratatui's TestBackend, pinned by snapshots.

mod screen_support;
use opsdeck::app::{Event, Key, KeyCode, Mode, State, update};
use opsdeck::ui::{Theme, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;

fn state(path: &str) -> State {
    let playbook = opsdeck::playbook::load(Path::new(path)).playbook.unwrap();
    let mut state = State::new(playbook, path.into(), Mode::Live);
    update(
        &mut state,
        Event::Tick {
            utc: "03:00:00".into(),
            elapsed_secs: 754,
        },
    );
    state
}

/// A key as the console handles it: measured against the screen first.
fn key(state: &mut State, key: Key) {
    let measured = opsdeck::ui::measure(state);
    update(state, Event::Measured(measured));
    update(state, Event::Key(key));
}

fn screen(state: &State, width: u16, height: u16) -> String {
    screen_support::render(width, height, |frame| draw(frame, state, &Theme::dark()))
}

#[test]
fn site_down_at_120x40() {
    let screen = screen(&state("playbooks/site-down.md"), 120, 40);
    assert!(screen.contains("Was there a recent deploy?"));
    assert!(screen.contains("LIVE"));
    insta::assert_snapshot!(screen);
}

#[test]
fn site_down_at_80x24_with_a_remediation_selected() {
    let mut state = state("playbooks/site-down.md");
    update(
        &mut state,
        Event::Resize {
            width: 80,
            height: 24,
        },
    );
    // The prose is longer than the pane: the first j reaches the first
    // command, the second the remediation.
    key(&mut state, Key::plain(KeyCode::Tab));
    key(&mut state, Key::char('j'));
    key(&mut state, Key::char('j'));
    let screen = screen(&state, 80, 24);
    assert!(screen.contains("REMEDIATE"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn help_overlay_lists_the_bindings() {
    let mut state = state("playbooks/site-down.md");
    update(&mut state, Event::Key(Key::char('?')));
    let screen = screen(&state, 100, 30);
    for (keys, _) in opsdeck::ui::help_bindings(&state.keymap) {
        assert!(screen.contains(&keys), "help misses {keys}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn too_small_a_terminal_says_so() {
    let screen = screen(&state("playbooks/site-down.md"), 40, 10);
    assert!(screen.contains("Terminal too small"));
    insta::assert_snapshot!(screen);
}

/// The screen with its colours: ratatui's buffer dump lists every style change.
fn styled_screen(state: &State, theme: &Theme, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| draw(frame, state, theme)).unwrap();
    format!("{:?}", terminal.backend().buffer())
}

/// Every status a theme must tell apart: done, skipped, current; up, degraded, down, unknown.
fn mixed_status_state() -> State {
    use opsdeck::health::outcome::{Failure, FailureKind, Outcome, Verdict};
    use std::time::Duration;
    let mut state = state("playbooks/site-down.md");
    update(&mut state, Event::Key(Key::char(' ')));
    update(&mut state, Event::Key(Key::char('s')));
    for (check, verdict, ms, said) in [
        ("home", Verdict::Up, 40, "home answered"),
        ("db", Verdict::Degraded, 700, "db answered"),
        ("disk", Verdict::Down, 5, "disk 97% full"),
    ] {
        let latency = Duration::from_millis(ms);
        let now = Duration::from_secs(state.elapsed_secs);
        let outcome = match verdict {
            Verdict::Up => Outcome::up(latency, said),
            _ => Outcome::failed(
                verdict,
                latency,
                Failure::new(FailureKind::Unexpected, check, said),
            ),
        };
        update(
            &mut state,
            Event::Probed {
                check: check.into(),
                outcome,
                at: now,
            },
        );
    }
    state
}

#[test]
fn the_light_theme_colours_every_status() {
    let screen = styled_screen(&mixed_status_state(), &Theme::light(), 120, 30);
    insta::assert_snapshot!(screen);
}

#[test]
fn the_high_contrast_theme_tells_status_by_shape_and_blue_orange() {
    let state = mixed_status_state();
    let screen = styled_screen(&state, &Theme::high_contrast(), 120, 30);
    for shape in ["✓", "–", "● up", "◐ degraded", "✖ DOWN", "○ …"] {
        assert!(screen.contains(shape), "no {shape}");
    }
    // No red or green anywhere: blue (#56b4e9) and orange (#e69f00) carry status.
    for colour in ["Red", "Green"] {
        assert!(!screen.contains(colour), "uses {colour}");
    }
    assert!(screen.contains("Rgb(86, 180, 233)") && screen.contains("Rgb(230, 159, 0)"));
    insta::assert_snapshot!(screen);
}

#[test]
fn a_parse_error_after_a_reload_shows_over_the_last_good_version() {
    let mut state = state("playbooks/site-down.md");
    update(
        &mut state,
        Event::ReloadFailed {
            error: "site-down.md:14:3: unknown key `chekcs` in the front matter".into(),
        },
    );
    let screen = screen(&state, 120, 30);
    assert!(screen.contains("✖ site-down.md:14:3"), "{screen}");
    assert!(screen.contains("Was there a recent deploy?"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn search_hits_are_highlighted_in_coloured_output() {
    let text = "---\ntitle: T\n---\n# T\n\n## Look\n```sh {id=look}\necho look\n```\n";
    let playbook =
        opsdeck::playbook::parse(text.as_bytes(), opsdeck::playbook::Form::Markdown, "t")
            .playbook
            .unwrap();
    let mut state = State::new(playbook, "t.md".into(), Mode::Live);
    for key in [
        Key::plain(KeyCode::Tab),
        Key::plain(KeyCode::Enter),
        Key::char('y'),
    ] {
        update(&mut state, Event::Key(key));
    }
    let run = state.output.current().unwrap().id;
    let lines = [
        "starting \x1b[32mshop-web\x1b[0m",
        "\x1b[1;31mERROR\x1b[0m upstream timed out",
        "retrying",
        "error again: \x1b[33mslow\x1b[0m",
        "done",
    ];
    update(
        &mut state,
        Event::Output {
            run,
            lines: lines.iter().map(|l| l.to_string()).collect(),
        },
    );
    for key in "/error"
        .chars()
        .map(Key::char)
        .chain([Key::plain(KeyCode::Enter)])
    {
        update(&mut state, Event::Key(key));
    }
    let screen = styled_screen(&state, &Theme::dark(), 80, 20);
    assert!(screen.contains("/error 2/2"), "{screen}");
    assert!(!screen.contains('\u{1b}'), "no raw escapes on screen");
    insta::assert_snapshot!(screen);
}

/// Where `text` is drawn on the screen, as (column, row).
fn find_on_screen(screen: &str, text: &str) -> (u16, u16) {
    for (row, line) in screen.lines().enumerate() {
        if let Some(at) = line.find(text) {
            return (line[..at].chars().count() as u16, row as u16);
        }
    }
    panic!("{text:?} not on screen:\n{screen}")
}

#[test]
fn a_click_hits_what_is_drawn_under_it() {
    use opsdeck::app::Focus;
    use opsdeck::app::event::Hit;
    use ratatui::layout::Rect;
    let mut state = state("playbooks/site-down.md");
    let (width, height) = (120, 40);
    update(&mut state, Event::Resize { width, height });
    let area = Rect::new(0, 0, width, height);
    let drawn = screen(&state, width, height);
    let (x, y) = find_on_screen(&drawn, "What kind of errors?");
    assert_eq!(
        opsdeck::ui::hit_test(&state, area, x, y),
        Some(Hit::Step(1))
    );

    // The second step's second command, scrolled into view below wrapped prose.
    update(&mut state, Event::Click(Hit::Step(1)));
    key(&mut state, Key::plain(KeyCode::Tab));
    key(&mut state, Key::char('j'));
    key(&mut state, Key::char('j'));
    let drawn = screen(&state, width, height);
    let second = state.current_commands()[1].id.clone();
    let (x, y) = find_on_screen(&drawn, &format!("[{second}]"));
    assert_eq!(
        opsdeck::ui::hit_test(&state, area, x, y),
        Some(Hit::Command(1))
    );
    assert_eq!(
        opsdeck::ui::hit_test(&state, area, x, y + 1),
        Some(Hit::Command(1)),
        "its code line too"
    );
    let (x, y) = find_on_screen(&drawn, "Output");
    assert_eq!(
        opsdeck::ui::hit_test(&state, area, x, y + 1),
        Some(Hit::Pane(Focus::Output))
    );
}

#[test]
fn the_help_shows_the_keys_in_force() {
    use opsdeck::app::keymap::{Action, Keymap};
    let mut state = state("playbooks/site-down.md");
    state.keymap = Keymap::with(&[
        (Action::Note, vec!["m".parse().unwrap()]),
        (
            Action::Quit,
            vec!["ctrl-q".parse().unwrap(), "q".parse().unwrap()],
        ),
    ])
    .unwrap();
    update(&mut state, Event::Key(Key::char('?')));
    let screen = screen(&state, 100, 30);
    assert!(screen.contains("Ctrl-Q q"), "{screen}");
    assert!(
        screen.contains("m note") || screen.contains(" m "),
        "{screen}"
    );
    assert!(screen.contains("m note"), "status hints too: {screen}");
    insta::assert_snapshot!(screen);
}
