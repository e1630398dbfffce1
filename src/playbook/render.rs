//! Diagnostics for people (`path:line:col: error: message`, the source line
//! underlined by miette, and a help line) and for tools (JSON).

use super::diagnostic::Diagnostic;
use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};
use serde::Serialize;

/// One diagnostic as miette sees it: the snippet and its label.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{label}")]
struct Snippet {
    #[source_code]
    code: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
}

/// Renders diagnostics of one file; `source` is its text when it could be read.
pub fn render_text(
    path: &str,
    source: Option<&str>,
    diagnostics: &[Diagnostic],
    color: bool,
) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&format!(
            "{path}:{}:{}: {}: {} [{}]\n",
            diagnostic.line,
            diagnostic.col,
            diagnostic.severity.label(),
            diagnostic.message,
            diagnostic.rule
        ));
        // A snippet of a minified or generated line would bury the message.
        let line_is_short = |t: &&str| {
            t.lines()
                .nth(diagnostic.line.saturating_sub(1) as usize)
                .is_some_and(|l| l.chars().count() <= 240)
        };
        if let Some(text) = source.filter(line_is_short) {
            let snippet = Snippet {
                code: NamedSource::new(path, text.to_string()),
                span: span_of(text, diagnostic),
                label: diagnostic.severity.label().to_string(),
            };
            let mut rendered = String::new();
            if handler.render_report(&mut rendered, &snippet).is_ok() {
                // miette repeats the label as a header line; the contract line above replaces it.
                for line in rendered.lines().skip(1).filter(|l| !l.trim().is_empty()) {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        if let Some(help) = &diagnostic.help {
            out.push_str(&format!("  help: {help}\n"));
        }
    }
    out
}

/// Byte span of the diagnostic's `line:col` and length in `text`.
fn span_of(text: &str, diagnostic: &Diagnostic) -> SourceSpan {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(diagnostic.line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line = text[line_start.min(text.len())..]
        .lines()
        .next()
        .unwrap_or("");
    let start = line
        .char_indices()
        .nth(diagnostic.col.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let len: usize = line[start..]
        .chars()
        .take(diagnostic.len)
        .map(char::len_utf8)
        .sum();
    SourceSpan::new((line_start + start).into(), len)
}

#[derive(Serialize)]
pub struct FileReport<'a> {
    pub path: &'a str,
    pub diagnostics: &'a [Diagnostic],
}

pub fn render_json(reports: &[FileReport]) -> String {
    serde_json::to_string_pretty(reports).unwrap_or_else(|err| format!("{{\"error\": \"{err}\"}}"))
}
