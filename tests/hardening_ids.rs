//! `opsdeck log show|verify|export` take an incident id from the data dir
//! only: paths, `..`, absolute paths and symlinks out of it are refused.

mod common;

use common::run_opsdeck_env;
use opsdeck::incident::redact::Redactor;
use opsdeck::incident::{Entry, IncidentLog};
use std::path::Path;

fn opened(title: &str) -> Entry {
    Entry::Opened {
        title: title.into(),
        playbook: "/playbooks/x.md".into(),
        playbook_sha256: "ab".repeat(32),
        version: "test".into(),
        drill: false,
    }
}

#[test]
fn ids_that_are_paths_are_refused_for_every_log_command() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let inside = IncidentLog::create(
        &data.join("incidents"),
        "inside",
        opened("inside"),
        Redactor::default(),
    )
    .unwrap();
    // A log outside the data dir, which no id may reach.
    let outside = IncidentLog::create(
        &tmp.path().join("elsewhere"),
        "OUTSIDE-SECRET",
        opened("OUTSIDE-SECRET"),
        Redactor::default(),
    )
    .unwrap();
    let outside_id = outside.id();
    std::os::unix::fs::symlink(outside.dir(), data.join("incidents/planted")).unwrap();
    let data = data.display().to_string();
    let hostile = [
        format!("../../elsewhere/{outside_id}"),
        format!("../elsewhere/{outside_id}"),
        outside.dir().display().to_string(),
        inside.dir().display().to_string(),
        format!("{}/../{}", inside.id(), inside.id()),
        "..".to_string(),
        ".".to_string(),
        String::new(),
        "planted".to_string(),
        "/".to_string(),
    ];
    for id in &hostile {
        for args in [
            vec!["log", "show", id],
            vec!["log", "verify", id],
            vec!["log", "export", id],
            vec!["log", "export", id, "--format", "json"],
        ] {
            let out = run_opsdeck_env(Path::new("."), &args, &[("OPSDECK_DATA_DIR", &data)]);
            assert_ne!(
                out.status.code(),
                Some(0),
                "{args:?} was accepted:\n{}",
                out.stdout
            );
            assert!(
                !out.stdout.contains("OUTSIDE-SECRET"),
                "{args:?} read a log outside the data dir:\n{}",
                out.stdout
            );
            assert!(
                out.stderr.contains("opsdeck log list"),
                "{args:?}: the error says how to see ids:\n{}",
                out.stderr
            );
        }
    }
    // A path-like id gets a message that says why, not just "no incident".
    let out = run_opsdeck_env(
        Path::new("."),
        ["log", "show", "../../x"],
        &[("OPSDECK_DATA_DIR", &data)],
    );
    assert!(out.stderr.contains("not an incident id"), "{}", out.stderr);
    // The real id, and a unique prefix of it, still work.
    let id = inside.id();
    for given in [id.as_str(), &id[..12]] {
        run_opsdeck_env(
            Path::new("."),
            ["log", "show", given],
            &[("OPSDECK_DATA_DIR", &data)],
        )
        .assert_exit(0);
    }
    // `log list` does not list the planted symlink either.
    let list = run_opsdeck_env(
        Path::new("."),
        ["log", "list"],
        &[("OPSDECK_DATA_DIR", &data)],
    );
    assert!(!list.stdout.contains("OUTSIDE-SECRET"), "{}", list.stdout);
}
