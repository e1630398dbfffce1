//! The last lines of a command's output, for its `command_finished` event,
//! kept as the chunks they came in and only cut into lines at the end.

use crate::incident::redact::Redactor;
use crate::terminal_text::{Keep, sanitise};
use std::collections::VecDeque;

/// Lines of output kept in each `command_finished` event.
pub const LAST_LINES: usize = 10;
/// Characters kept of each of those lines.
const LINE_CHARS: usize = 500;

#[derive(Default)]
pub struct Tail {
    /// Recent chunks, oldest first, with their line counts.
    chunks: VecDeque<(String, usize)>,
    lines: usize,
}

impl Tail {
    pub fn push(&mut self, text: &str) {
        // Only a chunk's own last lines can be among the last lines: the
        // rest is not copied (a chunk is up to a pipe's read of lines).
        let start = memchr::memrchr_iter(b'\n', text.as_bytes())
            .nth(LAST_LINES - 1)
            .map_or(0, |at| at + 1);
        let text = &text[start..];
        let count = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
        self.lines += count;
        self.chunks.push_back((text.to_string(), count));
        // Drop the oldest chunk once the newer ones hold enough lines.
        while let Some((_, oldest)) = self.chunks.front() {
            if self.lines - oldest < LAST_LINES {
                break;
            }
            self.lines -= oldest;
            self.chunks.pop_front();
        }
    }

    /// The last lines, colours stripped and secrets redacted.
    pub fn last_lines(&self, redactor: &Redactor) -> Vec<String> {
        let lines: Vec<&str> = self
            .chunks
            .iter()
            .flat_map(|(t, _)| t.split('\n'))
            .collect();
        lines[lines.len().saturating_sub(LAST_LINES)..]
            .iter()
            .map(|line| {
                let short: String = line.chars().take(LINE_CHARS * 2).collect();
                redactor
                    .redact(&sanitise(&short, Keep::Text))
                    .chars()
                    .take(LINE_CHARS)
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_lines_are_kept() {
        let mut tail = Tail::default();
        for i in 0..100 {
            tail.push(&format!("{}\n{}", 2 * i, 2 * i + 1));
        }
        let last = tail.last_lines(&Redactor::default());
        assert_eq!(last.first().map(String::as_str), Some("190"));
        assert_eq!(last.len(), LAST_LINES);
        assert!(tail.chunks.len() <= LAST_LINES);
    }

    #[test]
    fn a_long_chunk_gives_its_own_last_lines() {
        let mut tail = Tail::default();
        tail.push("old");
        let chunk: Vec<String> = (0..1000).map(|n| format!("line {n}")).collect();
        tail.push(&chunk.join("\n"));
        let last = tail.last_lines(&Redactor::default());
        assert_eq!(last, chunk[1000 - LAST_LINES..]);
        assert!(tail.chunks.iter().map(|(t, _)| t.len()).sum::<usize>() < 200);
    }
}
