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
        assert_eq!(start("abc", 0), "");
    }
}
