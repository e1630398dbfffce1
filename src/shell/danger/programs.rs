//! Every program a script runs, seen through its wrappers (`sudo`, `xargs`,
//! `watch`, `sh -c`, `ssh HOST CMD`, …): the classifier's walk, visited
//! for callers that ask "does this script run `kubectl`?".

use super::Word;
use super::options::program_args;
use super::walk::{Invocation, Visit, walk};

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

/// Every program `script` runs, outer ones before those they wrap.
pub fn programs(script: &str) -> Vec<Run> {
    let mut runs = Runs(Vec::new());
    walk(script, &mut runs);
    runs.0
}

struct Runs(Vec<Run>);

impl Visit for Runs {
    fn invocation(&mut self, invocation: &Invocation, _outer: bool) {
        let parsed = program_args(invocation.program, invocation.args);
        self.0.push(Run {
            program: invocation.program.to_string(),
            args: invocation.args.to_vec(),
            positionals: parsed.positionals.into_iter().map(|w| w.text).collect(),
            options: parsed.options,
        });
    }
}
