//! What the console sends to the terminal besides text, read back from tmux:
//! under `NO_COLOR` not one SGR colour code (only bold, dim, underline,
//! reverse), and with `mouse: false` in the config no mouse reporting is
//! switched on. Each is checked against the default, which does both; and an
//! explicit `--theme` still colours under `NO_COLOR`, as documented.
//! (`NO_COLOR` holds twice: the monochrome theme, and crossterm's own
//! `NO_COLOR` check when it writes a colour.)

mod claimed_support;
mod tmux_support;

use claimed_support::Workspace;
use tmux_support::Tmux;

/// A DOWN check and a remediation: the parts the colour themes paint.
fn playbook() -> String {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    format!(
        "---\ntitle: Colours\nchecks:\n  - {{id: api, tcp: \"{closed}\", interval: 1s}}\n---\n# Colours\n\n## Look\n```sh {{id=look}}\necho hi\n```\n\n```sh {{id=fix kind=remediate}}\nsystemctl restart shop\n```\n"
    )
}

/// The pane with its attributes as escape sequences (`capture-pane -e`).
fn styled(tmux: &Tmux) -> String {
    let out = tmux
        .cmd(&["capture-pane", "-e", "-p", "-t", "app"])
        .output()
        .expect("capture-pane");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every SGR sequence (`ESC [ params m`) in `text` that sets a colour.
fn colour_codes(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for piece in text.split("\x1b[").skip(1) {
        let Some(end) = piece.find(|c: char| !(c.is_ascii_digit() || c == ';' || c == ':')) else {
            continue;
        };
        if piece.as_bytes()[end] != b'm' {
            continue;
        }
        let params = &piece[..end];
        let colour = params.split([';', ':']).any(|p| {
            matches!(
                p.parse::<u16>(),
                Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)
            )
        });
        if colour {
            found.push(params.to_string());
        }
    }
    found
}

fn drawn_console(name: &str, ws: &Workspace, env: &str) -> Option<(Tmux, String)> {
    let tmux = Tmux::start(name, &ws.script(env, "open pb.md"))?;
    // The health check has been probed and the status bar's last word drawn.
    tmux.wait_for("✖ DOWN api");
    tmux.wait_for("q quit");
    let screen = styled(&tmux);
    Some((tmux, screen))
}

#[test]
fn no_color_leaves_no_colour_code_on_the_terminal() {
    let ws = Workspace::new(&playbook(), "mouse: true\n");
    let Some((tmux, coloured)) = drawn_console("colour", &ws, "") else {
        return;
    };
    assert!(
        !colour_codes(&coloured).is_empty(),
        "the default theme paints colours (so the check below can see them): {coloured:?}"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    drop(tmux);

    let Some((tmux, plain)) = drawn_console("nocolor", &ws, "NO_COLOR=1") else {
        return;
    };
    assert!(
        plain.contains("\x1b["),
        "attributes were captured: {plain:?}"
    );
    let codes = colour_codes(&plain);
    assert!(codes.is_empty(), "colour codes under NO_COLOR: {codes:?}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

fn mouse_modes(tmux: &Tmux) -> String {
    let out = tmux
        .cmd(&[
            "display-message",
            "-p",
            "-t",
            "app",
            "#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} #{mouse_standard_flag} #{mouse_sgr_flag}",
        ])
        .output()
        .expect("display-message");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn mouse_false_in_the_config_switches_no_mouse_reporting_on() {
    let ws = Workspace::new(&playbook(), "mouse: true\n");
    let Some((tmux, _)) = drawn_console("mouseon", &ws, "") else {
        return;
    };
    assert_ne!(
        mouse_modes(&tmux),
        "1 0 0 0 0",
        "by default the console asks for mouse reports"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    drop(tmux);

    let ws = Workspace::new(&playbook(), "mouse: false\n");
    let Some((tmux, _)) = drawn_console("mouseoff", &ws, "") else {
        return;
    };
    assert_eq!(
        mouse_modes(&tmux),
        "1 0 0 0 0",
        "on the alternate screen, with no mouse mode"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

#[test]
fn an_explicit_theme_overrides_no_color() {
    let ws = Workspace::new(&playbook(), "mouse: true\n");
    let tmux = Tmux::start(
        "themeflag",
        &ws.script("NO_COLOR=1", "open pb.md --theme dark"),
    );
    let Some(tmux) = tmux else {
        return;
    };
    tmux.wait_for("✖ DOWN api");
    tmux.wait_for("q quit");
    let screen = styled(&tmux);
    assert!(
        !colour_codes(&screen).is_empty(),
        "--theme dark chose colours, NO_COLOR notwithstanding: {screen:?}"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

#[test]
fn mouse_false_holds_in_the_picker_too() {
    let ws = Workspace::new(&playbook(), "mouse: false\n");
    let library = std::fs::canonicalize("tests/fixtures/library").unwrap();
    let env = format!("OPSDECK_PLAYBOOKS={}", library.display());
    let Some(tmux) = Tmux::start("pickermouse", &ws.script(&env, "")) else {
        return;
    };
    tmux.wait_for("4/4 playbooks, 1 invalid");
    assert_eq!(
        mouse_modes(&tmux),
        "1 0 0 0 0",
        "no mouse mode in the picker"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_for("EXIT=");
}
