//! Redirections read off the syntax tree: files, here-strings and
//! here-documents, whose text becomes the command's stdin.

use super::{Redirect, SimpleCommand, Word, unquote};
use crate::shell::syntax::Script;
use tree_sitter::Node;

/// Adds every redirection of `statement` (a `redirected_statement`) to `command`.
pub(super) fn add_statement_redirects(
    script: &Script,
    statement: Node,
    command: &mut SimpleCommand,
    words: &mut Vec<(usize, Word)>,
) {
    let mut cursor = statement.walk();
    for redirect in statement.children_by_field_name("redirect", &mut cursor) {
        add_redirect(script, redirect, command, words);
    }
}

/// Adds the redirection `node` to `command`; words the grammar filed as
/// targets but the shell reads as arguments go to `words`, with their start byte.
pub(super) fn add_redirect(
    script: &Script,
    node: Node,
    command: &mut SimpleCommand,
    words: &mut Vec<(usize, Word)>,
) {
    match node.kind() {
        "file_redirect" => {
            let fd = node
                .child_by_field_name("descriptor")
                .map(|d| script.node_text(d).to_string());
            let mut cursor = node.walk();
            let op = node
                .children(&mut cursor)
                .find(|c| !c.is_named())
                .map_or_else(String::new, |c| script.node_text(c).to_string());
            let mut targets = node.children_by_field_name("destination", &mut cursor);
            let target = targets
                .next()
                .map_or_else(|| Word::plain(""), |t| unquote(script, t));
            // The grammar reads `cmd > out arg` as one redirect with two targets;
            // the shell reads `arg` as an argument of `cmd`.
            for extra in targets {
                words.push((extra.start_byte(), unquote(script, extra)));
            }
            command.redirects.push(Redirect { op, fd, target });
        }
        "herestring_redirect" => {
            let value = node.named_child(node.named_child_count().saturating_sub(1) as u32);
            let target = value.map_or_else(|| Word::plain(""), |v| unquote(script, v));
            command.stdin_text = Some(format!("{}\n", target.text));
            command.redirects.push(Redirect {
                op: "<<<".into(),
                fd: None,
                target,
            });
        }
        "heredoc_redirect" => add_heredoc(script, node, command, words),
        _ => {}
    }
}

/// `<<EOF` or `<<-EOF`: the body is the command's stdin, the delimiter its target.
fn add_heredoc(
    script: &Script,
    node: Node,
    command: &mut SimpleCommand,
    words: &mut Vec<(usize, Word)>,
) {
    let mut op = "<<".to_string();
    let mut delimiter = String::new();
    let mut body = String::new();
    let mut cursor = node.walk();
    let children: Vec<Node> = node.children(&mut cursor).collect();
    for (i, child) in children.iter().enumerate() {
        match child.kind() {
            "<<" | "<<-" => op = child.kind().to_string(),
            "heredoc_start" => {
                let start = script.node_text(*child);
                delimiter = start.replace(['\'', '"', '\\'], "");
            }
            "heredoc_body" => body = script.node_text(*child).to_string(),
            // `cat <<EOF > out`: the grammar nests the redirections after the start.
            _ if node.field_name_for_child(i as u32) == Some("redirect") => {
                add_redirect(script, *child, command, words);
            }
            _ => {}
        }
    }
    if op == "<<-" {
        body = body
            .split_inclusive('\n')
            .map(|l| l.trim_start_matches('\t'))
            .collect();
    }
    command.stdin_text = Some(body);
    command.redirects.push(Redirect {
        op,
        fd: None,
        target: Word::plain(&delimiter),
    });
}
