//! A log that notices loss: the chain head (last seq and hash) is kept beside
//! the events, so `opsdeck log verify` reports a cut end, a lost line or the
//! fragment of an acknowledged event, and `--head HASH` checks a log against a
//! hash kept elsewhere (the webhook's, an export's).

mod common;

use common::run_opsdeck_env;
use opsdeck::incident::head::{Head, HeadWriter};
use opsdeck::incident::redact::Redactor;
use opsdeck::incident::store::{EVENTS_FILE, GENESIS, chain_hash};
use opsdeck::incident::{Entry, IncidentLog, replay};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

struct Incident {
    _tmp: tempfile::TempDir,
    data: String,
    dir: PathBuf,
    id: String,
}

impl Incident {
    /// An incident of `events` events (opened + notes) under a fresh data dir.
    fn new(events: u64) -> Incident {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let opened = Entry::Opened {
            title: "Head".into(),
            playbook: "/playbooks/head.md".into(),
            playbook_sha256: "ab".repeat(32),
            version: "test".into(),
            drill: false,
        };
        let mut log =
            IncidentLog::create(&data.join("incidents"), "head", opened, Redactor::default())
                .unwrap();
        for n in 2..=events {
            assert_eq!(
                log.append(&Entry::Note {
                    text: format!("note {n}")
                })
                .unwrap(),
                n
            );
        }
        let dir = log.dir().to_path_buf();
        let id = log.id();
        Incident {
            _tmp: tmp,
            data: data.display().to_string(),
            dir,
            id,
        }
    }

    fn events(&self) -> PathBuf {
        self.dir.join(EVENTS_FILE)
    }

    fn lines(&self) -> Vec<String> {
        std::fs::read_to_string(self.events())
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn write_lines(&self, lines: &[String]) {
        std::fs::write(self.events(), lines.join("\n") + "\n").unwrap();
    }

    fn log(&self, args: &[&str]) -> common::Output {
        let mut all = vec!["log"];
        all.extend_from_slice(args);
        run_opsdeck_env(Path::new("."), all, &[("OPSDECK_DATA_DIR", &self.data)])
    }

    fn verify(&self) -> common::Output {
        self.log(&["verify", &self.id])
    }

    fn last_hash(&self) -> String {
        let replayed = replay(&self.events()).unwrap();
        replayed.records.last().unwrap().hash.clone()
    }
}

#[test]
fn an_intact_log_verifies_against_its_head() {
    let incident = Incident::new(31);
    let out = incident.verify();
    out.assert_exit(0);
    assert!(
        out.stdout.contains("hash chain intact over 31 events"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("head: seq 31"), "{}", out.stdout);
}

#[test]
fn a_cut_end_is_reported_with_how_many_events_are_missing() {
    let incident = Incident::new(31);
    let lines = incident.lines();
    incident.write_lines(&lines[..5]);
    let out = incident.verify();
    out.assert_exit(1);
    assert!(
        out.stdout
            .contains("the log ends at seq 5 but its head says 31: 26 events are missing"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_lost_last_line_is_one_missing_event() {
    let incident = Incident::new(31);
    let lines = incident.lines();
    incident.write_lines(&lines[..30]);
    let out = incident.verify();
    out.assert_exit(1);
    assert!(
        out.stdout
            .contains("the log ends at seq 30 but its head says 31: 1 event is missing"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_lost_line_in_the_middle_is_named() {
    let incident = Incident::new(31);
    let mut lines = incident.lines();
    lines.remove(9); // seq 10
    incident.write_lines(&lines);
    let out = incident.verify();
    out.assert_exit(1);
    assert!(
        out.stdout
            .contains("seq 9 is followed by seq 11: 1 event is missing"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_fragment_of_an_acknowledged_event_is_a_loss() {
    let incident = Incident::new(31);
    let text = std::fs::read_to_string(incident.events()).unwrap();
    // The last event was acknowledged (the head says 31); only half of it is left.
    let cut = text.len() - 40;
    std::fs::write(incident.events(), &text[..cut]).unwrap();
    let out = incident.verify();
    out.assert_exit(1);
    assert!(
        out.stdout
            .contains("the log ends at seq 30 but its head says 31: 1 event is missing"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("incomplete last line"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_torn_line_after_a_crash_is_reported_and_not_fatal() {
    let incident = Incident::new(31);
    // A write that never completed (nor was acknowledged): the head still says 31.
    let mut text = std::fs::read_to_string(incident.events()).unwrap();
    text.push_str("{\"seq\":32,\"kind\":\"no");
    std::fs::write(incident.events(), text).unwrap();
    let out = incident.verify();
    out.assert_exit(0);
    assert!(
        out.stderr.contains("line 32 is incomplete"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("hash chain intact over 31 events"),
        "{}",
        out.stdout
    );
    // And the log goes on after it.
    let mut resumed = IncidentLog::resume(&incident.dir, Redactor::default()).unwrap();
    assert_eq!(
        resumed.append(&Entry::Note { text: "on".into() }).unwrap(),
        32
    );
    incident.verify().assert_exit(0);
}

#[test]
fn deleting_the_head_of_a_log_that_kept_one_is_noticed() {
    let incident = Incident::new(10);
    std::fs::remove_file(incident.dir.join("head")).unwrap();
    let out = incident.verify();
    out.assert_exit(1);
    assert!(
        out.stdout.contains("head file is missing"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_garbage_head_is_reported_not_trusted() {
    let incident = Incident::new(3);
    std::fs::write(incident.dir.join("head"), vec![b'x'; 100_000]).unwrap();
    let out = incident.verify();
    out.assert_exit(1);
    assert!(out.stdout.contains("head"), "{}", out.stdout);
}

/// A log as opsdeck wrote it before it kept a head: no head file, no marker.
fn old_style_log(dir: &Path, events: u64) {
    std::fs::create_dir_all(dir).unwrap();
    let mut prev = GENESIS.to_string();
    let mut text = String::new();
    for seq in 1..=events {
        let mut record = Map::new();
        if seq == 1 {
            record.insert("kind".into(), "opened".into());
            record.insert("title".into(), "Old".into());
            record.insert("playbook".into(), "/old.md".into());
            record.insert("playbook_sha256".into(), "0".repeat(64).into());
            record.insert("version".into(), "0.0.9".into());
        } else {
            record.insert("kind".into(), "note".into());
            record.insert("text".into(), format!("note {seq}").into());
        }
        record.insert("seq".into(), seq.into());
        record.insert("ts".into(), "2026-01-01T00:00:00.000Z".into());
        record.insert("actor".into(), "old@host".into());
        record.insert("pid".into(), 1.into());
        record.insert("prev".into(), prev.clone().into());
        let hash = chain_hash(&record).unwrap();
        record.insert("hash".into(), hash.clone().into());
        prev = hash;
        text.push_str(&serde_json::to_string(&record).unwrap());
        text.push('\n');
    }
    std::fs::write(dir.join(EVENTS_FILE), text).unwrap();
}

#[test]
fn an_old_log_without_a_head_still_verifies_and_says_the_head_is_unknown() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    old_style_log(&data.join("incidents/20260101T000000Z-old"), 4);
    let data = data.display().to_string();
    let out = run_opsdeck_env(
        Path::new("."),
        ["log", "verify", "20260101T000000Z-old"],
        &[("OPSDECK_DATA_DIR", &data)],
    );
    out.assert_exit(0);
    assert!(
        out.stdout.contains("hash chain intact over 4 events"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("head unknown"), "{}", out.stdout);
}

#[test]
fn a_rewritten_chain_fails_against_a_head_kept_elsewhere() {
    let incident = Incident::new(6);
    let kept = incident.last_hash();
    incident
        .log(&["verify", &incident.id, "--head", &kept])
        .assert_exit(0);
    // Someone rewrites note 3 and recomputes every hash after it, head included.
    let mut prev = GENESIS.to_string();
    let mut lines = Vec::new();
    let mut last = (0, String::new());
    for line in incident.lines() {
        let Value::Object(mut record) = serde_json::from_str::<Value>(&line).unwrap() else {
            panic!()
        };
        record.remove("hash");
        if record["seq"] == 3 {
            record.insert("text".into(), "nothing happened here".into());
        }
        record.insert("prev".into(), prev.clone().into());
        let hash = chain_hash(&record).unwrap();
        record.insert("hash".into(), hash.clone().into());
        last = (record["seq"].as_u64().unwrap(), hash.clone());
        prev = hash;
        lines.push(serde_json::to_string(&record).unwrap());
    }
    incident.write_lines(&lines);
    HeadWriter::open(&incident.dir)
        .unwrap()
        .write(&Head {
            seq: last.0,
            hash: last.1,
        })
        .unwrap();
    // On its own the rewritten log looks fine...
    incident.verify().assert_exit(0);
    // ...but not against the hash the webhook or an export carried away.
    let out = incident.log(&["verify", &incident.id, "--head", &kept]);
    out.assert_exit(1);
    assert!(out.stdout.contains(&kept), "{}", out.stdout);
    assert!(out.stdout.contains("rewritten"), "{}", out.stdout);
    // A hash that is not one is refused, not compared.
    let out = incident.log(&["verify", &incident.id, "--head", "abc"]);
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn exports_carry_the_head_hash() {
    let incident = Incident::new(5);
    let hash = incident.last_hash();
    let md = incident.log(&["export", &incident.id]);
    md.assert_exit(0);
    assert!(md.stdout.contains(&hash), "{}", md.stdout);
    assert!(
        md.stdout.contains(&format!("--head {hash}")),
        "{}",
        md.stdout
    );
    let json = incident.log(&["export", &incident.id, "--format", "json"]);
    json.assert_exit(0);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["head"]["seq"], 5, "{doc}");
    assert_eq!(doc["head"]["hash"], hash.as_str(), "{doc}");

    // An export of a cut log says so.
    let lines = incident.lines();
    incident.write_lines(&lines[..2]);
    let md = incident.log(&["export", &incident.id]);
    assert!(md.stdout.contains("3 events are missing"), "{}", md.stdout);
    let json = incident.log(&["export", &incident.id, "--format", "json"]);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(
        doc["problems"].to_string().contains("3 events are missing"),
        "{doc}"
    );
}

#[test]
fn resuming_a_cut_log_keeps_the_loss_visible() {
    let incident = Incident::new(31);
    let lines = incident.lines();
    incident.write_lines(&lines[..5]);
    let mut resumed = IncidentLog::resume(&incident.dir, Redactor::default()).unwrap();
    resumed.append(&Entry::Note { text: "on".into() }).unwrap();
    drop(resumed);
    let out = incident.verify();
    out.assert_exit(1);
    assert!(
        out.stdout
            .contains("seq 5 is followed by seq 32: 26 events are missing"),
        "{}",
        out.stdout
    );
    // What was found is recorded in the log itself, once, however often it resumes.
    let mut again = IncidentLog::resume(&incident.dir, Redactor::default()).unwrap();
    again
        .append(&Entry::Note {
            text: "again".into(),
        })
        .unwrap();
    drop(again);
    let notes: Vec<String> = replay(&incident.events())
        .unwrap()
        .entries()
        .filter_map(|e| match e {
            Entry::Note { text } if text.contains("damaged") => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(notes[0].contains("26 events are missing"), "{notes:#?}");
}

#[test]
fn a_head_slot_torn_by_a_crash_falls_back_to_the_one_before() {
    let incident = Incident::new(10);
    let path = incident.dir.join("head");
    let mut bytes = std::fs::read(&path).unwrap();
    // Event 10's slot half rewritten, as a crash in the middle of it would.
    let slot = bytes.len() / 2;
    let at = if bytes[..slot].windows(9).any(|w| w == b"\"seq\":10,") {
        0
    } else {
        slot
    };
    for b in &mut bytes[at + 20..at + 60] {
        *b = b'0';
    }
    std::fs::write(&path, bytes).unwrap();
    let out = incident.verify();
    out.assert_exit(0);
    assert!(out.stdout.contains("head: seq 9"), "{}", out.stdout);
    assert!(
        out.stdout.contains("event 10 was written after the head"),
        "{}",
        out.stdout
    );
    // Both slots gone is no head at all.
    std::fs::write(&path, vec![b' '; 320]).unwrap();
    incident.verify().assert_exit(1);
}

#[test]
fn a_head_behind_the_log_after_a_power_cut_is_not_a_loss_but_a_cut_below_it_is() {
    // The head is made durable at checkpoints, so a power cut can leave it
    // behind the events (each synced on its own): nothing acknowledged is lost.
    let incident = Incident::new(10);
    let replayed = replay(&incident.events()).unwrap();
    let sixth = &replayed.records[5];
    std::fs::write(incident.dir.join("head"), b"").unwrap();
    HeadWriter::open(&incident.dir)
        .unwrap()
        .write(&Head {
            seq: sixth.seq,
            hash: sixth.hash.clone(),
        })
        .unwrap();
    let out = incident.verify();
    out.assert_exit(0);
    assert!(
        out.stdout
            .contains("the 4 events after seq 6 are not confirmed by the head"),
        "{}",
        out.stdout
    );
    // Cut below the head it is a loss again.
    let lines = incident.lines();
    incident.write_lines(&lines[..4]);
    let out = incident.verify();
    out.assert_exit(1);
    assert!(
        out.stdout
            .contains("the log ends at seq 4 but its head says 6: 2 events are missing"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_head_never_made_durable_is_said_and_not_a_loss() {
    // A power cut before the first checkpoint: the head file is empty (or zeros).
    let incident = Incident::new(3);
    for empty in [&b""[..], &[0u8; 320][..]] {
        std::fs::write(incident.dir.join("head"), empty).unwrap();
        let out = incident.verify();
        out.assert_exit(0);
        assert!(
            out.stdout.contains("the head was never made durable"),
            "{}",
            out.stdout
        );
    }
    // The writer picks it up from there.
    let mut resumed = IncidentLog::resume(&incident.dir, Redactor::default()).unwrap();
    assert_eq!(
        resumed.append(&Entry::Note { text: "on".into() }).unwrap(),
        4
    );
    drop(resumed);
    let out = incident.verify();
    out.assert_exit(0);
    assert!(out.stdout.contains("head: seq 4"), "{}", out.stdout);
}
