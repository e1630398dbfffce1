//! Text from outside (command output, playbook text, HTTP bodies, remote
//! error messages) made safe for a terminal: nothing but printable text,
//! newlines, tabs and, where asked, colours gets through. A command's output
//! could otherwise set the clipboard (OSC 52), the title, hyperlinks, move
//! the cursor to forge what the screen shows, or switch terminal modes.
//!
//! Escape sequences are read with `vte`, the state machine of the Alacritty
//! terminal, so every sequence a terminal would act on is seen whole,
//! including C1 controls and unterminated strings.

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
    if is_plain(text) {
        return text.to_string();
    }
    let mut out = Sanitised {
        text: String::with_capacity(text.len()),
        keep,
    };
    Parser::new().advance(&mut out, text.as_bytes());
    out.text
}

/// No control characters at all (the common case, checked without copying).
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let controls = bytes
        .iter()
        .any(|&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f);
    // C1 controls (U+0080–U+009F) are `C2 80`–`C2 9F` in UTF-8.
    let c1 = memchr::memchr_iter(0xc2, bytes)
        .any(|at| bytes.get(at + 1).is_some_and(|b| (0x80..=0x9f).contains(b)));
    !controls && !c1
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
}
