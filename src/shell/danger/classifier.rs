//! The walk: every simple command of a script, seen through its wrappers,
//! looked up in the table.

use super::entry::Entry;
use super::options::{Args, program_args};
use super::wrappers::{Inner, unwrap};
use super::{Finding, UNREADABLE, basename, joined};
use crate::shell::syntax::parse;
use crate::shell::words::{SimpleCommand, Word, commands};

/// A command seen through its wrappers: the program and its arguments.
pub(super) struct Invocation<'a> {
    /// The program's name without its directory: `/bin/rm` → `rm`.
    pub program: &'a str,
    /// The program as written.
    pub path: &'a str,
    pub args: &'a [Word],
    pub command: &'a SimpleCommand,
    /// What the command reads on stdin, when the script says (here-document, `echo … |`).
    pub stdin: Option<&'a str>,
}

/// Nesting of shell inside shell (`ssh h "sh -c '…'"`) deeper than this is not read.
const MAX_DEPTH: usize = 8;
/// Nor are wrappers around wrappers (`sudo nice timeout 5 …`) deeper than this.
const MAX_WRAPPERS: usize = 32;

/// Looks every command up in `table` (all of it, or one entry short for tests).
pub(super) struct Classifier<'t> {
    pub table: &'t [Entry],
}

impl Classifier<'_> {
    pub fn run(&self, script: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        self.script(script, 0, &mut out);
        // The same reason twice (`rm a; rm b`) is said once.
        let mut seen = Vec::new();
        out.retain(|f: &Finding| {
            let key = (f.rule, f.why.clone());
            let new = !seen.contains(&key);
            seen.push(key);
            new
        });
        out
    }

    fn script(&self, text: &str, depth: usize, out: &mut Vec<Finding>) {
        if depth > MAX_DEPTH {
            out.push(unreadable(
                "it nests shell inside shell too deeply to follow",
            ));
            return;
        }
        let script = parse(text);
        if script.has_error() {
            out.push(unreadable(
                "it cannot be read as shell (an unclosed quote or bracket?), so what it runs is unknown",
            ));
        }
        let commands = commands(&script);
        for command in &commands {
            let stdin = command
                .stdin_text
                .clone()
                .or_else(|| command.fed_by.and_then(|f| printed_text(&commands[f])));
            let stdin = stdin.as_deref();
            if !command.program().is_some_and(|p| p.literal) {
                self.redirections(command, out);
            }
            self.argv(&command.words, command, stdin, 0, depth, out);
        }
    }

    /// The `>` entries, for a command without a program to name (`> f`, `$X > f`).
    fn redirections(&self, command: &SimpleCommand, out: &mut Vec<Finding>) {
        let invocation = Invocation {
            program: "",
            path: "",
            args: &[],
            command,
            stdin: None,
        };
        self.match_table(&invocation, true, out);
    }

    /// Looks `argv` up, then what it wraps. `wrapped` counts the wrappers
    /// around it, so that `sudo sudo sudo …` cannot exhaust the stack.
    fn argv(
        &self,
        argv: &[Word],
        command: &SimpleCommand,
        stdin: Option<&str>,
        wrapped: usize,
        depth: usize,
        out: &mut Vec<Finding>,
    ) {
        if wrapped > MAX_WRAPPERS {
            out.push(unreadable("it wraps commands in too many others to follow"));
            return;
        }
        // `$SUDO systemctl restart x`: a program from a variable is most likely a wrapper.
        let Some(at) = argv.iter().position(|w| w.literal) else {
            return;
        };
        let (program, args) = (&argv[at], &argv[at + 1..]);
        let invocation = Invocation {
            program: basename(&program.text),
            path: &program.text,
            args,
            command,
            stdin,
        };
        // The command's redirections are looked at once, with the program as written.
        self.match_table(&invocation, wrapped == 0 && at == 0, out);
        for inner in unwrap(&invocation) {
            match inner {
                Inner::Argv(words) => {
                    self.argv(words, command, stdin, wrapped + 1, depth, out);
                }
                Inner::Script(text) => self.script(&text, depth + 1, out),
            }
        }
    }

    /// Adds what the entries that apply to `invocation` find; `outer` says
    /// whether its redirections are looked at too.
    fn match_table(&self, invocation: &Invocation, outer: bool, out: &mut Vec<Finding>) {
        // Parsed when the first entry applies, then shared by the rest.
        let mut parsed: Option<Args> = None;
        for entry in self.table {
            if !entry.applies_to(invocation.program, outer) {
                continue;
            }
            let args =
                parsed.get_or_insert_with(|| program_args(invocation.program, invocation.args));
            out.extend(entry.finding(invocation, args));
        }
    }
}

fn unreadable(why: &str) -> Finding {
    Finding {
        rule: UNREADABLE,
        program: String::new(),
        why: why.to_string(),
    }
}

/// What a command writes to a pipe, when the script says: `echo TEXT`,
/// `printf TEXT`, `cat` of a here-document.
fn printed_text(command: &SimpleCommand) -> Option<String> {
    let (program, args) = command.words.split_first()?;
    match basename(&program.text) {
        "echo" | "printf" => Some(joined(args)),
        "cat" if args.is_empty() => command.stdin_text.clone(),
        _ => None,
    }
}
