//! A playbook with errors still opens, read-only where they are: which
//! commands an error makes unsafe to run (an error in the command, in the
//! host group it runs on, or in a part that every command depends on, such
//! as `variables`), and the errors of parts that run nothing (a check, the
//! escalation list), shown where the responder reads first.

use crate::playbook::Parsed;
use crate::playbook::Playbook;
use crate::playbook::diagnostic::Diagnostic;
use std::collections::BTreeMap;

/// Front-matter sections whose errors leave every command safe to run:
/// nothing of a command is read from them.
const NOTHING_RUNS_FROM: &[&str] = &[
    "title",
    "summary",
    "service",
    "owners",
    "escalation",
    "checks",
    "alerts",
    "alertmanager",
    "notify",
    "prometheus",
];

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Broken {
    /// Command id → the errors that keep it from running (`line 16: …`).
    pub commands: BTreeMap<String, Vec<String>>,
    /// Every error, cause first, as `line 4: message (help)`.
    pub errors: Vec<String>,
    /// The errors in `checks:`: such a check is not probed (the health pane says so).
    pub checks: Vec<String>,
    /// An error no part can be named for: no command may run.
    pub everything: bool,
}

impl Broken {
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Why `command_id` may not run, if it may not.
    pub fn refusal(&self, command_id: &str) -> Option<String> {
        if let Some(errors) = self.commands.get(command_id) {
            return Some(format!("the playbook has an error here: {}", errors[0]));
        }
        self.everything.then(|| {
            format!(
                "the playbook has an error every command depends on: {}",
                self.errors.first().map_or("", String::as_str)
            )
        })
    }
}

/// The broken parts of a playbook read with errors (`parsed.partial`).
pub fn broken_parts(parsed: &Parsed, playbook: &Playbook) -> Broken {
    let mut broken = Broken::default();
    let body_starts = playbook
        .steps
        .first()
        .map_or(u32::MAX, |s| s.pos.line.max(1));
    for d in parsed.diagnostics.iter().filter(|d| d.is_error()) {
        let said = said(d);
        broken.errors.push(said.clone());
        if let Some(id) = command_at(playbook, d.line) {
            broken.commands.entry(id).or_default().push(said);
            continue;
        }
        let section = section_of(&parsed.sections, d.line);
        if section == Some("checks") {
            broken
                .checks
                .push(format!("line {}: {}", d.line, d.message));
        }
        match section {
            Some("hosts") => {
                for id in commands_on_group_at(playbook, d.line) {
                    broken.commands.entry(id).or_default().push(said.clone());
                }
            }
            Some(name) if NOTHING_RUNS_FROM.contains(&name) => {}
            // In the steps (prose), nothing runs from the error's place.
            None if d.line >= body_starts => {}
            _ => broken.everything = true,
        }
    }
    broken
}

/// `line 4: unknown key `htp` in a check (did you mean `http`? …)`
fn said(d: &Diagnostic) -> String {
    // "did you mean `http`?" is the fix; the list of keys after it is for `check`.
    let help = d.help.as_deref().map(|help| match help.split_once("? ") {
        Some((question, _)) if help.starts_with("did you mean") => format!("{question}?"),
        _ => help.to_string(),
    });
    match help {
        Some(help) => format!("line {}: {} ({help})", d.line, d.message),
        None => format!("line {}: {}", d.line, d.message),
    }
}

/// The command whose fence (or YAML entry) holds `line`.
fn command_at(playbook: &Playbook, line: u32) -> Option<String> {
    playbook.commands().find_map(|c| {
        let last_run_line = c.line_starts.iter().map(|p| p.line).max().unwrap_or(0);
        let end = (c.pos.line + c.run.lines().count() as u32 + 1).max(last_run_line);
        (c.pos.line <= line && line <= end).then(|| c.id.clone())
    })
}

/// The top-level section `line` falls in.
fn section_of(sections: &[(String, u32)], line: u32) -> Option<&str> {
    sections
        .iter()
        .filter(|(_, at)| *at <= line)
        .max_by_key(|(_, at)| *at)
        .map(|(name, _)| name.as_str())
}

/// Commands on the host group whose entry holds `line`; every command on
/// any group when the entry cannot be told.
fn commands_on_group_at(playbook: &Playbook, line: u32) -> Vec<String> {
    let group = playbook
        .hosts
        .iter()
        .filter(|(_, g)| g.pos.line <= line)
        .max_by_key(|(_, g)| g.pos.line)
        .map(|(name, _)| name.clone());
    playbook
        .commands()
        .filter(|c| !c.host.is_local())
        .filter(|c| group.as_deref().is_none_or(|g| c.host.name() == g))
        .map(|c| c.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::{Form, parse};

    fn broken(text: &str) -> Broken {
        let parsed = parse(text.as_bytes(), Form::Markdown, "t");
        let partial = parsed.partial.clone().expect("the steps read");
        broken_parts(&parsed, &partial)
    }

    const BODY: &str = "# T\n\n## Look\n```sh {id=look}\necho hi\n```\n";

    #[test]
    fn a_broken_check_blocks_nothing() {
        let found = broken(&format!(
            "---\nchecks:\n  - {{id: c, htp: \"http://x/\"}}\n---\n{BODY}"
        ));
        assert!(!found.is_empty());
        assert_eq!(found.refusal("look"), None);
    }

    #[test]
    fn an_error_in_a_command_blocks_that_command() {
        let text = "# T\n\n## Look\n```sh {id=look}\necho hi\n```\n\n```sh {id=bad hots=web}\nuptime\n```\n";
        let found = broken(text);
        assert_eq!(found.refusal("look"), None);
        assert!(found.refusal("bad").is_some(), "{found:?}");
    }

    #[test]
    fn an_error_in_variables_blocks_every_command() {
        let found = broken(&format!(
            "---\nvariables:\n  token: {{secrte: true}}\n---\n{BODY}"
        ));
        assert!(found.everything, "{found:?}");
        assert!(found.refusal("look").is_some());
    }
}
