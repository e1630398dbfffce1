//! YAML parsed into a tree where every node remembers its line and column.
//!
//! serde-saphyr does the YAML work (merge keys applied, alias bombs and
//! nesting bounded by its budget); this module only keeps the positions so the
//! validator can point at the exact key or value that is wrong.

use super::diagnostic::Diagnostic;
use super::model::Pos;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::cell::Cell;
use std::fmt;

/// Deeper than this is not a playbook, and would risk the stack.
pub const MAX_DEPTH: usize = 32;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// What the value is, for messages like "expected a list, found a number".
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// A scalar written as text, the way the author typed it (`22`, `true`, `web`).
    pub fn as_scalar_text(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Parses `text`, whose first line is line `first_line` of the file.
pub fn parse(text: &str, first_line: u32) -> Result<Node, Diagnostic> {
    let options = serde_saphyr::options! { with_snippet: false };
    DEPTH.with(|depth| depth.set(0));
    let result = serde_saphyr::from_str_with_options::<Option<Node>>(text, options);
    match result {
        Ok(Some(mut node)) => {
            shift_lines(&mut node, first_line - 1);
            Ok(node)
        }
        Ok(None) => Ok(Node {
            value: Value::Null,
            pos: Pos::new(first_line, 1),
        }),
        Err(err) => Err(yaml_error(&err, first_line)),
    }
}

fn yaml_error(err: &serde_saphyr::Error, first_line: u32) -> Diagnostic {
    let pos = err
        .location()
        .filter(|loc| loc.line() > 0)
        .map(|loc| {
            Pos::new(
                loc.line() as u32 + first_line - 1,
                loc.column().max(1) as u32,
            )
        })
        .unwrap_or(Pos::new(first_line, 1));
    let text = err.to_string();
    let raw = text.lines().next().unwrap_or("invalid YAML").trim();
    // saphyr counts lines from the start of the YAML, not of the file: drop its own location.
    let message = raw.find(" at line ").map_or(raw, |at| &raw[..at]);
    let lower = message.to_ascii_lowercase();
    if lower.contains("depth") || lower.contains("recursion") || lower.contains("nesting") {
        return Diagnostic::error(
            "yaml-limit",
            pos,
            format!("the YAML nests deeper than {MAX_DEPTH} levels"),
        )
        .help("playbooks are shallow: flatten the structure");
    }
    if lower.contains("budget") || lower.contains("alias") {
        return Diagnostic::error(
            "yaml-limit",
            pos,
            "anchors and aliases expand into a huge document (an alias bomb?)",
        )
        .help("write the values out instead of nesting aliases (`*name`) inside each other");
    }
    Diagnostic::error("yaml-syntax", pos, format!("invalid YAML: {message}")).help(
        "fix the YAML syntax at this position (indentation, a missing `:` or an unclosed quote or bracket)",
    )
}

fn shift_lines(node: &mut Node, by: u32) {
    node.pos.line += by;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|item| shift_lines(item, by)),
        Value::Map(entries) => entries.iter_mut().for_each(|(key, value)| {
            shift_lines(key, by);
            shift_lines(value, by);
        }),
        _ => {}
    }
}

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Counts nesting while a node deserializes; restores the count when dropped.
struct DepthGuard;

impl DepthGuard {
    fn enter<E: de::Error>() -> Result<Self, E> {
        DEPTH.with(|depth| {
            if depth.get() >= MAX_DEPTH {
                return Err(E::custom(format!("nesting deeper than {MAX_DEPTH} levels")));
            }
            depth.set(depth.get() + 1);
            Ok(DepthGuard)
        })
    }
}

impl Drop for DepthGuard {
    fn drop(&mut self) {
        DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let _guard = DepthGuard::enter::<D::Error>()?;
        let spanned = Spanned::<Value>::deserialize(deserializer)?;
        Ok(Node {
            pos: Pos::new(
                spanned.referenced.line() as u32,
                spanned.referenced.column() as u32,
            ),
            value: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_keys(node: &Node) -> Vec<(String, Pos)> {
        let Value::Map(entries) = &node.value else {
            panic!("not a map")
        };
        entries
            .iter()
            .map(|(k, _)| (k.value.as_scalar_text().unwrap(), k.pos))
            .collect()
    }

    #[test]
    fn keys_and_values_keep_positions_shifted_to_the_file() {
        let node = parse("title: x\nhosts:\n  web: a\n", 2).unwrap();
        assert_eq!(
            map_keys(&node),
            vec![
                ("title".into(), Pos::new(2, 1)),
                ("hosts".into(), Pos::new(3, 1))
            ]
        );
    }

    #[test]
    fn merge_keys_are_applied() {
        let node = parse("base: &b {user: deploy}\nweb:\n  <<: *b\n  port: 22\n", 1).unwrap();
        let Value::Map(entries) = &node.value else {
            panic!()
        };
        let web = &entries[1].1;
        let keys: Vec<_> = map_keys(web).into_iter().map(|(k, _)| k).collect();
        assert!(keys.contains(&"user".to_string()), "{keys:?}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse("a: 1\nb: [1, 2\n", 5).unwrap_err();
        assert_eq!(err.rule, "yaml-syntax");
        assert!(err.line >= 6, "{err:?}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            yaml.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse(&yaml, 1).is_err());
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let yaml = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(parse(&yaml, 1).is_err());
        let mut block = String::new();
        for depth in 0..200 {
            block.push_str(&" ".repeat(depth * 2));
            block.push_str("- \n");
        }
        assert!(parse(&block, 1).is_err());
    }
}
