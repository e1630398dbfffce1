//! Incident events a second, each fsync'd, against a plain write-and-fsync
//! loop of lines of the same size, side by side in one run.
//!
//! `cargo bench --bench incident_log` (OPSDECK_BENCH_EVENTS to change the count).

use opsdeck::incident::redact::Redactor;
use opsdeck::incident::{Entry, IncidentLog};
use std::io::Write;
use std::time::Instant;

fn main() {
    let events: u64 = std::env::var("OPSDECK_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let dir = std::env::temp_dir().join(format!("opsdeck-bench-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let opened = Entry::Opened {
        title: "bench".into(),
        playbook: "/bench.md".into(),
        playbook_sha256: "0".repeat(64),
        version: "bench".into(),
        drill: false,
    };
    let mut log = IncidentLog::create(
        &dir,
        "bench",
        opened,
        Redactor::new(["a-secret-value".to_string()]),
    )
    .unwrap();
    let note = |n: u64| Entry::Note {
        text: format!("note {n}: restarted shop-web on web1, errors dropped"),
    };
    // The baseline writes lines as long as the measured note events: the
    // length of one, measured by appending it.
    let events_path = log.dir().join("events.jsonl");
    let before = std::fs::metadata(&events_path).unwrap().len();
    log.append(&note(events)).unwrap();
    let line_len = (std::fs::metadata(&events_path).unwrap().len() - before) as usize;

    // Alternate the two so machine noise hits both alike.
    let (mut ours, mut plain) = (0.0, 0.0);
    let baseline_path = dir.join("plain.jsonl");
    let mut baseline = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&baseline_path)
        .unwrap();
    let line = vec![b'x'; line_len.saturating_sub(1)];
    for round in 0..4 {
        let start = Instant::now();
        for n in 0..events / 4 {
            log.append(&note(round * events + n)).unwrap();
        }
        ours += start.elapsed().as_secs_f64();
        let start = Instant::now();
        for _ in 0..events / 4 {
            baseline.write_all(&line).unwrap();
            baseline.write_all(b"\n").unwrap();
            baseline.sync_data().unwrap();
        }
        plain += start.elapsed().as_secs_f64();
    }
    let ours_rate = events as f64 / ours;
    let plain_rate = events as f64 / plain;
    let ratio = ours_rate / plain_rate;
    let verdict = if ratio >= 0.8 { "PASS" } else { "MISS" };
    println!(
        "incident events/s (fsync each): opsdeck {ours_rate:.0}/s, plain write+fsync {plain_rate:.0}/s, ratio {ratio:.2} (target >= 0.8)"
    );
    println!(
        "BENCH\tincident-events-per-s\t{ours_rate:.0}/s\t{plain_rate:.0}/s (write+fsync loop, {line_len}-byte lines)\t{ratio:.2}\t>= 0.8\t{verdict}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
