//! The walk over the syntax tree that finds every simple command, and the
//! pipes between them.

use super::redirects::{add_redirect, add_statement_redirects};
use super::{SimpleCommand, Word, unquote};
use crate::shell::syntax::Script;
use std::collections::HashMap;
use tree_sitter::Node;

/// Every simple command of `script`, outer ones before those they contain.
pub fn commands(script: &Script) -> Vec<SimpleCommand> {
    let mut out = Vec::new();
    // Node id → index in `out`, to link `a | b`.
    let mut index_of: HashMap<usize, usize> = HashMap::new();
    // An explicit stack: hostile text can nest deeper than the call stack would allow.
    let mut stack = vec![script.tree.root_node()];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "command" => {
                let mut command = simple_command(script, node);
                command.fed_by = feeder(node).and_then(|f| index_of.get(&f.id()).copied());
                index_of.insert(node.id(), out.len());
                out.push(command);
            }
            "redirected_statement" => {
                let body = node.child_by_field_name("body");
                if body.is_none_or(|b| b.kind() != "command") {
                    out.push(SimpleCommand {
                        compound: body.is_some(),
                        ..redirections_only(script, node)
                    });
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

fn simple_command(script: &Script, node: Node) -> SimpleCommand {
    let mut command = SimpleCommand::default();
    // (start byte, word): redirect targets may swallow later arguments, see `add_redirect`.
    let mut words: Vec<(usize, Word)> = Vec::new();
    let mut cursor = node.walk();
    let children: Vec<Node> = node.children(&mut cursor).collect();
    for (i, child) in children.iter().enumerate() {
        let field = node.field_name_for_child(i as u32);
        match (field, child.kind()) {
            (Some("name"), _) => {
                let name = child.named_child(0).unwrap_or(*child);
                words.push((child.start_byte(), unquote(script, name)));
            }
            (Some("redirect"), _) => add_redirect(script, *child, &mut command, &mut words),
            (_, "variable_assignment" | "variable_assignments") => {}
            // `$"…"` (a translated string) reads as `$` and a string: drop the `$`.
            (_, "$")
                if children
                    .get(i + 1)
                    .is_some_and(|n| n.start_byte() == child.end_byte()) => {}
            (Some("argument"), _) => words.push((child.start_byte(), unquote(script, *child))),
            _ => {}
        }
    }
    // Redirections written after the program and its first arguments belong to
    // the statement around the command (and `cmd > f arg` files `arg` there too).
    if let Some(parent) = node.parent()
        && parent.kind() == "redirected_statement"
        && parent.child_by_field_name("body") == Some(node)
    {
        add_statement_redirects(script, parent, &mut command, &mut words);
    }
    words.sort_by_key(|(at, _)| *at);
    command.words = words.into_iter().map(|(_, w)| w).collect();
    command
}

/// `> f` alone, or the redirections of a compound command.
fn redirections_only(script: &Script, statement: Node) -> SimpleCommand {
    let mut command = SimpleCommand::default();
    let mut words = Vec::new();
    add_statement_redirects(script, statement, &mut command, &mut words);
    // `> f x` runs `x` with its output in `f`, but the grammar files `x` as a target.
    command.words = words.into_iter().map(|(_, w)| w).collect();
    command
}

/// The command whose output `command` reads through a pipe, if it is a simple one.
fn feeder(command: Node) -> Option<Node> {
    // A stage of a pipeline is the command, or the statement that redirects it.
    let stage = match command.parent() {
        Some(p) if p.kind() == "redirected_statement" => p,
        _ => command,
    };
    let pipeline = stage.parent().filter(|p| p.kind() == "pipeline")?;
    match stage.prev_named_sibling() {
        Some(previous) => simple_of(previous),
        // `cat <<EOF | psql`: the grammar nests the rest of the pipeline in the here-document.
        None => {
            let heredoc = pipeline
                .parent()
                .filter(|h| h.kind() == "heredoc_redirect")?;
            let statement = heredoc.parent()?;
            simple_of(statement.child_by_field_name("body")?)
        }
    }
}

/// The simple command a pipeline stage is, if it is one.
fn simple_of(stage: Node) -> Option<Node> {
    match stage.kind() {
        "command" => Some(stage),
        "redirected_statement" => stage
            .child_by_field_name("body")
            .filter(|b| b.kind() == "command"),
        _ => None,
    }
}
