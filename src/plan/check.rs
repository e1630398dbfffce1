//! `opsdeck check`: placeholders that stand where no quoting can make a
//! value plain data (`${X:-{{v}}}`, `$(( {{n}} + 1 ))`, unreadable text),
//! reported at their `line:col` before anyone is asked for a value.

use super::fill::{FillError, fill};
use super::placeholders::{env_names, substituted};
use crate::playbook::diagnostic::Diagnostic;
use crate::playbook::model::{Command, Pos};
use crate::playbook::{Form, Parsed, Playbook};
use std::collections::BTreeMap;
use std::path::Path;

/// A playbook file read (`playbook::load`: its format, validation and lint)
/// and then checked that every command can be planned safely: what `check`,
/// the console and `exec` open.
pub fn load(path: &Path) -> Parsed {
    with_unsafe_places(crate::playbook::load(path))
}

/// [`load`] of bytes already read.
pub fn parse(bytes: &[u8], form: Form, fallback_title: &str) -> Parsed {
    with_unsafe_places(crate::playbook::parse(bytes, form, fallback_title))
}

fn with_unsafe_places(mut parsed: Parsed) -> Parsed {
    if let Some(partial) = &parsed.partial {
        let found = unsafe_places(partial);
        parsed.diagnostics.extend(found);
        parsed.diagnostics.sort_by_key(|d| (d.line, d.col));
    }
    let Some(playbook) = &parsed.playbook else {
        return parsed;
    };
    let found = unsafe_places(playbook);
    if !found.is_empty() {
        parsed.diagnostics.extend(found);
        parsed.diagnostics.sort_by_key(|d| (d.line, d.col));
        parsed.partial = parsed.playbook.take();
    }
    parsed
}

pub fn unsafe_places(playbook: &Playbook) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for command in playbook.commands() {
        if command.show_only || command.lang == "promql" {
            continue;
        }
        // Where a placeholder stands decides; any plain value shows it.
        let declared = |name: &str| playbook.variables.contains_key(name);
        let mut values: BTreeMap<String, String> = substituted(&command.run, declared)
            .into_iter()
            .map(|p| (p.name, "x".to_string()))
            .collect();
        values.extend(env_names(&command.run).into_iter().map(|n| (n, "x".into())));
        if let Err(FillError::Unsafe {
            name,
            offset,
            reason,
        }) = fill(&command.run, playbook, &values)
        {
            out.push(
                Diagnostic::error(
                    "unsafe-placeholder",
                    pos_in_run(command, offset),
                    format!("in `{}`, no value of `{name}` can be used safely: {reason}", command.id),
                )
                .help("move the placeholder to a plain word or into quotes, e.g. `\"{{name}}\"`; opsdeck refuses to run the command until then"),
            );
        }
    }
    out
}

/// The file position of byte `offset` of a command's text: where its line
/// was written (a transcript's command starts after its prompt), else the
/// lines after the fence (or `run:` key).
fn pos_in_run(command: &Command, offset: usize) -> Pos {
    let before = &command.run[..offset.min(command.run.len())];
    let line = before.matches('\n').count();
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32;
    match command.line_starts.get(line) {
        Some(start) => Pos::new(start.line, start.col + col),
        None => Pos::new(command.pos.line + 1 + line as u32, col + 1),
    }
}
