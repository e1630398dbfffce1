//! Filling a command's placeholders in one pass, each value quoted for the
//! place it stands in. The template is parsed once with every placeholder
//! replaced by an inert marker, so the shell's own grammar says whether a
//! value lands bare, in `'…'`, `"…"`, `$(…)`, backticks, a here-document or
//! a comment. Afterwards the filled script is parsed again and must run the
//! same commands as the template: a value that would add or change one is
//! refused, whatever the quoting rules missed.

use super::placeholders::{Placeholder, env_names_in, substituted};
use super::values::{Found, alert_label, lookup};
use crate::playbook::Playbook;
use crate::shell::quote::{quote_for, shell_quote};
use crate::shell::syntax::{Place, Script, parse};
use std::collections::BTreeMap;

/// What a secret looks like wherever it is shown: the same for every secret.
pub const DOTS: &str = "••••••";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filled {
    /// The exact text that runs.
    pub script: String,
    /// The same, every secret value replaced by dots.
    pub shown: String,
    /// Each secret value and every quoted form of it found in `script`.
    pub secrets: Vec<String>,
}

/// A placeholder nothing gave a value for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    pub name: String,
    /// The placeholder as the playbook wrote it: `{{ns}}`, `<namespace>`, `$NAMESPACE`.
    pub written: String,
    pub hint: Option<String>,
    /// The alert label that would fill it (`--alert LABEL=…`).
    pub alert_label: String,
    pub secret: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FillError {
    Missing(Vec<Missing>),
    /// No quoting makes this placeholder's value data where it stands.
    Unsafe {
        name: String,
        /// Byte offset of the placeholder in the template.
        offset: usize,
        reason: String,
    },
}

pub fn fill(
    template: &str,
    playbook: &Playbook,
    values: &BTreeMap<String, String>,
) -> Result<Filled, FillError> {
    let placeholders = substituted(template, |name| playbook.variables.contains_key(name));
    let (marked, markers) = with_markers(template, &placeholders);
    let parsed = parse(&marked);
    let env = env_names_in(&parsed);

    let mut missing: Vec<Missing> = Vec::new();
    let mut found = |name: &str, hint: Option<&str>, written: &str| {
        let value = lookup(name, hint, playbook, values);
        if value.is_none() && !missing.iter().any(|m| m.name == name) {
            let declared = playbook.variables.get(name);
            missing.push(Missing {
                name: name.to_string(),
                written: written.to_string(),
                hint: declared
                    .and_then(|v| v.description.clone())
                    .or_else(|| hint.map(str::to_string)),
                alert_label: alert_label(name, hint),
                secret: declared.is_some_and(|v| v.secret),
            });
        }
        value
    };
    let filled: Vec<Option<Found>> = placeholders
        .iter()
        .map(|p| found(&p.name, p.hint.as_deref(), &template[p.range.clone()]))
        .collect();
    let exported: Vec<Option<Found>> = env
        .iter()
        .map(|name| found(name, None, &format!("${name}")))
        .collect();
    if !missing.is_empty() {
        return Err(FillError::Missing(missing));
    }

    let mut head = Filled::default();
    for (name, value) in env.iter().zip(exported.into_iter().flatten()) {
        head.push_line_export(name, &value);
    }
    let mut body = Filled::default();
    let mut heredoc_values = Vec::new();
    // The script as the grammar checks it: here-document values left as markers.
    let mut checked = String::with_capacity(template.len());
    let mut copied = 0;
    for ((placeholder, marker), value) in placeholders.iter().zip(&markers).zip(filled) {
        let value = value.expect("missing values returned above");
        let refuse = |reason: &str| FillError::Unsafe {
            name: placeholder.name.clone(),
            offset: placeholder.range.start,
            reason: reason.to_string(),
        };
        let place = parsed
            .place_of(marker.clone())
            .map_err(|e| refuse(e.reason()))?;
        let quoted = quote_for(&place, &value.value).map_err(|e| refuse(e.reason()))?;
        body.push_template(&template[copied..placeholder.range.start]);
        if let Place::Heredoc {
            strip_tabs,
            delimiter,
            ..
        } = &place
        {
            let refusal = refuse(
                "with this value a line of the here-document would start with its end word, and the lines after it could run as commands",
            );
            heredoc_values.push((body.script.len(), *strip_tabs, delimiter.clone(), refusal));
        }
        body.push_value(&quoted, &value);
        // The grammar misreads `\$` in a here-document; values there are
        // checked on the text instead (escaped, no newline, `ends_heredoc`).
        checked.push_str(&template[copied..placeholder.range.start]);
        match place {
            Place::Heredoc { .. } => checked.push_str(&marked[marker.clone()]),
            _ => checked.push_str(&quoted),
        }
        copied = placeholder.range.end;
    }
    body.push_template(&template[copied..]);
    checked.push_str(&template[copied..]);
    for (at, strip_tabs, delimiter, refusal) in heredoc_values {
        if ends_heredoc(&body.script, at, strip_tabs, &delimiter) {
            return Err(refusal);
        }
    }

    if let Some(first) = placeholders.first()
        && !runs_the_same(&parsed, &checked)
    {
        return Err(FillError::Unsafe {
            name: first.name.clone(),
            offset: first.range.start,
            reason: "with these values the command would run something other than what is written; check the values for quotes, newlines or the here-document's end word".into(),
        });
    }
    head.script.push_str(&body.script);
    head.shown.push_str(&body.shown);
    head.secrets.extend(body.secrets);
    Ok(head)
}

impl Filled {
    fn push_template(&mut self, text: &str) {
        self.script.push_str(text);
        self.shown.push_str(text);
    }

    fn push_value(&mut self, quoted: &str, value: &Found) {
        self.script.push_str(quoted);
        if value.secret {
            self.shown.push_str(DOTS);
            self.add_secret(&value.value, quoted);
        } else {
            self.shown.push_str(quoted);
        }
    }

    /// `$NAMESPACE` of a wiki runbook: exported ahead of the command.
    fn push_line_export(&mut self, name: &str, value: &Found) {
        let quoted = shell_quote(&value.value);
        self.script.push_str(&format!("export {name}={quoted}\n"));
        if value.secret {
            self.shown.push_str(&format!("export {name}={DOTS}\n"));
            self.add_secret(&value.value, &quoted);
        } else {
            self.shown.push_str(&format!("export {name}={quoted}\n"));
        }
    }

    fn add_secret(&mut self, raw: &str, quoted: &str) {
        for form in [raw, quoted] {
            if !form.is_empty() && !self.secrets.iter().any(|s| s == form) {
                self.secrets.push(form.to_string());
            }
        }
    }
}

/// Could the line around byte `at` end the here-document? A line equal to
/// its end word does; one that starts with it is refused too, as shells
/// disagree about it (dash drops the byte after the word).
fn ends_heredoc(script: &str, at: usize, strip_tabs: bool, delimiter: &str) -> bool {
    let start = script[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = script[at..].find('\n').map_or(script.len(), |i| at + i);
    let line = &script[start..end];
    let line = if strip_tabs {
        line.trim_start_matches('\t')
    } else {
        line
    };
    line.starts_with(delimiter)
}

/// The template with each placeholder replaced by a marker no shell treats
/// specially, and where each marker stands.
fn with_markers(
    template: &str,
    placeholders: &[Placeholder],
) -> (String, Vec<std::ops::Range<usize>>) {
    let mut prefix = String::from("opsdeckvalue");
    while template.contains(&prefix) {
        prefix.push_str(&format!("{:x}", fastrand::u32(..)));
    }
    let mut marked = String::with_capacity(template.len() + 16 * placeholders.len());
    let mut markers = Vec::with_capacity(placeholders.len());
    let mut copied = 0;
    for (i, placeholder) in placeholders.iter().enumerate() {
        marked.push_str(&template[copied..placeholder.range.start]);
        let start = marked.len();
        marked.push_str(&format!("{prefix}{i}x"));
        markers.push(start..marked.len());
        copied = placeholder.range.end;
    }
    marked.push_str(&template[copied..]);
    (marked, markers)
}

/// Does `filled` run the commands, substitutions, redirections and operators
/// of the marked template? The last line of defence if a quoting rule errs.
fn runs_the_same(template: &Script, filled: &str) -> bool {
    structure(&parse(filled)) == structure(template)
}

/// The shape of what a script runs: commands, substitutions, redirections,
/// here-documents, operators. Values only ever change the words inside it.
fn structure(parsed: &Script) -> Vec<&'static str> {
    const SHAPE: &[&str] = &[
        "command",
        "command_substitution",
        "process_substitution",
        "subshell",
        "compound_statement",
        "pipeline",
        "list",
        "redirected_statement",
        "file_redirect",
        "heredoc_redirect",
        "herestring_redirect",
        "variable_assignment",
        "function_definition",
        "if_statement",
        "while_statement",
        "for_statement",
        "case_statement",
        "case_item",
        "arithmetic_expansion",
        "negated_command",
        "test_command",
        "declaration_command",
        "unset_command",
        "comment",
        "ERROR",
        ";",
        "&&",
        "||",
        "|",
        "|&",
        "&",
    ];
    let mut shape = Vec::new();
    let mut cursor = parsed.tree.walk();
    let mut stack = vec![parsed.tree.root_node()];
    while let Some(node) = stack.pop() {
        if let Some(kind) = SHAPE.iter().find(|k| **k == node.kind()) {
            shape.push(*kind);
        }
        let children: Vec<_> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    shape
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_that_became_code_changes_what_runs() {
        let template = parse("echo opsdeckvalue0x | grep \"opsdeckvalue1x\"");
        assert!(runs_the_same(&template, "echo 'a b' | grep \"c\\$(d)\""));
        for broken in [
            "echo a; touch pwned | grep \"c\"",
            "echo a | grep \"c$(touch pwned)\"",
            "echo a | grep \"c\" > /etc/x",
            "echo a | grep \"c\" && reboot",
        ] {
            assert!(!runs_the_same(&template, broken), "{broken}");
        }
    }
}
