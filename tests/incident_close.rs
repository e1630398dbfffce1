//! Incidents end: `opsdeck log close`, the console's close key, and the
//! times a postmortem needs (detection, mitigation, resolution).

mod common;
mod tmux_support;

use common::run_opsdeck_env;
use opsdeck::incident::redact::Redactor;
use opsdeck::incident::store::EVENTS_FILE;
use opsdeck::incident::{Entry, IncidentLog, list, replay};
use std::path::Path;

fn opened() -> Entry {
    Entry::Opened {
        title: "Site down".into(),
        playbook: "/playbooks/site-down.md".into(),
        playbook_sha256: "ab".repeat(32),
        version: "test".into(),
        drill: false,
    }
}

fn confirmed(command: &str, changes: bool) -> Entry {
    Entry::CommandConfirmed {
        command: command.into(),
        resolved: format!("./{command}.sh"),
        hosts: vec!["local".into()],
        changes: changes.then(|| "restarts a service".into()),
        kube: None,
    }
}

fn health(to: &str) -> Entry {
    Entry::HealthChanged {
        check: "home".into(),
        from: "down".into(),
        to: to.into(),
        reason: "HTTP".into(),
    }
}

/// An incident under `data/incidents` with `entries` after `opened`.
fn incident(data: &Path, entries: &[Entry]) -> String {
    let mut log = IncidentLog::create(
        &data.join("incidents"),
        "Site down",
        opened(),
        Redactor::default(),
    )
    .unwrap();
    for entry in entries {
        log.append(entry).unwrap();
    }
    log.id()
}

fn opsdeck(data: &Path, args: &[&str]) -> common::Output {
    let data = data.display().to_string();
    run_opsdeck_env(&common::crate_root(), args, &[("OPSDECK_DATA_DIR", &data)])
}

fn events(data: &Path, id: &str) -> opsdeck::incident::Replay {
    replay(&data.join("incidents").join(id).join(EVENTS_FILE)).unwrap()
}

#[test]
fn log_close_records_who_when_summary_and_the_change_that_mitigated() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let id = incident(
        &data,
        &[
            Entry::Alert {
                alertname: "SiteDown".into(),
                fingerprint: "abc123".into(),
                starts_at: "2026-11-22T02:10:00.000Z".into(),
                labels: Default::default(),
                annotations: Default::default(),
            },
            confirmed("disk-usage", false),
            confirmed("restart-web", true),
            health("down"),
            confirmed("rollback", true),
            health("up"),
        ],
    );
    let out = opsdeck(
        &data,
        &["log", "close", &id, "--summary", "rolled back v42"],
    );
    out.assert_exit(0);
    assert!(
        out.stdout.contains("mitigated by `restart-web`"),
        "{}",
        out.stdout
    );

    let replayed = events(&data, &id);
    let last = replayed.records.last().unwrap();
    let confirmed_at = replayed.records[3].ts.clone();
    assert_eq!(
        last.entry,
        Some(Entry::Closed {
            summary: "rolled back v42".into(),
            mitigated_at: Some(confirmed_at.clone()),
            mitigated_by: Some("restart-web".into()),
        }),
        "the first change followed by recovery, not the diagnosis before it"
    );
    assert!(last.actor.contains('@'), "who closed it: {}", last.actor);

    let listed = opsdeck(&data, &["log", "list"]);
    listed.assert_exit(0);
    let line = listed.stdout.lines().find(|l| l.contains(&id)).unwrap();
    assert!(line.contains("closed"), "{line}");
    assert!(
        line.split_whitespace().any(|w| {
            let (days, hours) = w.split_once('d').unwrap_or_default();
            days.parse::<u64>().is_ok_and(|d| d >= 1) && hours.len() == 3 && hours.ends_with('h')
        }),
        "a duration of days, from the alert's start days ago: {line}"
    );

    let json = opsdeck(&data, &["log", "export", &id, "--format", "json"]);
    json.assert_exit(0);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["detected"], "2026-11-22T02:10:00.000Z");
    assert_eq!(doc["mitigated"], confirmed_at.as_str());
    assert_eq!(doc["resolved"], last.ts.as_str());
    assert_eq!(doc["closed"], true);

    let md = opsdeck(&data, &["log", "export", &id]);
    assert!(
        md.stdout.contains("- Detected: 2026-11-22T02:10:00.000Z"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains(&format!("- Mitigated: {confirmed_at} (`restart-web`)"))
    );
    assert!(md.stdout.contains(&format!("- Resolved: {}", last.ts)));
}

#[test]
fn a_closed_incident_is_never_resumed_and_cannot_be_closed_twice() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let id = incident(&data, &[]);
    let base = data.join("incidents");
    assert!(list::open_for(&base, "/playbooks/site-down.md").is_some());
    opsdeck(&data, &["log", "close", &id]).assert_exit(0);
    assert!(
        list::open_for(&base, "/playbooks/site-down.md").is_none(),
        "reopening the playbook starts a new incident"
    );
    let again = opsdeck(&data, &["log", "close", &id, "--summary", "twice"]);
    again.assert_exit(1);
    assert!(again.stderr.contains("already closed"), "{}", again.stderr);
    let closed = events(&data, &id)
        .entries()
        .filter(|e| matches!(e, Entry::Closed { .. }))
        .count();
    assert_eq!(closed, 1);
}

#[test]
fn no_mitigation_without_a_change_that_was_followed_by_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A change with no recovery after it, and a recovery after a mere diagnosis.
    let id = incident(
        &data,
        &[
            confirmed("restart-web", true),
            health("down"),
            confirmed("disk-usage", false),
        ],
    );
    opsdeck(&data, &["log", "close", &id, "--summary", "went away"]).assert_exit(0);
    let json = opsdeck(&data, &["log", "export", &id, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(doc["mitigated"].is_null(), "{}", json.stdout);
    let first = events(&data, &id).records[0].ts.clone();
    assert_eq!(doc["detected"], first.as_str(), "no alert: the first event");
}

#[test]
fn a_path_for_an_id_and_a_hostile_summary_are_refused_or_made_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let id = incident(&data, &[]);
    let out = opsdeck(&data, &["log", "close", "../../etc"]);
    out.assert_exit(1);
    assert!(out.stderr.contains("not an incident id"), "{}", out.stderr);

    let hostile = format!("fixed\x1b]0;pwned\x07 it{}", "x".repeat(10_000));
    opsdeck(&data, &["log", "close", &id, "--summary", &hostile]).assert_exit(0);
    let Some(Entry::Closed { summary, .. }) =
        events(&data, &id).records.last().unwrap().entry.clone()
    else {
        panic!("no closed event")
    };
    assert!(summary.chars().count() <= opsdeck::incident::close::MAX_SUMMARY_CHARS);
    let shown = opsdeck(&data, &["log", "show", &id]);
    assert!(
        !shown.stdout.contains('\x1b'),
        "no escape reaches the terminal"
    );
    assert!(
        shown.stdout.contains("incident closed: fixed"),
        "{}",
        shown.stdout
    );
}

#[test]
fn the_console_closes_its_incident_and_the_next_action_starts_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let open = format!(
        "OPSDECK_CONFIG=/dev/null OPSDECK_DATA_DIR={} {} open playbooks/site-down.md",
        data.display(),
        env!("CARGO_BIN_EXE_opsdeck")
    );
    let Some(tmux) =
        tmux_support::Tmux::start("close", &format!("{open}; {open}; echo EXIT=$?; sleep 30"))
    else {
        return;
    };
    tmux.wait_for("Steps 0/6");
    tmux.keys(&["Space"]);
    tmux.wait_for("Steps 1/6");
    tmux.keys(&["X"]);
    tmux.wait_for("CLOSE the incident");
    tmux.keys(&["-l", "rolled back"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("closed; anything recorded");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("Steps 0/6");
    assert!(!screen.contains("resumed open incident"), "{screen}");
    tmux.keys(&["Space"]);
    tmux.wait_for("Steps 1/6");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    let incidents = list::list(&data.join("incidents"));
    assert_eq!(incidents.len(), 2, "the closed one and a new one");
    assert_eq!(incidents.iter().filter(|s| s.closed).count(), 1);
}
