//! The data directory is private by default: directories are created 0700 and
//! files 0600 even under a umask that would leave them open, and a data
//! directory that others can write to is refused with the fix.

mod common;
mod tmux_support;

use opsdeck::incident::redact::Redactor;
use opsdeck::incident::{Entry, IncidentLog};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const PLAYBOOK: &str = "# Private\n\n## Look\n```sh {id=look}\necho looked\n```\n";

fn opened() -> Entry {
    Entry::Opened {
        title: "private".into(),
        playbook: "/playbooks/private.md".into(),
        playbook_sha256: "ab".repeat(32),
        version: "test".into(),
        drill: false,
    }
}

/// `opsdeck exec pb.md look` under `umask 000`, so whatever opsdeck does not
/// create with an explicit mode comes out 0777/0666.
fn exec_with_open_umask(dir: &Path, data: &Path) -> std::process::Output {
    std::fs::write(dir.join("pb.md"), PLAYBOOK).unwrap();
    let output = Command::new("sh")
        .args(["-c", "umask 000; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["exec", "pb.md", "look"])
        .current_dir(dir)
        .env("OPSDECK_DATA_DIR", data)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        out.push(path.clone());
        if std::fs::symlink_metadata(&path).unwrap().is_dir() {
            walk(&path, out);
        }
    }
}

#[test]
fn the_data_dir_and_everything_in_it_is_created_private_whatever_the_umask() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    exec_with_open_umask(tmp.path(), &data);
    let mut everything = vec![data.clone()];
    walk(&data, &mut everything);
    assert!(
        everything.iter().any(|p| p.ends_with("events.jsonl")),
        "an incident was recorded: {everything:?}"
    );
    let mut wrong = Vec::new();
    for path in &everything {
        // Output files are created by store_output.rs (see the next test).
        if path.parent().is_some_and(|p| p.ends_with("output")) {
            continue;
        }
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        if mode(path) != want {
            wrong.push(format!(
                "{} is {:o}, not {want:o}",
                path.display(),
                mode(path)
            ));
        }
    }
    assert!(wrong.is_empty(), "not private:\n{}", wrong.join("\n"));
}

#[test]
fn output_files_are_created_0600_whatever_the_umask() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    exec_with_open_umask(tmp.path(), &data);
    let mut everything = Vec::new();
    walk(&data, &mut everything);
    let outputs: Vec<&PathBuf> = everything
        .iter()
        .filter(|p| p.parent().is_some_and(|p| p.ends_with("output")))
        .collect();
    assert!(!outputs.is_empty(), "{everything:?}");
    for path in outputs {
        assert_eq!(format!("{:o}", mode(path)), "600", "{}", path.display());
    }
}

#[test]
fn a_data_dir_others_can_write_to_is_refused_with_the_fix() {
    for (which, perms) in [("data", 0o777), ("data", 0o770), ("incidents", 0o757)] {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let incidents = data.join("incidents");
        std::fs::create_dir_all(&incidents).unwrap();
        let exposed = if which == "data" { &data } else { &incidents };
        std::fs::set_permissions(exposed, std::fs::Permissions::from_mode(perms)).unwrap();
        std::fs::write(tmp.path().join("pb.md"), PLAYBOOK).unwrap();
        let data_text = data.display().to_string();
        let out = common::run_opsdeck_env(
            tmp.path(),
            ["exec", "pb.md", "look"],
            &[("OPSDECK_DATA_DIR", &data_text)],
        );
        // The command still runs (as with any unwritable data dir), unrecorded.
        out.assert_exit(0);
        let shown = exposed.display().to_string();
        for what in [
            "cannot start the incident log",
            &format!("{shown} is writable by"),
            &format!("chmod 700 {shown}"),
        ] {
            assert!(
                out.stderr.contains(what),
                "{which} {perms:o}: `{what}` not said:\n{}",
                out.stderr
            );
        }
        let recorded = std::fs::read_dir(&incidents).unwrap().count();
        assert_eq!(recorded, 0, "{which} {perms:o}: nothing is written there");
    }
}

#[test]
fn the_library_refuses_an_exposed_incidents_dir_too() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("data/incidents");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::set_permissions(
        tmp.path().join("data"),
        std::fs::Permissions::from_mode(0o777),
    )
    .unwrap();
    let Err(err) = IncidentLog::create(&base, "x", opened(), Redactor::default()) else {
        panic!("an incident was started in a world-writable data dir");
    };
    let text = err.to_string();
    assert!(text.contains("writable by"), "{text}");
    assert!(text.contains("chmod 700"), "{text}");

    // A new data dir is made 0700, parents included.
    let fresh = tmp.path().join("fresh/deeper/incidents");
    let log = IncidentLog::create(&fresh, "x", opened(), Redactor::default()).unwrap();
    for dir in [
        tmp.path().join("fresh"),
        tmp.path().join("fresh/deeper"),
        fresh.clone(),
        log.dir().to_path_buf(),
    ] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
}

#[test]
fn a_symlinked_events_file_is_not_appended_through_on_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("incidents");
    let log = IncidentLog::create(&base, "x", opened(), Redactor::default()).unwrap();
    let dir = log.dir().to_path_buf();
    drop(log);
    let events = dir.join("events.jsonl");
    let elsewhere = tmp.path().join("elsewhere.jsonl");
    std::fs::rename(&events, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &events).unwrap();
    let before = std::fs::read(&elsewhere).unwrap();
    let resumed = IncidentLog::resume(&dir, Redactor::default());
    if let Ok(mut resumed) = resumed {
        let _ = resumed.append(&Entry::Note { text: "x".into() });
    }
    assert_eq!(
        std::fs::read(&elsewhere).unwrap(),
        before,
        "written through a symlink"
    );
}

#[test]
fn the_console_opened_first_creates_the_data_dir_private() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pb.md"), "# T\n\n## S\nText.\n").unwrap();
    let data = dir.path().join("data");
    let script = format!(
        "umask 000; OPSDECK_DATA_DIR={} {} open {}; sleep 30",
        data.display(),
        env!("CARGO_BIN_EXE_opsdeck"),
        dir.path().join("pb.md").display()
    );
    let Some(tmux) = tmux_support::Tmux::start("console-private", &script) else {
        return;
    };
    tmux.wait_for("Steps");
    for path in [data.clone(), data.join("incidents")] {
        assert_eq!(mode(&path), 0o700, "{} is not private", path.display());
    }
    tmux.keys(&["q"]);
}
