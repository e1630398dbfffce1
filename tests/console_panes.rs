//! Each pane at 80×24 and 200×60, pinned by snapshots: nothing is cut
//! without a sign (`…`, `▲ n more`, `▼ n more`), wrapped commands keep
//! their gutter, the confirmation shows one `$` a command, and Markdown in
//! step text is rendered, never shown as marks.

mod screen_support;
use opsdeck::app::{Event, Key, KeyCode, Mode, State, update};
use opsdeck::health::outcome::{Failure, FailureKind, Outcome, Verdict};
use std::time::Duration;

const PLAYBOOK: &str = "---
title: etcd members degraded
checks:
  - {id: etcd, http: \"http://127.0.0.1:1/health\"}
  - {id: api, http: \"http://127.0.0.1:1/readyz\"}
  - {id: nodes, tcp: \"127.0.0.1:1\"}
---
# etcd members degraded

## Is every etcd member healthy and reachable from the control plane nodes?

### General etcd health

The cluster *tolerates* one member down; **two** down is an outage.

```text
member 8e9e05c52164694d is healthy
```

```sh {id=endpoint-health}
oc rsh -n openshift-etcd -c etcdctl etcd-master-0 etcdctl endpoint health --cluster --write-out=table --command-timeout=30s \\
  --dial-timeout=10s
```

## Which node lost its member?
## Restart the member's static pod on the node that lost it
## Check the disk latency of the control plane nodes
## Move the member to a replacement node
## Ask the control plane team for help with the quorum
## Write down what was restarted
## Close the incident once all members report healthy
";

fn state(width: u16, height: u16) -> State {
    let parsed = opsdeck::playbook::parse(
        PLAYBOOK.as_bytes(),
        opsdeck::playbook::Form::Markdown,
        "etcd",
    );
    let playbook = parsed
        .playbook
        .unwrap_or_else(|| panic!("{:?}", parsed.diagnostics));
    let mut state = State::new(playbook, "runbooks/etcd/etcd.md".into(), Mode::Live);
    update(&mut state, Event::Resize { width, height });
    update(
        &mut state,
        Event::Tick {
            utc: "03:00:00".into(),
            elapsed_secs: 754,
        },
    );
    for (check, error) in [
        (
            "etcd",
            "connection refused by 127.0.0.1:1 while asking for /health (after a retry)",
        ),
        (
            "api",
            "HTTP 503 from /readyz: etcd cluster is unavailable or misconfigured",
        ),
    ] {
        update(
            &mut state,
            Event::Probed {
                check: check.into(),
                outcome: Outcome::failed(
                    Verdict::Down,
                    Duration::from_millis(3),
                    Failure::new(FailureKind::Unexpected, check, error),
                ),
                at: Duration::from_secs(700),
            },
        );
    }
    state
}

fn key(state: &mut State, key: Key) {
    let measured = opsdeck::ui::measure(state);
    update(state, Event::Measured(measured));
    update(state, Event::Key(key));
}

fn screen(state: &State, width: u16, height: u16) -> String {
    screen_support::render(width, height, |frame| {
        opsdeck::ui::draw(frame, state, &opsdeck::ui::Theme::dark())
    })
}

/// The step list, the step text, health and the status bar.
fn main_screen(width: u16, height: u16) -> String {
    let mut state = state(width, height);
    key(&mut state, Key::plain(KeyCode::Tab));
    let screen = screen(&state, width, height);
    assert!(!screen.contains("###"), "a heading shown raw:\n{screen}");
    assert!(screen.contains("General etcd health"), "{screen}");
    assert!(!screen.contains("│text"), "a fence label shown:\n{screen}");
    assert!(
        !screen.contains("*tolerates*"),
        "emphasis shown raw:\n{screen}"
    );
    // Every row of the wrapped command keeps its gutter.
    let code_rows = screen
        .lines()
        .filter(|l| l.contains("│ ") && l.contains("--"))
        .count();
    let gutter_rows = screen.lines().filter(|l| l.contains("  │ ")).count();
    assert!(code_rows >= 2 && gutter_rows >= code_rows, "{screen}");
    screen
}

#[test]
fn the_panes_at_80x24_say_what_is_cut() {
    let screen = main_screen(80, 24);
    assert!(screen.contains("…"), "cut titles end with …:\n{screen}");
    assert!(screen.contains("▼"), "more steps below:\n{screen}");
    assert!(screen.contains("? help"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_panes_at_200x60_show_what_fits_whole() {
    let screen = main_screen(200, 60);
    assert!(
        screen.contains("Is every etcd member healthy and reachable from the control plane"),
        "the selected title shows whole:\n{screen}"
    );
    assert!(
        screen.contains("misconfigured") && screen.contains("(after a retry)"),
        "errors whole when there is room:\n{screen}"
    );
    insta::assert_snapshot!(screen);
}

fn confirmation(width: u16, height: u16) -> String {
    let mut state = state(width, height);
    key(&mut state, Key::plain(KeyCode::Tab));
    key(&mut state, Key::char('j'));
    key(&mut state, Key::plain(KeyCode::Enter));
    let screen = screen(&state, width, height);
    assert!(screen.contains("Run diagnosis?"), "{screen}");
    assert_eq!(
        screen.matches("$ ").count(),
        1,
        "one $ for one command:\n{screen}"
    );
    assert!(
        screen.contains("    --dial-timeout"),
        "the continuation is indented:\n{screen}"
    );
    screen
}

#[test]
fn the_confirmation_at_80x24_and_200x60_shows_one_prompt_a_command() {
    insta::assert_snapshot!("confirmation_80x24", confirmation(80, 24));
    insta::assert_snapshot!("confirmation_200x60", confirmation(200, 60));
}

fn output(width: u16, height: u16) -> String {
    let mut state = state(width, height);
    key(&mut state, Key::plain(KeyCode::Tab));
    key(&mut state, Key::char('j'));
    key(&mut state, Key::plain(KeyCode::Enter));
    key(&mut state, Key::char('y'));
    let run = state.output.current().unwrap().id;
    let mut lines: Vec<String> = (1..=40)
        .map(|n| format!("member {n} is healthy, member {n} ok"))
        .collect();
    lines.push(format!("{}END", "x".repeat(300)));
    update(&mut state, Event::Output { run, lines });
    key(&mut state, Key::char('/'));
    for c in "member 3".chars() {
        key(&mut state, Key::char(c));
    }
    key(&mut state, Key::plain(KeyCode::Enter));
    key(&mut state, Key::char('G'));
    screen(&state, width, height)
}

#[test]
fn the_output_at_80x24_and_200x60_wraps_and_counts_every_hit() {
    let small = output(80, 24);
    assert!(
        small.contains("(22 matches…"),
        "a title too long for the pane ends with …:\n{small}"
    );
    assert!(small.contains("xEND"), "long lines wrap:\n{small}");
    assert!(
        small.contains("▲ 37 more"),
        "the lines above are counted:\n{small}"
    );
    insta::assert_snapshot!("output_80x24", small);
    let large = output(200, 60);
    assert!(large.contains("(22 matches on 11 lines)"), "{large}");
    insta::assert_snapshot!("output_200x60", large);
}

#[test]
fn a_long_alert_name_gives_way_to_help_in_the_status_bar() {
    for width in [60, 80] {
        let mut state = state(width, 24);
        update(
            &mut state,
            Event::OpenedFromAlert {
                name: "KubeAPIErrorBudgetBurnOnTheProductionControlPlane (critical)".into(),
                notice: "firing".into(),
                from_list: true,
            },
        );
        key(&mut state, Key::plain(KeyCode::Esc));
        let screen = screen(&state, width, 24);
        let status = screen.lines().last().unwrap().trim_end();
        assert!(status.ends_with("? help"), "{width} columns: {status:?}");
        assert!(
            status.contains("ALERT KubeAPI"),
            "the alert stays, cut: {status:?}"
        );
        assert!(status.contains('…'), "{status:?}");
    }
}

/// The text inside the dialog titled `title`, its rows joined by spaces,
/// so a sentence wrapped over rows can be found whole.
fn dialog_text(screen: &str, title: &str) -> String {
    let rows: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let top = rows
        .iter()
        .position(|r| r.iter().collect::<String>().contains(title))
        .unwrap_or_else(|| panic!("no dialog {title:?}:\n{screen}"));
    let left = rows[top].iter().position(|c| *c == '┌').unwrap();
    let right = left + rows[top][left..].iter().position(|c| *c == '┐').unwrap();
    let inside: Vec<String> = rows[top + 1..]
        .iter()
        .take_while(|r| r[left] != '└')
        .map(|r| r[left + 1..right].iter().collect::<String>())
        .collect();
    inside
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn what_the_panes_cut_shows_whole_with_i() {
    let mut state = state(80, 24);
    let error =
        "runbooks/etcd/etcd.md:14:3: unknown key `htp` in check `etcd` (did you mean `http`?)";
    update(
        &mut state,
        Event::ReloadFailed {
            error: error.into(),
        },
    );
    let before = screen(&state, 80, 24);
    let status = before.lines().last().unwrap();
    assert!(
        status.contains('…') && status.contains("i whole") && status.contains("? help"),
        "a cut status line says where it is whole: {status:?}"
    );
    assert!(!before.contains("(after a retry)"), "{before}");
    key(&mut state, Key::char('i'));
    let details = dialog_text(&screen(&state, 80, 24), "Details, whole");
    for whole in [
        "connection refused by 127.0.0.1:1 while asking for /health (after a retry)",
        "HTTP 503 from /readyz: etcd cluster is unavailable or misconfigured",
        "(did you mean `http`?) · showing the last good version",
    ] {
        assert!(
            details.contains(whole),
            "{whole:?} not whole in:\n{details}"
        );
    }
    // Any other key closes it, and nothing else happened.
    key(&mut state, Key::char('q'));
    assert_eq!(state.overlay, None);
    assert!(state.reload_error.is_some());
}

#[test]
fn a_check_id_too_long_for_the_health_pane_ends_with_an_ellipsis() {
    let text = PLAYBOOK.replace("id: api,", "id: payments-api-readiness-probe,");
    let parsed = opsdeck::playbook::parse(text.as_bytes(), opsdeck::playbook::Form::Markdown, "x");
    let playbook = parsed.playbook.unwrap();
    let mut state = State::new(playbook, "x.md".into(), Mode::Live);
    update(
        &mut state,
        Event::Resize {
            width: 80,
            height: 24,
        },
    );
    let screen = screen(&state, 80, 24);
    let row = screen
        .lines()
        .find(|l| l.contains("payments-api"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        row.contains("payments-api-read…│"),
        "cut with a sign: {row}"
    );
    assert!(screen.contains("i whole"), "{screen}");
}
