//! Shell text read as the shell reads it, through tree-sitter-bash: a real
//! grammar with byte ranges for every node and error recovery, so odd or
//! hostile runbook text still yields a tree instead of a guess.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use tree_sitter::{Node, Parser, Tree};

/// A parsed script: its text and its syntax tree.
pub struct Script<'a> {
    pub text: &'a str,
    pub tree: Tree,
}

/// Texts kept in the cache of recent trees, in bytes: loading a playbook
/// reads each command several times (is it shell, what does it run, which
/// `$NAMES` does it use), and a parse is the costly part.
const CACHE_BYTES: usize = 4 * 1024 * 1024;

thread_local! {
    // A parser is cheap to reuse and costly to build.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
    // Recent trees by text; a `Tree` clone shares its nodes. Emptied when
    // full, so memory stays bounded by `CACHE_BYTES` of text and its trees.
    static RECENT: RefCell<(HashMap<String, Tree>, usize)> = RefCell::new((HashMap::new(), 0));
}

/// Parses `text` as bash (a superset of the POSIX `sh` that runs commands).
pub fn parse(text: &str) -> Script<'_> {
    if let Some(tree) = RECENT.with(|cell| cell.borrow().0.get(text).cloned()) {
        return Script { text, tree };
    }
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .expect("the bundled bash grammar matches the tree-sitter version");
            parser
        });
        parser.parse(text, None)
    });
    // `parse` returns None only without a language or when cancelled: neither happens here.
    let tree = tree.expect("a parser with a language always returns a tree");
    if text.len() <= CACHE_BYTES / 4 {
        RECENT.with(|cell| {
            let (trees, bytes) = &mut *cell.borrow_mut();
            if *bytes + text.len() > CACHE_BYTES {
                trees.clear();
                *bytes = 0;
            }
            *bytes += text.len();
            trees.insert(text.to_string(), tree.clone());
        });
    }
    Script { text, tree }
}

impl Script<'_> {
    /// True when some part could not be read as shell.
    pub fn has_error(&self) -> bool {
        self.tree.root_node().has_error()
    }

    /// The byte offset of the first unreadable part, if any.
    pub fn first_error(&self) -> Option<usize> {
        fn find(node: Node) -> Option<usize> {
            if node.is_error() || node.is_missing() {
                return Some(node.start_byte());
            }
            let mut cursor = node.walk();
            node.children(&mut cursor)
                .filter(|c| c.has_error())
                .find_map(find)
        }
        let root = self.tree.root_node();
        if root.has_error() { find(root) } else { None }
    }

    pub fn node_text(&self, node: Node) -> &str {
        &self.text[node.byte_range()]
    }

    /// Where the bytes `range` stand, or why a value cannot be put there.
    pub fn place_of(&self, range: Range<usize>) -> Result<Place, Unplaceable> {
        let root = self.tree.root_node();
        // A tree with an error anywhere may have misread the quotes here too.
        if root.has_error() {
            return Err(Unplaceable::Unreadable);
        }
        let node = root
            .descendant_for_byte_range(range.start, range.end)
            .ok_or(Unplaceable::Unreadable)?;
        let place = match node.kind() {
            "word" | "extglob_pattern" => Place::Bare,
            "raw_string" => Place::SingleQuoted,
            "ansi_c_string" => Place::AnsiC,
            "string_content" | "string" => Place::DoubleQuoted,
            "heredoc_body" | "heredoc_content" => self.heredoc_place(node)?,
            "comment" => Place::Comment,
            "variable_name" | "number" => return Err(Unplaceable::Name),
            _ => return Err(Unplaceable::Unreadable),
        };
        let mut backticks = 0u8;
        let mut current = Some(node);
        while let Some(n) = current {
            match n.kind() {
                "ERROR" => return Err(Unplaceable::Unreadable),
                "expansion" => return Err(Unplaceable::Expansion),
                "arithmetic_expansion" | "binary_expression" | "unary_expression"
                    if place == Place::Bare && !self.in_test(n) =>
                {
                    return Err(Unplaceable::Arithmetic);
                }
                "command_substitution" if self.node_text(n).starts_with('`') => {
                    backticks += 1;
                    if backticks > 1 {
                        return Err(Unplaceable::NestedBackticks);
                    }
                }
                "string" if backticks > 0 => return Err(Unplaceable::BackticksInQuotes),
                // `$(…)` starts a fresh context: quotes outside it do not matter.
                "command_substitution" => break,
                _ => {}
            }
            current = n.parent();
        }
        Ok(match (place, backticks) {
            (place, 0) => place,
            (place, _) => Place::Backticks(Box::new(place)),
        })
    }

    /// `[[ a == b ]]` holds binary expressions that are comparisons, not arithmetic.
    fn in_test(&self, node: Node) -> bool {
        let mut current = Some(node);
        while let Some(n) = current {
            match n.kind() {
                "test_command" => return true,
                "arithmetic_expansion" | "compound_statement" | "command" => return false,
                _ => current = n.parent(),
            }
        }
        false
    }

    fn heredoc_place(&self, body: Node) -> Result<Place, Unplaceable> {
        let mut redirect = body;
        while redirect.kind() != "heredoc_redirect" {
            redirect = redirect.parent().ok_or(Unplaceable::Unreadable)?;
        }
        let mut cursor = redirect.walk();
        let children: Vec<Node> = redirect.children(&mut cursor).collect();
        let start = children
            .iter()
            .find(|c| c.kind() == "heredoc_start")
            .ok_or(Unplaceable::Unreadable)?;
        let start_text = self.node_text(*start);
        let strip_tabs = children.iter().any(|c| c.kind() == "<<-");
        let delimiter: String = start_text
            .chars()
            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
            .collect();
        Ok(Place::Heredoc {
            quoted: start_text.contains(['\'', '"', '\\']),
            strip_tabs,
            delimiter,
        })
    }
}

/// Where a value stands in a script: what the shell does with the bytes there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// An unquoted word: `-n {{ns}}`, `NAME={{v}}`, `$(ls {{dir}})`.
    Bare,
    /// Inside `'…'`.
    SingleQuoted,
    /// Inside `$'…'`.
    AnsiC,
    /// Inside `"…"`.
    DoubleQuoted,
    /// A here-document's body; `quoted` when its delimiter is (`<<'EOF'`).
    Heredoc {
        quoted: bool,
        strip_tabs: bool,
        delimiter: String,
    },
    /// After `#`: a newline would end the comment.
    Comment,
    /// Inside `` `…` ``, where backslashes are read once more.
    Backticks(Box<Place>),
}

/// Why no quoting can make a value safe where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unplaceable {
    /// The text around it is not readable as shell.
    Unreadable,
    /// A variable name or number: a value there names or computes, it is never data.
    Name,
    /// Inside `${…}`, where quotes mean different things in different shells.
    Expansion,
    /// Inside `$((…))`, where bash evaluates `a[$(cmd)]`.
    Arithmetic,
    NestedBackticks,
    BackticksInQuotes,
}

impl Unplaceable {
    pub fn reason(self) -> &'static str {
        match self {
            Unplaceable::Unreadable => {
                "the text around it cannot be read as shell (an unclosed quote or bracket?)"
            }
            Unplaceable::Name => {
                "it stands where the shell expects a variable name or a number, so a value there could never be plain data"
            }
            Unplaceable::Expansion => {
                "it stands inside `${…}`, where quoting is read differently by each shell; write it outside, e.g. `\"${X:-}\"{{v}}`"
            }
            Unplaceable::Arithmetic => {
                "it stands inside arithmetic (`$((…))`), which bash may evaluate as code"
            }
            Unplaceable::NestedBackticks => "it stands inside nested backticks; use `$(…)`",
            Unplaceable::BackticksInQuotes => {
                "it stands inside backticks within double quotes; use `$(…)`"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(text: &str) -> Result<Place, Unplaceable> {
        let at = text.find("PH").expect("a PH marker");
        parse(text).place_of(at..at + 2)
    }

    #[test]
    fn each_quoting_context_is_told_apart() {
        assert_eq!(place("echo PH"), Ok(Place::Bare));
        assert_eq!(place("echo x=PH"), Ok(Place::Bare));
        assert_eq!(place("NAME=PH cmd"), Ok(Place::Bare));
        assert_eq!(place("echo 'a PH b'"), Ok(Place::SingleQuoted));
        assert_eq!(place("echo \"a PH b\""), Ok(Place::DoubleQuoted));
        assert_eq!(place("echo \"$(ls PH)\""), Ok(Place::Bare));
        assert_eq!(place("echo $'a PH'"), Ok(Place::AnsiC));
        assert_eq!(place("ls # PH"), Ok(Place::Comment));
        assert_eq!(
            place("echo `ls PH`"),
            Ok(Place::Backticks(Box::new(Place::Bare)))
        );
        assert_eq!(
            place("cat <<'E'\nPH\nE\n"),
            Ok(Place::Heredoc {
                quoted: true,
                strip_tabs: false,
                delimiter: "E".into()
            })
        );
        assert_eq!(
            place("cat <<-EOF\n\tx PH\n\tEOF\n"),
            Ok(Place::Heredoc {
                quoted: false,
                strip_tabs: true,
                delimiter: "EOF".into()
            })
        );
        assert_eq!(place("[[ $a == PH ]]"), Ok(Place::Bare));
        assert_eq!(place("case PH in x) ;; esac"), Ok(Place::Bare));
    }

    #[test]
    fn places_no_quoting_can_make_safe_are_named() {
        assert_eq!(place("echo $((PH + 1))"), Err(Unplaceable::Name));
        assert_eq!(place("echo ${X:-PH}"), Err(Unplaceable::Expansion));
        assert_eq!(
            place("echo \"`ls PH`\""),
            Err(Unplaceable::BackticksInQuotes)
        );
        assert_eq!(place("echo \"abc PH"), Err(Unplaceable::Unreadable));
    }
}
