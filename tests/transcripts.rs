//! Transcripts in every shell fence: each command typed at a prompt is one
//! command, what it printed is sample output (never run), a line typed at
//! the prompt of another program is never run locally, and text that is not
//! shell is shown, never offered. `cargo test --test transcripts measured --
//! --nocapture` prints the numbers over the wiki-style fixtures.

mod common;

use opsdeck::plan::fill::{FillError, fill};
use opsdeck::plan::{Mode, Planned, Refusal, Request, plan};
use opsdeck::playbook::model::Command;
use opsdeck::playbook::{self, Form, Playbook};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

const HEADER: &str = "---\ntitle: T\nescalation: [{name: Lead, contact: x}]\n---\n# T\n\n";

fn parse(body: &str) -> playbook::Parsed {
    playbook::parse(format!("{HEADER}{body}").as_bytes(), Form::Markdown, "t")
}

fn book(body: &str) -> Playbook {
    let parsed = parse(body);
    parsed
        .playbook
        .unwrap_or_else(|| panic!("{:#?}", parsed.diagnostics))
}

fn fixture(name: &str) -> Playbook {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/runbooks")
        .join(name);
    let parsed = playbook::load(&path);
    parsed
        .playbook
        .unwrap_or_else(|| panic!("{name}: {:#?}", parsed.diagnostics))
}

fn runs(playbook: &Playbook) -> Vec<&str> {
    playbook.commands().map(|c| c.run.as_str()).collect()
}

fn command<'p>(playbook: &'p Playbook, run: &str) -> &'p Command {
    playbook
        .commands()
        .find(|c| c.run == run)
        .unwrap_or_else(|| panic!("no command `{run}` in {:#?}", runs(playbook)))
}

fn planned(playbook: &Playbook, id: &str) -> Planned {
    plan(&Request {
        playbook,
        playbook_dir: Path::new("."),
        command_id: id,
        values: &BTreeMap::new(),
        mode: Mode::DryRun,
        only_host: None,
        kube: None,
    })
}

fn opsdeck(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

/// A line as a terminal shows it before a command: `$ `, `% `, `sh-4.4$ `,
/// `user@host:~$ `, `[root@host ~]# `, `mysql> `, `postgres=# `, `(gdb) `.
fn is_prompt_line(line: &str) -> bool {
    let re = regex::Regex::new(
        r"^\s*(\$ |% |(ba|z)?sh-\d+(\.\d+)*[$#] |[\w.-]+@[\w.-]+(:\S*)?[$#] |\[[\w.-]+@[^\]]+\][$#] |mysql> |\w+=[#>] |\(gdb\) |[\w.-]+:\d+> )",
    )
    .unwrap();
    re.is_match(line)
}

#[test]
fn every_shell_fence_is_read_as_a_transcript() {
    let mut body = String::from("## Look\n");
    for lang in ["sh", "bash", "shell", "zsh", "console"] {
        body.push_str(&format!(
            "```{lang}\n  $ uptime\n   10:02:11 up 41 days\n  $ df -h /\n  Filesystem  Size  Used\n```\n"
        ));
    }
    let playbook = book(&body);
    let commands: Vec<&Command> = playbook.commands().collect();
    assert_eq!(commands.len(), 10, "{:#?}", runs(&playbook));
    for pair in commands.chunks(2) {
        assert_eq!(
            (pair[0].run.as_str(), pair[1].run.as_str()),
            ("uptime", "df -h /")
        );
        assert_eq!(
            pair[0].sample_output.as_deref(),
            Some(" 10:02:11 up 41 days")
        );
        assert_eq!(
            pair[1].sample_output.as_deref(),
            Some("Filesystem  Size  Used")
        );
        assert!(!pair[0].show_only && !pair[1].show_only);
    }
    let ids: Vec<&str> = commands.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(&ids[..3], ["look-1", "look-2", "look-3"]);
    // An explicit id gets a suffix per command; a fence without prompts is one command.
    let playbook = book(
        "## S\n```bash {id=nodes}\n$ oc get nodes\n$ oc get co\n```\n```bash\noc get nodes\noc get co\n```\n",
    );
    let ids: Vec<&str> = playbook.commands().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["nodes-1", "nodes-2", "s-3"]);
    assert_eq!(runs(&playbook)[2], "oc get nodes\noc get co");
}

#[test]
fn comment_lines_describe_the_command_after_them() {
    let playbook = book(
        "## S\n```bash\n# Which nodes are not ready:\n$ oc get nodes | grep -v ' Ready'\nworker-2   NotReady\n```\n",
    );
    let command = playbook.commands().next().unwrap();
    assert_eq!(command.run, "oc get nodes | grep -v ' Ready'");
    assert_eq!(
        command.description.as_deref(),
        Some("Which nodes are not ready:")
    );
    assert_eq!(
        command.sample_output.as_deref(),
        Some("worker-2   NotReady")
    );
}

#[test]
fn no_offered_command_holds_a_prompt_or_a_line_of_its_sample_output() {
    for path in fixtures() {
        let parsed = playbook::load(&path);
        let playbook = parsed.playbook.unwrap();
        for command in playbook.commands().filter(|c| !c.show_only) {
            for line in command.run.lines() {
                assert!(
                    !is_prompt_line(line),
                    "{}: `{}` holds the prompt line `{line}`",
                    path.display(),
                    command.id
                );
            }
            let Some(sample) = &command.sample_output else {
                continue;
            };
            for line in sample.lines().filter(|l| l.trim().len() > 3) {
                assert!(
                    !command.run.lines().any(|r| r.trim() == line.trim()),
                    "{}: `{}` holds its output line `{line}`",
                    path.display(),
                    command.id
                );
            }
        }
    }
}

const TOOLS: &str = "oc rsh -n openshift-storage rook-ceph-tools-6c9f8b7d5b-q2x7w";

#[test]
fn a_line_at_the_prompt_inside_oc_rsh_is_offered_as_one_oc_rsh_command() {
    let playbook = fixture("ceph-cluster-warning-state.md");
    let status = command(&playbook, &format!("{TOOLS} ceph status"));
    assert_eq!(status.inside.as_deref(), Some(TOOLS));
    assert!(!status.show_only);
    assert!(
        status
            .sample_output
            .as_deref()
            .unwrap()
            .contains("health: HEALTH_WARN")
    );
    assert!(command(&playbook, TOOLS).interactive);
    // Quoted for the shell in the pod when it is more than words.
    command(
        &playbook,
        &format!("{TOOLS} sh -c 'ceph osd df tree | awk '\\''{{print $1, $(NF-3), $NF}}'\\'''"),
    );
    for command in playbook.commands() {
        assert!(
            !command.run.starts_with("ceph ") && !command.run.contains("\nceph "),
            "`{}` would run `ceph` on the responder's machine: {:?}",
            command.id,
            command.run
        );
    }
    // What `opsdeck exec` would run is that one command.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runbooks");
    let (code, out) = opsdeck(
        &dir,
        &[
            "exec",
            "ceph-cluster-warning-state.md",
            &status.id,
            "--dry-run",
        ],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("{TOOLS} ceph status")), "{out}");
}

#[test]
fn lines_typed_into_a_database_client_are_shown_never_run() {
    let playbook = book(
        "## S\n```console\n$ kubectl exec -it -n db pg-0 -- psql -U postgres\npostgres=# select pid, state from pg_stat_activity;\n pid | state\npostgres=# \\q\n$ kubectl get pods -n db\n```\n",
    );
    let typed = command(&playbook, "select pid, state from pg_stat_activity;");
    assert!(typed.show_only);
    assert_eq!(
        typed.inside.as_deref(),
        Some("kubectl exec -it -n db pg-0 -- psql -U postgres")
    );
    assert_eq!(
        planned(&playbook, &typed.id),
        Planned::Refused(Refusal::TypedInside {
            program: "kubectl exec -it -n db pg-0 -- psql -U postgres".into()
        })
    );
    assert!(!command(&playbook, "kubectl get pods -n db").show_only);
}

#[test]
fn a_comment_declared_placeholder_is_asked_for_by_its_description_and_filled_from_the_alert() {
    let playbook = fixture("ceph-cluster-warning-state.md");
    let logs = playbook
        .commands()
        .find(|c| c.run.contains(" logs "))
        .unwrap();
    assert_eq!(
        logs.run,
        "NAMESPACE='<value of namespace label from alert>'\noc -n $NAMESPACE logs rook-ceph-osd-2-5f8b7c9d6-vwxyz -c osd --tail=50"
    );
    match fill(&logs.run, &playbook, &BTreeMap::new()) {
        Err(FillError::Missing(missing)) => {
            assert_eq!(missing.len(), 1, "{missing:?}");
            assert_eq!(missing[0].name, "NAMESPACE");
            assert_eq!(
                missing[0].hint.as_deref(),
                Some("value of namespace label from alert")
            );
        }
        other => panic!("expected NAMESPACE to be asked for, got {other:?}"),
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runbooks");
    let (code, out) = opsdeck(
        &dir,
        &[
            "exec",
            "ceph-cluster-warning-state.md",
            &logs.id,
            "--dry-run",
            "--alert",
            "namespace=openshift-storage",
        ],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("NAMESPACE=openshift-storage\noc -n $NAMESPACE logs"),
        "{out}"
    );
}

#[test]
fn text_that_is_not_shell_is_warned_at_its_line_and_shown_only() {
    let body = "## S\n\
```bash\nkubectl get events -n web\nLAST SEEN   TYPE      REASON\n3m53s       Warning   FailedScheduling\n```\n\
```sh {id=quote}\necho \"the pod\n```\n\
```bash\n# Ask the storage team before going on.\n```\n\
```bash {allow=not-shell}\nNAME=x\n```\n";
    let parsed = parse(body);
    let warnings: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.rule == "not-shell")
        .map(|d| (d.line, d.col, d.message.as_str()))
        .collect();
    // The body starts on line 7 of the file; each fence's text on the line after it.
    assert_eq!(
        warnings,
        [
            (
                10,
                1,
                "command `s-1` is not shell (looks like sample output): it is shown, never run"
            ),
            (
                14,
                1,
                "command `quote` is not shell (unterminated quote): it is shown, never run"
            ),
            (
                17,
                1,
                "command `s-3` is not shell (only comments: nothing to run): it is shown, never run"
            ),
        ]
    );
    assert!(parsed.diagnostics.iter().all(|d| !d.is_error()));
    let playbook = parsed.playbook.unwrap();
    for id in ["s-1", "quote", "s-3"] {
        let command = playbook.command(id).unwrap();
        assert!(command.show_only && command.not_shell.is_some(), "{id}");
        assert!(
            matches!(
                planned(&playbook, id),
                Planned::Refused(Refusal::NotShell { .. })
            ),
            "{id}"
        );
    }
    // `allow=not-shell`: the author vouches for it.
    let vouched = playbook.command("s-4").unwrap();
    assert!(!vouched.show_only && vouched.not_shell.is_none());

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rb.md"), format!("{HEADER}{body}")).unwrap();
    let (code, out) = opsdeck(dir.path(), &["check", "rb.md"]);
    assert_eq!(code, Some(0), "warnings only: {out}");
    assert!(out.contains("rb.md:10:1"), "{out}");
    assert!(out.contains("[not-shell]"), "{out}");
}

#[test]
fn a_not_shell_line_inside_a_transcript_is_found_at_its_own_line() {
    let parsed = parse("## S\n```console\n$ oc get pods\nNAME  READY\n$ echo 'unclosed\n```\n");
    let d = parsed
        .diagnostics
        .iter()
        .find(|d| d.rule == "not-shell")
        .unwrap_or_else(|| panic!("{:#?}", parsed.diagnostics));
    // `$ echo 'unclosed` is line 11, its text after `$ ` at column 3.
    assert_eq!((d.line, d.col), (11, 3), "{d:?}");
    assert!(d.message.contains("unterminated quote"), "{}", d.message);
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests/fixtures/runbooks", "tests/fixtures/danger"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `sh -n`: the script is read as shell by the shell that runs it.
fn sh_n(script: &str) -> Result<(), String> {
    let mut child = std::process::Command::new("sh")
        .arg("-n")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Every placeholder filled with one dummy value.
fn filled(command: &Command, playbook: &Playbook) -> Result<(String, Vec<String>), String> {
    let mut values = BTreeMap::new();
    let mut asked = Vec::new();
    for _ in 0..3 {
        match fill(&command.run, playbook, &values) {
            Ok(filled) => return Ok((filled.script, asked)),
            Err(FillError::Missing(missing)) => {
                for m in missing {
                    asked.push(m.name.clone());
                    values.insert(m.name, "dummy-value".to_string());
                }
            }
            Err(FillError::Unsafe { name, reason, .. }) => {
                return Err(format!("refused for `{name}`: {reason}"));
            }
        }
    }
    Err("values are asked for again and again".into())
}

/// Names asked for that no shell would expand where they stand: Go
/// template words, awk fields, kubectl's `<none>`.
const NOT_PLACEHOLDERS: &[&str] = &[
    "end", "range", "NF", "none", "if", "else", "with", "println",
];

/// What opsdeck makes of a set of runbooks.
#[derive(Default)]
struct Measure {
    files: usize,
    extracted: usize,
    offered: usize,
    shown: usize,
    not_shell: usize,
    inside: usize,
    with_output: usize,
    prompt_lines: Vec<String>,
    failing: Vec<String>,
    false_placeholders: Vec<String>,
    /// Runbooks that do not load (errors), with the first error.
    unloaded: Vec<String>,
}

fn measure(files: &[PathBuf]) -> Measure {
    let mut m = Measure {
        files: files.len(),
        ..Measure::default()
    };
    for path in files {
        let parsed = playbook::load(path);
        let name = path.file_name().unwrap().to_string_lossy();
        let Some(playbook) = parsed.playbook else {
            let first = parsed.diagnostics.iter().find(|d| d.is_error());
            m.unloaded.push(format!("{name}: {first:?}"));
            continue;
        };
        for command in playbook.commands().filter(|c| c.lang != "promql") {
            m.extracted += 1;
            m.with_output += usize::from(command.sample_output.is_some());
            m.inside += usize::from(command.inside.is_some());
            m.not_shell += usize::from(command.not_shell.is_some());
            if command.show_only {
                m.shown += 1;
                continue;
            }
            m.offered += 1;
            if command.run.lines().any(is_prompt_line) {
                m.prompt_lines
                    .push(format!("{name} {}: {:?}", command.id, command.run));
            }
            match filled(command, &playbook) {
                Ok((script, asked)) => {
                    if let Err(why) = sh_n(&script) {
                        m.failing
                            .push(format!("{name} {}: {why}\n      {script:?}", command.id));
                    }
                    for asked in asked
                        .iter()
                        .filter(|a| NOT_PLACEHOLDERS.contains(&a.as_str()))
                    {
                        m.false_placeholders
                            .push(format!("{name} {}: `{asked}`", command.id));
                    }
                }
                Err(why) => m.failing.push(format!("{name} {}: {why}", command.id)),
            }
        }
    }
    m
}

fn report(label: &str, m: &Measure) {
    println!(
        "{label}: {} files ({} not loaded)",
        m.files,
        m.unloaded.len()
    );
    println!(
        "  commands extracted:                       {}",
        m.extracted
    );
    println!("    offered as runnable:                    {}", m.offered);
    println!("    shown only:                             {}", m.shown);
    println!(
        "      of which not shell:                   {}",
        m.not_shell
    );
    println!("    typed inside another program:           {}", m.inside);
    println!(
        "    with sample output split off:           {}",
        m.with_output
    );
    println!(
        "  offered commands holding a prompt line:   {}",
        m.prompt_lines.len()
    );
    println!(
        "  offered commands failing `sh -n`:         {}",
        m.failing.len()
    );
    println!(
        "  asked for a name the shell never expands: {}",
        m.false_placeholders.len()
    );
    for line in m
        .unloaded
        .iter()
        .chain(&m.prompt_lines)
        .chain(&m.failing)
        .chain(&m.false_placeholders)
    {
        println!("    {line}");
    }
}

#[test]
fn the_wiki_fixtures_are_measured() {
    let m = measure(&fixtures());
    report("wiki-style fixtures", &m);
    assert!(m.unloaded.is_empty(), "{:#?}", m.unloaded);
    assert!(m.prompt_lines.is_empty(), "{:#?}", m.prompt_lines);
    assert!(m.failing.is_empty(), "{:#?}", m.failing);
    // The fixtures hold each shape.
    assert!(
        m.with_output >= 20 && m.inside >= 8 && m.not_shell >= 3,
        "{} {} {}",
        m.with_output,
        m.inside,
        m.not_shell
    );
}

/// `OPSDECK_RUNBOOKS_DIR=… cargo test --test transcripts real -- --nocapture`
/// measures a checkout of real runbooks (every `.md` under it); reports only.
#[test]
fn real_runbooks_are_measured_when_given() {
    let Some(dir) = std::env::var_os("OPSDECK_RUNBOOKS_DIR") else {
        return;
    };
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from(dir)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    report("runbooks under $OPSDECK_RUNBOOKS_DIR", &measure(&files));
}

/// The examples of docs/playbook-format.md's "Transcripts" read as it says.
#[test]
fn the_documented_examples_read_as_documented() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/playbook-format.md"),
    )
    .unwrap();
    let section =
        &doc[doc.find("## Transcripts").unwrap()..doc.find("## Command attributes").unwrap()];
    let examples: Vec<&str> = section
        .split("~~~markdown\n")
        .skip(1)
        .map(|rest| &rest[..rest.find("~~~").unwrap()])
        .collect();
    assert_eq!(examples.len(), 3);
    let playbook = book(&format!("## Diagnosis\n{}", examples[0]));
    assert_eq!(
        runs(&playbook),
        [
            "oc get pods -n openshift-etcd -o wide",
            "oc get events -n openshift-etcd --sort-by=.lastTimestamp | \\\n    tail -n 5"
        ]
    );
    let first = playbook.commands().next().unwrap();
    assert_eq!(
        first.description.as_deref(),
        Some("The etcd pods and their nodes:")
    );
    assert!(first.sample_output.as_deref().unwrap().ends_with("<none>"));

    let playbook = book(&format!("## Diagnosis\n{}", examples[1]));
    assert_eq!(
        runs(&playbook),
        ["NAMESPACE='<value of namespace label from alert>'\noc -n $NAMESPACE get pods"]
    );

    let playbook = book(&format!("## Diagnosis\n{}", examples[2]));
    let tools = "oc rsh -n openshift-storage rook-ceph-tools-6c9f8b7d5b-q2x7w";
    assert_eq!(
        runs(&playbook),
        [
            tools.to_string(),
            format!("{tools} ceph health detail"),
            format!("{tools} sh -c 'ceph osd df | sort -k 7'"),
        ]
    );
    assert_eq!(
        playbook.commands().nth(1).unwrap().sample_output.as_deref(),
        Some("HEALTH_WARN 1 osds down")
    );
}

#[test]
fn exec_refuses_lines_typed_inside_a_program_and_text_that_is_not_shell_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# R\n\n## Look\n```console\n$ psql -U app shop\npostgres=# SELECT count(*) FROM orders;\n count\n-------\n    42\n```\n\n```bash\nNAME     READY   STATUS    RESTARTS   AGE\nweb-1    1/1     Running   0          3d\n```\n";
    std::fs::write(dir.path().join("rb.md"), text).unwrap();
    let data = dir.path().join("data").display().to_string();
    let exec = |id: &str| {
        common::run_opsdeck_env(
            dir.path(),
            ["exec", "rb.md", id],
            &[("OPSDECK_DATA_DIR", data.as_str())],
        )
    };
    let inside = exec("look-2");
    inside.assert_exit(3);
    assert!(
        inside.stderr.contains("typed inside `psql -U app shop`"),
        "{}",
        inside.stderr
    );
    let table = exec("look-3");
    table.assert_exit(3);
    assert!(
        table
            .stderr
            .contains("not shell (looks like sample output)"),
        "{}",
        table.stderr
    );
}
