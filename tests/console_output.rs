//! The output pane read like `less`, through the real binary in tmux: a
//! scrolled view stays put while a command streams, `G` follows again,
//! search counts every hit, `w` toggles wrapping and ←/→ scroll sideways.

mod tmux_support;
use tmux_support::Tmux;

fn open(name: &str, command: &str) -> Option<(Tmux, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let playbook = dir.path().join("out.md");
    std::fs::write(
        &playbook,
        format!(
            "---\ntitle: Output\n---\n# Output\n\n## Print\n\n```sh {{id=print}}\n{command}\n```\n"
        ),
    )
    .unwrap();
    let script = format!(
        "OPSDECK_CONFIG=/dev/null OPSDECK_DATA_DIR={} {} open {}; echo EXIT=$?; sleep 30",
        dir.path().join("data").display(),
        env!("CARGO_BIN_EXE_opsdeck"),
        playbook.display()
    );
    let tmux = Tmux::start(name, &script)?;
    tmux.wait_for("[print]");
    tmux.keys(&["Tab", "Enter"]);
    tmux.wait_for("Run diagnosis?");
    tmux.keys(&["y"]);
    Some((tmux, dir))
}

/// The first row of the output pane's text.
fn output_top(screen: &str) -> String {
    let mut rows = screen.lines().skip_while(|l| !l.contains("Output ["));
    rows.nth(1)
        .unwrap_or_default()
        .trim_matches('│')
        .trim()
        .to_string()
}

/// `37` from `scrolled, 37 new lines`.
fn new_lines(screen: &str) -> u64 {
    screen
        .split("scrolled, ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_scrolled_view_stays_put_while_output_streams_and_g_follows_again() {
    let command = "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo \"line $i\"; sleep 0.01; done";
    let Some((tmux, _dir)) = open("output-stream", command) else {
        return;
    };
    tmux.wait_for("line 40");
    tmux.keys(&["Tab"]);
    tmux.keys(&["k", "k", "k"]);
    let scrolled = tmux.wait_for("scrolled");
    let top = output_top(&scrolled);
    assert!(top.starts_with("line "), "{scrolled}");
    let later = tmux.wait_until("30 new lines arrived below", |s| new_lines(s) >= 30);
    assert_eq!(
        output_top(&later),
        top,
        "the view moved while output streamed:\n{later}"
    );
    tmux.keys(&["G"]);
    let following = tmux.wait_until("G follows the tail", |s| {
        !s.contains("scrolled") && output_top(s) != top
    });
    assert!(following.contains("running"), "{following}");
    tmux.keys(&["C-c"]);
    tmux.wait_for("cancelled");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

#[test]
fn search_counts_every_hit_and_w_and_arrows_show_long_lines() {
    let command = "for i in $(seq 1 40); do echo \"line $i and line $i again\"; done; printf 'x%.0s' $(seq 1 300); echo END";
    let Some((tmux, _dir)) = open("output-search", command) else {
        return;
    };
    tmux.wait_for("exit 0");
    // Lines 3 and 30 to 39, each with two hits, most of them on screen.
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "line 3"]);
    tmux.keys(&["Enter"]);
    let found = tmux.wait_for("22 matches on 11 lines");
    assert!(
        found.contains("(22 matches on 11 lines)"),
        "the title counts them too: {found}"
    );

    // The search left focus on the output. Back at the tail, wrapped by
    // default: the end of the 303-column line is on screen.
    tmux.keys(&["G"]);
    tmux.wait_for("xEND");
    tmux.keys(&["w"]);
    let cut = tmux.wait_for("· no wrap");
    assert!(
        !cut.contains("xEND"),
        "without wrap the line runs off: {cut}"
    );
    assert!(cut.contains("x›│"), "and says so at the edge: {cut}");
    for _ in 0..6 {
        tmux.keys(&["Right"]);
    }
    let right = tmux.wait_for("xEND");
    assert!(right.contains("· no wrap, col"), "{right}");
    assert!(
        right.contains("│‹"),
        "the left edge says there is more: {right}"
    );
    for _ in 0..6 {
        tmux.keys(&["Left"]);
    }
    tmux.wait_until("back at the first column", |s| {
        s.contains("· no wrap") && !s.contains("· no wrap, col") && !s.contains("xEND")
    });
    tmux.keys(&["w"]);
    tmux.wait_until("wrapped again", |s| {
        s.contains("xEND") && !s.contains("· no wrap")
    });
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}
