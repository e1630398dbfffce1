//! Markdown body → steps: H2 sections, shell fences as commands, the rest as prose.

use super::attrs::{CommandSource, build_command, parse_fence_attrs, slug};
use super::diagnostic::Diagnostic;
use super::fields::FieldReport;
use super::lint_shapes::not_shell;
use super::model::{Block, NotShell, Pos, Step};
use super::source::LineIndex;
use super::transcript::{Part, Reader};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Fence languages whose blocks are runnable commands.
pub const SHELL_LANGS: &[&str] = &["sh", "bash", "shell", "zsh", "console"];
/// `promql` blocks are runnable too: queries against the configured Prometheus.
pub const QUERY_LANGS: &[&str] = &["promql"];

pub struct Body {
    /// Text of the first H1, if any.
    pub h1: Option<String>,
    /// Prose before the first step, if it has no commands.
    pub summary: Option<String>,
    pub steps: Vec<Step>,
}

/// A section of the body: before the first H2 (no heading), or one H2 and what follows.
struct Section {
    heading: Option<(String, Pos)>,
    content: Range<usize>,
    fences: Vec<Fence>,
    /// Inline code that is a command (`inline_commands`), in order.
    inline: Vec<Fence>,
}

struct Fence {
    range: Range<usize>,
    info: String,
    code: String,
    /// An inline command: where the paragraph or list item holding it ends.
    block_end: usize,
}

/// Parses `body`, which starts at byte `offset` of the file indexed by `index`.
pub fn parse_body(body: &str, offset: usize, index: &LineIndex, report: &mut FieldReport) -> Body {
    let pos = |at: usize| index.pos(offset + at);
    let mut sections = vec![Section {
        heading: None,
        content: 0..body.len(),
        fences: Vec::new(),
        inline: Vec::new(),
    }];
    let mut h1: Option<(String, Range<usize>)> = None;
    let mut heading: Option<(HeadingLevel, String, Range<usize>)> = None;
    let mut fence: Option<Fence> = None;
    // The paragraphs and list items open where the parser stands.
    let mut blocks: Vec<Range<usize>> = Vec::new();

    for (event, range) in
        Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
            .into_offset_iter()
    {
        match event {
            Event::Start(Tag::Heading { level, .. }) if level <= HeadingLevel::H2 => {
                heading = Some((level, String::new(), range));
            }
            Event::End(TagEnd::Heading(_)) if heading.is_some() => {
                let Some((level, text, range)) = heading.take() else {
                    continue;
                };
                let text = text.trim().to_string();
                if level == HeadingLevel::H2 {
                    if let Some(last) = sections.last_mut() {
                        last.content.end = range.start;
                    }
                    sections.push(Section {
                        heading: Some((text, pos(range.start))),
                        content: range.end..body.len(),
                        fences: Vec::new(),
                        inline: Vec::new(),
                    });
                } else if h1.is_none() && sections.len() == 1 {
                    h1 = Some((text, range));
                }
            }
            Event::Code(text)
                if heading.is_none()
                    && fence.is_none()
                    && super::inline_commands::is_inline_command(&text) =>
            {
                if let Some(section) = sections.last_mut() {
                    section.inline.push(Fence {
                        block_end: blocks.last().map_or(range.end, |b: &Range<usize>| b.end),
                        range,
                        info: "sh".into(),
                        code: text.trim().to_string(),
                    });
                }
            }
            Event::Start(Tag::Paragraph | Tag::Item) => blocks.push(range),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                blocks.pop();
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, heading_text, _)) = heading.as_mut() {
                    heading_text.push_str(&text);
                } else if let Some(fence) = fence.as_mut() {
                    fence.code.push_str(&text);
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_shell(&info) => {
                fence = Some(Fence {
                    range,
                    info: info.to_string(),
                    code: String::new(),
                    block_end: 0,
                });
            }
            Event::End(TagEnd::CodeBlock) => {
                if let (Some(fence), Some(section)) = (fence.take(), sections.last_mut()) {
                    section.fences.push(fence);
                }
            }
            _ => {}
        }
    }

    let h1_range = h1.as_ref().map(|(_, range)| range.clone());
    let mut steps = Vec::new();
    let mut summary = None;
    let mut reader = Reader::default();
    for section in &sections {
        let excluded = h1_range.clone().filter(|_| section.heading.is_none());
        let at = Place {
            pos: &pos,
            index,
            offset,
        };
        let step = build_step(body, section, excluded, &at, &mut reader, report);
        match (&section.heading, step) {
            (None, Some(step)) if step.commands().next().is_none() && sections.len() > 1 => {
                summary = step.content.into_iter().find_map(|block| match block {
                    Block::Text(text) => Some(text),
                    Block::Command(_) => None,
                });
            }
            (_, Some(step)) => steps.push(step),
            (_, None) => {}
        }
    }
    Body {
        h1: h1.map(|(text, _)| text),
        summary,
        steps,
    }
}

fn is_shell(info: &str) -> bool {
    let lang = fence_lang(info);
    SHELL_LANGS.contains(&lang) || QUERY_LANGS.contains(&lang)
}

fn fence_lang(info: &str) -> &str {
    info.split(|c: char| c.is_whitespace() || c == '{')
        .next()
        .unwrap_or("")
}

/// Where the body stands in the file.
struct Place<'a> {
    pos: &'a dyn Fn(usize) -> Pos,
    index: &'a LineIndex<'a>,
    offset: usize,
}

fn build_step(
    body: &str,
    section: &Section,
    excluded: Option<Range<usize>>,
    at: &Place,
    reader: &mut Reader,
    report: &mut FieldReport,
) -> Option<Step> {
    let (pos, index, offset) = (at.pos, at.index, at.offset);
    let (title, step_pos) = section
        .heading
        .clone()
        .unwrap_or_else(|| (String::new(), pos(section.content.start)));
    let step_slug = if title.is_empty() {
        "overview".to_string()
    } else {
        slug(&title)
    };
    let mut content = Vec::new();
    let mut cursor = section.content.start;
    let push_text = |from: usize, to: usize, content: &mut Vec<Block>| {
        let mut text = String::new();
        match &excluded {
            Some(skip) if skip.start >= from && skip.end <= to => {
                text.push_str(&body[from..skip.start]);
                text.push_str(&body[skip.end..to]);
            }
            _ => text.push_str(&body[from..to]),
        }
        let text = trim_blank_lines(&text);
        if !text.is_empty() {
            content.push(Block::Text(text.to_string()));
        }
    };
    let mut n = 0;
    let mut inline_n = 0;
    let mut inline_at = Vec::new();
    reader.section();
    // Fences and inline commands in the order they are written.
    let mut items: Vec<(&Fence, bool)> = section.fences.iter().map(|f| (f, false)).collect();
    items.extend(section.inline.iter().map(|f| (f, true)));
    items.sort_by_key(|(f, _)| f.range.start);
    for (fence, inline) in items {
        if inline {
            // Shown right after the paragraph or list item it stands in.
            let cut = fence.block_end.clamp(cursor, section.content.end);
            push_text(cursor, cut, &mut content);
            cursor = cut;
            inline_n += 1;
            let command = build_command(
                CommandSource {
                    lang: "sh".into(),
                    run: fence.code.clone(),
                    pos: pos(fence.range.start),
                    // Numbered apart: fenced commands keep their ids.
                    default_id: format!("{step_slug}-inline-{inline_n}"),
                    attrs: Vec::new(),
                    show_only_key: "run",
                },
                report,
            );
            inline_at.push(content.len());
            content.push(Block::Command(command));
            continue;
        }
        push_text(cursor, fence.range.start, &mut content);
        cursor = fence.range.end.min(section.content.end);
        let fence_pos = pos(fence.range.start);
        let attrs = fence_attrs(body, fence, offset, index, report);
        let lang = fence_lang(&fence.info);
        let code = fence.code.trim_end_matches('\n');
        let parts = if QUERY_LANGS.contains(&lang) {
            vec![Part {
                run: code.to_string(),
                ..Part::default()
            }]
        } else {
            reader.read(code, lang == "console")
        };
        let several = parts.len() > 1;
        for (k, part) in parts.into_iter().enumerate() {
            n += 1;
            let mut attrs = attrs.clone();
            if several {
                // One fence, several commands: an explicit id gets a suffix per command.
                for attr in attrs.iter_mut().filter(|a| a.key == "id") {
                    attr.value = format!("{}-{}", attr.value, k + 1);
                }
            }
            let mut command = build_command(
                CommandSource {
                    lang: lang.to_string(),
                    run: part.run.clone(),
                    pos: fence_pos,
                    default_id: format!("{step_slug}-{n}"),
                    attrs,
                    show_only_key: "run",
                },
                report,
            );
            let at = |row: usize| {
                let (line, col) = part.origin_of(row);
                Pos::new(fence_pos.line + 1 + line as u32, fence_pos.col + col as u32)
            };
            if several {
                command.line_starts = (0..part.run.lines().count()).map(at).collect();
            }
            command.sample_output = part.sample_output.clone();
            command.description = part.description.clone();
            command.inside = part.inside.clone();
            command.show_only |= part.show_only;
            command.interactive |= part.interactive;
            // Only shell is offered as a command; `allow=not-shell` vouches for it.
            let vouched = command.allow.iter().any(|a| a == "not-shell");
            if !command.show_only
                && !vouched
                && SHELL_LANGS.contains(&lang)
                && let Some((row, reason)) = not_shell(&command.run)
            {
                command.show_only = true;
                command.not_shell = Some(NotShell {
                    reason: reason.to_string(),
                    pos: at(row),
                });
            }
            content.push(Block::Command(command));
        }
    }
    push_text(cursor, section.content.end, &mut content);
    same_host_as_fences(&mut content, &inline_at);
    if section.heading.is_none() && content.is_empty() {
        return None;
    }
    Some(Step {
        title,
        content,
        pos: step_pos,
    })
}

/// Inline commands run where the step's fenced commands run, when those all
/// name one host: prose next to `host=app` fences is about that host.
fn same_host_as_fences(content: &mut [Block], inline_at: &[usize]) {
    let mut hosts = content
        .iter()
        .enumerate()
        .filter(|(i, _)| !inline_at.contains(i))
        .filter_map(|(_, block)| match block {
            Block::Command(command) => Some(command.host.clone()),
            Block::Text(_) => None,
        });
    let Some(first) = hosts.next() else {
        return;
    };
    if hosts.any(|host| host != first) {
        return;
    }
    for at in inline_at {
        if let Some(Block::Command(command)) = content.get_mut(*at) {
            command.host = first.clone();
        }
    }
}

/// The `{...}` of a fence's info string, parsed with file positions.
fn fence_attrs(
    body: &str,
    fence: &Fence,
    offset: usize,
    index: &LineIndex,
    report: &mut FieldReport,
) -> Vec<super::attrs::Attr> {
    let Some(open) = fence.info.find('{') else {
        return Vec::new();
    };
    let line_end = body[fence.range.start..]
        .find('\n')
        .map_or(body.len(), |i| fence.range.start + i);
    let line = &body[fence.range.start..line_end];
    let brace_at = fence.range.start + line.find('{').unwrap_or(0);
    let inner_pos = index.pos(offset + brace_at + 1);
    let after = &fence.info[open + 1..];
    let Some(close) = after.rfind('}') else {
        report.push(
            Diagnostic::error(
                "bad-attribute",
                index.pos(offset + brace_at),
                "attribute list `{` is never closed",
            )
            .help("close it on the same line: ```sh {id=restart kind=remediate}"),
        );
        return Vec::new();
    };
    parse_fence_attrs(&after[..close], inner_pos, report)
}

/// Drops blank lines at both ends, keeping the first line's indentation.
pub fn trim_blank_lines(text: &str) -> &str {
    let text = text.trim_end();
    let start = text
        .char_indices()
        .take_while(|(_, c)| c.is_whitespace())
        .filter(|(_, c)| *c == '\n')
        .last()
        .map_or(0, |(i, _)| i + 1);
    &text[start..]
}
