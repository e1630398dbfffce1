//! Text cut to a width always says so: `…` where it was cut (at the end, or
//! at the start of a path so its file name stays), never half a character.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns `text` takes on screen.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` in at most `max` columns, ending with `…` when cut.
pub fn end(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    if max > 0 {
        out.truncate(out.trim_end().len());
        out.push('…');
    }
    out
}

/// `text` in at most `max` columns, starting with `…` when cut: the end of
/// a path, where its file name is.
pub fn start(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let mut kept = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        kept.push(c);
        used += w;
    }
    if max == 0 {
        return String::new();
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// `text` in pieces of at most `max` columns each (at least one piece, at
/// least one character a piece): code wrapped under its own gutter.
pub fn pieces(text: &str, max: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max && used > 0 {
            pieces.push(String::new());
            used = 0;
        }
        if let Some(piece) = pieces.last_mut() {
            piece.push(c);
        }
        used += w;
    }
    pieces
}

/// `text` wrapped at spaces into lines of at most `max` columns (a word
/// longer than that in pieces).
pub fn wrap_words(text: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let room = if line.is_empty() {
            max
        } else {
            max.saturating_sub(width(&line) + 1)
        };
        if width(word) <= room {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut parts = pieces(word, max.max(1));
        line = parts.pop().unwrap_or_default();
        lines.extend(parts);
    }
    lines.push(line);
    lines
}

/// `spans` in at most `max` columns, the last one kept ending with `…` when cut.
pub fn spans(
    spans: Vec<ratatui::text::Span<'static>>,
    max: usize,
) -> Vec<ratatui::text::Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    for span in spans {
        let w = width(&span.content);
        if used + w <= max {
            used += w;
            out.push(span);
            continue;
        }
        let cut = end(&span.content, max - used);
        if !cut.is_empty() {
            out.push(ratatui::text::Span::styled(cut, span.style));
        }
        break;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_text_ends_with_an_ellipsis_and_paths_keep_their_file_name() {
        assert_eq!(
            end("Is the hosting provider having an outage?", 20),
            "Is the hosting prov…"
        );
        assert_eq!(end("short", 20), "short");
        assert_eq!(end("日本語のテキスト", 7), "日本語…");
        assert_eq!(width(&end("日本語のテキスト", 7)), 7);
        assert_eq!(
            start("/very/long/path/to/site-down.md", 16),
            "…to/site-down.md"
        );
        assert_eq!(end("abc", 0), "");
        assert_eq!(pieces("abcdefg", 3), vec!["abc", "def", "g"]);
        assert_eq!(pieces("", 3), vec![""]);
        assert_eq!(
            wrap_words("Is the hosting provider having an outage?", 16),
            vec!["Is the hosting", "provider having", "an outage?"]
        );
        assert_eq!(wrap_words("abcdefgh ij", 3), vec!["abc", "def", "gh", "ij"]);
        assert_eq!(start("abc", 0), "");
    }
}
