//! Keys through the real binary in tmux, at the sizes responders use:
//! j/k always move, Esc and q close overlays and quit only from the main
//! view, and the status bar always ends with `? help`.

mod tmux_support;
use tmux_support::Tmux;

fn open(name: &str, playbook: &str, width: u16, height: u16) -> Option<(Tmux, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        "OPSDECK_CONFIG=/dev/null OPSDECK_DATA_DIR={} {} open {playbook}; echo EXIT=$?; sleep 30",
        dir.path().join("data").display(),
        env!("CARGO_BIN_EXE_opsdeck"),
    );
    let tmux = Tmux::start_sized(name, &script, width, height)?;
    tmux.wait_for("Steps 0/6");
    Some((tmux, dir))
}

/// The reproduction: at 80x24, paging the step text from the step
/// list and then walking its commands left `k` stuck on the last one.
#[test]
fn j_and_k_always_move_in_the_step_text_after_paging_it() {
    let Some((tmux, _dir)) = open("keys-stuck", "playbooks/site-down.md", 80, 24) else {
        return;
    };
    tmux.keys(&["j"]);
    tmux.wait_for("┌ What kind of errors?");
    for key in ["PgDn", "PgDn", "Tab", "j", "j"] {
        tmux.keys(&[key]);
    }
    tmux.wait_for("▶ [app-journal]");
    tmux.keys(&["k"]);
    tmux.wait_for("▶ [nginx-errors]");
    tmux.keys(&["Up"]);
    tmux.wait_for("▶ [status-code]");
    // Above the first command, k scrolls back to the top of the text.
    for _ in 0..40 {
        tmux.keys(&["k"]);
    }
    tmux.wait_for("│Find out what users actually get.");
    // And down again to the end, where k moves at once.
    for _ in 0..40 {
        tmux.keys(&["j"]);
    }
    tmux.wait_for("▶ [app-journal]");
    tmux.keys(&["k"]);
    tmux.wait_for("▶ [nginx-errors]");
}

#[test]
fn esc_and_q_close_any_overlay_and_quit_only_from_the_main_view() {
    let Some((tmux, _dir)) = open("keys-overlays", "playbooks/site-down.md", 80, 24) else {
        return;
    };
    for (open, title, close) in [
        ("?", "Keys (change them", "q"),
        ("?", "Keys (change them", "Escape"),
        ("e", "Escalation", "q"),
        ("e", "Escalation", "Escape"),
    ] {
        tmux.keys(&[open]);
        let shown = tmux.wait_for(title);
        if open == "?" {
            // Every row of the help fits 80×24, the last one included.
            tmux.wait_for("Shift-drag selects text");
            assert!(shown.contains("Keys (change them"), "{shown}");
        }
        tmux.keys(&[close]);
        let after = tmux.wait_until(&format!("{close} closes {title}"), |s| !s.contains(title));
        assert!(
            after.contains("Steps 0/6") && !after.contains("EXIT="),
            "{close} in {title} left the console: {after}"
        );
    }
    tmux.keys(&["Escape"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !tmux.screen().contains("EXIT="),
        "Esc in the main view quit"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

/// At every width the bar ends with `? help`; hints that do not fit are
/// left out whole, and a long path is cut from its start with `…`.
#[test]
fn the_status_bar_always_shows_help_and_never_cuts_a_hint() {
    let deep = tempfile::tempdir().unwrap();
    let dir = deep
        .path()
        .join("runbooks/of/the/platform/team/that/keeps/them/in/a/deep/tree");
    std::fs::create_dir_all(&dir).unwrap();
    let long = dir.join("site-down.md");
    std::fs::copy("playbooks/site-down.md", &long).unwrap();
    let long = long.display().to_string();
    let whole = ["Enter run", "q quit", "space done", "n note", "e escalate"];
    for (n, (width, path)) in [
        (80, "playbooks/site-down.md"),
        (80, long.as_str()),
        (120, "playbooks/site-down.md"),
        (120, long.as_str()),
        (200, long.as_str()),
    ]
    .into_iter()
    .enumerate()
    {
        // A server of its own each: a killed one may linger a moment.
        let Some((tmux, _dir)) = open(&format!("keys-status-{n}"), path, width, 24) else {
            return;
        };
        let screen = tmux.wait_until("the clock shows", |s| s.contains(" UTC"));
        let status = Tmux::status_line(&screen).trim_end();
        assert!(
            status.ends_with("? help"),
            "{width} columns, {path}: no `? help` at the end of {status:?}"
        );
        // Each hint is whole or absent: none is cut to its key.
        let keys = status.rsplit(" UTC").next().unwrap();
        for word in keys.split("  ").map(str::trim).filter(|w| !w.is_empty()) {
            assert!(
                whole.contains(&word) || word == "? help",
                "{width} columns: a cut hint {word:?} in {status:?}"
            );
        }
        assert!(status.contains("Enter run"), "{status:?}");
        if path == long && width == 120 {
            assert!(
                status.contains("…"),
                "the long path is cut with …: {status:?}"
            );
            assert!(
                status.contains("site-down.md"),
                "its file name stays: {status:?}"
            );
        }
        if width == 200 {
            for hint in whole {
                assert!(
                    status.contains(hint),
                    "{hint} missing at 200 columns: {status:?}"
                );
            }
        }
    }
}
