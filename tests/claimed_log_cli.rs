//! `opsdeck log list`, `log show`, `log export` and `log verify` through the
//! real binary, on incidents that `opsdeck exec` recorded: what each prints
//! about them, and that `verify` fails with the place of a change and the
//! count of a loss.

mod common;

use common::{Output, run_opsdeck_env};
use std::path::{Path, PathBuf};

struct Data {
    dir: tempfile::TempDir,
}

impl Data {
    /// Two incidents: `Alpha outage` ran `look-a`, `Beta outage` ran `look-b`.
    fn with_two_incidents() -> Data {
        let data = Data {
            dir: tempfile::tempdir().unwrap(),
        };
        for (file, title, id, says) in [
            ("alpha.md", "Alpha outage", "look-a", "alpha-said-this"),
            ("beta.md", "Beta outage", "look-b", "beta-said-this"),
        ] {
            std::fs::write(
                data.dir.path().join(file),
                format!(
                    "---\ntitle: {title}\n---\n# {title}\n\n## Look\n```sh {{id={id}}}\necho {says}\n```\n"
                ),
            )
            .unwrap();
            data.opsdeck(&["exec", file, id]).assert_exit(0);
        }
        data
    }

    fn opsdeck(&self, args: &[&str]) -> Output {
        let data = self.dir.path().join("data").display().to_string();
        run_opsdeck_env(
            self.dir.path(),
            args,
            &[("OPSDECK_DATA_DIR", &data), ("OPSDECK_CONFIG", "/dev/null")],
        )
    }

    /// The id of the incident whose `log list` row names `title`.
    fn id_of(&self, title: &str) -> String {
        let list = self.opsdeck(&["log", "list"]);
        let row = list
            .stdout
            .lines()
            .find(|l| l.ends_with(title))
            .unwrap_or_else(|| panic!("{title} not listed:\n{}", list.stdout));
        row.split_whitespace().next().unwrap().to_string()
    }

    fn events(&self, id: &str) -> PathBuf {
        self.dir
            .path()
            .join("data/incidents")
            .join(id)
            .join("events.jsonl")
    }
}

fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn log_list_names_every_incident_with_its_state_and_event_count() {
    let empty = tempfile::tempdir().unwrap();
    let none = run_opsdeck_env(
        empty.path(),
        ["log", "list"],
        &[("OPSDECK_DATA_DIR", &empty.path().display().to_string())],
    );
    none.assert_exit(0);
    assert!(
        none.stdout.contains("No incidents under"),
        "{}",
        none.stdout
    );

    let data = Data::with_two_incidents();
    let list = data.opsdeck(&["log", "list"]);
    list.assert_exit(0);
    let rows: Vec<&str> = list.stdout.lines().collect();
    assert!(rows[0].starts_with("ID"), "{}", list.stdout);
    assert_eq!(
        rows.len(),
        3,
        "a header and two incidents:\n{}",
        list.stdout
    );
    for title in ["Alpha outage", "Beta outage"] {
        let row = rows.iter().find(|r| r.ends_with(title)).unwrap();
        let fields: Vec<&str> = row.split_whitespace().collect();
        assert!(
            data.events(fields[0]).exists(),
            "{row}: id is the directory"
        );
        assert!(["open", "closed"].contains(&fields[1]), "{row}");
        let events: usize = fields[3].parse().unwrap(); // after STATE and DURATION
        assert_eq!(events, lines_of(&data.events(fields[0])).len(), "{row}");
        assert!(events >= 4, "opened, confirmed, started, finished: {row}");
    }
}

#[test]
fn log_show_prints_the_timeline_of_one_incident() {
    let data = Data::with_two_incidents();
    let id = data.id_of("Alpha outage");
    let shown = data.opsdeck(&["log", "show", &id]);
    shown.assert_exit(0);
    let first = shown.stdout.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{id} — Alpha outage (")),
        "{first}"
    );
    let text = &shown.stdout;
    for what in [
        "incident opened: Alpha outage",
        "confirmed `look-a` on local",
        "started `look-a` on local",
        "finished `look-a` on local: exit 0",
    ] {
        assert!(text.contains(what), "{what} missing:\n{text}");
    }
    assert!(
        !text.contains("look-b"),
        "another incident's events:\n{text}"
    );
    let numbered = text.lines().skip(1).filter(|l| !l.trim().is_empty());
    for (n, line) in numbered.enumerate() {
        let seq: usize = line.split_whitespace().next().unwrap().parse().unwrap();
        assert_eq!(seq, n + 1, "events in order: {text}");
    }
}

#[test]
fn log_export_writes_a_postmortem_and_json_with_every_event() {
    let data = Data::with_two_incidents();
    let id = data.id_of("Beta outage");
    let md = data.opsdeck(&["log", "export", &id]);
    md.assert_exit(0);
    let md = md.stdout;
    assert!(md.starts_with("# Postmortem: Beta outage"), "{md}");
    assert!(md.contains(&format!("- Incident: `{id}`")), "{md}");
    assert!(md.contains("## Timeline (UTC)"), "{md}");
    assert!(
        md.contains("`look-b` on local: `echo beta-said-this` → exit 0 in "),
        "{md}"
    );
    assert!(md.contains("### `look-b` on local: exit 0"), "{md}");
    assert!(md.contains("beta-said-this"), "the last lines: {md}");
    assert!(md.contains("## Follow-ups"), "{md}");

    let json = data.opsdeck(&["log", "export", &id, "--format", "json"]);
    json.assert_exit(0);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let events = doc["events"].as_array().expect("an events array");
    assert_eq!(events.len(), lines_of(&data.events(&id)).len(), "{doc}");
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    for kind in [
        "opened",
        "command_confirmed",
        "command_started",
        "command_finished",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing: {kinds:?}");
    }
    assert_eq!(events[0]["seq"], 1);
}

#[test]
fn log_verify_names_the_changed_line_and_counts_a_cut_end() {
    let data = Data::with_two_incidents();
    let id = data.id_of("Alpha outage");
    let events = data.events(&id);
    let intact = data.opsdeck(&["log", "verify", &id]);
    intact.assert_exit(0);
    assert!(
        intact.stdout.contains("hash chain intact"),
        "{}",
        intact.stdout
    );

    // Someone changes what a command ended with, without the chain.
    let original = lines_of(&events);
    let finished = original
        .iter()
        .position(|l| l.contains("\"kind\":\"command_finished\""))
        .unwrap();
    let mut tampered = original.clone();
    tampered[finished] = tampered[finished].replace("\"exit_code\":0", "\"exit_code\":1");
    assert_ne!(tampered[finished], original[finished]);
    std::fs::write(&events, tampered.join("\n") + "\n").unwrap();
    let out = data.opsdeck(&["log", "verify", &id]);
    out.assert_exit(1);
    assert!(
        out.stdout.contains(&format!(
            "hash chain BROKEN at {}:{}",
            events.display(),
            finished + 1
        )),
        "{}",
        out.stdout
    );

    // The end of the log is cut off.
    let kept = original.len() - 2;
    std::fs::write(&events, original[..kept].join("\n") + "\n").unwrap();
    let out = data.opsdeck(&["log", "verify", &id]);
    out.assert_exit(1);
    assert!(
        out.stdout.contains(&format!(
            "the log ends at seq {kept} but its head says {}: 2 events are missing",
            original.len()
        )),
        "{}",
        out.stdout
    );
}
