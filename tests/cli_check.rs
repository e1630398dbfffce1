//! `opsdeck check` on invalid playbooks: every mistake is reported at its
//! `file:line:col` with a rule name and a help line, exit code 1, never a
//! panic, a signal or a hang.

mod common;

use common::{Output, crate_root, run_opsdeck, run_opsdeck_in};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

/// One fixture under `tests/invalid/`, and where its one error is reported.
struct Case {
    file: &'static str,
    line: u32,
    col: u32,
    rule: &'static str,
}

const fn case(file: &'static str, line: u32, col: u32, rule: &'static str) -> Case {
    Case {
        file,
        line,
        col,
        rule,
    }
}

/// Adding a fixture is adding one line here.
const CASES: &[Case] = &[
    // Unknown keys inside the sections opsdeck defines are errors.
    case("unknown-check-key.md", 8, 5, "unknown-key"),
    case("unknown-host-key.md", 6, 5, "unknown-key"),
    case("unknown-variable-key.md", 6, 5, "unknown-key"),
    case("unknown-escalation-key.md", 5, 5, "unknown-key"),
    case("unknown-command-attribute.md", 10, 13, "unknown-key"),
    case("unknown-yaml-command-key.yaml", 10, 9, "unknown-key"),
    // References and ids across the playbook.
    case("duplicate-command-id.md", 11, 11, "duplicate-id"),
    case("duplicate-check-id.md", 5, 6, "duplicate-id"),
    // A host ssh would read as an option (`-oProxyCommand=…`).
    case("option-host.md", 4, 3, "bad-destination"),
    case("undefined-command-host.md", 10, 28, "undefined-host"),
    case("undefined-check-host.md", 6, 64, "undefined-host"),
    case("undefined-verify-check.md", 10, 41, "undefined-check"),
    // Values.
    case("bad-duration-interval.md", 6, 15, "bad-duration"),
    case("bad-duration-timeout.md", 5, 26, "bad-duration"),
    case("bad-url-not-a-url.md", 4, 22, "bad-url"),
    case("bad-url-scheme.md", 4, 22, "bad-url"),
    case("unknown-kind.md", 5, 24, "bad-kind"),
    case("bad-port.md", 4, 53, "bad-port"),
    // Checks.
    case("two-probes.md", 6, 5, "two-probes"),
    case("no-probe.md", 4, 5, "no-probe"),
    // The file itself.
    case("yaml-syntax.yaml", 4, 6, "yaml-syntax"),
    case("yaml-syntax-front-matter.md", 3, 9, "yaml-syntax"),
    case(
        "unterminated-front-matter.md",
        1,
        1,
        "unterminated-front-matter",
    ),
    case("empty.md", 1, 1, "empty"),
    case("blank.yaml", 1, 1, "empty"),
    case("alias-bomb.yaml", 7, 15, "yaml-limit"),
    case("no-steps.yaml", 1, 1, "no-steps"),
];

const INVALID_DIR: &str = "tests/invalid";

/// The lines of one diagnostic in text output: its header line and what
/// follows up to the next header or the summary line.
fn diagnostic_block<'a>(stdout: &'a str, header_prefix: &str) -> Option<Vec<&'a str>> {
    let lines: Vec<&str> = stdout.lines().collect();
    let start = lines.iter().position(|l| l.starts_with(header_prefix))?;
    let rest = lines[start + 1..]
        .iter()
        .take_while(|l| !is_header(l) && !l.starts_with("checked "))
        .copied();
    Some(std::iter::once(lines[start]).chain(rest).collect())
}

/// `path:line:col: severity: ...`
fn is_header(line: &str) -> bool {
    let mut parts = line.splitn(4, ':');
    let (Some(path), Some(l), Some(c), Some(rest)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !path.starts_with(' ')
        && l.parse::<u32>().is_ok()
        && c.parse::<u32>().is_ok()
        && (rest.starts_with(" error: ") || rest.starts_with(" warning: "))
}

/// Checks one case's text output; returns what is wrong, if anything.
fn problems_with(case: &Case, out: &Output) -> Option<String> {
    let path = format!("{INVALID_DIR}/{}", case.file);
    let mut problems = String::new();
    if out.status.code() != Some(1) {
        let _ = writeln!(
            problems,
            "expected exit code 1, got {}",
            common::describe_status(&out.status)
        );
    }
    if out.stderr.contains("panicked") {
        let _ = writeln!(problems, "panicked: {}", out.stderr);
    }
    let header = format!("{path}:{}:{}: error: ", case.line, case.col);
    match diagnostic_block(&out.stdout, &header) {
        None => {
            let _ = writeln!(problems, "no line starting with `{header}`");
        }
        Some(block) => {
            if !block[0].ends_with(&format!("[{}]", case.rule)) {
                let _ = writeln!(problems, "rule is not [{}]: {}", case.rule, block[0]);
            }
            if !block.iter().any(|l| l.starts_with("  help: ")) {
                let _ = writeln!(problems, "no `  help:` line after {}", block[0]);
            }
        }
    }
    // One mistake per fixture, so a case cannot pass on another error.
    if !out.stdout.contains("checked 1 playbook: 1 error,") {
        let _ = writeln!(problems, "expected exactly one error in the summary");
    }
    (!problems.is_empty()).then(|| {
        format!(
            "{path}:\n{problems}--- stdout:\n{}--- stderr:\n{}",
            out.stdout, out.stderr
        )
    })
}

#[test]
fn every_invalid_fixture_is_reported_at_its_line_and_column() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|case| {
            let out = run_opsdeck(["check", &format!("{INVALID_DIR}/{}", case.file)]);
            problems_with(case, &out)
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn every_file_in_tests_invalid_has_a_case() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(crate_root().join(INVALID_DIR))
        .expect("tests/invalid exists")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let in_table: BTreeSet<String> = CASES.iter().map(|c| c.file.to_string()).collect();
    assert_eq!(
        in_table.len(),
        CASES.len(),
        "a file is listed twice in CASES"
    );
    let missing: Vec<_> = on_disk.difference(&in_table).collect();
    let stale: Vec<_> = in_table.difference(&on_disk).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "fixtures without a case: {missing:?}; cases without a fixture: {stale:?}"
    );
}

#[test]
fn json_output_carries_the_same_rule_line_and_column() {
    let out = run_opsdeck(["check", "--format", "json", INVALID_DIR]);
    out.assert_exit(1);
    let reports: serde_json::Value =
        serde_json::from_str(&out.stdout).expect("`check --format json` prints valid JSON");
    let reports = reports.as_array().expect("a JSON array of file reports");
    assert_eq!(reports.len(), CASES.len(), "one report per file");
    for case in CASES {
        let path = format!("{INVALID_DIR}/{}", case.file);
        let report = reports
            .iter()
            .find(|r| r["path"].as_str() == Some(path.as_str()))
            .unwrap_or_else(|| panic!("no report for {path} in {}", out.stdout));
        let diagnostics = report["diagnostics"].as_array().expect("diagnostics array");
        let found = diagnostics.iter().any(|d| {
            d["severity"] == "error"
                && d["rule"] == case.rule
                && d["line"].as_u64() == Some(case.line.into())
                && d["col"].as_u64() == Some(case.col.into())
                && d["message"].as_str().is_some_and(|m| !m.is_empty())
                && d["help"].as_str().is_some_and(|h| !h.is_empty())
        });
        assert!(
            found,
            "{path}: no error [{}] at {}:{} with a message and help in {diagnostics:#?}",
            case.rule, case.line, case.col
        );
    }
}

#[test]
fn json_output_of_several_files_parses() {
    let out = run_opsdeck([
        "check",
        "--format",
        "json",
        "tests/invalid/two-probes.md",
        "playbooks/site-down.md",
    ]);
    out.assert_exit(1);
    let reports: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    let reports = reports.as_array().expect("an array");
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["path"], "tests/invalid/two-probes.md");
    let first = reports[0]["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("an error");
    assert_eq!(first["rule"], "two-probes");
    assert_eq!(first["line"], 6);
    assert_eq!(first["col"], 5);
    assert_eq!(reports[1]["path"], "playbooks/site-down.md");
    let errors = reports[1]["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .filter(|d| d["severity"] == "error")
        .count();
    assert_eq!(errors, 0, "site-down.md is valid: {}", out.stdout);
}

#[test]
fn check_on_the_shipped_playbooks_exits_0() {
    let out = run_opsdeck(["check", "playbooks/"]);
    out.assert_exit(0);
    assert!(
        out.stdout.contains(" 0 errors"),
        "expected no errors:\n{}",
        out.stdout
    );
}

#[test]
fn check_on_tests_invalid_exits_1() {
    run_opsdeck(["check", INVALID_DIR]).assert_exit(1);
}

#[test]
fn check_on_a_directory_recurses_and_fails_if_any_file_has_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("good.md"),
        "# Disk full\n\n## Usage\n\n```sh {id=usage}\ndf -h\n```\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("team/db")).unwrap();
    std::fs::write(
        root.join("team/db/bad.md"),
        "# Database\n\n## Connections\n\n```sh {id=conns hots=db}\npsql -c 'select 1'\n```\n",
    )
    .unwrap();
    std::fs::write(root.join("team/notes.txt"), "not a playbook {{{").unwrap();

    let out = run_opsdeck_in(root, ["check", "."]);
    out.assert_exit(1);
    let bad = Path::new(".").join("team/db/bad.md");
    let header = format!("{}:5:17: error: ", bad.display());
    assert!(
        out.stdout.contains(&header) && out.stdout.contains("[unknown-key]"),
        "expected `{header}` for the nested file:\n{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("checked 2 playbooks: 1 error"),
        "both playbooks and only them are checked:\n{}",
        out.stdout
    );

    std::fs::remove_file(root.join("team/db/bad.md")).unwrap();
    let out = run_opsdeck_in(root, ["check", "."]);
    out.assert_exit(0);
    assert!(out.stdout.contains("checked 1 playbook: 0 errors"));
}

#[test]
fn a_missing_path_is_an_error_not_a_panic() {
    let out = run_opsdeck(["check", "tests/invalid/no-such-file.md"]);
    out.assert_exit(1);
    assert!(out.stderr.contains("no-such-file.md"), "{}", out.stderr);
}

/// Checks one generated file; returns its text output after asserting exit 1.
fn check_generated(name: &str, bytes: &[u8]) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let out = run_opsdeck_in(dir.path(), ["check", name]);
    out.assert_exit(1);
    (dir, out)
}

#[test]
fn binary_files_are_refused_as_not_text() {
    // A PNG header: not UTF-8 from the first byte.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
    let (_dir, out) = check_generated("diagram.md", png);
    assert!(
        out.stdout
            .contains("diagram.md:1:1: error: this is not UTF-8 text")
            && out.stdout.contains("[not-text]")
            && out.stdout.contains("  help: "),
        "{}",
        out.stdout
    );

    // Valid UTF-8 with NUL bytes: still binary, located at the first NUL.
    let (_dir, out) = check_generated("dump.yaml", b"title: x\n\0\0\0\x01\x02");
    assert!(
        out.stdout.contains("dump.yaml:2:1: error: ") && out.stdout.contains("[not-text]"),
        "{}",
        out.stdout
    );
}

#[test]
fn deeply_nested_yaml_is_refused_without_overflowing_the_stack() {
    let flow = format!("{}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let (_dir, out) = check_generated("deep.yaml", flow.as_bytes());
    assert!(
        out.stdout.contains("deep.yaml:1:") && out.stdout.contains("[yaml-limit]"),
        "{}",
        out.stdout
    );

    let front_matter = format!("---\nchecks: {}\n---\n# Deep\n", "{a: ".repeat(10_000));
    let (_dir, out) = check_generated("deep.md", front_matter.as_bytes());
    assert!(
        out.stdout.contains("deep.md:2:") && out.stdout.contains("[yaml-limit]"),
        "{}",
        out.stdout
    );

    let block: String = (0..1_000)
        .map(|depth| format!("{}- \n", " ".repeat(depth)))
        .collect();
    let (_dir, out) = check_generated("deep-block.yaml", block.as_bytes());
    assert!(out.stdout.contains("[yaml-limit]"), "{}", out.stdout);
    assert!(out.stdout.contains("  help: "), "{}", out.stdout);
}

#[test]
fn a_6_mib_markdown_file_is_refused_with_a_clear_limit() {
    let line = format!("{}\n", "sample output line ".repeat(5));
    let mut text = String::from("# Huge\n\n## Output\n\n");
    while text.len() < 6 * 1024 * 1024 {
        text.push_str(&line);
    }
    let (_dir, out) = check_generated("huge.md", text.as_bytes());
    assert!(
        out.stdout.contains("huge.md:1:1: error: ")
            && out.stdout.contains("limited to")
            && out.stdout.contains("[file-too-large]")
            && out.stdout.contains("  help: "),
        "{}",
        out.stdout
    );
}

#[test]
fn a_1_mib_playbook_with_thousands_of_steps_loads() {
    let mut text = String::from("---\ntitle: Big\n---\n# Big\n\n");
    let mut steps = 0;
    while text.len() < 1024 * 1024 {
        write!(
            text,
            "## Step {steps}\n\nLook at shard {steps} and compare it with the last hour.\n\n\
             ```sh {{id=shard-{steps}}}\ncurl -s http://localhost:9200/_cat/shards/{steps}\n```\n\n"
        )
        .unwrap();
        steps += 1;
    }
    assert!(steps > 5_000, "{steps} steps");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.md"), &text).unwrap();

    let out = run_opsdeck_in(dir.path(), ["check", "big.md"]);
    out.assert_exit(0);
    assert!(
        out.stdout.contains("checked 1 playbook: 0 errors"),
        "{}",
        out.stdout
    );

    let out = run_opsdeck_in(dir.path(), ["show", "--format", "json", "big.md"]);
    out.assert_exit(0);
    let model: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    let shown = model["steps"].as_array().expect("steps array").len();
    assert_eq!(shown, steps, "every step is in the model");
}

/// Opening a FIFO blocks until a writer appears: a named pipe is refused
/// without being opened, and a directory walk passes over it.
#[cfg(unix)]
#[test]
fn a_fifo_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    run_opsdeck_in(dir.path(), ["check", "pipe.md"]).assert_exit(1);
    let walked = run_opsdeck_in(dir.path(), ["check", "."]);
    walked.assert_exit(0);
    assert!(
        walked.stdout.contains("checked 0 playbooks"),
        "{}",
        walked.stdout
    );
}
