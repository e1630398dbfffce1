//! Alertmanager label matchers as people write them:
//! `{alertname=~"Kube.*", namespace="shop"}`, with `=`, `!=`, `=~` and `!~`.

use regex::Regex;
use std::collections::BTreeMap;

/// Characters of matcher text read at most: it comes from a playbook.
pub const MAX_MATCHERS_TEXT: usize = 4096;

#[derive(Clone, Debug)]
pub struct Matcher {
    pub name: String,
    op: Op,
}

#[derive(Clone, Debug)]
enum Op {
    Equal(String),
    NotEqual(String),
    Matches(Regex),
    NotMatches(Regex),
}

impl Matcher {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.name).map_or("", String::as_str);
        match &self.op {
            Op::Equal(want) => value == want,
            Op::NotEqual(want) => value != want,
            Op::Matches(re) => re.is_match(value),
            Op::NotMatches(re) => !re.is_match(value),
        }
    }
}

/// Every matcher holds for `labels`.
pub fn all_match(matchers: &[Matcher], labels: &BTreeMap<String, String>) -> bool {
    matchers.iter().all(|m| m.matches(labels))
}

/// Parses `{name="value", name=~"re"}` (braces optional); an error says where.
pub fn parse(text: &str) -> Result<Vec<Matcher>, String> {
    if text.len() > MAX_MATCHERS_TEXT {
        return Err(format!("matchers longer than {MAX_MATCHERS_TEXT} bytes"));
    }
    let trimmed = text.trim();
    let inner = match (trimmed.strip_prefix('{'), trimmed.ends_with('}')) {
        (Some(rest), true) => &rest[..rest.len() - 1],
        (None, false) => trimmed,
        _ => return Err("unbalanced braces: write `{name=\"value\", ...}`".into()),
    };
    let mut matchers = Vec::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(format!("expected a label name at `{}`", head(rest)));
        }
        rest = rest[name_end..].trim_start();
        let (op, after) = ["=~", "!~", "!=", "="]
            .iter()
            .find_map(|op| rest.strip_prefix(op).map(|after| (*op, after)))
            .ok_or_else(|| format!("expected =, !=, =~ or !~ after `{name}`"))?;
        let (value, after) = quoted(after.trim_start())
            .ok_or_else(|| format!("the value of `{name}` must be in double quotes"))?;
        let anchored = |v: &str| {
            regex::RegexBuilder::new(&format!("^(?:{v})$"))
                .size_limit(1 << 20)
                .build()
                .map_err(|err| format!("`{name}{op}\"{v}\"`: not a regular expression ({err})"))
        };
        let op = match op {
            "=" => Op::Equal(value),
            "!=" => Op::NotEqual(value),
            "=~" => Op::Matches(anchored(&value)?),
            _ => Op::NotMatches(anchored(&value)?),
        };
        matchers.push(Matcher {
            name: name.to_string(),
            op,
        });
        rest = after.trim_start();
        match rest.strip_prefix(',') {
            Some(more) => rest = more.trim_start(),
            None if rest.is_empty() => {}
            None => return Err(format!("expected `,` or `}}` at `{}`", head(rest))),
        }
    }
    if matchers.is_empty() {
        return Err("no matchers: write e.g. `{alertname=\"KubePodCrashLooping\"}`".into());
    }
    Ok(matchers)
}

/// `"text"` with `\"` and `\\` escapes: the value and what follows it.
fn quoted(text: &str) -> Option<(String, &str)> {
    let mut chars = text.strip_prefix('"')?.char_indices();
    let mut value = String::new();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[at + 2..])),
            '\\' => value.push(chars.next()?.1),
            c => value.push(c),
        }
    }
    None
}

fn head(text: &str) -> String {
    text.chars().take(20).collect()
}

/// The implicit matcher of a playbook's `alerts:` list.
pub fn for_names(names: &[String]) -> String {
    let alternatives: Vec<String> = names
        .iter()
        .map(|n| regex::escape(n).replace('\\', "\\\\").replace('"', "\\\""))
        .collect();
    format!("{{alertname=~\"{}\"}}", alternatives.join("|"))
}
