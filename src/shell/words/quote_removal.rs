//! Quote removal: a word's value once the shell has taken its quotes and
//! backslashes away. Expansions are kept as written.

use super::Word;
use crate::shell::syntax::Script;
use tree_sitter::Node;

/// A word's value after quote removal.
pub fn unquote(script: &Script, node: Node) -> Word {
    let text = script.node_text(node);
    match node.kind() {
        "word" => Word::plain(&unescape(text, bare_escape)),
        "number" | "test_operator" => Word::plain(text),
        "raw_string" => Word::plain(strip(text, "'", "'")),
        "ansi_c_string" => Word::plain(&unescape(strip(text, "$'", "'"), ansi_c_escape)),
        "string" | "translated_string" => double_quoted(script, node),
        "concatenation" => {
            let mut word = Word::plain("");
            let mut at = node.start_byte();
            let mut cursor = node.walk();
            for part in node.children(&mut cursor) {
                // Bytes between parts belong to no node (rare): take them as written.
                word.text
                    .push_str(&unescape(&script.text[at..part.start_byte()], bare_escape));
                let value = unquote(script, part);
                word.text.push_str(&value.text);
                word.literal &= value.literal;
                at = part.end_byte();
            }
            word.text
                .push_str(&unescape(&script.text[at..node.end_byte()], bare_escape));
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
        word.text.push_str(&unescape(
            &script.text[at..part.start_byte()],
            double_quoted_escape,
        ));
        word.text.push_str(script.node_text(part));
        word.literal = false;
        at = part.end_byte();
    }
    if at < inner_end {
        word.text
            .push_str(&unescape(&script.text[at..inner_end], double_quoted_escape));
    }
    word
}

fn strip<'t>(text: &'t str, open: &str, close: &str) -> &'t str {
    let text = text.strip_prefix(open).unwrap_or(text);
    text.strip_suffix(close).unwrap_or(text)
}

/// What a backslash and the character after it stand for.
enum Escape {
    /// Nothing: `\` + newline joins lines.
    Nothing,
    Char(char),
    /// Both, as written: the backslash escapes nothing there.
    AsWritten,
}

/// `text` with each backslash and the character after it replaced as
/// `escape` says; a backslash at the very end stays.
fn unescape(text: &str, escape: fn(char) -> Escape) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(next) = chars.next() else {
            out.push('\\');
            break;
        };
        match escape(next) {
            Escape::Nothing => {}
            Escape::Char(e) => out.push(e),
            Escape::AsWritten => {
                out.push('\\');
                out.push(next);
            }
        }
    }
    out
}

/// Outside quotes a backslash keeps the next character; `\` + newline joins lines.
fn bare_escape(next: char) -> Escape {
    match next {
        '\n' => Escape::Nothing,
        c => Escape::Char(c),
    }
}

/// Inside `"…"` a backslash escapes only `$`, `` ` ``, `"`, `\` and a newline.
fn double_quoted_escape(next: char) -> Escape {
    match next {
        '\n' => Escape::Nothing,
        c @ ('$' | '`' | '"' | '\\') => Escape::Char(c),
        _ => Escape::AsWritten,
    }
}

/// `$'a\tb'`: the common escapes; others keep their backslash.
fn ansi_c_escape(next: char) -> Escape {
    match next {
        'n' => Escape::Char('\n'),
        't' => Escape::Char('\t'),
        'r' => Escape::Char('\r'),
        c @ ('\\' | '\'' | '"' | '?') => Escape::Char(c),
        _ => Escape::AsWritten,
    }
}
