//! Findings about a playbook, each pointing at `line:col` with a fix.

use super::model::Pos;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable rule name (`unknown-key`, `undefined-host`, ...) to grep and silence by.
    pub rule: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    pub line: u32,
    pub col: u32,
    /// Characters to underline in the snippet (at least one).
    #[serde(skip)]
    pub len: usize,
}

impl Diagnostic {
    pub fn error(rule: &'static str, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            rule,
            message: message.into(),
            help: None,
            line: pos.line,
            col: pos.col,
            len: 1,
        }
    }

    pub fn warning(rule: &'static str, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(rule, pos, message)
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn span(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }

    pub fn pos(&self) -> Pos {
        Pos::new(self.line, self.col)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// "did you mean `host`?" for a misspelt key, if one allowed key is close.
pub fn suggest<'a>(typo: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|candidate| (strsim::jaro_winkler(typo, candidate), *candidate))
        .filter(|(score, _)| *score > 0.88)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}
