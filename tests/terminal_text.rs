//! Nothing but text reaches the responder's terminal from outside: command
//! output, the playbook's own text, and what health endpoints answer.

mod common;

use common::run_opsdeck_env;
use std::io::{Read, Write};
use std::net::TcpListener;

/// Every escape a hostile command or file might send: clipboard write (OSC
/// 52), title (OSC 0), hyperlink (OSC 8), screen clear and cursor moves, the
/// C1 CSI, a carriage return that rewrites the line, a bell.
const HOSTILE: &str = "\\033]52;c;cm0gLXJmIC8K\\007\\033]0;pwned\\033\\\\\\033]8;;http://x\\033\\\\\\033[2J\\033[1;1H\\302\\23331m\\r\\007";

fn contains_control(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c))
}

#[test]
fn command_output_and_dry_runs_carry_no_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let playbook = format!(
        "# T\n\n## S\n```sh {{id=noisy}}\nprintf 'ok{HOSTILE}\\033[31mred\\033[0m\\n'; printf '{HOSTILE}err\\n' >&2\n```\n\n```sh {{id=forged}}\necho safe \u{1b}[2K\u{1b}[1Gecho forged\n```\n"
    );
    std::fs::write(dir.path().join("pb.md"), playbook).unwrap();
    let data = dir.path().join("data").display().to_string();
    let envs = [("OPSDECK_DATA_DIR", data.as_str())];
    let out = run_opsdeck_env(dir.path(), ["exec", "pb.md", "noisy"], &envs);
    out.assert_exit(0);
    assert_eq!(
        out.stdout, "ok31mred\n",
        "colours go too when stdout is not a terminal"
    );
    assert!(out.stderr.contains("31merr"), "{}", out.stderr);
    assert!(!contains_control(&out.stdout) && !contains_control(&out.stderr));

    let dry = run_opsdeck_env(dir.path(), ["exec", "pb.md", "forged", "--dry-run"], &envs);
    dry.assert_exit(0);
    assert!(
        dry.stdout.contains("echo safe echo forged"),
        "{}",
        dry.stdout
    );
    assert!(!contains_control(&dry.stdout), "{:?}", dry.stdout);
}

/// A statuspage-shaped endpoint whose description is full of escapes.
fn hostile_statuspage() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/api/v2/status.json",
        listener.local_addr().unwrap()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let body = r#"{"status":{"indicator":"major","description":"Major \u001b]52;c;cm0gLXJmIC8K\u0007outage\u001b[2J"}}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn what_a_health_endpoint_answers_reaches_the_terminal_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let url = hostile_statuspage();
    let playbook = format!(
        "---\ntitle: T\nchecks:\n  - {{id: vendor, statuspage: \"{url}\", timeout: 2s}}\n---\n# T\n\n## S\nText.\n"
    );
    std::fs::write(dir.path().join("pb.md"), playbook).unwrap();
    let out = run_opsdeck_env(dir.path(), ["health", "pb.md", "--once"], &[]);
    out.assert_exit(2);
    assert!(out.stdout.contains("outage"), "{}", out.stdout);
    assert!(!contains_control(&out.stdout), "{:?}", out.stdout);
}

#[test]
fn output_files_keep_text_only() {
    let dir = tempfile::tempdir().unwrap();
    let playbook = "# T\n\n## S\n```sh {id=noisy}\nprintf 'ok\\r\\302\\23331mX\\033]0;t\\007\\033[1mbold\\033[0m\\n'\n```\n";
    std::fs::write(dir.path().join("pb.md"), playbook).unwrap();
    let data = dir.path().join("data");
    let data_text = data.display().to_string();
    run_opsdeck_env(
        dir.path(),
        ["exec", "pb.md", "noisy"],
        &[("OPSDECK_DATA_DIR", &data_text)],
    )
    .assert_exit(0);
    let incident = std::fs::read_dir(data.join("incidents"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let output = std::fs::read_dir(incident.join("output"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(output).unwrap();
    assert_eq!(text, "ok31mXbold\n");
}

#[test]
fn show_and_the_log_print_a_hostile_title_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let playbook = "---\ntitle: \"Calm \\e]0;pwned\\a\\e[2Jtitle\"\n---\n# T\n\n## S\n```sh {id=look}\necho hi\n```\n";
    std::fs::write(dir.path().join("pb.md"), playbook).unwrap();
    let data = dir.path().join("data").display().to_string();
    let envs = [("OPSDECK_DATA_DIR", data.as_str())];
    let show = run_opsdeck_env(dir.path(), ["show", "pb.md"], &envs);
    show.assert_exit(0);
    assert!(
        show.stdout.contains("Calm title") || show.stdout.contains("Calm "),
        "{}",
        show.stdout
    );
    assert!(!contains_control(&show.stdout), "{:?}", show.stdout);
    run_opsdeck_env(dir.path(), ["exec", "pb.md", "look"], &envs).assert_exit(0);
    let list = run_opsdeck_env(dir.path(), ["log", "list"], &envs);
    list.assert_exit(0);
    assert!(!contains_control(&list.stdout), "{:?}", list.stdout);
    let id = list
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let shown = run_opsdeck_env(dir.path(), ["log", "show", &id], &envs);
    shown.assert_exit(0);
    assert!(shown.stdout.contains("Calm"), "{}", shown.stdout);
    assert!(!contains_control(&shown.stdout), "{:?}", shown.stdout);
}
