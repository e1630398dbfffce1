//! Cutting a byte stream into output lines, bounded so one endless line
//! cannot grow memory.

use super::local::MAX_LINE;

#[derive(Default)]
pub struct LineSplitter {
    pending: Vec<u8>,
}

impl LineSplitter {
    /// Appends `bytes`; every complete line (and every `MAX_LINE` piece of a
    /// longer one) goes to `out`, without its newline.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<String>) {
        let mut rest = bytes;
        while let Some(newline) = memchr::memchr(b'\n', rest) {
            self.pending.extend_from_slice(&rest[..newline]);
            self.cut_long(out);
            out.push(text(&self.pending));
            self.pending.clear();
            rest = &rest[newline + 1..];
        }
        self.pending.extend_from_slice(rest);
        self.cut_long(out);
    }

    /// The last line when the stream ended without a newline.
    pub fn flush(&mut self, out: &mut Vec<String>) {
        if !self.pending.is_empty() {
            out.push(text(&self.pending));
            self.pending.clear();
        }
    }

    fn cut_long(&mut self, out: &mut Vec<String>) {
        while self.pending.len() > MAX_LINE {
            let rest = self.pending.split_off(MAX_LINE);
            out.push(text(&self.pending));
            self.pending = rest;
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes.strip_suffix(b"\r").unwrap_or(bytes)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_across_chunks_and_a_last_partial_line() {
        let mut splitter = LineSplitter::default();
        let mut out = Vec::new();
        splitter.push(b"one\ntw", &mut out);
        splitter.push(b"o\r\nthr", &mut out);
        assert_eq!(out, ["one", "two"]);
        splitter.flush(&mut out);
        assert_eq!(out, ["one", "two", "thr"]);
    }

    #[test]
    fn an_endless_line_is_cut_into_bounded_pieces() {
        let mut splitter = LineSplitter::default();
        let mut out = Vec::new();
        splitter.push(&vec![b'x'; MAX_LINE * 2 + 10], &mut out);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|l| l.len() == MAX_LINE));
    }
}
