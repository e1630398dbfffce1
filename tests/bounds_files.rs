//! A command's output file is capped: it keeps the head and the tail of the
//! output, records in the file how many bytes were cut between them, and
//! never holds more than its cap on disk while the command runs. A small
//! cap stands in for the default 1 GiB.

use opsdeck::incident::redact::Redactor;
use opsdeck::incident::store_output::{DEFAULT_FILE_CAP, OutputFile};
use std::path::Path;

/// Bytes of every file under `dir` (the output file and anything beside it).
fn bytes_on_disk(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum()
}

#[test]
fn an_output_file_stops_growing_at_its_cap_and_keeps_head_and_tail() {
    let dir = tempfile::tempdir().unwrap();
    let cap: u64 = 256 * 1024;
    let mut file =
        OutputFile::create_capped(dir.path(), 7, "flood", "local", Redactor::default(), cap)
            .unwrap();
    let outputs = dir.path().join("output");
    let mut written = 0u64;
    let mut peak = 0u64;
    let lines = 200_000;
    for i in 0..lines {
        let line = format!("{i:08} {}", "x".repeat(90));
        written += line.len() as u64 + 1;
        file.write_line(&line).unwrap();
        if i % 1000 == 0 {
            peak = peak.max(bytes_on_disk(&outputs));
        }
    }
    let name = file.finish().unwrap();
    let text = std::fs::read_to_string(dir.path().join(&name)).unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.path().join(&name))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "output files are private");
    let files: Vec<_> = std::fs::read_dir(&outputs).unwrap().collect();
    eprintln!(
        "output file: {written} bytes written, {} kept with a cap of {cap}, peak on disk {peak}",
        text.len()
    );
    assert_eq!(files.len(), 1, "only the output file is left: {files:?}");
    assert!(
        peak <= cap + 4096,
        "{peak} bytes on disk with a cap of {cap}"
    );
    assert!(text.len() as u64 <= cap + 64, "{} bytes kept", text.len());
    assert!(text.len() as u64 >= cap / 2, "{} bytes kept", text.len());
    assert!(text.starts_with(&format!("00000000 {}\n", "x".repeat(90))));
    assert!(text.ends_with(&format!("{:08} {}\n", lines - 1, "x".repeat(90))));
    let markers: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("[opsdeck: "))
        .collect();
    assert_eq!(markers.len(), 1, "one cut: {markers:?}");
    let cut: u64 = markers[0]
        .strip_prefix("[opsdeck: ")
        .and_then(|m| m.strip_suffix(" bytes cut here]"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the cut says how much: {}", markers[0]));
    let kept = text.len() as u64 - (markers[0].len() as u64 + 1);
    assert_eq!(
        cut,
        written - kept,
        "the cut counts exactly what is missing"
    );
    // Whole lines on both sides of the cut.
    for line in text.lines().filter(|l| !l.starts_with("[opsdeck: ")) {
        assert_eq!(line.len(), 99, "{line}");
    }
}

#[test]
fn an_output_file_within_its_cap_is_kept_whole() {
    let dir = tempfile::tempdir().unwrap();
    let cap: u64 = 256 * 1024;
    let mut file =
        OutputFile::create_capped(dir.path(), 1, "small", "web1", Redactor::default(), cap)
            .unwrap();
    let mut expected = String::new();
    // Past the head's half of the cap, but within the cap: nothing is cut.
    for i in 0..2000 {
        let line = format!("line {i} {}", "y".repeat(100));
        expected.push_str(&line);
        expected.push('\n');
        file.write_line(&line).unwrap();
    }
    assert!(expected.len() as u64 > cap / 2 && (expected.len() as u64) < cap);
    let name = file.finish().unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join(&name)).unwrap(),
        expected
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("output"))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn one_line_longer_than_the_tail_is_cut_too() {
    let dir = tempfile::tempdir().unwrap();
    let cap: u64 = 8 * 1024;
    let mut file =
        OutputFile::create_capped(dir.path(), 1, "long", "local", Redactor::default(), cap)
            .unwrap();
    for _ in 0..10 {
        file.write_line(&"z".repeat(64 * 1024)).unwrap();
    }
    file.write_line("the end").unwrap();
    let name = file.finish().unwrap();
    let text = std::fs::read_to_string(dir.path().join(&name)).unwrap();
    assert!(text.len() as u64 <= cap + 64, "{}", text.len());
    assert!(text.ends_with("the end\n"));
    assert!(text.contains(" bytes cut here]\n"));
}

#[test]
fn the_default_cap_is_a_gibibyte() {
    assert_eq!(DEFAULT_FILE_CAP, 1024 * 1024 * 1024);
}
