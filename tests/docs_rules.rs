//! Every rule `check` can report is named in docs/playbook-format.md, and
//! every rule name the docs give is one the code reports: a renamed or new
//! rule cannot leave the docs behind.

use std::collections::BTreeSet;
use std::path::Path;

fn rust_files(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The first string argument of every `Diagnostic::error(`/`warning(` call,
/// and the names of the lint table, across `src/`.
fn rules_in_code() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut rules = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for opener in ["Diagnostic::error(", "Diagnostic::warning("] {
            for (at, _) in text.match_indices(opener) {
                let rest = text[at + opener.len()..].trim_start();
                if let Some(quoted) = rest.strip_prefix('"') {
                    let name: String = quoted.chars().take_while(|c| *c != '"').collect();
                    rules.insert(name);
                }
            }
        }
    }
    for rule in opsdeck::playbook::lint::RULES {
        rules.insert(rule.name.to_string());
    }
    rules
}

/// Backticked kebab-case names in the docs' list of what `check` reports.
fn rules_in_docs() -> BTreeSet<String> {
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/playbook-format.md"),
    )
    .unwrap();
    let start = docs
        .find("## What `opsdeck check` reports")
        .expect("the docs list what check reports");
    let section = &docs[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| {
            name.len() >= 3
                && name.starts_with(|c: char| c.is_ascii_lowercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_rule_the_code_reports_is_in_the_docs() {
    let docs = rules_in_docs();
    let missing: Vec<String> = rules_in_code()
        .into_iter()
        .filter(|r| !docs.contains(r))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/playbook-format.md does not name: {missing:?}"
    );
}

#[test]
fn every_rule_the_docs_name_is_one_the_code_reports() {
    let code = rules_in_code();
    let unknown: Vec<String> = rules_in_docs()
        .into_iter()
        .filter(|r| !code.contains(r))
        .collect();
    assert!(
        unknown.is_empty(),
        "docs/playbook-format.md names rules the code never reports: {unknown:?}"
    );
}
