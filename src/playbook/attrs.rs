//! Command attributes: `{id=x host=web kind=remediate}` on a fence, or the
//! keys of a YAML `commands:` entry. Both end in the same checks.

use super::diagnostic::{Diagnostic, suggest};
use super::fields::{FieldReport, parse_duration};
use super::model::{Command, DEFAULT_TIMEOUT, Kind, Pos};

/// One `key=value`, with where its key and its value start.
#[derive(Clone, Debug, PartialEq)]
pub struct Attr {
    pub key: String,
    pub value: String,
    pub pos: Pos,
    pub value_pos: Pos,
}

pub const FENCE_KEYS: &[&str] = &[
    "allow",
    "id",
    "host",
    "context",
    "kind",
    "timeout",
    "verify",
    "run",
    "interactive",
    "explain",
];

/// Splits the text inside `{...}` into attributes. `pos` is where that text starts.
pub fn parse_fence_attrs(text: &str, pos: Pos, report: &mut FieldReport) -> Vec<Attr> {
    let mut attrs = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| Pos::new(pos.line, pos.col + i as u32);
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() || chars[i] == ',' {
            i += 1;
            continue;
        }
        let key_start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '=' {
            i += 1;
        }
        let key: String = chars[key_start..i].iter().collect();
        if i >= chars.len() || chars[i] != '=' {
            report.push(
                Diagnostic::error(
                    "bad-attribute",
                    at(key_start),
                    format!("attribute `{key}` has no value"),
                )
                .span(key.chars().count())
                .help(format!(
                    "write `{key}=VALUE`; attributes are `key=value` pairs separated by spaces"
                )),
            );
            continue;
        }
        i += 1;
        let value_start = i;
        let value = if chars.get(i) == Some(&'"') {
            i += 1;
            let start = i;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            if i >= chars.len() {
                report.push(
                    Diagnostic::error(
                        "bad-attribute",
                        at(value_start),
                        format!("the quoted value of `{key}` is never closed"),
                    )
                    .help("add the closing `\"`"),
                );
                return attrs;
            }
            let value: String = chars[start..i].iter().collect();
            i += 1;
            value
        } else {
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != ',' {
                i += 1;
            }
            chars[value_start..i].iter().collect()
        };
        attrs.push(Attr {
            key,
            value,
            pos: at(key_start),
            value_pos: at(value_start),
        });
    }
    attrs
}

/// What a form found for one command, before the values are checked.
pub struct CommandSource {
    pub lang: String,
    pub run: String,
    pub pos: Pos,
    pub default_id: String,
    pub attrs: Vec<Attr>,
    /// `run=false` in a fence; `show_only: true` in YAML.
    pub show_only_key: &'static str,
}

pub fn build_command(source: CommandSource, report: &mut FieldReport) -> Command {
    let mut command = Command {
        id: source.default_id,
        lang: source.lang,
        run: source.run,
        host: super::model::RunsOn::Local,
        kind: Kind::Diagnose,
        timeout: DEFAULT_TIMEOUT,
        verify: None,
        show_only: false,
        interactive: false,
        explain: None,
        sample_output: None,
        description: None,
        inside: None,
        not_shell: None,
        allow: Vec::new(),
        context: None,
        pos: source.pos,
        attr_pos: source
            .attrs
            .iter()
            .map(|a| (a.key.clone(), a.value_pos))
            .collect(),
        line_starts: Vec::new(),
    };
    let mut seen: Vec<&str> = Vec::new();
    for attr in &source.attrs {
        if seen.contains(&attr.key.as_str()) {
            report.push(
                Diagnostic::error(
                    "duplicate-attribute",
                    attr.pos,
                    format!("`{}` is given twice", attr.key),
                )
                .span(attr.key.chars().count())
                .help("keep one of them"),
            );
        }
        seen.push(&attr.key);
        apply(&mut command, attr, source.show_only_key, report);
    }
    command
}

fn apply(command: &mut Command, attr: &Attr, show_only_key: &str, report: &mut FieldReport) {
    let value = attr.value.as_str();
    match attr.key.as_str() {
        "id" if is_id(value) => command.id = value.to_string(),
        "id" => report.push(bad_value(
            attr,
            "an id of letters, digits, `-` and `_`, e.g. `recent-deploys`",
        )),
        "host" if !value.is_empty() => command.host = super::model::RunsOn::named(value),
        "context" if crate::kube::context::is_context_name(value) => {
            command.context = Some(value.to_string());
        }
        "context" => report.push(bad_value(attr, "a Kubernetes context name")),
        "kind" => match value {
            "diagnose" => command.kind = Kind::Diagnose,
            "remediate" => command.kind = Kind::Remediate,
            _ => {
                // A bad kind is not the author's decision either way: no lint on it.
                command.attr_pos.retain(|(key, _)| key != "kind");
                report.push(
                    Diagnostic::error("bad-kind", attr.value_pos, format!("unknown kind `{value}`"))
                        .span(value.chars().count())
                        .help("use `kind=diagnose` (reads only, the default) or `kind=remediate` (changes things)"),
                );
            }
        },
        "timeout" => match parse_duration(value) {
            Ok(timeout) => command.timeout = timeout,
            Err(why) => report.push(
                Diagnostic::error(
                    "bad-duration",
                    attr.value_pos,
                    format!("`timeout` is not a valid duration: {why}"),
                )
                .span(value.chars().count())
                .help("write a number with a unit, e.g. `30s`, `5m`"),
            ),
        },
        "verify" if !value.is_empty() => command.verify = Some(value.to_string()),
        "explain" => command.explain = Some(value.to_string()),
        "allow" => {
            for rule in value.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                if super::lint::is_rule(rule) {
                    command.allow.push(rule.to_string());
                } else {
                    report.push(unknown_rule(rule, attr.value_pos));
                }
            }
        }
        "interactive" => {
            if let Some(b) = boolean(attr, report) {
                command.interactive = b;
            }
        }
        "run" if show_only_key == "run" => {
            if let Some(b) = boolean(attr, report) {
                command.show_only = !b;
            }
        }
        "show_only" if show_only_key == "show_only" => {
            if let Some(b) = boolean(attr, report) {
                command.show_only = b;
            }
        }
        "host" | "verify" => report.push(bad_value(attr, "a name")),
        key => {
            let hint = match suggest(key, FENCE_KEYS) {
                Some(close) => format!("did you mean `{close}`? "),
                None => String::new(),
            };
            report.push(
                Diagnostic::error(
                    "unknown-key",
                    attr.pos,
                    format!("unknown command attribute `{key}`"),
                )
                .span(key.chars().count())
                .help(format!("{hint}commands take: {}", FENCE_KEYS.join(", "))),
            );
        }
    }
}

pub fn unknown_rule(rule: &str, pos: Pos) -> Diagnostic {
    let lint: Vec<&str> = super::lint::RULES.iter().map(|r| r.name).collect();
    let danger: Vec<&str> = crate::shell::danger::RULES.iter().map(|r| r.0).collect();
    Diagnostic::error("unknown-rule", pos, format!("`{rule}` is not a rule"))
        .span(rule.chars().count())
        .help(format!(
            "lint rules: {}; what changes things: {}",
            lint.join(", "),
            danger.join(", ")
        ))
}

fn boolean(attr: &Attr, report: &mut FieldReport) -> Option<bool> {
    match attr.value.as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => {
            report.push(bad_value(attr, "`true` or `false`"));
            None
        }
    }
}

fn bad_value(attr: &Attr, expected: &str) -> Diagnostic {
    Diagnostic::error(
        "bad-value",
        attr.value_pos,
        format!("`{}={}` is not valid", attr.key, attr.value),
    )
    .span(attr.value.chars().count().max(1))
    .help(format!("`{}` takes {expected}", attr.key))
}

pub fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// `Was there a recent deploy?` → `was-there-a-recent-deploy`, for default ids.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(40).collect();
    if slug.is_empty() {
        "step".into()
    } else {
        slug.trim_end_matches('-').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_keep_their_columns_and_quoted_values() {
        let mut report = FieldReport::default();
        let attrs = parse_fence_attrs(
            r#"id=x explain="two words" kind=remediate"#,
            Pos::new(3, 8),
            &mut report,
        );
        assert!(report.diagnostics.is_empty());
        assert_eq!(attrs[0].pos, Pos::new(3, 8));
        assert_eq!(attrs[1].value, "two words");
        assert_eq!(attrs[2].pos, Pos::new(3, 8 + 25));
    }

    #[test]
    fn a_key_without_value_is_an_error() {
        let mut report = FieldReport::default();
        parse_fence_attrs("id", Pos::new(1, 1), &mut report);
        assert_eq!(report.diagnostics[0].rule, "bad-attribute");
    }

    #[test]
    fn slugs_are_readable() {
        assert_eq!(
            slug("Was there a recent deploy?"),
            "was-there-a-recent-deploy"
        );
        assert_eq!(slug("???"), "step");
    }
}
