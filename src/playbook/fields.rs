//! Typed reading of YAML nodes that reports every mistake with its position.

use super::diagnostic::{Diagnostic, suggest};
use super::model::Pos;
use super::yaml_tree::{Node, Value};
use std::time::Duration;

/// Collects diagnostics while a playbook is converted, so one pass reports them all.
#[derive(Default)]
pub struct FieldReport {
    pub diagnostics: Vec<Diagnostic>,
}

impl FieldReport {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// The entries of one YAML mapping, checked against the keys a section allows.
pub struct Fields<'a> {
    entries: Vec<(String, &'a Node, &'a Node)>,
}

/// How unknown keys are treated: strict sections refuse them, the top level warns.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    Strict,
    Lenient,
}

impl<'a> Fields<'a> {
    /// Reads `node` as a mapping for `section`, reporting keys not in `allowed`.
    pub fn new(
        node: &'a Node,
        section: &str,
        allowed: &[&str],
        strictness: Strictness,
        report: &mut FieldReport,
    ) -> Option<Self> {
        let Value::Map(map) = &node.value else {
            report.push(type_error(node, section, "a mapping (`key: value` lines)"));
            return None;
        };
        let mut entries = Vec::new();
        let mut ignored: Vec<(String, Pos)> = Vec::new();
        for (key, value) in map {
            let Some(name) = key.value.as_scalar_text() else {
                report.push(type_error(
                    key,
                    &format!("a key in {section}"),
                    "a plain name",
                ));
                continue;
            };
            if !allowed.contains(&name.as_str()) {
                let typo = suggest(&name, allowed).is_some();
                if strictness == Strictness::Lenient && !typo {
                    ignored.push((name, key.pos));
                } else {
                    report.push(unknown_key(&name, key.pos, section, allowed, strictness));
                }
                continue;
            }
            entries.push((name, key, value));
        }
        if let Some((_, pos)) = ignored.first() {
            report.push(ignored_keys(&ignored, *pos, allowed));
        }
        Some(Fields { entries })
    }

    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(name, _, _)| name == key)
            .map(|(_, _, value)| *value)
    }

    /// Position of a key itself (for "two probes in one check" and the like).
    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        self.entries
            .iter()
            .find(|(name, _, _)| name == key)
            .map(|(_, key, _)| key.pos)
    }

    pub fn string(&self, key: &str, report: &mut FieldReport) -> Option<String> {
        self.get(key).and_then(|node| string(node, key, report))
    }

    pub fn duration(&self, key: &str, report: &mut FieldReport) -> Option<Duration> {
        self.get(key).and_then(|node| duration(node, key, report))
    }
}

/// Keys of other tools (`weight`, `aliases`) in a plain runbook: one warning for all.
fn ignored_keys(keys: &[(String, Pos)], pos: Pos, allowed: &[&str]) -> Diagnostic {
    let names: Vec<String> = keys.iter().map(|(k, _)| format!("`{k}`")).collect();
    let (noun, verb) = if keys.len() == 1 {
        ("key", "is")
    } else {
        ("keys", "are")
    };
    Diagnostic::warning(
        "unknown-front-matter-key",
        pos,
        format!(
            "front-matter {noun} {} {verb} not used by opsdeck and ignored",
            names.join(", ")
        ),
    )
    .span(keys[0].0.chars().count())
    .help(format!(
        "keep them if another tool reads them; opsdeck reads: {}",
        allowed.join(", ")
    ))
}

fn unknown_key(
    name: &str,
    pos: Pos,
    section: &str,
    allowed: &[&str],
    strictness: Strictness,
) -> Diagnostic {
    let known = allowed.join(", ");
    let hint = match suggest(name, allowed) {
        Some(close) => format!("did you mean `{close}`? {section} takes: {known}"),
        None => format!("{section} takes: {known}"),
    };
    match strictness {
        Strictness::Strict => Diagnostic::error(
            "unknown-key",
            pos,
            format!("unknown key `{name}` in {section}"),
        )
        .span(name.chars().count())
        .help(hint),
        Strictness::Lenient => Diagnostic::warning(
            "unknown-front-matter-key",
            pos,
            format!("front-matter key `{name}` is not used by opsdeck and is ignored"),
        )
        .span(name.chars().count())
        .help(hint),
    }
}

pub fn type_error(node: &Node, what: &str, expected: &str) -> Diagnostic {
    Diagnostic::error(
        "wrong-type",
        node.pos,
        format!("{what} must be {expected}, found {}", node.value.describe()),
    )
}

/// A scalar as text: `port: 22` and `name: "x"` both read as strings.
pub fn string(node: &Node, what: &str, report: &mut FieldReport) -> Option<String> {
    match node.value.as_scalar_text() {
        Some(text) => Some(text),
        None => {
            report.push(type_error(node, &format!("`{what}`"), "a single value"));
            None
        }
    }
}

/// One value or a list of values.
pub fn string_list(node: &Node, what: &str, report: &mut FieldReport) -> Vec<String> {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|item| string(item, what, report))
            .collect(),
        _ => string(node, what, report).into_iter().collect(),
    }
}

pub fn boolean(node: &Node, what: &str, report: &mut FieldReport) -> Option<bool> {
    match &node.value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) if s == "true" || s == "false" => Some(s == "true"),
        _ => {
            report.push(type_error(node, &format!("`{what}`"), "`true` or `false`"));
            None
        }
    }
}

pub fn integer(node: &Node, what: &str, report: &mut FieldReport) -> Option<i64> {
    match &node.value {
        Value::Int(i) => Some(*i),
        Value::Str(s) => s.trim().parse().ok().or_else(|| {
            report.push(type_error(node, &format!("`{what}`"), "a whole number"));
            None
        }),
        _ => {
            report.push(type_error(node, &format!("`{what}`"), "a whole number"));
            None
        }
    }
}

pub fn number(node: &Node, what: &str, report: &mut FieldReport) -> Option<f64> {
    match &node.value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => {
            report.push(type_error(node, &format!("`{what}`"), "a number"));
            None
        }
    }
}

pub fn duration(node: &Node, what: &str, report: &mut FieldReport) -> Option<Duration> {
    let text = string(node, what, report)?;
    match parse_duration(&text) {
        Ok(value) => Some(value),
        Err(message) => {
            report.push(
                Diagnostic::error(
                    "bad-duration",
                    node.pos,
                    format!("`{what}` is not a valid duration: {message}"),
                )
                .span(text.chars().count())
                .help("write a number with a unit, e.g. `800ms`, `30s`, `5m`, `1h30m`"),
            );
            None
        }
    }
}

/// `30s`, `5m`, `1h30m`; a bare number is refused because its unit would be a guess.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.chars().all(|c| c.is_ascii_digit()) && !text.is_empty() {
        return Err(format!("`{text}` has no unit"));
    }
    let value = humantime::parse_duration(text).map_err(|err| format!("`{text}`: {err}"))?;
    if value.is_zero() {
        return Err(format!("`{text}` is zero"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::yaml_tree::parse;

    #[test]
    fn unknown_keys_are_errors_with_a_suggestion_in_strict_sections() {
        let node = parse("hots: web\nkind: x\n", 1).unwrap();
        let mut report = FieldReport::default();
        let fields = Fields::new(
            &node,
            "a check",
            &["host", "kind"],
            Strictness::Strict,
            &mut report,
        )
        .unwrap();
        assert!(fields.get("kind").is_some());
        let d = &report.diagnostics[0];
        assert!(d.is_error());
        assert_eq!((d.line, d.col), (1, 1));
        assert!(d.help.as_deref().unwrap().contains("did you mean `host`"));
    }

    #[test]
    fn durations_need_units() {
        assert_eq!(parse_duration("800ms"), Ok(Duration::from_millis(800)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
