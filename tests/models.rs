//! The parsed model of every bundled playbook, pinned by snapshots, and the
//! promise that the Markdown and YAML forms of one playbook are one model.

use opsdeck::playbook::{self, Playbook};
use serde_json::Value;
use std::path::Path;

fn load_ok(path: &str) -> Playbook {
    let parsed = playbook::load(Path::new(path));
    let errors: Vec<_> = parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{path}: {errors:#?}");
    parsed.playbook.expect("no errors means a model")
}

/// The model without source positions, which differ between the two forms.
fn without_positions(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| k != "pos")
                .map(|(k, v)| (k, without_positions(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_positions).collect()),
        other => other,
    }
}

#[test]
fn site_down_markdown_and_yaml_are_the_same_playbook() {
    let md = serde_json::to_value(load_ok("playbooks/site-down.md")).unwrap();
    let yaml = serde_json::to_value(load_ok("playbooks/site-down.yaml")).unwrap();
    assert_eq!(without_positions(md), without_positions(yaml));
}

#[test]
fn every_bundled_playbook_matches_its_snapshot() {
    let mut files: Vec<_> = std::fs::read_dir("playbooks")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| opsdeck::library::is_playbook_file(p))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "bundled playbooks: {files:?}");
    for file in files {
        let name = file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace('.', "_");
        let playbook = load_ok(file.to_str().unwrap());
        insta::assert_json_snapshot!(name, playbook);
    }
}

#[test]
fn site_down_has_the_steps_a_responder_expects() {
    let playbook = load_ok("playbooks/site-down.md");
    assert_eq!(playbook.title, "Site down");
    let rollback = playbook.command("rollback").expect("a rollback command");
    assert_eq!(rollback.kind, playbook::model::Kind::Remediate);
    assert_eq!(rollback.host, "web");
    assert_eq!(rollback.verify.as_deref(), Some("home"));
    assert!(playbook.steps.len() >= 5);
    assert!(playbook.escalation.len() >= 2);
}
