//! Every simple command a script runs, as the shell will see it: its words
//! after quote removal, its redirections and what it is fed on stdin.
//!
//! "Anywhere" means anywhere: both sides of `|`, `&&` and `;`, inside
//! `$(…)` and backticks, subshells, `if`/`for`/`while`/`case` bodies and
//! function bodies (a function counts even if nothing calls it). Nothing is
//! expanded: a word holding `$X` or `$(…)` keeps that text and is marked as
//! not literal, and globs stay as written.

use super::syntax::Script;
use std::collections::HashMap;
use tree_sitter::Node;

/// One word after quote removal: `'a b'` → `a b`, `"x"` → `x`, `\-` → `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The text; expansions (`$X`, `${X}`, `$(…)`, `$((…))`) kept as written.
    pub text: String,
    /// False when part of the word is only known when the shell runs.
    pub literal: bool,
}

impl Word {
    pub fn plain(text: &str) -> Word {
        Word {
            text: text.to_string(),
            literal: true,
        }
    }
}

/// `2>&1`, `> /tmp/out`, `<<< "text"`: an operator and its target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// `>`, `>>`, `>|`, `&>`, `&>>`, `<`, `>&`, `<&`, `<<`, `<<-`, `<<<`, `<>`.
    pub op: String,
    /// The file descriptor written before the operator (`2` in `2>&1`).
    pub fd: Option<String>,
    /// The file (or descriptor number); the delimiter for a here-document.
    pub target: Word,
}

/// One simple command and what the shell gives it besides its words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimpleCommand {
    /// The program and its arguments; `NAME=value` prefixes are not words.
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    /// The text of a here-document or here-string on its stdin.
    pub stdin_text: Option<String>,
    /// The command whose output it reads (`a | b`): an index into the same list.
    pub fed_by: Option<usize>,
    /// The redirections apply to a compound command (`{ a; b; } > f`,
    /// `while …; done < f`), whose own commands are listed on their own.
    /// `words` is then empty, as it is for a redirection alone (`> f`).
    pub compound: bool,
}

impl SimpleCommand {
    /// The program as written (`/bin/rm`), if the command has one.
    pub fn program(&self) -> Option<&Word> {
        self.words.first()
    }
}

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
        let mut cursor = parent.walk();
        for redirect in parent.children_by_field_name("redirect", &mut cursor) {
            add_redirect(script, redirect, &mut command, &mut words);
        }
    }
    words.sort_by_key(|(at, _)| *at);
    command.words = words.into_iter().map(|(_, w)| w).collect();
    command
}

/// `> f` alone, or the redirections of a compound command.
fn redirections_only(script: &Script, statement: Node) -> SimpleCommand {
    let mut command = SimpleCommand::default();
    let mut words = Vec::new();
    let mut cursor = statement.walk();
    for redirect in statement.children_by_field_name("redirect", &mut cursor) {
        add_redirect(script, redirect, &mut command, &mut words);
    }
    // `> f x` runs `x` with its output in `f`, but the grammar files `x` as a target.
    command.words = words.into_iter().map(|(_, w)| w).collect();
    command
}

fn add_redirect(
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
        "heredoc_redirect" => {
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
        _ => {}
    }
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

/// A word's value after quote removal.
pub fn unquote(script: &Script, node: Node) -> Word {
    let text = script.node_text(node);
    match node.kind() {
        "word" => Word::plain(&unescape_bare(text)),
        "number" | "test_operator" => Word::plain(text),
        "raw_string" => Word::plain(strip(text, "'", "'")),
        "ansi_c_string" => Word::plain(&unescape_ansi_c(strip(text, "$'", "'"))),
        "string" | "translated_string" => double_quoted(script, node),
        "concatenation" => {
            let mut word = Word::plain("");
            let mut at = node.start_byte();
            let mut cursor = node.walk();
            for part in node.children(&mut cursor) {
                // Bytes between parts belong to no node (rare): take them as written.
                word.text
                    .push_str(&unescape_bare(&script.text[at..part.start_byte()]));
                let value = unquote(script, part);
                word.text.push_str(&value.text);
                word.literal &= value.literal;
                at = part.end_byte();
            }
            word.text
                .push_str(&unescape_bare(&script.text[at..node.end_byte()]));
            word
        }
        // Expansions, substitutions and anything unforeseen: as written, not literal.
        _ => Word {
            text: text.to_string(),
            literal: false,
        },
    }
}

/// `"a $X b"`: the text between the quotes, expansions kept as written.
fn double_quoted(script: &Script, node: Node) -> Word {
    let text = script.node_text(node);
    let open = text.find('"').map_or(0, |i| i + 1);
    let inner_start = node.start_byte() + open;
    let inner_end = if text.len() > open && text.ends_with('"') {
        node.end_byte() - 1
    } else {
        node.end_byte()
    };
    let mut word = Word::plain("");
    let mut at = inner_start;
    let mut cursor = node.walk();
    for part in node.named_children(&mut cursor) {
        if part.kind() == "string_content" || part.start_byte() < at {
            continue;
        }
        word.text
            .push_str(&unescape_double(&script.text[at..part.start_byte()]));
        word.text.push_str(script.node_text(part));
        word.literal = false;
        at = part.end_byte();
    }
    if at < inner_end {
        word.text
            .push_str(&unescape_double(&script.text[at..inner_end]));
    }
    word
}

fn strip<'t>(text: &'t str, open: &str, close: &str) -> &'t str {
    let text = text.strip_prefix(open).unwrap_or(text);
    text.strip_suffix(close).unwrap_or(text)
}

/// Outside quotes a backslash keeps the next character; `\` + newline joins lines.
fn unescape_bare(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(next) => out.push(next),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

/// Inside `"…"` a backslash escapes only `$`, `` ` ``, `"`, `\` and a newline.
fn unescape_double(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('\n') => {
                    chars.next();
                    continue;
                }
                Some(&next @ ('$' | '`' | '"' | '\\')) => {
                    out.push(next);
                    chars.next();
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

/// `$'a\tb'`: the common escapes; others keep their backslash.
fn unescape_ansi_c(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(e @ ('\\' | '\'' | '"' | '?')) => out.push(e),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::syntax::parse;

    fn all(text: &str) -> Vec<SimpleCommand> {
        commands(&parse(text))
    }

    /// Each command's words, joined by `|` so spaces inside a word show.
    fn argvs(text: &str) -> Vec<String> {
        all(text)
            .iter()
            .map(|c| {
                c.words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    }

    #[test]
    fn quotes_are_removed_and_expansions_marked() {
        let c = &all(r#"sudo /bin/rm 'a b' "x" \-f "p$X" $'t\tu' a"b"'c'"#)[0];
        let texts: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(
            texts,
            ["sudo", "/bin/rm", "a b", "x", "-f", "p$X", "t\tu", "abc"]
        );
        let literal: Vec<bool> = c.words.iter().map(|w| w.literal).collect();
        assert_eq!(literal, [true, true, true, true, true, false, true, true]);
        assert!(!all("echo $(date)")[0].words[1].literal);
        assert_eq!(all(r#"echo "a \$b \"c\"""#)[0].words[1].text, r#"a $b "c""#);
    }

    #[test]
    fn commands_are_found_everywhere() {
        let text = "a | b && c; echo $(d x) `e`; (f); if g; then h; fi; \
                    for i in 1; do j; done; while k; do l; done; m() { n; }; \
                    case x in y) o;; esac; ! p; X=$(q) r";
        let programs: Vec<String> = all(text).iter().map(|c| c.words[0].text.clone()).collect();
        let expected = "a b c echo d e f g h j k l n o p r q";
        assert_eq!(programs.join(" "), expected);
    }

    #[test]
    fn redirections_keep_their_operator_target_and_descriptor() {
        let c = &all("cmd > out arg 2>&1 >> /var/log/x")[0];
        assert_eq!(argvs("cmd > out arg 2>&1 >> /var/log/x"), ["cmd|arg"]);
        let shown: Vec<(Option<&str>, &str, &str)> = c
            .redirects
            .iter()
            .map(|r| (r.fd.as_deref(), r.op.as_str(), r.target.text.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (None, ">", "out"),
                (Some("2"), ">&", "1"),
                (None, ">>", "/var/log/x")
            ]
        );
    }

    #[test]
    fn a_redirection_alone_and_one_on_a_group_are_listed() {
        let bare = &all("> /var/log/app.log")[0];
        assert!(bare.words.is_empty() && !bare.compound);
        assert_eq!(bare.redirects[0].target.text, "/var/log/app.log");
        let group = all("{ a; b; } > f");
        assert!(group[0].compound && group[0].redirects[0].target.text == "f");
        assert_eq!(group.len(), 3);
    }

    #[test]
    fn here_documents_and_strings_are_the_stdin_text() {
        let c = &all("psql -X <<'SQL' > out\nDELETE FROM t;\nSQL\n")[0];
        assert_eq!(c.stdin_text.as_deref(), Some("DELETE FROM t;\n"));
        assert_eq!(c.redirects[0].target.text, "out");
        assert_eq!(c.redirects[1].op, "<<");
        assert_eq!(c.redirects[1].target.text, "SQL");
        let tabs = &all("psql <<-EOF\n\t\tDROP x;\n\tEOF\n")[0];
        assert_eq!(tabs.stdin_text.as_deref(), Some("DROP x;\n"));
        let here = &all("redis-cli <<< 'FLUSHALL'")[0];
        assert_eq!(here.stdin_text.as_deref(), Some("FLUSHALL\n"));
    }

    #[test]
    fn a_pipe_links_a_command_to_the_one_it_reads() {
        let cs = all("echo 'DROP x' | psql | wc -l");
        assert_eq!(cs[1].fed_by, Some(0));
        assert_eq!(cs[2].fed_by, Some(1));
        assert_eq!(cs[0].fed_by, None);
        let cs = all("cat <<EOF | psql\nDROP x;\nEOF\n");
        assert_eq!(cs[1].words[0].text, "psql");
        assert_eq!(cs[1].fed_by, Some(0));
        assert_eq!(cs[0].stdin_text.as_deref(), Some("DROP x;\n"));
    }
}
