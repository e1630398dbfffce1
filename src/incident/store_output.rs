//! A command's full output, streamed to its own file beside `events.jsonl`.

use super::redact::Redactor;
use super::store::LogError;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub struct OutputFile {
    path: PathBuf,
    /// Relative to the incident directory, as recorded in events.
    pub name: String,
    writer: BufWriter<File>,
    redactor: Redactor,
}

impl OutputFile {
    pub fn create(
        dir: &Path,
        seq: u64,
        command: &str,
        host: &str,
        redactor: Redactor,
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
        let file =
            File::create(&path).map_err(|e| LogError::io("create the output file", &path, e))?;
        Ok(OutputFile {
            path,
            name,
            writer: BufWriter::new(file),
            redactor,
        })
    }

    /// One line of output (without its newline), ANSI escapes stripped.
    pub fn write_line(&mut self, line: &str) -> Result<(), LogError> {
        let clean = self.redactor.redact(&strip_ansi(line));
        self.writer
            .write_all(clean.as_bytes())
            .and_then(|()| self.writer.write_all(b"\n"))
            .map_err(|e| LogError::io("write the output file", &self.path, e))
    }

    /// Flushes to the kernel when the command ends. Not fsync'd: the
    /// `command_finished` event that names this file (with the last lines) is,
    /// and forcing a gigabyte of output to disk would stall the responder for
    /// seconds (it tripled `opsdeck exec` of 5 million lines).
    pub fn finish(mut self) -> Result<String, LogError> {
        self.writer
            .flush()
            .map_err(|e| LogError::io("flush the output file", &self.path, e))?;
        Ok(self.name)
    }
}

/// Drops terminal colour and cursor sequences (`ESC [ ... letter`).
pub fn strip_ansi(text: &str) -> String {
    if !text.contains('\u{1b}') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}
