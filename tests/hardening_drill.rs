//! A drill's files go to a fresh private temporary directory, never to the
//! guessable `/tmp/opsdeck-drill-NAME-PID` another user could plant first.

use opsdeck::drill::{scenarios, setup};
use std::os::unix::fs::MetadataExt;

#[test]
fn a_symlink_planted_at_the_old_guessable_path_is_never_written_through() {
    let scenario = scenarios::find("bad-deploy").unwrap();
    let guessable = std::env::temp_dir().join(format!(
        "opsdeck-drill-{}-{}",
        scenario.name,
        std::process::id()
    ));
    // Someone else's directory, reached through a symlink they planted.
    let victim = tempfile::tempdir().unwrap();
    let _ = std::fs::remove_file(&guessable);
    std::os::unix::fs::symlink(victim.path(), &guessable).unwrap();
    let drill = setup(scenario);
    let written: Vec<_> = std::fs::read_dir(victim.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let planted_still_there =
        std::fs::symlink_metadata(&guessable).is_ok_and(|m| m.file_type().is_symlink());
    let _ = std::fs::remove_file(&guessable);
    assert!(
        written.is_empty(),
        "the drill wrote through the planted symlink: {written:?}"
    );
    assert!(planted_still_there, "the planted symlink was touched");
    let drill = drill.unwrap();
    let dir = drill.path().to_path_buf();
    assert_ne!(dir, guessable);
    let meta = std::fs::symlink_metadata(&dir).unwrap();
    assert!(meta.is_dir(), "a real directory, not a symlink");
    assert_eq!(meta.mode() & 0o777, 0o700, "private: {}", dir.display());
    assert!(dir.join("playbook.md").is_file());
    assert!(dir.starts_with(std::env::temp_dir()));
    // Each drill gets a directory of its own, and it is gone afterwards.
    let second = setup(scenario).unwrap();
    assert_ne!(second.path(), dir);
    drop(drill);
    assert!(!dir.exists(), "the drill directory is removed");
}
