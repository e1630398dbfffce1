//! Reading a playbook file safely: size and content limits, front matter, positions.

use super::diagnostic::Diagnostic;
use super::model::Pos;

/// Playbooks are hand-written text; anything bigger is a mistake or an attack.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Turns the raw bytes into text, or says clearly why they are not a playbook.
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    let start = Pos::new(1, 1);
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            return Err(Diagnostic::error(
                "not-text",
                LineIndex::new(valid).pos(valid.len()),
                "this is not UTF-8 text (a binary file?)",
            )
            .help("a playbook is a Markdown (.md) or YAML (.yaml) text file saved as UTF-8"));
        }
    };
    if let Some(nul) = text.find('\0') {
        return Err(Diagnostic::error(
            "not-text",
            LineIndex::new(text).pos(nul),
            "file contains a NUL byte: this looks like a binary file, not a playbook",
        )
        .help("a playbook is a Markdown (.md) or YAML (.yaml) text file"));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::error("empty", start, "the playbook is empty").help(
            "write a `# Title` and one `## Step` section per step (Markdown), or `title:` and `steps:` (YAML); see docs/playbook-format.md",
        ));
    }
    Ok(text)
}

pub fn too_large(len: u64) -> Diagnostic {
    Diagnostic::error(
        "file-too-large",
        Pos::new(1, 1),
        format!(
            "file is {:.1} MiB; playbooks are limited to {} MiB",
            len as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
    .help("split it into several playbooks, or move large output samples out of it")
}

/// Byte offset → line and column (columns count characters, 1-based).
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, line_starts }
    }

    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Pos::new(line as u32 + 1, col as u32 + 1)
    }
}

/// The YAML front matter and the Markdown after it, with their byte offsets.
pub struct Split<'a> {
    pub front_matter: Option<(&'a str, usize)>,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Splits `---` front matter from the Markdown body.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, Diagnostic> {
    let mut lines = line_spans(text);
    let Some((_, first)) = lines.next() else {
        return Ok(Split {
            front_matter: None,
            body: text,
            body_offset: 0,
        });
    };
    if first.trim_end() != "---" {
        return Ok(Split {
            front_matter: None,
            body: text,
            body_offset: 0,
        });
    }
    let yaml_start = first.len();
    for (start, line) in lines {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body_offset = start + line.len();
            return Ok(Split {
                front_matter: Some((&text[yaml_start..start], yaml_start)),
                body: &text[body_offset..],
                body_offset,
            });
        }
    }
    Err(Diagnostic::error(
        "unterminated-front-matter",
        Pos::new(1, 1),
        "front matter opened with `---` is never closed",
    )
    .span(3)
    .help("add a line containing only `---` after the last front-matter key"))
}

/// Lines with their byte offsets, newline included.
fn line_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len();
        (start, line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let index = LineIndex::new("ab\nçé x\n");
        assert_eq!(index.pos(0), Pos::new(1, 1));
        assert_eq!(index.pos(3), Pos::new(2, 1));
        assert_eq!(index.pos("ab\nçé ".len()), Pos::new(2, 4));
    }

    #[test]
    fn front_matter_is_split_from_body() {
        let split = split_front_matter("---\ntitle: x\n---\n# Body\n").unwrap();
        assert_eq!(split.front_matter, Some(("title: x\n", 4)));
        assert_eq!(split.body, "# Body\n");
    }

    #[test]
    fn unterminated_front_matter_is_an_error() {
        let err = split_front_matter("---\ntitle: x\n# Body\n").err().unwrap();
        assert_eq!(err.rule, "unterminated-front-matter");
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert_eq!(decode(b"\x00\x01\x02").unwrap_err().rule, "not-text");
        assert_eq!(decode(b"ok\n\xff\xfe").unwrap_err().pos(), Pos::new(2, 1));
        assert_eq!(decode(b"  \n\n").unwrap_err().rule, "empty");
    }
}
