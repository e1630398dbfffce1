//! Two opsdeck processes on one incident (the console in one terminal,
//! `opsdeck exec` in another, or two execs): every event of both is in the
//! log, each numbered once, and the chain still verifies.

mod common;

use std::path::Path;

const PLAYBOOK: &str =
    "---\ntitle: Shared\n---\n# Shared\n\n## Look\n```sh {id=look}\necho looked\n```\n";

fn exec(dir: &Path, data: &str) -> common::Output {
    common::run_opsdeck_env(
        dir,
        ["exec", "pb.md", "look"],
        &[("OPSDECK_DATA_DIR", data), ("OPSDECK_CONFIG", "/dev/null")],
    )
}

#[test]
fn two_processes_appending_at_once_keep_one_chain() {
    const RUNS_EACH: usize = 15;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pb.md"), PLAYBOOK).unwrap();
    let data = dir.path().join("data").display().to_string();
    // The incident both will resume.
    exec(dir.path(), &data).assert_exit(0);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                for _ in 0..RUNS_EACH {
                    exec(dir.path(), &data).assert_exit(0);
                }
            });
        }
    });
    let events = common::only_incident_events(&dir.path().join("data"));
    let records: Vec<serde_json::Value> = events
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let finished = records
        .iter()
        .filter(|r| r["kind"] == "command_finished")
        .count();
    assert_eq!(finished, 1 + 2 * RUNS_EACH, "events were lost:\n{events}");
    let seqs: Vec<u64> = records.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    let expected: Vec<u64> = (1..=seqs.len() as u64).collect();
    assert_eq!(seqs, expected, "each event numbered once, in order");
    let incidents: Vec<_> = std::fs::read_dir(dir.path().join("data/incidents"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(incidents.len(), 1, "both resumed the one open incident");
    let id = incidents[0].file_name().to_string_lossy().into_owned();
    let verify = common::run_opsdeck_env(
        dir.path(),
        ["log", "verify", &id],
        &[("OPSDECK_DATA_DIR", &data)],
    );
    assert!(
        verify.status.success(),
        "the chain broke: {}{}",
        verify.stdout,
        verify.stderr
    );
}

#[test]
fn a_line_torn_by_a_killed_writer_is_cut_before_the_next_append() {
    use opsdeck::incident::entry::Entry;
    use opsdeck::incident::redact::Redactor;
    use opsdeck::incident::store::IncidentLog;
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pb.md"), PLAYBOOK).unwrap();
    let data = dir.path().join("data").display().to_string();
    exec(dir.path(), &data).assert_exit(0);
    let incident = std::fs::read_dir(dir.path().join("data/incidents"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    // This writer resumed before the other one was killed mid-line.
    let mut log = IncidentLog::resume(&incident, Redactor::default()).unwrap();
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(incident.join("events.jsonl"))
        .unwrap();
    file.write_all(b"{\"seq\":99,\"kind\":\"note\",\"te")
        .unwrap();
    log.append(&Entry::Note {
        text: "after the torn line".into(),
    })
    .unwrap();
    let events = std::fs::read_to_string(incident.join("events.jsonl")).unwrap();
    assert!(
        !events.contains("\"seq\":99"),
        "the torn line stayed:\n{events}"
    );
    let id = incident.file_name().unwrap().to_string_lossy().into_owned();
    let verify = common::run_opsdeck_env(
        dir.path(),
        ["log", "verify", &id],
        &[("OPSDECK_DATA_DIR", &data)],
    );
    assert!(
        verify.status.success(),
        "{}{}",
        verify.stdout,
        verify.stderr
    );
}
