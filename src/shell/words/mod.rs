//! Every simple command a script runs, as the shell will see it: its words
//! after quote removal, its redirections and what it is fed on stdin.
//!
//! "Anywhere" means anywhere: both sides of `|`, `&&` and `;`, inside
//! `$(…)` and backticks, subshells, `if`/`for`/`while`/`case` bodies and
//! function bodies (a function counts even if nothing calls it). Nothing is
//! expanded: a word holding `$X` or `$(…)` keeps that text and is marked as
//! not literal, and globs stay as written.

mod quote_removal;
mod redirects;
#[cfg(test)]
mod tests;
mod walk;

pub use quote_removal::unquote;
pub use walk::commands;

/// One word after quote removal: `'a b'` → `a b`, `"x"` → `x`, `\-` → `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The text; expansions (`$X`, `${X}`, `$(…)`, `$((…))`) kept as written.
    pub text: String,
    /// False when part of the word is only known when the shell runs.
    pub literal: bool,
}

impl Word {
    pub fn plain(text: &str) -> Word {
        Word {
            text: text.to_string(),
            literal: true,
        }
    }
}

/// `2>&1`, `> /tmp/out`, `<<< "text"`: an operator and its target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// `>`, `>>`, `>|`, `&>`, `&>>`, `<`, `>&`, `<&`, `<<`, `<<-`, `<<<`, `<>`.
    pub op: String,
    /// The file descriptor written before the operator (`2` in `2>&1`).
    pub fd: Option<String>,
    /// The file (or descriptor number); the delimiter for a here-document.
    pub target: Word,
}

/// One simple command and what the shell gives it besides its words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimpleCommand {
    /// The program and its arguments; `NAME=value` prefixes are not words.
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    /// The text of a here-document or here-string on its stdin.
    pub stdin_text: Option<String>,
    /// The command whose output it reads (`a | b`): an index into the same list.
    pub fed_by: Option<usize>,
    /// The redirections apply to a compound command (`{ a; b; } > f`,
    /// `while …; done < f`), whose own commands are listed on their own.
    /// `words` is then empty, as it is for a redirection alone (`> f`).
    pub compound: bool,
}

impl SimpleCommand {
    /// The program as written (`/bin/rm`), if the command has one.
    pub fn program(&self) -> Option<&Word> {
        self.words.first()
    }
}
