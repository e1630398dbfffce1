//! The real binary in a real terminal (tmux): open, move, help, quit, and the
//! terminal is restored afterwards, also when the console is killed by a signal.

use std::path::Path;
use std::process::Command;
use std::time::Duration;
use tmux_support::Tmux;

mod tmux_support;

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_opsdeck")
}

/// After the console exits, print its exit code and the terminal modes.
fn script(pid_file: &Path) -> String {
    format!(
        "sh -c 'echo $$ > {pid}; OPSDECK_DATA_DIR={data} exec {bin} open playbooks/site-down.md'; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; sleep 30",
        pid = pid_file.display(),
        data = pid_file.with_file_name("data").display(),
        bin = binary()
    )
}

fn assert_terminal_restored(screen: &str) {
    let modes = screen
        .lines()
        .find(|l| l.contains("icanon"))
        .unwrap_or_default();
    assert!(
        modes.split_whitespace().any(|m| m == "icanon"),
        "canonical mode not restored: {screen}"
    );
    assert!(
        modes.split_whitespace().any(|m| m == "echo"),
        "echo not restored: {screen}"
    );
}

#[test]
fn open_move_help_and_quit_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let Some(tmux) = Tmux::start("quit", &script(&pid_file)) else {
        return;
    };
    let screen = tmux.wait_for("Was there a recent deploy?");
    assert!(screen.contains("Steps 0/6"), "{screen}");
    assert!(screen.contains("LIVE"), "{screen}");

    tmux.keys(&["j"]);
    tmux.wait_for("┌ What kind of errors?");
    tmux.keys(&["Down"]);
    tmux.wait_for("┌ Is the database overloaded?");
    tmux.keys(&["?"]);
    // The overlay may be captured half drawn: wait for its last line.
    let help = tmux.wait_for("quit (asks first while a command runs)");
    assert!(help.contains("Keys"), "{help}");
    tmux.keys(&["Escape"]);
    // Sent at once, Esc and q would read as Alt-q.
    tmux.wait_until("Esc closes the help", |s| !s.contains("Keys (change them"));
    tmux.keys(&["q"]);
    let after = tmux.wait_for("icanon");
    assert!(after.contains("EXIT=0"), "{after}");
    assert_terminal_restored(&after);
}

#[test]
fn sigterm_sighup_and_sigint_restore_the_terminal() {
    for signal in ["TERM", "HUP", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let Some(tmux) = Tmux::start(&format!("sig{signal}"), &script(&pid_file)) else {
            return;
        };
        tmux.wait_for("Was there a recent deploy?");
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let status = Command::new("kill")
            .args([&format!("-{signal}"), pid.trim()])
            .status()
            .unwrap();
        assert!(status.success());
        let after = tmux.wait_for("icanon");
        assert!(
            !after.contains("EXIT=101"),
            "SIG{signal} ended in a panic: {after}"
        );
        assert_terminal_restored(&after);
    }
}

#[test]
fn a_command_runs_from_the_console_after_confirmation_and_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let playbook = dir.path().join("pb.md");
    std::fs::write(
        &playbook,
        "---\ntitle: E2E\nservice: shop\n---\n# E2E\n\n## Look\n```sh {id=greet}\necho hello-from-opsdeck\n```\n\n## Fix\n```sh {id=fix kind=remediate}\necho fixed-it\n```\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let script = format!(
        "OPSDECK_DATA_DIR={} {} open {}; echo EXIT=$?; sleep 30",
        data.display(),
        binary(),
        playbook.display()
    );
    let Some(tmux) = Tmux::start("run", &script) else {
        return;
    };
    tmux.wait_for("[greet]");
    tmux.keys(&["Tab"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Run diagnosis?");
    tmux.keys(&["y"]);
    tmux.wait_for("exit 0");
    let screen = tmux.wait_for("hello-from-opsdeck");
    assert!(screen.contains("Output [greet]"), "{screen}");

    // The remediation waits for its target to be typed.
    tmux.keys(&["h"]);
    tmux.keys(&["j"]);
    tmux.keys(&["Tab"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("REMEDIATION");
    tmux.keys(&["y"]);
    tmux.keys(&["Enter"]);
    std::thread::sleep(Duration::from_millis(300));
    let waiting = tmux.screen();
    assert!(
        !waiting.contains("Output [fix]"),
        "ran without the typed target: {waiting}"
    );
    assert!(
        waiting.contains("REMEDIATION"),
        "the dialog stays open: {waiting}"
    );
    tmux.keys(&["BSpace"]);
    tmux.keys(&["-l", "shop"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Output [fix]");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");

    let incidents: Vec<_> = std::fs::read_dir(data.join("incidents")).unwrap().collect();
    assert_eq!(incidents.len(), 1);
    let events =
        std::fs::read_to_string(incidents[0].as_ref().unwrap().path().join("events.jsonl"))
            .unwrap();
    assert_eq!(
        events.matches("\"kind\":\"command_finished\"").count(),
        2,
        "{events}"
    );
    assert!(events.contains("\"kind\":\"command_confirmed\""));
}

#[test]
fn reopening_a_playbook_resumes_its_open_incident_with_the_steps_progress() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let open = format!(
        "OPSDECK_DATA_DIR={} {} open playbooks/site-down.md",
        data.display(),
        binary()
    );
    let Some(tmux) = Tmux::start("resume", &format!("{open}; {open}; echo EXIT=$?; sleep 30"))
    else {
        return;
    };
    tmux.wait_for("Steps 0/6");
    tmux.keys(&["Space"]);
    tmux.keys(&["s"]);
    tmux.wait_for("Steps 2/6");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("resumed open incident");
    assert!(screen.contains("Steps 2/6"), "{screen}");
    assert!(
        screen.contains("▸  3."),
        "the first open step is selected: {screen}"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

/// A loopback HTTP server answering 200 to everything, for the health pane.
fn serve_ok() -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(500) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 2048];
            let _ = stream.read(&mut buf);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
    port
}

#[test]
fn the_health_pane_shows_live_status_of_real_endpoints() {
    let up = serve_ok();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let playbook = dir.path().join("h.md");
    std::fs::write(
        &playbook,
        format!(
            "---\ntitle: Health\nchecks:\n  - {{id: home, http: \"http://127.0.0.1:{up}/health\", interval: 1s}}\n  - {{id: api, tcp: \"127.0.0.1:{closed}\", interval: 1s}}\n---\n# Health\n\n## Look\nWatch the pane.\n"
        ),
    )
    .unwrap();
    let script = format!(
        "OPSDECK_DATA_DIR={} {} open {}; echo EXIT=$?; sleep 30",
        dir.path().join("data").display(),
        binary(),
        playbook.display()
    );
    let Some(tmux) = Tmux::start("health", &script) else {
        return;
    };
    tmux.wait_for("● up home");
    let screen = tmux.wait_for("✖ DOWN api");
    assert!(screen.contains("Health 1/2 up"), "{screen}");
    assert!(screen.contains("HTTP 200"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

/// Bare `opsdeck` in an empty directory, with the fixture library only.
fn picker_script(dir: &Path) -> String {
    let library = std::fs::canonicalize("tests/fixtures/library").unwrap();
    format!(
        "cd {dir} && XDG_CONFIG_HOME={dir} OPSDECK_CONFIG=/dev/null OPSDECK_DATA_DIR={dir}/data OPSDECK_PLAYBOOKS={lib} {bin}; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; sleep 30",
        dir = dir.display(),
        lib = library.display(),
        bin = binary()
    )
}

#[test]
fn the_picker_filters_as_you_type_enter_opens_the_console_and_q_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("picker", &picker_script(dir.path())) else {
        return;
    };
    let screen = tmux.wait_for("4/4 playbooks, 1 invalid");
    assert!(screen.contains("Order queue backlog"), "{screen}");
    tmux.keys(&["-l", "disk"]);
    let screen = tmux.wait_for("1/4 playbooks");
    assert!(screen.contains("How full is it?"), "preview: {screen}");
    tmux.keys(&["Enter"]);
    let console = tmux.wait_for("Steps 0/2");
    assert!(console.contains("disk-full.md"), "{console}");
    assert!(console.contains("q back"), "{console}");
    // `q` in the console goes back to the list, the playbook still selected;
    // `q` there ends both.
    tmux.keys(&["q"]);
    let list = tmux.wait_for("4/4 playbooks, 1 invalid");
    assert!(!list.contains("EXIT="), "{list}");
    assert!(
        list.contains("How full is it?"),
        "the same playbook selected: {list}"
    );
    tmux.keys(&["q"]);
    let after = tmux.wait_for("icanon");
    assert!(after.contains("EXIT=0"), "{after}");
    assert_terminal_restored(&after);
}

#[test]
fn an_edited_playbook_reloads_in_place_and_a_broken_one_keeps_the_last_good_version() {
    let dir = tempfile::tempdir().unwrap();
    let playbook = dir.path().join("live.md");
    let v1 = "---\ntitle: Live\n---\n# Live\n\n## First\nOne.\n\n## Second\nTwo.\n";
    std::fs::write(&playbook, v1).unwrap();
    let script = format!(
        "OPSDECK_CONFIG=/dev/null OPSDECK_DATA_DIR={} {} open {}; echo EXIT=$?; sleep 30",
        dir.path().join("data").display(),
        binary(),
        playbook.display()
    );
    let Some(tmux) = Tmux::start("reload", &script) else {
        return;
    };
    tmux.wait_for("Steps 0/2");
    tmux.keys(&["j"]);
    tmux.wait_for("┌ Second");
    // Saved the way editors do: a new file renamed over the old one.
    let replace = |text: &str| {
        let tmp = dir.path().join(".live.md.swp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &playbook).unwrap();
    };
    replace(&v1.replace("## First", "## Zeroth\nNew.\n\n## First"));
    let screen = tmux.wait_for("Zeroth");
    assert!(screen.contains("┌ Second"), "still on Second: {screen}");
    assert!(screen.contains("Steps 0/3"), "{screen}");
    replace("---\ntitle: [Live\n---\n# Live\n");
    let screen = tmux.wait_for("showing the last good version");
    assert!(screen.contains("live.md:2:"), "{screen}");
    assert!(screen.contains("Zeroth"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

impl Tmux {
    /// A tmux format of the pane, e.g. `#{alternate_on}`.
    fn pane_format(&self, format: &str) -> String {
        let output = self
            .cmd(&["display-message", "-p", "-t", "app", format])
            .output()
            .expect("display-message");
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }
}

#[test]
fn a_click_selects_a_step_and_mouse_reporting_ends_with_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let Some(tmux) = Tmux::start("mouse", &script(&pid_file)) else {
        return;
    };
    tmux.wait_for("Was there a recent deploy?");
    let modes = "#{alternate_on} #{mouse_sgr_flag} #{mouse_any_flag}";
    assert_eq!(
        tmux.pane_format(modes),
        "1 1 1",
        "console: mouse reporting on"
    );
    // An SGR mouse press and release on the third step (column 10, row 5;
    // 1-based): the selected first step's title takes two rows.
    tmux.keys(&["-l", "\x1b[<0;10;5M\x1b[<0;10;5m"]);
    tmux.wait_for("┌ Is the database overloaded?");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    assert_eq!(tmux.pane_format(modes), "0 0 0", "terminal restored");
}

#[test]
fn a_panic_restores_the_terminal_and_mouse_reporting() {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        "RUST_BACKTRACE=0 OPSDECK_PANIC_AFTER_DRAW=1 OPSDECK_CONFIG=/dev/null OPSDECK_DATA_DIR={} {} open playbooks/site-down.md; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; sleep 30",
        dir.path().join("data").display(),
        binary()
    );
    let Some(tmux) = Tmux::start("panic", &script) else {
        return;
    };
    let after = tmux.wait_for("icanon");
    assert!(after.contains("EXIT=101"), "the hook panicked: {after}");
    assert!(
        after.contains("test panic after the first frame"),
        "{after}"
    );
    assert_terminal_restored(&after);
    assert_eq!(
        tmux.pane_format("#{alternate_on} #{mouse_sgr_flag} #{mouse_any_flag}"),
        "0 0 0",
        "alternate screen and mouse reporting off"
    );
}

#[test]
fn an_unwritable_data_dir_is_said_at_start_and_the_console_works() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let script = format!(
        "OPSDECK_CONFIG=/dev/null OPSDECK_DATA_DIR={}/data {} open playbooks/site-down.md; echo EXIT=$?; sleep 30",
        blocker.display(),
        binary()
    );
    let Some(tmux) = Tmux::start("unwritable", &script) else {
        return;
    };
    tmux.wait_for("INCIDENT LOG NOT WRITABLE");
    tmux.keys(&["j"]);
    tmux.wait_for("┌ What kind of errors?");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}
