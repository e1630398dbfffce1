//! One line of command output for the screen: its ANSI colours kept (SGR via
//! ansi-to-tui), every other control character made inert, and search hits
//! highlighted. The incident log keeps the stripped text; this is display only.

use ansi_to_tui::IntoText;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// A search to highlight: the query and the style of its hits.
pub struct Highlight<'a> {
    pub query: &'a str,
    pub style: Style,
}

pub fn styled(raw: &str, highlight: Option<Highlight>) -> Line<'static> {
    let mut pieces = parse(raw);
    if let Some(highlight) = highlight {
        pieces = mark(pieces, &highlight);
    }
    Line::from(
        pieces
            .into_iter()
            .map(|(text, style)| Span::styled(inert(&text), style))
            .collect::<Vec<_>>(),
    )
}

/// Styled pieces of text; a carriage return inside the line shows as `·`.
fn parse(raw: &str) -> Vec<(String, Style)> {
    let Ok(text) = raw.into_text() else {
        return vec![(
            crate::terminal_text::sanitise(raw, crate::terminal_text::Keep::Text),
            Style::default(),
        )];
    };
    let mut pieces = Vec::new();
    for (n, line) in text.lines.into_iter().enumerate() {
        if n > 0 {
            pieces.push(("\r".to_string(), Style::default()));
        }
        for span in line.spans {
            pieces.push((span.content.into_owned(), line.style.patch(span.style)));
        }
    }
    pieces
}

/// Splits pieces at the hits of the query (found in their joined text).
fn mark(pieces: Vec<(String, Style)>, highlight: &Highlight) -> Vec<(String, Style)> {
    let joined: String = pieces.iter().map(|(t, _)| t.as_str()).collect();
    let hits = crate::app::search::find(&joined, highlight.query);
    if hits.is_empty() {
        return pieces;
    }
    let mut out = Vec::new();
    let mut offset = 0;
    for (text, style) in pieces {
        let end = offset + text.len();
        let mut cut = offset;
        for hit in hits.iter().filter(|h| h.start < end && h.end > offset) {
            let (from, to) = (hit.start.max(offset), hit.end.min(end));
            if from > cut {
                out.push((joined[cut..from].to_string(), style));
            }
            out.push((joined[from..to].to_string(), style.patch(highlight.style)));
            cut = to;
        }
        if cut < end {
            out.push((joined[cut..end].to_string(), style));
        }
        offset = end;
    }
    out
}

/// Tabs become spaces; other control characters would move the cursor or
/// recolour the screen, so they show as `·`.
fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if c.is_control() => out.push('·'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    #[test]
    fn colours_are_kept_and_other_controls_made_inert() {
        let line = styled("\x1b[1;31mFAIL\x1b[0m disk\x07 \x1b[2Kfull", None);
        assert_eq!(line.spans[0].content, "FAIL");
        assert_eq!(line.spans[0].style.fg, Some(Color::Red));
        assert!(line.spans[0].style.add_modifier.contains(Modifier::BOLD));
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
        assert!(text.ends_with("full"), "{text:?}");
    }

    #[test]
    fn hits_are_highlighted_across_colour_changes() {
        let hl = Style::default().bg(Color::Yellow);
        let line = styled(
            "an \x1b[32mErr\x1b[0mor and error",
            Some(Highlight {
                query: "error",
                style: hl,
            }),
        );
        let hits: Vec<&str> = line
            .spans
            .iter()
            .filter(|s| s.style.bg == Some(Color::Yellow))
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(hits, vec!["Err", "or", "error"]);
        let err = line.spans.iter().find(|s| s.content == "Err").unwrap();
        assert_eq!(err.style.fg, Some(Color::Green), "its colour stays");
    }
}
