//! A command's output, streamed to its own file beside `events.jsonl`, up
//! to a cap ([`DEFAULT_FILE_CAP`]): beyond it the file keeps the head and
//! the tail of the output, with a line saying how many bytes were cut
//! between them (`[opsdeck: N bytes cut here]`).
//!
//! The head is written in place. Once it is full, lines go to two tail
//! segments beside the file, used in turn: when one is full the older is
//! emptied and its bytes counted as cut. So the disk never holds more than
//! the cap, and the kept tail is at least a quarter of it. When the command
//! ends the segments are appended after the cut line and removed.

use super::redact::Redactor;
use super::store::LogError;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// What an output file keeps at most, head and tail together.
pub const DEFAULT_FILE_CAP: u64 = 1024 * 1024 * 1024;
/// Room for the cut line within the cap.
const CUT_LINE_ROOM: u64 = 64;
/// Output files are private, created so (not chmod'ed after).
const FILE_MODE: u32 = 0o600;

/// Larger than a chunk of output (~64 KiB): a chunk and its newline go to
/// the file in one write, not two.
const WRITE_BUFFER: usize = 128 * 1024;

pub struct OutputFile {
    path: PathBuf,
    /// Relative to the incident directory, as recorded in events.
    pub name: String,
    writer: BufWriter<File>,
    redactor: Redactor,
    /// Bytes the head may take, and has taken.
    head_room: u64,
    head: u64,
    /// Bytes each tail segment may take.
    segment_room: u64,
    /// The tail, once the head is full.
    tail: Option<TailSegments>,
}

impl OutputFile {
    /// An output file with the default cap.
    pub fn create(
        dir: &Path,
        seq: u64,
        command: &str,
        host: &str,
        redactor: Redactor,
    ) -> Result<OutputFile, LogError> {
        OutputFile::create_capped(dir, seq, command, host, redactor, DEFAULT_FILE_CAP)
    }

    /// An output file that keeps at most `cap` bytes (head and tail).
    pub fn create_capped(
        dir: &Path,
        seq: u64,
        command: &str,
        host: &str,
        redactor: Redactor,
        cap: u64,
    ) -> Result<OutputFile, LogError> {
        let outputs = dir.join("output");
        std::fs::create_dir_all(&outputs).map_err(|e| LogError::io("create", &outputs, e))?;
        let safe = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        let name = format!("output/{seq:05}-{}-{}.log", safe(command), safe(host));
        let path = dir.join(&name);
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(FILE_MODE)
            .open(&path)
            .map_err(|e| LogError::io("create the output file", &path, e))?;
        let half = cap / 2;
        Ok(OutputFile {
            path,
            name,
            writer: BufWriter::with_capacity(WRITE_BUFFER, file),
            redactor,
            head_room: half.saturating_sub(CUT_LINE_ROOM),
            head: 0,
            segment_room: ((cap - half) / 2).max(1),
            tail: None,
        })
    }

    /// One line of output (without its newline), ANSI escapes stripped.
    pub fn write_line(&mut self, line: &str) -> Result<(), LogError> {
        // Text only: no colours, cursor moves, C1 controls or carriage returns.
        let text = crate::terminal_text::sanitised(line, crate::terminal_text::Keep::Text);
        let clean = self.redactor.redacted(&text);
        let len = clean.len() as u64 + 1;
        if self.tail.is_none() && self.head + len <= self.head_room {
            self.head += len;
            return self
                .writer
                .write_all(clean.as_bytes())
                .and_then(|()| self.writer.write_all(b"\n"))
                .map_err(|e| LogError::io("write the output file", &self.path, e));
        }
        let tail = match self.tail.take() {
            Some(tail) => tail,
            None => TailSegments::create(&self.path)?,
        };
        self.tail.insert(tail).write_line(&clean, self.segment_room)
    }

    /// Appends the tail (after the cut line, if anything was cut) and flushes
    /// to the kernel when the command ends. Not fsync'd: the
    /// `command_finished` event that names this file (with the last lines) is,
    /// and forcing a gigabyte of output to disk would stall the responder for
    /// seconds (it tripled `opsdeck exec` of 5 million lines).
    pub fn finish(mut self) -> Result<String, LogError> {
        if let Some(tail) = self.tail.take() {
            tail.append_to(&mut self.writer, &self.path)?;
        }
        self.writer
            .flush()
            .map_err(|e| LogError::io("flush the output file", &self.path, e))?;
        Ok(self.name)
    }
}

/// A tail segment: a file beside the output file, and how much it holds.
struct Segment {
    path: PathBuf,
    writer: BufWriter<File>,
    len: u64,
}

/// The output's tail, in two segments used in turn; removed when dropped.
struct TailSegments {
    segments: [Segment; 2],
    /// The segment being written; the other holds what came before.
    current: usize,
    /// Bytes dropped between the head and what the segments hold.
    cut: u64,
}

impl TailSegments {
    fn create(output: &Path) -> Result<TailSegments, LogError> {
        let segment = |n: usize| -> Result<Segment, LogError> {
            let mut name = output.as_os_str().to_owned();
            name.push(format!(".tail{n}"));
            let path = PathBuf::from(name);
            let open = || {
                OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create_new(true)
                    .mode(FILE_MODE)
                    .open(&path)
            };
            // One left by a run that was killed is ours to replace.
            let file = open()
                .or_else(|_| std::fs::remove_file(&path).and_then(|()| open()))
                .map_err(|e| LogError::io("create the output file's tail", &path, e))?;
            Ok(Segment {
                path,
                writer: BufWriter::with_capacity(WRITE_BUFFER, file),
                len: 0,
            })
        };
        let first = segment(0)?;
        let second = match segment(1) {
            Ok(second) => second,
            Err(err) => {
                let _ = std::fs::remove_file(&first.path);
                return Err(err);
            }
        };
        Ok(TailSegments {
            segments: [first, second],
            current: 0,
            cut: 0,
        })
    }

    /// Writes `line` and its newline, dropping the oldest segment when the
    /// current one is full; a line longer than a segment keeps only its end.
    fn write_line(&mut self, line: &str, room: u64) -> Result<(), LogError> {
        let mut text = line;
        let len = line.len() as u64 + 1;
        if len > room {
            // Only its end fits: everything before it is cut, so the cut stays in one place.
            let mut start = (len - room) as usize;
            while !text.is_char_boundary(start) {
                start += 1;
            }
            for n in 0..2 {
                self.empty(n)?;
            }
            self.cut += start as u64;
            text = &line[start..];
        } else if self.segments[self.current].len + len > room {
            self.current = 1 - self.current;
            self.empty(self.current)?;
        }
        let segment = &mut self.segments[self.current];
        segment
            .writer
            .write_all(text.as_bytes())
            .and_then(|()| segment.writer.write_all(b"\n"))
            .map_err(|e| LogError::io("write the output file's tail", &segment.path, e))?;
        segment.len += text.len() as u64 + 1;
        Ok(())
    }

    /// Empties segment `n`, counting its bytes as cut.
    fn empty(&mut self, n: usize) -> Result<(), LogError> {
        let segment = &mut self.segments[n];
        self.cut += segment.len;
        segment.len = 0;
        segment
            .writer
            .flush()
            .and_then(|()| segment.writer.get_mut().set_len(0))
            .and_then(|()| segment.writer.get_mut().rewind())
            .map_err(|e| LogError::io("empty the output file's tail", &segment.path, e))
    }

    /// Writes the cut line (if anything was cut) and the segments, oldest first.
    fn append_to(mut self, out: &mut BufWriter<File>, path: &Path) -> Result<(), LogError> {
        let write_err = |e| LogError::io("write the output file", path, e);
        if self.cut > 0 {
            writeln!(out, "[opsdeck: {} bytes cut here]", self.cut).map_err(write_err)?;
        }
        for n in [1 - self.current, self.current] {
            let segment = &mut self.segments[n];
            if segment.len == 0 {
                continue;
            }
            segment
                .writer
                .flush()
                .and_then(|()| segment.writer.get_mut().rewind())
                .map_err(|e| LogError::io("read the output file's tail", &segment.path, e))?;
            std::io::copy(segment.writer.get_mut(), out).map_err(write_err)?;
        }
        Ok(())
    }
}

impl Drop for TailSegments {
    fn drop(&mut self) {
        for segment in &self.segments {
            let _ = std::fs::remove_file(&segment.path);
        }
    }
}
