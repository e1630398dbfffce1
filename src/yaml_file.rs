//! Small YAML settings files (themes, the config file): parsed with
//! serde-saphyr, and every error is `file:line:col: message`.

use serde::de::DeserializeOwned;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    pub file: String,
    pub line: u64,
    pub col: u64,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

impl std::error::Error for FileError {}

/// Parses `text`; an empty file is the type's default.
pub fn parse<T: DeserializeOwned + Default>(text: &str, file: &str) -> Result<T, FileError> {
    let options = serde_saphyr::options! { with_snippet: false };
    match serde_saphyr::from_str_with_options::<Option<T>>(text, options) {
        Ok(value) => Ok(value.unwrap_or_default()),
        Err(err) => Err(located(&err, file)),
    }
}

fn located(err: &serde_saphyr::Error, file: &str) -> FileError {
    let (line, col) = err
        .location()
        .filter(|loc| loc.line() > 0)
        .map_or((1, 1), |loc| (loc.line(), loc.column().max(1)));
    let text = err.to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    // The position is ours to print: drop saphyr's own.
    let message = first.find(" at line ").map_or(first, |at| &first[..at]);
    FileError {
        file: file.to_string(),
        line,
        col,
        message: message.to_string(),
    }
}
