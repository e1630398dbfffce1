//! `steps:` of the YAML form → the same steps the Markdown form gives.

use super::attrs::{Attr, CommandSource, build_command, slug};
use super::fields::{FieldReport, Fields, Strictness, string, type_error};
use super::front_matter::missing;
use super::markdown::trim_blank_lines;
use super::model::{Block, Command, Step};
use super::yaml_tree::{Node, Value};

const STEP_KEYS: &[&str] = &["title", "body", "commands"];
const COMMAND_KEYS: &[&str] = &[
    "allow",
    "id",
    "run",
    "lang",
    "host",
    "context",
    "kind",
    "timeout",
    "verify",
    "show_only",
    "interactive",
    "explain",
];

pub fn read_steps(node: &Node, report: &mut FieldReport) -> Vec<Step> {
    let Value::Seq(items) = &node.value else {
        report.push(type_error(
            node,
            "`steps`",
            "a list of `{title, body, commands}`",
        ));
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| read_step(item, report))
        .collect()
}

fn read_step(item: &Node, report: &mut FieldReport) -> Option<Step> {
    let f = Fields::new(item, "a step", STEP_KEYS, Strictness::Strict, report)?;
    let Some(title) = f.string("title", report) else {
        report.push(missing(
            item,
            "this step",
            "title",
            "title: Restart the web service",
        ));
        return None;
    };
    let mut content = Vec::new();
    if let Some(body) = f.string("body", report) {
        let body = trim_blank_lines(&body);
        if !body.is_empty() {
            content.push(Block::Text(body.to_string()));
        }
    }
    if let Some(commands) = f.get("commands") {
        match &commands.value {
            Value::Seq(items) => {
                for (n, item) in items.iter().enumerate() {
                    if let Some(command) =
                        read_command(item, &format!("{}-{}", slug(&title), n + 1), report)
                    {
                        content.push(Block::Command(command));
                    }
                }
            }
            Value::Null => {}
            _ => report.push(type_error(commands, "`commands`", "a list of `{id, run}`")),
        }
    }
    Some(Step {
        title,
        content,
        pos: item.pos,
    })
}

fn read_command(item: &Node, default_id: &str, report: &mut FieldReport) -> Option<Command> {
    let f = Fields::new(item, "a command", COMMAND_KEYS, Strictness::Strict, report)?;
    let Some(run) = f.string("run", report) else {
        report.push(missing(
            item,
            "this command",
            "run",
            "run: systemctl status nginx",
        ));
        return None;
    };
    let mut attrs = Vec::new();
    // Every key but the script and its language is an attribute, as on a fence.
    for key in COMMAND_KEYS
        .iter()
        .copied()
        .filter(|k| !matches!(*k, "run" | "lang"))
    {
        let (Some(node), Some(pos)) = (f.get(key), f.key_pos(key)) else {
            continue;
        };
        let value = match &node.value {
            // `allow: [rule-a, rule-b]` reads like the fence's `allow="rule-a,rule-b"`.
            Value::Seq(_) => Some(super::fields::string_list(node, key, report).join(",")),
            _ => string(node, key, report),
        };
        if let Some(value) = value {
            attrs.push(Attr {
                key: key.to_string(),
                value,
                pos,
                value_pos: node.pos,
            });
        }
    }
    Some(build_command(
        CommandSource {
            lang: f.string("lang", report).unwrap_or_else(|| "sh".into()),
            run: run.trim_end_matches('\n').to_string(),
            pos: item.pos,
            default_id: default_id.to_string(),
            attrs,
            show_only_key: "show_only",
        },
        report,
    ))
}
