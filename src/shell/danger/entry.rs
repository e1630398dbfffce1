//! A line of the table, and how it judges a command.

use super::Finding;
use super::options::Args;
use super::walk::Invocation;

/// One line of the table: a program (or several) and what use of it changes things.
#[derive(Clone, Copy)]
pub(super) struct Entry {
    rule: &'static str,
    /// Program names; `*` is any program (the test decides); `>` is the
    /// redirections of each simple command, looked at once, before wrappers.
    programs: &'static [&'static str],
    test: Test,
    /// Options that make the command only pretend (`--dry-run`).
    unless: &'static [&'static str],
    /// Completes "`what the command is` …": "removes files".
    why: &'static str,
}

#[derive(Clone, Copy)]
pub(super) enum Test {
    /// Any use of the program.
    Any,
    /// One of these options is given (`sed -i`; `-rf` gives `-r` and `-f`).
    Flag(&'static [&'static str]),
    /// A long option starting with one of these is given (`--add-`).
    FlagPrefix(&'static [&'static str]),
    /// The first argument that is not an option is one of these.
    Sub(&'static [&'static str]),
    /// The first two are one of the first list, then one of the second.
    Sub2(&'static [&'static str], &'static [&'static str]),
    /// Argument N (0-based, options left out) is one of these.
    Nth(usize, &'static [&'static str]),
    /// Anything else; returns what to show (`find -delete`).
    Custom(fn(&Invocation, &Args) -> Option<String>),
}

pub(super) const fn entry(
    rule: &'static str,
    programs: &'static [&'static str],
    test: Test,
    why: &'static str,
) -> Entry {
    Entry {
        rule,
        programs,
        test,
        unless: &[],
        why,
    }
}

impl Entry {
    pub(super) const fn unless(self, unless: &'static [&'static str]) -> Entry {
        Entry { unless, ..self }
    }

    /// The entry is about `program` (`""` for a command without one);
    /// `outer` says the command's redirections are to be looked at.
    pub(super) fn applies_to(&self, program: &str, outer: bool) -> bool {
        match self.programs {
            [">"] => outer,
            ["*"] => !program.is_empty(),
            names => names.contains(&program),
        }
    }

    /// Why `invocation` changes things, if this entry says it does.
    pub(super) fn finding(&self, invocation: &Invocation, args: &Args) -> Option<Finding> {
        if self.unless.iter().any(|u| pretends(args, u)) {
            return None;
        }
        let what = self.test.shown(invocation, args)?;
        let program = if invocation.program.is_empty() {
            what.clone()
        } else {
            invocation.program.to_string()
        };
        Some(Finding {
            rule: self.rule,
            program,
            why: format!("`{what}` {}", self.why),
        })
    }
}

/// The `unless` option `spec` (`--dry-run`, or `-s=0` for `-s 0`) is given.
fn pretends(args: &Args, spec: &str) -> bool {
    match spec.split_once('=') {
        Some((name, value)) => args
            .options
            .iter()
            .any(|(n, v)| n == name && v.as_deref() == Some(value)),
        // `--dry-run=none` (kubectl) and `=false` do run.
        None => args
            .options
            .iter()
            .any(|(n, v)| n == spec && !matches!(v.as_deref(), Some("none" | "false"))),
    }
}

impl Test {
    /// What the command does that passes the test (`rm`, `kubectl delete`), if it does.
    fn shown(self, invocation: &Invocation, args: &Args) -> Option<String> {
        let program = invocation.program;
        match self {
            Test::Any => Some(program.to_string()),
            Test::Flag(names) => names
                .iter()
                .find(|name| args.has(name))
                .map(|name| format!("{program} {name}")),
            Test::FlagPrefix(prefixes) => args
                .options
                .iter()
                .find(|(name, _)| {
                    name.starts_with("--") && prefixes.iter().any(|p| name.starts_with(p))
                })
                .map(|(name, _)| format!("{program} {name}")),
            Test::Sub(verbs) => {
                let verb = args.positional(0)?;
                verbs.contains(&verb).then(|| format!("{program} {verb}"))
            }
            Test::Sub2(groups, verbs) => {
                let (group, verb) = (args.positional(0)?, args.positional(1)?);
                (groups.contains(&group) && verbs.contains(&verb))
                    .then(|| format!("{program} {group} {verb}"))
            }
            Test::Nth(n, words) => {
                let word = args.positional(n)?;
                words.contains(&word).then(|| {
                    let shown: Vec<&str> = args.positionals[..=n]
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect();
                    format!("{program} {}", shown.join(" "))
                })
            }
            Test::Custom(check) => check(invocation, args),
        }
    }
}
