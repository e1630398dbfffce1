//! What a client and the keeper say over the socket: one JSON object a
//! line. A request is one line; the replies are output, then one end or
//! one error. Lines are bounded on both sides: the other end is trusted no
//! more than a file is.

use crate::exec::{Chunk, Finished, Stream};
use crate::plan::ssh_target::SshTarget;
use serde::{Deserialize, Serialize};
use std::io;
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// Bumped when a message changes; part of the socket's name, so an old
/// keeper is never asked by a newer client.
pub const VERSION: u32 = 1;
/// The longest line either side reads: a script (a playbook command is far
/// smaller) or an output frame.
pub const MAX_LINE: usize = 4 << 20;
/// Output text per frame; a bigger chunk goes in several frames.
pub const FRAME_TEXT: usize = 256 << 10;

#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    pub target: SshTarget,
    pub script: String,
    pub timeout_ms: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    Stdout(String),
    Stderr(String),
    End {
        exit_code: Option<i32>,
        signal: Option<i32>,
        duration_ms: u64,
        timed_out: bool,
        cancelled: bool,
    },
    /// Nothing ran, or how far it got is unknown: said as the runner said it.
    Error {
        timed_out: bool,
        message: String,
    },
}

impl Reply {
    pub fn end(finished: &Finished) -> Reply {
        Reply::End {
            exit_code: finished.exit_code,
            signal: finished.signal,
            duration_ms: finished.duration.as_millis().min(u64::MAX as u128) as u64,
            timed_out: finished.timed_out,
            cancelled: finished.cancelled,
        }
    }

    pub fn error(err: &io::Error) -> Reply {
        Reply::Error {
            timed_out: err.kind() == io::ErrorKind::TimedOut,
            message: err.to_string(),
        }
    }

    /// A chunk as frames of at most [`FRAME_TEXT`] bytes, cut at newlines
    /// where there is one (a piece is then a line of its own, as the
    /// runners already send over-long lines).
    pub fn output(chunk: &Chunk) -> Vec<Reply> {
        let mut frames = Vec::new();
        let mut rest = chunk.text.as_str();
        loop {
            let piece = if rest.len() <= FRAME_TEXT {
                rest
            } else {
                let mut cut = FRAME_TEXT;
                while !rest.is_char_boundary(cut) {
                    cut -= 1;
                }
                match rest[..cut].rfind('\n') {
                    Some(newline) if newline > 0 => &rest[..newline],
                    _ => &rest[..cut],
                }
            };
            frames.push(match chunk.stream {
                Stream::Stdout => Reply::Stdout(piece.to_string()),
                Stream::Stderr => Reply::Stderr(piece.to_string()),
            });
            rest = rest[piece.len()..]
                .strip_prefix('\n')
                .unwrap_or(&rest[piece.len()..]);
            if rest.is_empty() {
                return frames;
            }
        }
    }

    pub fn finished(self) -> Option<io::Result<Finished>> {
        match self {
            Reply::End {
                exit_code,
                signal,
                duration_ms,
                timed_out,
                cancelled,
            } => Some(Ok(Finished {
                exit_code,
                signal,
                duration: Duration::from_millis(duration_ms),
                timed_out,
                cancelled,
            })),
            Reply::Error { timed_out, message } => {
                let kind = if timed_out {
                    io::ErrorKind::TimedOut
                } else {
                    io::ErrorKind::Other
                };
                Some(Err(io::Error::new(kind, message)))
            }
            Reply::Stdout(_) | Reply::Stderr(_) => None,
        }
    }
}

/// One message and its newline.
pub fn encode<T: Serialize>(message: &T) -> io::Result<Vec<u8>> {
    let mut line = serde_json::to_vec(message).map_err(io::Error::other)?;
    line.push(b'\n');
    Ok(line)
}

/// The next message, `None` at a clean end of stream. A line longer than
/// [`MAX_LINE`] or not a message is an error, never a panic or a hang on
/// memory. Cancel-safe: a line read in part stays in `line` for the next
/// call, which goes on with it.
pub async fn read<T, R>(reader: &mut R, line: &mut Vec<u8>) -> io::Result<Option<T>>
where
    T: for<'de> Deserialize<'de>,
    R: AsyncBufRead + Unpin,
{
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return if line.is_empty() {
                Ok(None)
            } else {
                line.clear();
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the keeper's line was cut off",
                ))
            };
        }
        let (taken, done) = match memchr::memchr(b'\n', available) {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        if line.len() + taken > MAX_LINE + 1 {
            line.clear();
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a message over {MAX_LINE} bytes"),
            ));
        }
        line.extend_from_slice(&available[..taken]);
        reader.consume(taken);
        if done {
            let parsed = serde_json::from_slice(line);
            line.clear();
            let message = parsed.map_err(|err| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("not a keeper message: {err}"),
                )
            })?;
            return Ok(Some(message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        let chunk = Chunk {
            stream: Stream::Stdout,
            text: text.into(),
        };
        Reply::output(&chunk)
            .into_iter()
            .map(|r| match r {
                Reply::Stdout(t) => t,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_big_chunk_goes_in_frames_with_every_line_kept() {
        let lines: Vec<String> = (0..60_000).map(|n| format!("line {n:06}")).collect();
        let frames = texts(&lines.join("\n"));
        assert!(frames.len() > 1);
        assert!(frames.iter().all(|f| f.len() <= FRAME_TEXT));
        assert_eq!(frames.join("\n").split('\n').collect::<Vec<_>>(), lines);
    }

    #[test]
    fn a_line_without_newlines_is_cut_on_a_character_boundary() {
        let text = "é".repeat(FRAME_TEXT);
        let frames = texts(&text);
        assert_eq!(frames.concat(), text);
    }

    #[tokio::test]
    async fn a_read_cancelled_mid_line_goes_on_with_it() {
        use tokio::io::AsyncWriteExt;
        let (mut writer, reader) = tokio::io::duplex(64);
        let mut reader = tokio::io::BufReader::new(reader);
        let mut line = Vec::new();
        writer.write_all(b"{\"stdout\": \"hel").await.unwrap();
        let wait = std::time::Duration::from_millis(50);
        let cut = tokio::time::timeout(wait, read::<Reply, _>(&mut reader, &mut line)).await;
        assert!(cut.is_err(), "no whole line yet");
        writer.write_all(b"lo\"}\n").await.unwrap();
        let whole = read::<Reply, _>(&mut reader, &mut line).await.unwrap();
        assert!(matches!(whole, Some(Reply::Stdout(t)) if t == "hello"));
    }

    #[tokio::test]
    async fn hostile_lines_are_errors_not_hangs() {
        let mut line = Vec::new();
        let mut huge = std::io::Cursor::new(vec![b'x'; MAX_LINE + 10]);
        let err = read::<Reply, _>(&mut huge, &mut line).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
        let mut garbage = std::io::Cursor::new(b"{\"end\": 7}\n".to_vec());
        let err = read::<Reply, _>(&mut garbage, &mut line).await.unwrap_err();
        assert!(err.to_string().contains("not a keeper message"), "{err}");
        let mut cut = std::io::Cursor::new(b"{\"stdout\": \"a".to_vec());
        assert!(read::<Reply, _>(&mut cut, &mut line).await.is_err());
        let mut empty = std::io::Cursor::new(Vec::new());
        assert!(
            read::<Reply, _>(&mut empty, &mut line)
                .await
                .unwrap()
                .is_none()
        );
    }
}
