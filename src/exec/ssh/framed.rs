//! Reading one command's output from the remote shell's stream: whole lines
//! up to the nonce marker that ends it.

use crate::exec::lines::ChunkSplitter;
use crate::exec::{Chunk, Stream};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{mpsc, watch};

#[derive(Debug, PartialEq, Eq)]
pub enum Marker {
    /// The command's process (and group) id on the remote host.
    Pid(i32),
    /// The command ended (stdout carries its exit status, stderr nothing).
    End(Option<i32>),
}

/// A marker is the nonce and at most this much more (` P 4194304`, ` X 255`)
/// before its newline; held output never grows beyond that.
const MARKER_TAIL: usize = 32;

/// Splits a stream into output lines and the driver's markers.
pub struct FrameScanner {
    nonce: Vec<u8>,
    pending: Vec<u8>,
    lines: ChunkSplitter,
}

impl FrameScanner {
    pub fn new(nonce: &str) -> FrameScanner {
        FrameScanner {
            nonce: nonce.as_bytes().to_vec(),
            pending: Vec::new(),
            lines: ChunkSplitter::default(),
        }
    }

    /// Feeds `bytes`; output texts go to `out`, markers are returned in order.
    /// Nothing after the end marker belongs to this command.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<String>) -> Vec<Marker> {
        self.pending.extend_from_slice(bytes);
        let mut markers = Vec::new();
        loop {
            let Some(at) = memchr::memmem::find(&self.pending, &self.nonce) else {
                // Hold back only a tail that could be the start of a marker split across reads.
                let cut = self.pending.len() - self.marker_start_len();
                self.lines.push(&self.pending[..cut], out);
                self.pending.drain(..cut);
                return markers;
            };
            let Some(newline) = memchr::memchr(b'\n', &self.pending[at..]) else {
                if self.pending.len() - at > self.nonce.len() + MARKER_TAIL {
                    // Too long for a marker: the nonce is mere output here.
                    self.lines.push(&self.pending[..=at], out);
                    self.pending.drain(..=at);
                    continue;
                }
                self.lines.push(&self.pending[..at], out);
                self.pending.drain(..at);
                return markers;
            };
            self.lines.push(&self.pending[..at], out);
            let marker = parse(&self.pending[at + self.nonce.len()..at + newline]);
            self.pending.drain(..at + newline + 1);
            if let Some(Marker::End(code)) = marker {
                // The last line may lack its newline.
                self.lines.flush(out);
                self.pending.clear();
                markers.push(Marker::End(code));
                return markers;
            }
            markers.extend(marker);
        }
    }
}

impl FrameScanner {
    /// The longest end of `pending` that is a beginning of the nonce.
    fn marker_start_len(&self) -> usize {
        let longest = (self.nonce.len() - 1).min(self.pending.len());
        (1..=longest)
            .rev()
            .find(|&k| self.pending.ends_with(&self.nonce[..k]))
            .unwrap_or(0)
    }
}

fn parse(rest: &[u8]) -> Option<Marker> {
    let text = std::str::from_utf8(rest).ok()?.trim();
    let mut words = text.split(' ');
    match words.next()? {
        "P" => Some(Marker::Pid(words.next()?.parse().ok()?)),
        "X" => Some(Marker::End(words.next().and_then(|c| c.parse().ok()))),
        _ => None,
    }
}

/// Reads `pipe` until this command's end marker, sending its output (and
/// waiting when the receiver is behind). Returns the exit status the marker
/// carries; an error when the stream ends first (the connection is gone).
pub async fn read_until_end(
    pipe: &mut (impl AsyncRead + Unpin),
    nonce: &str,
    stream: Stream,
    output: mpsc::Sender<Chunk>,
    pid: Option<watch::Sender<Option<i32>>>,
) -> std::io::Result<Option<i32>> {
    let mut scanner = FrameScanner::new(nonce);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut out = Vec::new();
    loop {
        let n = pipe.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the SSH connection closed before the command ended",
            ));
        }
        let markers = scanner.push(&chunk[..n], &mut out);
        for text in out.drain(..) {
            // A receiver that went away still lets us read on to the marker,
            // so the shell stays in step for the next command.
            let _ = output.send(Chunk { stream, text }).await;
        }
        for marker in markers {
            match marker {
                Marker::Pid(p) => {
                    if let Some(pid) = &pid {
                        let _ = pid.send(Some(p));
                    }
                }
                Marker::End(code) => return Ok(code),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::local::MAX_LINE;

    #[test]
    fn markers_split_across_reads_are_found() {
        let mut scanner = FrameScanner::new("@N0");
        let mut out = Vec::new();
        let stream = b"@N0 P 42\nhello\nworld@N0 X 3\n";
        let mut markers = Vec::new();
        for byte in stream {
            markers.extend(scanner.push(&[*byte], &mut out));
        }
        assert_eq!(out.join("\n"), "hello\nworld");
        assert_eq!(markers, [Marker::Pid(42), Marker::End(Some(3))]);
    }

    #[test]
    fn text_that_merely_resembles_a_marker_is_output() {
        let mut scanner = FrameScanner::new("@N0");
        let mut out = Vec::new();
        let markers = scanner.push(b"@N1 X 0\n@N0 X\n", &mut out);
        assert_eq!(out, ["@N1 X 0"]);
        assert_eq!(markers, [Marker::End(None)]);
    }

    #[test]
    fn the_nonce_without_a_newline_cannot_grow_memory() {
        // A command can read the nonce from its own argv and print it
        // followed by an endless line: it is output, cut like any line.
        let mut scanner = FrameScanner::new("@N0");
        let mut out = Vec::new();
        scanner.push(b"@N0 X", &mut out);
        for _ in 0..64 {
            assert!(scanner.push(&[b'y'; 64 * 1024], &mut out).is_empty());
            assert!(
                scanner.pending.len() <= 64,
                "{} bytes held",
                scanner.pending.len()
            );
        }
        assert_eq!(
            scanner.push(b"\n@N0 X 0\n", &mut out),
            [Marker::End(Some(0))]
        );
        let lines: Vec<&str> = out.iter().flat_map(|t| t.split('\n')).collect();
        assert!(lines.iter().all(|l| l.len() <= MAX_LINE));
        assert!(lines[0].starts_with("@N0 Xyyy"), "{}", &lines[0][..20]);
        assert_eq!(
            lines.iter().map(|l| l.len()).sum::<usize>(),
            5 + 64 * 64 * 1024
        );
    }

    #[test]
    fn a_line_is_passed_on_at_once_unless_it_may_start_a_marker() {
        let mut scanner = FrameScanner::new("@N0");
        let mut out = Vec::new();
        scanner.push(b"early\n", &mut out);
        assert_eq!(out, ["early"]);
        scanner.push(b"x\n@N", &mut out);
        assert_eq!(out.join("\n"), "early\nx");
        assert_eq!(scanner.push(b"0 X 1\n", &mut out), [Marker::End(Some(1))]);
    }
}
