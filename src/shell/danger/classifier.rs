//! The classifier: every program the walk finds, looked up in the table.

use super::entry::Entry;
use super::options::{Args, program_args};
use super::walk::{Invocation, Visit, walk};
use super::{Finding, UNREADABLE};
use crate::shell::words::SimpleCommand;

/// Looks every command up in `table` (all of it, or one entry short for tests).
pub(super) struct Classifier<'t> {
    pub table: &'t [Entry],
}

impl Classifier<'_> {
    pub fn run(&self, script: &str) -> Vec<Finding> {
        let mut findings = Findings {
            table: self.table,
            out: Vec::new(),
        };
        walk(script, &mut findings);
        let mut out = findings.out;
        // The same reason twice (`rm a; rm b`) is said once.
        let mut seen = Vec::new();
        out.retain(|f: &Finding| {
            let key = (f.rule, f.why.clone());
            let new = !seen.contains(&key);
            seen.push(key);
            new
        });
        out
    }
}

struct Findings<'t> {
    table: &'t [Entry],
    out: Vec<Finding>,
}

impl Visit for Findings<'_> {
    fn invocation(&mut self, invocation: &Invocation, outer: bool) {
        self.match_table(invocation, outer);
    }

    /// The `>` entries, for a command without a program to name.
    fn without_program(&mut self, command: &SimpleCommand) {
        let invocation = Invocation {
            program: "",
            path: "",
            args: &[],
            command,
            stdin: None,
        };
        self.match_table(&invocation, true);
    }

    fn unreadable(&mut self, why: &'static str) {
        self.out.push(Finding {
            rule: UNREADABLE,
            program: String::new(),
            why: why.to_string(),
        });
    }
}

impl Findings<'_> {
    /// Adds what the entries that apply to `invocation` find; `outer` says
    /// whether its redirections are looked at too.
    fn match_table(&mut self, invocation: &Invocation, outer: bool) {
        // Parsed when the first entry applies, then shared by the rest.
        let mut parsed: Option<Args> = None;
        for entry in self.table {
            if !entry.applies_to(invocation.program, outer) {
                continue;
            }
            let args =
                parsed.get_or_insert_with(|| program_args(invocation.program, invocation.args));
            self.out.extend(entry.finding(invocation, args));
        }
    }
}
