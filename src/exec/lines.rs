//! Cutting a byte stream into output chunks of whole lines, bounded so one
//! endless line cannot grow memory.
//!
//! Whole chunks, not single lines, travel through channels and into files:
//! a command printing millions of lines costs a few hundred sends, not
//! millions.

use super::local::MAX_LINE;

#[derive(Default)]
pub struct ChunkSplitter {
    /// The start of a line whose newline has not come yet (at most `MAX_LINE`).
    pending: Vec<u8>,
}

impl ChunkSplitter {
    /// Appends `bytes`; what now ends in a newline goes to `out` as one text
    /// (lines joined by `\n`, the last newline dropped). A line longer than
    /// `MAX_LINE` is cut into pieces, each a line of its own.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<String>) {
        // Pieces of at most MAX_LINE: then only the first line can run long.
        for piece in bytes.chunks(MAX_LINE) {
            self.pending.extend_from_slice(piece);
            while memchr::memchr(b'\n', &self.pending).unwrap_or(self.pending.len()) > MAX_LINE {
                let rest = self.pending.split_off(cut_point(&self.pending));
                out.push(text(std::mem::replace(&mut self.pending, rest)));
            }
            if let Some(last) = memchr::memrchr(b'\n', &self.pending) {
                let rest = self.pending.split_off(last + 1);
                let mut whole = std::mem::replace(&mut self.pending, rest);
                whole.truncate(last);
                out.push(text(whole));
            }
        }
    }

    /// The last line when the stream ended without a newline.
    pub fn flush(&mut self, out: &mut Vec<String>) {
        if !self.pending.is_empty() {
            out.push(text(std::mem::take(&mut self.pending)));
        }
    }
}

/// Where to cut a line longer than `MAX_LINE`: at `MAX_LINE`, or up to
/// three bytes before so that a UTF-8 character stays whole.
fn cut_point(line: &[u8]) -> usize {
    let continuation = |at: usize| line.get(at).is_some_and(|b| b & 0xC0 == 0x80);
    (MAX_LINE - 3..=MAX_LINE)
        .rev()
        .find(|&at| !continuation(at))
        .unwrap_or(MAX_LINE)
}

/// The bytes as text: `\r` before each newline dropped, invalid UTF-8
/// replaced; no line longer than `MAX_LINE` bytes even then.
fn text(mut bytes: Vec<u8>) -> String {
    if memchr::memchr(b'\r', &bytes).is_some() {
        bytes = strip_carriage_returns(&bytes);
    }
    String::from_utf8(bytes).unwrap_or_else(|err| {
        // Each invalid byte becomes U+FFFD, three bytes: cut again.
        let lossy = String::from_utf8_lossy(err.as_bytes());
        let mut out = String::with_capacity(lossy.len() + lossy.len() / MAX_LINE);
        for (i, line) in lossy.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let mut rest = line;
            while rest.len() > MAX_LINE {
                let cut = (0..=MAX_LINE)
                    .rev()
                    .find(|&at| rest.is_char_boundary(at))
                    .unwrap_or(0);
                out.push_str(&rest[..cut]);
                out.push('\n');
                rest = &rest[cut..];
            }
            out.push_str(rest);
        }
        out
    })
}

fn strip_carriage_returns(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(out: &[String]) -> Vec<&str> {
        out.iter().flat_map(|t| t.split('\n')).collect()
    }

    #[test]
    fn lines_split_across_chunks_and_a_last_partial_line() {
        let mut splitter = ChunkSplitter::default();
        let mut out = Vec::new();
        splitter.push(b"one\ntw", &mut out);
        splitter.push(b"o\r\n\nthr", &mut out);
        assert_eq!(lines(&out), ["one", "two", ""]);
        splitter.flush(&mut out);
        assert_eq!(lines(&out), ["one", "two", "", "thr"]);
    }

    #[test]
    fn many_lines_travel_as_one_chunk() {
        let mut splitter = ChunkSplitter::default();
        let mut out = Vec::new();
        splitter.push(b"a\r\nb\nc\n", &mut out);
        assert_eq!(out, ["a\nb\nc"]);
    }

    #[test]
    fn invalid_utf8_cannot_make_a_piece_longer_than_the_cut() {
        // Each invalid byte becomes U+FFFD, three bytes of text.
        let mut splitter = ChunkSplitter::default();
        let mut out = Vec::new();
        splitter.push(&vec![0xff; 3 * MAX_LINE], &mut out);
        splitter.push(b"\n", &mut out);
        let all = lines(&out);
        assert!(
            all.iter().all(|l| l.len() <= MAX_LINE),
            "{:?}",
            all.iter().map(|l| l.len()).collect::<Vec<_>>()
        );
        assert_eq!(
            all.iter().map(|l| l.chars().count()).sum::<usize>(),
            3 * MAX_LINE
        );
    }

    #[test]
    fn a_long_line_is_cut_between_characters() {
        let mut splitter = ChunkSplitter::default();
        let mut out = Vec::new();
        let text = format!("a{}", "é".repeat(MAX_LINE));
        splitter.push(&text.as_bytes()[..7], &mut out);
        splitter.push(&text.as_bytes()[7..], &mut out);
        splitter.flush(&mut out);
        let all = lines(&out);
        assert!(all.len() >= 2 && all.iter().all(|l| l.len() <= MAX_LINE));
        assert!(
            !all.iter().any(|l| l.contains('\u{FFFD}')),
            "a character was split"
        );
        assert_eq!(all.concat(), text);
    }

    #[test]
    fn an_endless_line_is_cut_into_bounded_pieces() {
        let mut splitter = ChunkSplitter::default();
        let mut out = Vec::new();
        for _ in 0..5 {
            splitter.push(&vec![b'x'; MAX_LINE / 2 + 7], &mut out);
        }
        splitter.push(b"\nshort\n", &mut out);
        let all = lines(&out);
        assert!(all.iter().all(|l| l.len() <= MAX_LINE));
        assert_eq!(
            all.iter().map(|l| l.len()).sum::<usize>(),
            5 * (MAX_LINE / 2 + 7) + 5
        );
        assert_eq!(all.last(), Some(&"short"));
    }

    /// What the output file gets of each chunk: text only, then redacted.
    fn as_stored(redactor: &crate::incident::redact::Redactor, chunks: &[String]) -> String {
        use crate::terminal_text::{Keep, sanitised};
        chunks
            .iter()
            .map(|c| redactor.redacted(&sanitised(c, Keep::Text)).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_secret_split_between_reads_or_wrapped_in_colours_is_still_redacted() {
        let redactor = crate::incident::redact::Redactor::new(["s3cr3t-value".to_string()]);
        let mut splitter = ChunkSplitter::default();
        let mut out = Vec::new();
        // Cut inside the secret, inside a colour code and inside `password=`.
        let stream: &[&[u8]] = &[
            b"2026-11-22T03:00:00Z level=info user=a auth=s3cr",
            b"3t-value duration=1ms\nlevel=\x1b[3",
            b"1merror\x1b[0m \x1b[1ms3cr3t-value\x1b[0m s3c\x1b[0mr3t-value pass",
            b"word=hunter2 done\n",
        ];
        for piece in stream {
            splitter.push(piece, &mut out);
        }
        splitter.flush(&mut out);
        let stored = as_stored(&redactor, &out);
        assert_eq!(
            stored,
            "2026-11-22T03:00:00Z level=info user=a auth=[REDACTED] duration=1ms\n\
             level=error [REDACTED] [REDACTED] password=[REDACTED] done"
        );
    }
}
