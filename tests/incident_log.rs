//! The incident log under stress: SIGKILL at random moments, tampering,
//! torn lines, resume, and the postmortem export.

use opsdeck::incident::redact::Redactor;
use opsdeck::incident::store::EVENTS_FILE;
use opsdeck::incident::{Entry, IncidentLog, list, replay};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn opened(title: &str) -> Entry {
    Entry::Opened {
        title: title.into(),
        playbook: "/playbooks/site-down.md".into(),
        playbook_sha256: "ab".repeat(32),
        version: "test".into(),
        drill: false,
    }
}

fn note(n: u64) -> Entry {
    Entry::Note {
        text: format!("note number {n}\nsecond line"),
    }
}

/// Not a test on its own: the writer that `every_acknowledged_event_survives_sigkill`
/// starts as a child process and kills.
#[test]
#[ignore = "child process of the SIGKILL crash test"]
fn crash_child_writer() {
    let Ok(base) = std::env::var("OPSDECK_CRASH_CHILD") else {
        return;
    };
    let mut log = IncidentLog::create(
        Path::new(&base),
        "crash",
        opened("crash"),
        Redactor::default(),
    )
    .unwrap();
    println!("DIR {}", log.dir().display());
    for n in 0..100_000 {
        let seq = log.append(&note(n)).unwrap();
        // Printed only after append returned, i.e. after fsync.
        println!("ACK {seq}");
    }
}

/// One SIGKILL of the writer child: the incident dir and the last sequence
/// number it acknowledged (printed only after `append` returned), or `None`
/// when it died before the log existed.
fn kill_a_writer(base: &Path) -> Option<(String, u64)> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "crash_child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("OPSDECK_CRASH_CHILD", base)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (first_ack_tx, first_ack) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut dir = None;
        let mut last_ack = 0u64;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            // libtest prints `test crash_child_writer ... ` before it.
            if let Some((_, d)) = line.split_once("DIR ") {
                dir = Some(d.to_string());
            } else if let Some(seq) = line.strip_prefix("ACK ") {
                last_ack = seq.parse().unwrap();
                let _ = first_ack_tx.send(());
            }
        }
        dir.map(|d| (d, last_ack))
    });
    // Killed while it writes: after its first acknowledged append (bounded
    // wait), then a random moment later.
    let _ = first_ack.recv_timeout(Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(fastrand::u64(0..60)));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    reader.join().unwrap()
}

#[test]
fn every_acknowledged_event_survives_sigkill() {
    let runs = 30;
    let (mut killed_mid_write, mut torn_repaired, mut lost_and_said) = (0, 0, 0);
    for run in 0..runs {
        let base = tempfile::tempdir().unwrap();
        let (dir, last_ack) =
            kill_a_writer(base.path()).expect("the writer created its log before it was killed");
        killed_mid_write += usize::from(last_ack > 0);
        let events = Path::new(&dir).join(EVENTS_FILE);
        let replayed = replay(&events).unwrap();
        assert!(
            replayed.chain_break.is_none(),
            "run {run}: {:?}",
            replayed.chain_break
        );
        let on_disk = replayed.records.last().map_or(0, |r| r.seq);
        assert!(
            on_disk >= last_ack,
            "run {run}: acknowledged {last_ack}, only {on_disk} on disk"
        );
        let seqs: Vec<u64> = replayed.records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (1..=on_disk).collect::<Vec<_>>(), "run {run}: gaps");
        // A SIGKILL leaves whole writes in the page cache; a power cut can
        // also lose the end of the last write. Cut the file inside its last
        // line, as such a cut would, and the resume must repair it.
        // (A kill that itself left a fragment is that case already.)
        let kept = if replayed.torn_tail.is_some() {
            on_disk
        } else {
            let bytes = std::fs::read(&events).unwrap();
            let last_line_start = bytes[..bytes.len() - 1]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let cut = last_line_start + 1 + fastrand::usize(0..bytes.len() - last_line_start - 2);
            std::fs::write(&events, &bytes[..cut]).unwrap();
            let cut_replay = replay(&events).unwrap();
            assert!(cut_replay.torn_tail.is_some(), "run {run}: cut not seen");
            let kept = cut_replay.records.last().map_or(0, |r| r.seq);
            assert_eq!(kept + 1, on_disk, "run {run}: the cut took one event");
            kept
        };
        // The incident can always be resumed and appended to. An
        // acknowledged event that the cut took is said in a note, and no
        // acknowledged number is ever reused.
        let mut resumed = IncidentLog::resume(Path::new(&dir), Redactor::default()).unwrap();
        let appended = resumed.append(&note(0)).unwrap();
        assert!(
            appended > kept.max(last_ack),
            "run {run}: appended {appended} after {kept} kept, {last_ack} acknowledged"
        );
        let again = replay(&events).unwrap();
        if last_ack == on_disk && kept < on_disk {
            let said = again.entries().any(|e| {
                matches!(e, Entry::Note { text } if text.contains("damaged") && text.contains(&on_disk.to_string()))
            });
            assert!(said, "run {run}: no note says event {on_disk} was lost");
            lost_and_said += 1;
        }
        assert!(
            again.chain_break.is_none() && again.torn_tail.is_none(),
            "run {run} after resume"
        );
        torn_repaired += 1;
    }
    eprintln!(
        "crash test: {runs} runs, {killed_mid_write} killed after acknowledged writes, {torn_repaired} torn lines repaired, {lost_and_said} lost acknowledged events noted"
    );
    // Most kills land while the child is writing; if none did, the test
    // proved nothing about acknowledged events.
    assert!(
        killed_mid_write >= runs * 2 / 3,
        "only {killed_mid_write} of {runs} runs were killed mid-write"
    );
    assert_eq!(torn_repaired, runs);
}

#[test]
fn a_torn_last_line_is_reported_skipped_and_repaired_on_resume() {
    let base = tempfile::tempdir().unwrap();
    let mut log =
        IncidentLog::create(base.path(), "torn", opened("torn"), Redactor::default()).unwrap();
    log.append(&note(1)).unwrap();
    let dir = log.dir().to_path_buf();
    drop(log);
    let events = dir.join(EVENTS_FILE);
    let mut text = std::fs::read_to_string(&events).unwrap();
    text.push_str("{\"seq\":3,\"kind\":\"no");
    std::fs::write(&events, text).unwrap();
    let replayed = replay(&events).unwrap();
    assert_eq!(replayed.records.len(), 2);
    assert!(replayed.torn_tail.as_deref().unwrap().contains("line 3"));
    let mut resumed = IncidentLog::resume(&dir, Redactor::default()).unwrap();
    assert_eq!(resumed.append(&note(2)).unwrap(), 3);
    assert!(replay(&events).unwrap().chain_break.is_none());
}

#[test]
fn editing_or_removing_a_line_breaks_the_chain_at_that_line() {
    let base = tempfile::tempdir().unwrap();
    let mut log =
        IncidentLog::create(base.path(), "tamper", opened("tamper"), Redactor::default()).unwrap();
    for n in 1..=4 {
        log.append(&note(n)).unwrap();
    }
    let events = log.dir().join(EVENTS_FILE);
    let original = std::fs::read_to_string(&events).unwrap();
    let edited = original.replacen("note number 2", "note number 9", 1);
    std::fs::write(&events, &edited).unwrap();
    let (line, why) = replay(&events).unwrap().chain_break.unwrap();
    assert_eq!(line, 3, "{why}");
    assert!(why.contains("edited"), "{why}");

    let mut lines: Vec<&str> = original.lines().collect();
    lines.remove(2);
    std::fs::write(&events, lines.join("\n") + "\n").unwrap();
    let (line, why) = replay(&events).unwrap().chain_break.unwrap();
    assert_eq!(line, 3, "{why}");
}

#[test]
fn secrets_never_reach_events_or_output_files() {
    let base = tempfile::tempdir().unwrap();
    let redactor = Redactor::new(["hunter2-very-secret".to_string()]);
    let mut log = IncidentLog::create(base.path(), "secret", opened("secret"), redactor).unwrap();
    log.append(&Entry::CommandConfirmed {
        command: "login".into(),
        resolved: "psql 'password=hunter2-very-secret' -c 'select 1'".into(),
        hosts: vec!["db1".into()],
        changes: None,
        kube: None,
    })
    .unwrap();
    let mut output = log.output_file("login", "db1").unwrap();
    output
        .write_line("connected with hunter2-very-secret")
        .unwrap();
    output
        .write_line("Authorization: Bearer abcdefghijklmnop0123")
        .unwrap();
    output.finish().unwrap();
    let files = files_under(base.path());
    let all: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    // What was said is all there, with the secrets replaced where they stood:
    // an empty or missing file would not pass.
    for kept in [
        "psql 'password=[REDACTED]' -c 'select 1'",
        "connected with [REDACTED]",
        "Authorization: Bearer [REDACTED]",
    ] {
        assert!(all.contains(kept), "`{kept}` is missing from:\n{all}");
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains("hunter2"),
            "{} leaks the secret",
            file.display()
        );
        assert!(
            !text.contains("abcdefghijklmnop0123"),
            "{} leaks the token",
            file.display()
        );
    }
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_markdown_export_reads_as_a_postmortem() {
    let base = tempfile::tempdir().unwrap();
    let mut log = IncidentLog::create(
        base.path(),
        "Site down",
        opened("Site down"),
        Redactor::default(),
    )
    .unwrap();
    log.append(&Entry::HealthChanged {
        check: "home".into(),
        from: "up".into(),
        to: "down".into(),
        reason: "HTTP 502".into(),
    })
    .unwrap();
    log.append(&Entry::StepDone {
        step: "Was there a recent deploy?".into(),
    })
    .unwrap();
    log.append(&Entry::CommandFinished {
        command: "rollback".into(),
        host: "web1.internal".into(),
        exit_code: Some(0),
        signal: None,
        duration_ms: 4200,
        outcome: None,
        output_file: "output/00004-rollback-web1.internal.log".into(),
        last_lines: vec!["rolled back to v41".into()],
        kube: None,
    })
    .unwrap();
    log.append(&Entry::Note {
        text: "Deploy v42 broke checkout.".into(),
    })
    .unwrap();
    log.append(&Entry::Closed {
        summary: "rolled back v42".into(),
        mitigated_at: None,
        mitigated_by: None,
    })
    .unwrap();
    let summary = list::list(base.path()).remove(0);
    assert!(summary.closed);
    let replayed = replay(&summary.dir.join(EVENTS_FILE)).unwrap();
    let markdown = opsdeck::incident::export::markdown(&summary, &replayed);
    insta::with_settings!({filters => vec![
        (r"[0-9a-f]{64}", "[HASH]"),
        (r"\d{8}T\d{6}Z", "[ID-TIME]"),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "[TIMESTAMP]"),
        (r"\d\d:\d\d:\d\d", "[TIME]"),
        (r"Responders: .*", "Responders: [ACTOR]"),
        (r"Duration: \d+s", "Duration: [DURATION]"),
        (r"at least \d+s", "at least [DURATION]"),
    ]}, {
        insta::assert_snapshot!(markdown);
    });
}

#[test]
fn held_entries_go_in_with_the_next_event_or_when_the_log_is_dropped() {
    let base = tempfile::tempdir().unwrap();
    let log = IncidentLog::create(base.path(), "hold", opened("hold"), Redactor::default());
    let dir = log.unwrap().dir().to_path_buf();
    let events = dir.join(EVENTS_FILE);
    let kinds = || -> Vec<String> {
        let replayed = replay(&events).unwrap();
        assert!(replayed.chain_break.is_none(), "{:?}", replayed.chain_break);
        replayed.entries().map(|e| e.kind().to_string()).collect()
    };

    let mut resumed = IncidentLog::resume(&dir, Redactor::default()).unwrap();
    resumed.hold(&[note(1)]);
    assert_eq!(kinds(), ["opened"], "held, not yet written");
    resumed.append(&note(2)).unwrap();
    let lines = std::fs::read_to_string(&events).unwrap();
    assert!(
        lines.find("note number 1") < lines.find("note number 2"),
        "in order: {lines}"
    );
    assert_eq!(kinds(), ["opened", "note", "note"]);

    let mut resumed = IncidentLog::resume(&dir, Redactor::default()).unwrap();
    resumed.hold(&[note(3)]);
    drop(resumed);
    assert_eq!(
        kinds(),
        ["opened", "note", "note", "note"],
        "written on drop"
    );
}
