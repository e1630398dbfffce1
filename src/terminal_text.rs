//! Text from outside (command output, playbook text, HTTP bodies, remote
//! error messages) made safe for a terminal: nothing but printable text,
//! newlines, tabs and, where asked, colours gets through. A command's output
//! could otherwise set the clipboard (OSC 52), the title, hyperlinks, move
//! the cursor to forge what the screen shows, or switch terminal modes.
//!
//! Escape sequences are read with `vte`, the state machine of the Alacritty
//! terminal, so every sequence a terminal would act on is seen whole,
//! including C1 controls and unterminated strings.

use std::borrow::Cow;
use vte::{Params, Parser, Perform};

/// What survives besides plain text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Text, newlines and tabs only: files, pipes, logs.
    Text,
    /// Also SGR colours and styles (`ESC [ … m`): a terminal we print to.
    Colours,
}

/// `text` with every control character and escape sequence removed, except
/// newlines, tabs and (with [`Keep::Colours`]) colours.
pub fn sanitise(text: &str, keep: Keep) -> String {
    sanitised(text, keep).into_owned()
}

/// [`sanitise`], borrowing `text` when nothing had to go.
///
/// Plain text and SGR sequences (the bulk of real output: log lines, some
/// of them coloured) are handled by a scanner that copies whole runs; at
/// the first other control byte the rest goes through `vte`. Up to there
/// `vte` would have been in its ground state, so the result is the same.
pub fn sanitised(text: &str, keep: Keep) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut at = next_special(bytes, 0);
    if at == bytes.len() {
        return Cow::Borrowed(text);
    }
    let mut out = Sanitised {
        text: String::with_capacity(text.len()),
        keep,
    };
    let mut copied = 0;
    while at < bytes.len() {
        let sgr = (bytes[at] == 0x1b).then(|| sgr_at(bytes, at)).flatten();
        if bytes[at] == 0xc2 && !bytes.get(at + 1).is_some_and(|b| (0x80..=0x9f).contains(b)) {
            // A character from U+00A0 on, not a C1 control.
            at = next_special(bytes, at + 1);
            continue;
        }
        out.text.push_str(&text[copied..at]);
        let Some(sgr) = sgr else {
            Parser::new().advance(&mut out, &bytes[at..]);
            return Cow::Owned(out.text);
        };
        if keep == Keep::Colours {
            out.push_sgr(sgr.params());
        }
        copied = sgr.end;
        at = next_special(bytes, copied);
    }
    out.text.push_str(&text[copied..]);
    Cow::Owned(out.text)
}

/// A byte the scanner must look at: a control other than newline and tab,
/// DEL, or the first byte of a C1 control's UTF-8 form (`C2 80`–`C2 9F`).
fn special(b: u8) -> bool {
    (b < 0x20) & (b != b'\n') & (b != b'\t') | (b == 0x7f) | (b == 0xc2)
}

/// The first special byte at or after `from`, or `bytes.len()`.
fn next_special(bytes: &[u8], from: usize) -> usize {
    const BLOCK: usize = 32;
    let mut at = from;
    // Whole blocks without a branch per byte, so the compiler vectorises them.
    while let Some(block) = bytes.get(at..at + BLOCK) {
        if block.iter().fold(false, |any, &b| any | special(b)) {
            break;
        }
        at += BLOCK;
    }
    bytes[at..]
        .iter()
        .position(|&b| special(b))
        .map_or(bytes.len(), |n| at + n)
}

/// An SGR sequence of plain numeric parameters (`ESC [ 1 ; 31 m`).
struct Sgr<'a> {
    params: &'a [u8],
    /// Just after its `m`.
    end: usize,
}

/// At most this many parameters are taken by the scanner; more go to `vte`,
/// which ignores a sequence beyond its own limit.
const SGR_MAX_PARAMS: usize = 16;

impl Sgr<'_> {
    /// Each parameter as `vte` reads it: empty is 0, too large saturates.
    fn params(&self) -> impl Iterator<Item = u16> + '_ {
        self.params.split(|&b| b == b';').map(|digits| {
            digits.iter().fold(0u16, |n, &d| {
                n.saturating_mul(10).saturating_add(u16::from(d - b'0'))
            })
        })
    }
}

/// The SGR sequence starting at `at` (an ESC), if it is one the scanner
/// handles: only digits and `;` between `ESC [` and `m`.
fn sgr_at(bytes: &[u8], at: usize) -> Option<Sgr<'_>> {
    if bytes.get(at + 1) != Some(&b'[') {
        return None;
    }
    let start = at + 2;
    let len = bytes[start..]
        .iter()
        .position(|&b| !(b.is_ascii_digit() || b == b';'))?;
    let params = &bytes[start..start + len];
    let count = params.iter().filter(|&&b| b == b';').count() + 1;
    (bytes[start + len] == b'm' && count <= SGR_MAX_PARAMS).then_some(Sgr {
        params,
        end: start + len + 1,
    })
}

struct Sanitised {
    text: String,
    keep: Keep,
}

impl Perform for Sanitised {
    fn print(&mut self, c: char) {
        // vte hands C1 controls written as UTF-8 to `print`; a terminal may act on them.
        if !('\u{80}'..='\u{9f}').contains(&c) {
            self.text.push(c);
        }
    }

    fn execute(&mut self, byte: u8) {
        if byte == b'\n' || byte == b'\t' {
            self.text.push(byte as char);
        }
    }

    fn csi_dispatch(&mut self, params: &Params, intermediates: &[u8], ignore: bool, action: char) {
        if self.keep != Keep::Colours || action != 'm' || ignore || !intermediates.is_empty() {
            return;
        }
        self.text.push_str("\u{1b}[");
        for (i, param) in params.iter().enumerate() {
            if i > 0 {
                self.text.push(';');
            }
            let parts: Vec<String> = param.iter().map(u16::to_string).collect();
            self.text.push_str(&parts.join(":"));
        }
        self.text.push('m');
    }
}

/// Every message in the chain, joined, skipping repeats.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

impl Sanitised {
    /// `ESC [ p;p… m` as `vte` would hand it on.
    fn push_sgr(&mut self, params: impl Iterator<Item = u16>) {
        use std::fmt::Write;
        self.text.push_str("\u{1b}[");
        for (i, param) in params.enumerate() {
            if i > 0 {
                self.text.push(';');
            }
            let _ = write!(self.text, "{param}");
        }
        self.text.push('m');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_and_colours_get_through() {
        let hostile = "a\u{1b}]52;c;cm0gLXJmIC8K\u{7}b\u{1b}]0;title\u{1b}\\c\u{1b}[2J\u{1b}[1;1Hd\u{9b}31me\rf\u{1b}[31mred\u{1b}[0m\tg\n";
        // The C1 CSI goes; what followed it is left as harmless text.
        assert_eq!(sanitise(hostile, Keep::Text), "abcd31mefred\tg\n");
        assert_eq!(
            sanitise(hostile, Keep::Colours),
            "abcd31mef\u{1b}[31mred\u{1b}[0m\tg\n"
        );
        let plain = "plain text, ünïcode\tand tabs\n";
        assert_eq!(sanitise(plain, Keep::Text), plain);
    }

    /// What `vte` alone makes of `text`: the reference for the scanner.
    fn with_vte_only(text: &str, keep: Keep) -> String {
        let mut out = Sanitised {
            text: String::new(),
            keep,
        };
        Parser::new().advance(&mut out, text.as_bytes());
        out.text
    }

    #[test]
    fn coloured_log_lines_keep_their_colours_and_text() {
        let line = "2026-11-22T03:00:00Z level=\u{1b}[1;31merror\u{1b}[0m msg=\"x\"\n\u{1b}[m\u{1b}[;32;099999m°±\n";
        assert_eq!(
            sanitise(line, Keep::Text),
            "2026-11-22T03:00:00Z level=error msg=\"x\"\n°±\n"
        );
        assert_eq!(
            sanitise(line, Keep::Colours),
            "2026-11-22T03:00:00Z level=\u{1b}[1;31merror\u{1b}[0m msg=\"x\"\n\u{1b}[0m\u{1b}[0;32;65535m°±\n"
        );
        assert!(matches!(sanitised("plain", Keep::Text), Cow::Borrowed(_)));
    }

    #[test]
    fn an_escape_after_colours_is_still_removed_whole() {
        let text = "\u{1b}[31mred\u{1b}[0m then \u{1b}]52;c;cm0g\u{7} and \u{1b}[31;1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17m17 \u{1b}[38:5:1mx";
        for keep in [Keep::Text, Keep::Colours] {
            assert_eq!(sanitise(text, keep), with_vte_only(text, keep));
        }
        assert_eq!(sanitise(text, Keep::Text), "red then  and 17 x");
    }

    proptest::proptest! {
        /// Any mix of text, colours, other escapes and controls comes out
        /// exactly as `vte` alone would make it.
        #[test]
        fn the_scanner_agrees_with_vte(parts in proptest::collection::vec(0usize..16, 0..40)) {
            const PIECES: [&str; 16] = [
                "plain ", "\u{1b}[31m", "\u{1b}[0m", "\u{1b}[", "m", ";", "7", "\n", "\t",
                "\u{1b}]0;t\u{7}", "\u{9b}", "°", "\u{1b}", "\r", "\u{7f}", "é",
            ];
            let text: String = parts.iter().map(|&p| PIECES[p]).collect();
            for keep in [Keep::Text, Keep::Colours] {
                proptest::prop_assert_eq!(sanitise(&text, keep), with_vte_only(&text, keep));
            }
        }
    }
}
