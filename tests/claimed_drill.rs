//! `opsdeck drill` in a real terminal: the console opens on the outage, a
//! wrong turn and then the playbook's fix are run from it, and the summary
//! printed afterwards says the service recovered, what ran, which run was a
//! wrong turn and how many steps were marked; the log is marked as a drill.

mod claimed_support;
mod common;
mod tmux_support;

use claimed_support::Workspace;
use common::run_opsdeck_env;
use tmux_support::Tmux;

/// Runs the selected remediation of the drill's service `shop`.
fn run_remediation(tmux: &Tmux, prints: &str) {
    tmux.keys(&["Tab"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("REMEDIATION");
    tmux.keys(&["-l", "shop"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(prints);
}

#[test]
fn a_drill_is_solved_in_the_console_and_summed_up_with_its_wrong_turn() {
    let ws = Workspace::new("", "mouse: true\n");
    let Some(tmux) = Tmux::start("drill", &ws.script("", "drill bad-deploy")) else {
        return;
    };
    tmux.wait_for("Drill: the shop returns 500s");
    tmux.wait_for("✖ DOWN home");
    // A wrong turn: restarting the app keeps the bad release.
    tmux.keys(&["j", "j", "j", "j"]);
    tmux.wait_for("┌ Restart the app");
    run_remediation(&tmux, "app restarted (same release)");
    // The fix: the rollback, one step up.
    tmux.keys(&["h", "k"]);
    tmux.wait_for("┌ Roll back");
    run_remediation(&tmux, "rolled back to v41");
    tmux.wait_for("● up home");
    tmux.keys(&["h", "Space"]);
    tmux.wait_for("Steps 1/5");
    tmux.keys(&["q"]);
    let after = tmux.wait_for("EXIT=");
    assert!(after.contains("EXIT=0"), "{after}");
    for line in [
        "Drill `bad-deploy` finished: the service is HEALTHY again.",
        "time to recover: 0m",
        "steps marked:    1",
        "commands run:    2 (restart-app, rollback)",
        "wrong turns:     1 (restart-app: changed things without fixing the cause)",
        "The drill's incident log is marked as a drill",
    ] {
        assert!(
            after.contains(line),
            "{line:?} missing from the summary:\n{after}"
        );
    }

    let data = ws.data().display().to_string();
    let list = run_opsdeck_env(ws.path(), ["log", "list"], &[("OPSDECK_DATA_DIR", &data)]);
    list.assert_exit(0);
    assert!(
        list.stdout.contains("Drill: the shop returns 500s [drill]"),
        "{}",
        list.stdout
    );
}
