//! The walk: every simple command of a script, seen through its wrappers
//! (`sudo`, `xargs`, `watch`, `sh -c`, `ssh HOST CMD`, …). The classifier
//! and the list of programs a script runs are two visitors of this one walk,
//! so that what is classified and what is detected as `kubectl` never differ.

use super::wrappers::{Inner, unwrap};
use super::{basename, joined};
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

/// What the walk reports, in script order, outer programs before the ones they wrap.
pub(super) trait Visit {
    /// A program the script runs; `outer` is true for the command as
    /// written (not one found inside a wrapper), whose redirections apply.
    fn invocation(&mut self, invocation: &Invocation, outer: bool);
    /// A command without a literal program to name (`> f`, `$X > f`).
    fn without_program(&mut self, _command: &SimpleCommand) {}
    /// A part of the script that cannot be followed, and why.
    fn unreadable(&mut self, _why: &'static str) {}
}

/// Nesting of shell inside shell (`ssh h "sh -c '…'"`) deeper than this is not read.
const MAX_DEPTH: usize = 8;
/// Nor are wrappers around wrappers (`sudo nice timeout 5 …`) deeper than this.
const MAX_WRAPPERS: usize = 32;

pub(super) fn walk(script: &str, visit: &mut impl Visit) {
    walk_script(script, 0, visit);
}

fn walk_script(text: &str, depth: usize, visit: &mut impl Visit) {
    if depth > MAX_DEPTH {
        visit.unreadable("it nests shell inside shell too deeply to follow");
        return;
    }
    let script = parse(text);
    if script.has_error() {
        visit.unreadable(
            "it cannot be read as shell (an unclosed quote or bracket?), so what it runs is unknown",
        );
    }
    let commands = commands(&script);
    for command in &commands {
        let stdin = command
            .stdin_text
            .clone()
            .or_else(|| command.fed_by.and_then(|f| printed_text(&commands[f])));
        if !command.program().is_some_and(|p| p.literal) {
            visit.without_program(command);
        }
        walk_argv(&command.words, command, stdin.as_deref(), 0, depth, visit);
    }
}

/// Reports `argv`, then what it wraps. `wrapped` counts the wrappers around
/// it, so that `sudo sudo sudo …` cannot exhaust the stack.
fn walk_argv(
    argv: &[Word],
    command: &SimpleCommand,
    stdin: Option<&str>,
    wrapped: usize,
    depth: usize,
    visit: &mut impl Visit,
) {
    if wrapped > MAX_WRAPPERS {
        visit.unreadable("it wraps commands in too many others to follow");
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
    visit.invocation(&invocation, wrapped == 0 && at == 0);
    for inner in unwrap(&invocation) {
        match inner {
            Inner::Argv(words) => walk_argv(words, command, stdin, wrapped + 1, depth, visit),
            Inner::Script(text) => walk_script(&text, depth + 1, visit),
        }
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
