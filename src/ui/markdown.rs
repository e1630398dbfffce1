//! Markdown prose → styled lines for the step pane.

use super::theme::Theme;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// Renders `markdown` into lines; wrapping is left to the paragraph.
pub fn render(markdown: &str, theme: &Theme) -> Vec<Line<'static>> {
    let mut r = Renderer {
        theme,
        lines: Vec::new(),
        current: Vec::new(),
        styles: vec![theme.text],
        lists: Vec::new(),
        quote: 0,
        in_code: false,
    };
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        r.event(event);
    }
    r.flush();
    while r.lines.last().is_some_and(|l| l.spans.is_empty()) {
        r.lines.pop();
    }
    r.lines
}

struct Renderer<'t> {
    theme: &'t Theme,
    lines: Vec<Line<'static>>,
    current: Vec<Span<'static>>,
    styles: Vec<Style>,
    /// Next number of each open list (`None` for bullets).
    lists: Vec<Option<u64>>,
    quote: usize,
    in_code: bool,
}

impl Renderer<'_> {
    fn style(&self) -> Style {
        *self.styles.last().unwrap_or(&self.theme.text)
    }

    fn push_style(&mut self, add: Style) {
        let style = self.style().patch(add);
        self.styles.push(style);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    fn prefix(&self) -> Vec<Span<'static>> {
        let mut prefix = Vec::new();
        if self.quote > 0 {
            prefix.push(Span::styled("│ ".repeat(self.quote), self.theme.muted));
        }
        prefix
    }

    fn flush(&mut self) {
        if !self.current.is_empty() {
            let mut spans = self.prefix();
            spans.append(&mut self.current);
            self.lines.push(Line::from(spans));
        }
    }

    fn blank(&mut self) {
        self.flush();
        if self.lines.last().is_some_and(|l| !l.spans.is_empty()) {
            self.lines.push(Line::default());
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) if self.in_code => {
                for line in text.lines() {
                    self.current
                        .push(Span::styled(format!("    {line}"), self.theme.code));
                    self.flush();
                }
            }
            Event::Text(text) => self
                .current
                .push(Span::styled(text.to_string(), self.style())),
            Event::Code(code) => self
                .current
                .push(Span::styled(format!("`{code}`"), self.theme.code)),
            Event::SoftBreak => self.current.push(Span::raw(" ")),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.blank();
                self.lines
                    .push(Line::styled("────────────────────", self.theme.muted));
            }
            Event::TaskListMarker(done) => {
                self.current
                    .push(Span::raw(if done { "[x] " } else { "[ ] " }))
            }
            Event::Html(html) | Event::InlineHtml(html) => self
                .current
                .push(Span::styled(html.to_string(), self.theme.muted)),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {}
            // A heading shows as one: bold in the heading colour (underlined
            // for the top levels), never with its `#` marks.
            Tag::Heading { level, .. } => {
                self.blank();
                let emphasis = match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => Modifier::BOLD | Modifier::UNDERLINED,
                    _ => Modifier::BOLD,
                };
                self.push_style(self.theme.heading.add_modifier(emphasis));
            }
            Tag::Emphasis => self.push_style(Style::default().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(Style::default().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => {
                self.push_style(Style::default().add_modifier(Modifier::CROSSED_OUT))
            }
            Tag::Link { .. } => {
                self.push_style(self.theme.accent.add_modifier(Modifier::UNDERLINED))
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote += 1;
            }
            // The fence's language label (`text`, `console`) is for the
            // renderer, not the reader: only the code shows.
            Tag::CodeBlock(_) => {
                self.blank();
                self.in_code = true;
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "• ".to_string(),
                };
                self.current.push(Span::raw("  ".repeat(depth)));
                self.current.push(Span::styled(marker, self.theme.accent));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.blank(),
            TagEnd::Heading(_) => {
                self.pop_style();
                self.blank();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                self.pop_style()
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                self.in_code = false;
                self.blank();
            }
            TagEnd::List(_) => {
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Item => self.flush(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn lists_code_and_inline_code_are_kept_readable() {
        let lines = render(
            "Run `df -h` first.\n\n- one\n- two\n\n```text\nsample\n```\n",
            &Theme::dark(),
        );
        assert_eq!(
            plain(&lines),
            vec!["Run `df -h` first.", "", "• one", "• two", "", "    sample"],
            "no fence label"
        );
    }

    #[test]
    fn headings_and_emphasis_are_styled_never_shown_as_marks() {
        let theme = Theme::dark();
        let lines = render(
            "### General etcd health\n\nRestart *only* the **failed** member.\n",
            &theme,
        );
        assert_eq!(
            plain(&lines),
            vec!["General etcd health", "", "Restart only the failed member."]
        );
        let heading = &lines[0].spans[0];
        assert!(heading.style.add_modifier.contains(Modifier::BOLD));
        let styled = |text: &str| {
            lines[2]
                .spans
                .iter()
                .find(|s| s.content == text)
                .unwrap()
                .style
                .add_modifier
        };
        assert!(styled("only").contains(Modifier::ITALIC));
        assert!(styled("failed").contains(Modifier::BOLD));
    }
}
