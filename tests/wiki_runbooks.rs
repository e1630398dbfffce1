//! Runbooks written for wikis (front matter of other tools, `$NAME`
//! placeholders, Meaning / Impact / Diagnosis / Mitigation headings) load as
//! they are: no errors, every `bash` fence a command (a transcript one per
//! prompt), the title from the front matter.

use opsdeck::playbook::{self, Playbook};
use std::path::{Path, PathBuf};

const RUNBOOKS: &str = "tests/fixtures/runbooks";

fn runbooks() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(RUNBOOKS);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no runbooks in {}", dir.display());
    files
}

fn load_without_errors(path: &Path) -> Playbook {
    let parsed = playbook::load(path);
    let errors: Vec<_> = parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    parsed
        .playbook
        .unwrap_or_else(|| panic!("{}: no errors but no playbook", path.display()))
}

/// The languages of the fenced blocks of a Markdown text, in order.
fn fence_langs(text: &str) -> Vec<String> {
    let mut langs = Vec::new();
    let mut open: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|c| *c == '`' || *c == '~')
            .collect();
        if marker.len() < 3 {
            continue;
        }
        match &open {
            Some(fence) if marker.starts_with(fence.as_str()) && trimmed.trim() == marker => {
                open = None;
            }
            Some(_) => {}
            None => {
                let info = &trimmed[marker.len()..];
                let lang = info
                    .split(|c: char| c.is_whitespace() || c == '{')
                    .next()
                    .unwrap_or("");
                langs.push(lang.to_string());
                open = Some(marker);
            }
        }
    }
    langs
}

/// `title:` of the front matter, unquoted.
fn front_matter_title(text: &str) -> Option<String> {
    let rest = text.strip_prefix("---\n")?;
    let front_matter = &rest[..rest.find("\n---")?];
    front_matter.lines().find_map(|line| {
        line.strip_prefix("title:")
            .map(|t| t.trim().trim_matches(['"', '\'']).to_string())
    })
}

fn first_h1(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|line| line.strip_prefix("# "))
        .map(str::trim)
}

#[test]
fn every_wiki_runbook_loads_without_errors() {
    for path in runbooks() {
        let playbook = load_without_errors(&path);
        assert!(!playbook.steps.is_empty(), "{}: no steps", path.display());
    }
}

#[test]
fn unknown_front_matter_keys_of_other_tools_are_only_warnings() {
    for path in runbooks() {
        let parsed = playbook::load(&path);
        for diagnostic in &parsed.diagnostics {
            assert!(!diagnostic.is_error(), "{}: {diagnostic:?}", path.display());
        }
    }
}

#[test]
fn bash_fences_become_commands() {
    for path in runbooks() {
        let text = std::fs::read_to_string(&path).unwrap();
        let bash_fences = fence_langs(&text).iter().filter(|l| *l == "bash").count();
        assert!(bash_fences > 0, "{}: no bash fences", path.display());

        let playbook = load_without_errors(&path);
        let commands: Vec<_> = playbook.commands().collect();
        let bash_commands = commands.iter().filter(|c| c.lang == "bash").count();
        // A transcript (`$ ` prompts) is one command per prompt.
        assert!(
            bash_commands >= bash_fences,
            "{}: every ```bash fence is a command ({bash_commands} commands, {bash_fences} fences)",
            path.display()
        );
        for command in &commands {
            assert!(
                !command.run.trim().is_empty(),
                "{}: command `{}` has no script",
                path.display(),
                command.id
            );
            assert_eq!(command.host, "local", "{}", path.display());
        }
        let mut ids: Vec<_> = commands.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(
            ids.len(),
            commands.len(),
            "{}: ids are unique",
            path.display()
        );
    }
}

#[test]
fn titles_come_from_the_front_matter() {
    let mut differs_from_h1 = 0;
    for path in runbooks() {
        let text = std::fs::read_to_string(&path).unwrap();
        let title = front_matter_title(&text)
            .unwrap_or_else(|| panic!("{}: fixture has a front-matter title", path.display()));
        let playbook = load_without_errors(&path);
        assert_eq!(playbook.title, title, "{}", path.display());
        if first_h1(&text).is_some_and(|h1| h1 != title) {
            differs_from_h1 += 1;
        }
    }
    assert!(
        differs_from_h1 > 0,
        "no fixture has an H1 other than its front-matter title, so the test cannot tell them apart"
    );
}

#[test]
fn runbook_sections_become_steps() {
    for path in runbooks() {
        let playbook = load_without_errors(&path);
        let titles: Vec<&str> = playbook.steps.iter().map(|s| s.title.as_str()).collect();
        for section in ["Meaning", "Impact", "Diagnosis", "Mitigation"] {
            assert!(
                titles.contains(&section),
                "{}: no `{section}` step in {titles:?}",
                path.display()
            );
        }
    }
}

#[test]
fn console_transcripts_split_commands_from_their_sample_output() {
    let path = std::path::Path::new("tests/fixtures/runbooks/kube-job-failed.md");
    let parsed = opsdeck::playbook::load(path);
    assert!(!parsed.has_errors(), "{:#?}", parsed.diagnostics);
    let playbook = parsed.playbook.unwrap();
    // The first command is the plain `bash` fence of the Diagnosis step.
    let runs: Vec<&str> = playbook
        .commands()
        .skip(1)
        .map(|c| c.run.as_str())
        .collect();
    assert_eq!(
        runs,
        vec![
            "kubectl get jobs -n <namespace> \\\n    --sort-by=.metadata.creationTimestamp",
            "kubectl describe job -n <namespace> <job>",
            "POD='<failed pod>'",
            "kubectl logs -n $NAMESPACE \"$POD\" --tail=100",
        ]
    );
    let first = playbook.commands().nth(1).unwrap();
    assert!(
        first
            .sample_output
            .as_deref()
            .unwrap()
            .contains("nightly-etl   0/1")
    );
    assert!(
        !first.run.contains("COMPLETIONS"),
        "sample output is never part of a command"
    );
}

#[test]
fn wiki_placeholders_become_values_to_ask_for_and_are_passed_quoted() {
    use opsdeck::plan::fill::{FillError, fill};
    use std::collections::BTreeMap;
    let playbook = opsdeck::playbook::load(std::path::Path::new(
        "tests/fixtures/runbooks/kube-job-failed.md",
    ))
    .playbook
    .unwrap();
    let asked = |run: &str| match fill(run, &playbook, &BTreeMap::new()) {
        Err(FillError::Missing(missing)) => missing.into_iter().map(|m| m.name).collect::<Vec<_>>(),
        other => panic!("expected values to ask for, got {other:?}"),
    };
    let script =
        |run: &str, vars: &BTreeMap<String, String>| fill(run, &playbook, vars).unwrap().script;
    let describe = playbook.commands().nth(2).unwrap();
    assert_eq!(asked(&describe.run), vec!["namespace", "job"]);
    let vars: BTreeMap<String, String> = [("namespace", "batch"), ("job", "nightly etl")]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
    assert_eq!(
        script(&describe.run, &vars),
        "kubectl describe job -n batch 'nightly etl'"
    );
    let assign = playbook.commands().nth(3).unwrap();
    assert_eq!(
        asked(&assign.run),
        vec!["POD"],
        "named after the assignment"
    );
    let vars: BTreeMap<String, String> =
        [("POD".to_string(), "etl-x7'; rm -rf /".to_string())].into();
    assert_eq!(script(&assign.run, &vars), r"POD='etl-x7'\''; rm -rf /'");
    let logs = playbook.commands().nth(4).unwrap();
    let vars: BTreeMap<String, String> = [("NAMESPACE", "batch"), ("POD", "etl-x7")]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
    assert_eq!(
        script(&logs.run, &vars),
        "export NAMESPACE=batch\nexport POD=etl-x7\nkubectl logs -n $NAMESPACE \"$POD\" --tail=100"
    );
}

#[test]
fn alert_labels_fill_matching_placeholders_through_opsdeck_exec() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rb.md"),
        "# R\n\n## Look\n```bash\necho ns=<namespace label from alert> pod=$POD\n```\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args([
            "exec",
            "rb.md",
            "look-1",
            "--dry-run",
            "--alert",
            "namespace=prod",
            "--alert",
            "pod=web-7",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("echo ns=prod pod=$POD") && stdout.contains("export POD=web-7"),
        "{stdout}"
    );
}
