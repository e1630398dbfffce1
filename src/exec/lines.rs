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
                let rest = self.pending.split_off(MAX_LINE);
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

/// The bytes as text: `\r` before each newline dropped, invalid UTF-8 replaced.
fn text(mut bytes: Vec<u8>) -> String {
    if memchr::memchr(b'\r', &bytes).is_some() {
        bytes = strip_carriage_returns(&bytes);
    }
    String::from_utf8(bytes)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
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
}
