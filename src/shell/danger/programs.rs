//! Every program a script runs, seen through its wrappers (`sudo`, `xargs`,
//! `watch`, `sh -c`, `ssh HOST CMD`, …): the same walk as the classifier,
//! for callers that ask "does this script run `kubectl`?".

use super::classifier::Invocation;
use super::options::program_args;
use super::wrappers::{Inner, unwrap};
use super::{Word, basename};
use crate::shell::syntax::parse;
use crate::shell::words::{SimpleCommand, commands};

/// A program and its arguments, as the walk found them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Without its directory: `/usr/bin/kubectl` → `kubectl`.
    pub program: String,
    pub args: Vec<Word>,
    /// The arguments that are not options or their values (`get`, `pods`).
    pub positionals: Vec<String>,
    /// Options with their values: `-n prod` → (`-n`, `prod`), `-it` → `-i`, `-t`.
    pub options: Vec<(String, Option<String>)>,
}

impl Run {
    pub fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }

    /// The value of the first of `names` given.
    pub fn value(&self, names: &[&str]) -> Option<&str> {
        self.options
            .iter()
            .find(|(n, _)| names.contains(&n.as_str()))
            .and_then(|(_, v)| v.as_deref())
    }
}

const MAX_DEPTH: usize = 8;
const MAX_WRAPPERS: usize = 32;

/// Every program `script` runs, outer ones before those they wrap.
pub fn programs(script: &str) -> Vec<Run> {
    let mut out = Vec::new();
    walk_script(script, 0, &mut out);
    out
}

fn walk_script(text: &str, depth: usize, out: &mut Vec<Run>) {
    if depth > MAX_DEPTH {
        return;
    }
    let script = parse(text);
    let commands = commands(&script);
    for command in &commands {
        let stdin = command.stdin_text.clone();
        walk_argv(&command.words, command, stdin.as_deref(), 0, depth, out);
    }
}

fn walk_argv(
    argv: &[Word],
    command: &SimpleCommand,
    stdin: Option<&str>,
    wrapped: usize,
    depth: usize,
    out: &mut Vec<Run>,
) {
    if wrapped > MAX_WRAPPERS {
        return;
    }
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
    let parsed = program_args(invocation.program, args);
    out.push(Run {
        program: invocation.program.to_string(),
        args: args.to_vec(),
        positionals: parsed.positionals.into_iter().map(|w| w.text).collect(),
        options: parsed.options,
    });
    for inner in unwrap(&invocation) {
        match inner {
            Inner::Argv(words) => walk_argv(words, command, stdin, wrapped + 1, depth, out),
            Inner::Script(text) => walk_script(&text, depth + 1, out),
        }
    }
}
