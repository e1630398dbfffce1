//! Console features driven through the real binary in tmux: `--new-incident`,
//! `playbook_loaded` recorded on a reload, the webhook posting the console's
//! events, learn mode's explanations, a secret typed into a prompt shown as
//! dots and kept out of the log and the webhook, and the escalation overlay.

mod claimed_support;
mod tmux_support;

use claimed_support::Workspace;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tmux_support::Tmux;

const TWO_STEPS: &str =
    "---\ntitle: Two steps\n---\n# Two steps\n\n## First\nOne.\n\n## Second\nTwo.\n";

#[test]
fn new_incident_starts_a_second_incident_instead_of_resuming() {
    let ws = Workspace::new(TWO_STEPS, "mouse: true\n");
    let both = format!(
        "cd {} && {}; echo FIRST=$?; {}; echo EXIT=$?; sleep 30",
        ws.path().display(),
        ws.command("", "open pb.md"),
        ws.command("", "open pb.md --new-incident")
    );
    let Some(tmux) = Tmux::start("newincident", &both) else {
        return;
    };
    tmux.wait_for("Steps 0/2");
    tmux.keys(&["Space"]);
    tmux.wait_for("Steps 1/2");
    tmux.keys(&["q"]);
    let second = tmux.wait_for("Steps 0/2");
    assert!(
        !second.contains("resumed open incident"),
        "--new-incident resumed the open one: {second}"
    );
    tmux.keys(&["Space"]);
    tmux.wait_for("Steps 1/2");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    let incidents = ws.incidents();
    assert_eq!(incidents.len(), 2, "{incidents:?}");
    for dir in incidents {
        let events = std::fs::read_to_string(dir.join("events.jsonl")).unwrap();
        assert_eq!(
            events.matches("\"kind\":\"step_done\"").count(),
            1,
            "{events}"
        );
    }
}

fn sha256_of(path: &std::path::Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn a_reload_records_playbook_loaded_with_the_new_version_hash() {
    let ws = Workspace::new(TWO_STEPS, "mouse: true\n");
    let Some(tmux) = Tmux::start("loaded", &ws.script("", "open pb.md")) else {
        return;
    };
    tmux.wait_for("Steps 0/2");
    // Marking a step opens the incident.
    tmux.keys(&["Space"]);
    tmux.wait_for("Steps 1/2");
    let before = sha256_of(&ws.playbook());
    let tmp = ws.path().join(".pb.md.swp");
    std::fs::write(
        &tmp,
        TWO_STEPS.replace("## Second", "## Added\nNew.\n\n## Second"),
    )
    .unwrap();
    std::fs::rename(&tmp, ws.playbook()).unwrap();
    tmux.wait_for("Steps 1/3");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    let after = sha256_of(&ws.playbook());
    let events = ws.only_events();
    let loaded: Vec<&str> = events
        .lines()
        .filter(|l| l.contains("\"kind\":\"playbook_loaded\""))
        .collect();
    assert_eq!(loaded.len(), 1, "{events}");
    assert!(
        loaded[0].contains(&after),
        "the new version's hash: {}",
        loaded[0]
    );
    assert!(!loaded[0].contains(&before), "{}", loaded[0]);
    assert!(loaded[0].contains("pb.md"), "{}", loaded[0]);
}

/// A loopback webhook that keeps the body of every request it answers 200.
fn webhook() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            seen.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&body).into_owned());
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, bodies)
}

fn wait_for_post(bodies: &Arc<Mutex<Vec<String>>>, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let posted = bodies.lock().unwrap().join("\n");
        if posted.contains(text) {
            return posted;
        }
        assert!(Instant::now() < deadline, "{text} never posted: {posted}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_console_posts_its_events_to_the_webhook() {
    let (url, bodies) = webhook();
    let playbook = format!(
        "---\ntitle: Hooked\nnotify: {{webhook: \"{url}\"}}\n---\n# Hooked\n\n## Look\n```sh {{id=look}}\necho looked-here\n```\n"
    );
    let ws = Workspace::new(&playbook, "mouse: true\n");
    let Some(tmux) = Tmux::start("webhook", &ws.script("", "open pb.md")) else {
        return;
    };
    tmux.wait_for("[look]");
    tmux.keys(&["Tab"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Run diagnosis?");
    tmux.keys(&["y"]);
    tmux.wait_for("looked-here");
    let posted = wait_for_post(&bodies, "finished `look`");
    for what in ["incident opened: Hooked", "confirmed `look`"] {
        assert!(posted.contains(what), "{what} not posted: {posted}");
    }
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

#[test]
fn learn_mode_explains_each_command_and_check() {
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let playbook = format!(
        "---\ntitle: Learn\nservice: shop\nchecks:\n  - {{id: api, tcp: \"{closed}\", interval: 1s}}\n---\n# Learn\n\n## Look\n```sh {{id=look explain=\"Lists the spool directory.\"}}\nls /var/spool\n```\n\n```sh {{id=fix kind=remediate}}\nsystemctl restart shop\n```\n"
    );
    let ws = Workspace::new(&playbook, "mouse: true\n");
    let Some(tmux) = Tmux::start("learn", &ws.script("", "open pb.md --learn")) else {
        return;
    };
    let screen = tmux.wait_for("CHANGES things");
    assert!(screen.contains("LEARN"), "{screen}");
    assert!(screen.contains("ℹ Lists the spool directory."), "{screen}");
    assert!(
        screen.contains("ℹ runs `systemctl`; CHANGES things: "),
        "{screen}"
    );
    assert!(
        screen.contains("would run on local; reads only"),
        "{screen}"
    );
    assert!(
        screen.contains("in a real incident it asks for the target to be"),
        "{screen}"
    );
    // Whole, wrapped under its mark when the pane is narrower.
    tmux.wait_for("ℹ opens a TCP connection to");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");

    // Without --learn the same screen has no explanations.
    let plain = Workspace::new(&playbook, "mouse: true\n");
    let Some(tmux) = Tmux::start("nolearn", &plain.script("", "open pb.md")) else {
        return;
    };
    let screen = tmux.wait_for("[fix]");
    assert!(!screen.contains("ℹ"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

const SECRET: &str = "hunter2Zq9xW4secret";

#[test]
fn a_secret_typed_into_a_prompt_shows_as_dots_and_never_reaches_the_log() {
    let (url, bodies) = webhook();
    let playbook = format!(
        "---\ntitle: Secret\nnotify: {{webhook: \"{url}\"}}\nvariables:\n  token: {{secret: true, description: the API token}}\n---\n# Secret\n\n## Use\n```sh {{id=use}}\necho token-is {{{{token}}}}; printf %s {{{{token}}}} | wc -c\n```\n"
    );
    let ws = Workspace::new(&playbook, "mouse: true\n");
    let Some(tmux) = Tmux::start("secret", &ws.script("", "open pb.md")) else {
        return;
    };
    tmux.wait_for("[use]");
    tmux.keys(&["Tab"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Value for {{token}}");
    tmux.keys(&["-l", SECRET]);
    let dots = "•".repeat(SECRET.chars().count());
    let prompt = tmux.wait_for(&format!("> {dots}▏"));
    assert!(!prompt.contains(SECRET), "{prompt}");
    tmux.keys(&["Enter"]);
    let confirm = tmux.wait_for("Run diagnosis?");
    assert!(!confirm.contains(SECRET), "the confirmation: {confirm}");
    assert!(confirm.contains("•"), "shown as dots: {confirm}");
    tmux.keys(&["y"]);
    // The command got the value: its length is printed.
    tmux.wait_for(&format!("{}", SECRET.len()));
    tmux.wait_for("exit 0");
    wait_for_post(&bodies, "finished `use`");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");

    let written = ws.everything_written();
    assert!(
        written.contains("token-is"),
        "the output was recorded: {written}"
    );
    assert!(
        !written.contains(SECRET),
        "the secret reached the data dir: {written}"
    );
    let posted = bodies.lock().unwrap().join("\n");
    assert!(
        !posted.contains(SECRET),
        "the secret reached the webhook: {posted}"
    );
}

#[test]
fn e_opens_the_escalation_contacts_and_any_key_closes_them() {
    let playbook = "---\ntitle: Escalate\nescalation:\n  - {name: Web secondary, contact: \"#web-oncall on Slack\", after: 15m}\n  - {name: Database on-call, contact: \"+1 555 0142\", after: 30m}\n---\n# Escalate\n\n## First\nOne.\n\n## Second\nTwo.\n";
    let ws = Workspace::new(playbook, "mouse: true\n");
    let Some(tmux) = Tmux::start("escalation", &ws.script("", "open pb.md")) else {
        return;
    };
    tmux.wait_for("┌ First");
    tmux.keys(&["e"]);
    // The overlay may be captured half drawn: wait for its last line.
    let screen = tmux.wait_for("+1 555 0142");
    assert!(screen.contains(" Escalation "), "{screen}");
    assert!(screen.contains("1. Web secondary (after 15m)"), "{screen}");
    assert!(screen.contains("#web-oncall on Slack"), "{screen}");
    assert!(
        screen.contains("2. Database on-call (after 30m)"),
        "{screen}"
    );
    // Any key closes it and does nothing else.
    tmux.keys(&["j"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    let closed = loop {
        let screen = tmux.screen();
        if !screen.contains("+1 555 0142") {
            break screen;
        }
        assert!(Instant::now() < deadline, "the overlay stayed: {screen}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(closed.contains("┌ First"), "j only closed it: {closed}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}
