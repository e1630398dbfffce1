//! Every placeholder in a command's text, found in one pass over the
//! template (never over substituted text, so a value is never read again):
//! `{{name}}`, wiki `<…>` (with the quotes around it), and `$NAME` that the
//! command itself never sets.

use crate::playbook::front_matter::is_identifier;
use crate::playbook::wiki_placeholders::angle_placeholders;
use crate::shell::syntax::{Script, parse};
use std::collections::BTreeSet;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    /// The name a value is looked up by (`--var NAME=…`).
    pub name: String,
    /// The `<…>` text it came from, shown when asking for it.
    pub hint: Option<String>,
    /// The bytes it replaces in the template.
    pub range: Range<usize>,
}

/// `{{name}}` and `<…>` placeholders in order; `<…>` inside `{{…}}` is not
/// one. `declared` says which names the playbook declares under `variables`.
pub fn substituted(script: &str, declared: impl Fn(&str) -> bool) -> Vec<Placeholder> {
    let mut found = templates(script, declared);
    for angle in angle_placeholders(script) {
        let overlaps = found
            .iter()
            .any(|t| t.range.start < angle.range.end && angle.range.start < t.range.end);
        if !overlaps {
            found.push(Placeholder {
                name: angle.name,
                hint: Some(angle.hint),
                range: angle.range,
            });
        }
    }
    found.sort_by_key(|p| p.range.start);
    found
}

/// `{{name}}` where `name` is an identifier, except an undeclared one inside
/// a quoted Go or Jinja template (`'{{range .items}}…{{end}}'`), which is
/// the template's own text.
pub fn templates(script: &str, declared: impl Fn(&str) -> bool) -> Vec<Placeholder> {
    let mut found = Vec::new();
    let mut parsed = None;
    let mut from = 0;
    while let Some(open) = script[from..].find("{{").map(|at| from + at) {
        let Some(close) = script[open + 2..].find("}}").map(|at| open + 2 + at) else {
            break;
        };
        let name = script[open + 2..close].trim();
        let range = open..close + 2;
        from = close + 2;
        if !is_identifier(name) {
            continue;
        }
        if !declared(name) {
            let parsed = parsed.get_or_insert_with(|| parse(script));
            if in_quoted_template(parsed, range.clone()) {
                continue;
            }
        }
        found.push(Placeholder {
            name: name.to_string(),
            hint: None,
            range,
        });
    }
    found
}

/// Is `range` inside a quoted word that also holds template syntax that is
/// not a plain name (`{{.Field}}`, `{{range …}}`, `{{ "\n" }}`)?
fn in_quoted_template(parsed: &Script, range: Range<usize>) -> bool {
    let root = parsed.tree.root_node();
    let mut node = root.descendant_for_byte_range(range.start, range.end);
    while let Some(n) = node {
        if matches!(n.kind(), "raw_string" | "string") {
            let text = parsed.node_text(n);
            return template_actions(text).any(|action| !is_identifier(action));
        }
        node = n.parent();
    }
    false
}

/// The inside of every `{{…}}` in `text`.
fn template_actions(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let open = rest.find("{{")?;
        let close = rest[open + 2..].find("}}")?;
        let action = rest[open + 2..open + 2 + close].trim();
        rest = &rest[open + 2 + close + 2..];
        Some(action)
    })
}

/// The script with each `{{name}}` and `<…>` placeholder as one plain word,
/// so that `<namespace>` reads as a value, not a redirection.
pub fn neutralised(script: &str) -> String {
    let mut text = String::with_capacity(script.len());
    let mut copied = 0;
    for placeholder in substituted(script, |_| true) {
        text.push_str(&script[copied..placeholder.range.start]);
        text.push_str("PLACEHOLDER");
        copied = placeholder.range.end;
    }
    text.push_str(&script[copied..]);
    text
}

/// Environment variables a shell always has: never asked for.
const SHELL_VARS: &[&str] = &[
    "HOME",
    "PATH",
    "USER",
    "SHELL",
    "PWD",
    "OLDPWD",
    "TERM",
    "LANG",
    "HOSTNAME",
    "TMPDIR",
    "UID",
    "EUID",
    "PPID",
    "RANDOM",
    "LINENO",
    "SECONDS",
    "IFS",
    "LOGNAME",
    "EDITOR",
    "PAGER",
    "KUBECONFIG",
];

/// `$NAMESPACE` / `${POD}` expanded by the shell (not inside `'…'`), upper
/// case, that the script never assigns, in order of first use.
pub fn env_names(script: &str) -> Vec<String> {
    env_names_in(&parse(script))
}

pub fn env_names_in(parsed: &Script) -> Vec<String> {
    let mut used = Vec::new();
    let mut assigned = BTreeSet::new();
    let mut cursor = parsed.tree.walk();
    let mut stack = vec![parsed.tree.root_node()];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "simple_expansion" | "expansion" => {
                if let Some(name) = first_child_of_kind(node, "variable_name") {
                    used.push(parsed.node_text(name).to_string());
                }
            }
            "variable_assignment" | "for_statement" => {
                if let Some(name) = first_child_of_kind(node, "variable_name") {
                    assigned.insert(parsed.node_text(name).to_string());
                }
            }
            // `read NAME`: every plain word after `read` is set by it.
            "command" if command_name(parsed, node) == Some("read") => {
                for child in node.named_children(&mut cursor) {
                    if child.kind() == "word" {
                        assigned.insert(parsed.node_text(child).to_string());
                    }
                }
            }
            _ => {}
        }
        for child in node
            .children(&mut cursor)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            stack.push(child);
        }
    }
    let mut names: Vec<String> = Vec::new();
    // A set beside the list: 40,000 distinct names must stay linear.
    let mut listed = BTreeSet::new();
    for name in used {
        let upper = name.len() >= 2
            && name.starts_with(|c: char| c.is_ascii_uppercase())
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if upper
            && !SHELL_VARS.contains(&name.as_str())
            && !assigned.contains(&name)
            && listed.insert(name.clone())
        {
            names.push(name);
        }
    }
    names
}

fn first_child_of_kind<'t>(
    node: tree_sitter::Node<'t>,
    kind: &str,
) -> Option<tree_sitter::Node<'t>> {
    let mut cursor = node.walk();
    node.children(&mut cursor).find(|c| c.kind() == kind)
}

fn command_name<'a>(parsed: &'a Script, command: tree_sitter::Node) -> Option<&'a str> {
    first_child_of_kind(command, "command_name").map(|n| parsed.node_text(n))
}

/// Names of the `{{name}}` placeholders in `script`, in order, repeats
/// kept; those of a quoted Go template (`'{{range .items}}…{{end}}'`) are the
/// template's own text unless `declared` says otherwise.
pub fn template_names(script: &str, declared: impl Fn(&str) -> bool) -> Vec<String> {
    templates(script, declared)
        .into_iter()
        .map(|p| p.name)
        .collect()
}

/// Every reason a command's text changes things, its placeholders read as
/// plain words (see [`crate::shell::danger`]).
pub fn template_findings(script: &str) -> Vec<crate::shell::danger::Finding> {
    crate::shell::danger::classify_all(&neutralised(script))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_and_angles_are_found_in_order_with_their_ranges() {
        let script = "kubectl -n <namespace> logs '<pod name>' {{since}} < in.txt <<EOF";
        let found = substituted(script, |_| false);
        let names: Vec<&str> = found.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["namespace", "pod_name", "since"]);
        assert_eq!(&script[found[1].range.clone()], "'<pod name>'");
    }

    #[test]
    fn go_templates_pass_through_but_declared_names_and_plain_placeholders_do_not() {
        let script = "oc get nodes -o template --template='{{range .items}}{{.metadata.name}}{{end}}' -l {{label}}";
        let names = |declared: &[&str]| -> Vec<String> {
            substituted(script, |n| declared.contains(&n))
                .into_iter()
                .map(|p| p.name)
                .collect()
        };
        assert_eq!(names(&[]), ["label"]);
        assert_eq!(names(&["end"]), ["end", "label"]);
        let plain = substituted("echo '{{pattern}}'", |_| false);
        assert_eq!(plain.len(), 1, "a quoted placeholder alone is still one");
    }

    #[test]
    fn env_names_are_expansions_the_script_does_not_set() {
        let script = "POD=x; for N in a; do :; done; read R; kubectl -n $NAMESPACE get ${POD} $N $R $HOME ${DEPLOYMENT} $lower $1 '$QUOTED' \"$IN_DQ\"";
        assert_eq!(env_names(script), ["NAMESPACE", "DEPLOYMENT", "IN_DQ"]);
    }

    #[test]
    fn awk_fields_in_single_quotes_are_not_placeholders() {
        assert!(env_names("ps aux | awk '{print $NF}'").is_empty());
    }
}

#[cfg(test)]
mod template_names_tests {
    use super::*;

    #[test]
    fn finds_names_and_ignores_other_braces() {
        assert_eq!(
            template_names(
                "deploy rollback {{unit}} {{ host }} {x} {{bad name}}",
                |_| false
            ),
            vec!["unit", "host"]
        );
    }
}
