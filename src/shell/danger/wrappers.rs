//! Wrappers seen through: what `sudo`, `env`, `timeout`, `xargs`,
//! `find -exec`, `ssh`, `sh -c`, `kubectl exec`, `docker exec` and the like run.

use super::options::{parse_args, value_options};
use super::walk::Invocation;
use super::{Word, joined};

/// What a wrapper runs.
pub(super) enum Inner<'a> {
    /// Words to run as a command (`sudo rm x` → `rm x`).
    Argv(&'a [Word]),
    /// Text to read as shell (`ssh host 'rm x'`, `sh -c 'rm x'`).
    Script(String),
}

/// Options of `oc rsh` that take a value.
const RSH_VALUES: &[&str] = &[
    "-c",
    "--container",
    "-n",
    "--namespace",
    "--shell",
    "--timeout",
];
/// Options of `docker exec` that take a value.
#[rustfmt::skip]
const EXEC_VALUES: &[&str] = &[
    "-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir", "--detach-keys", "--index",
];

/// What a wrapper program runs, if it is one.
pub(super) fn unwrap<'a>(invocation: &Invocation<'a>) -> Vec<Inner<'a>> {
    let args = invocation.args;
    let values = value_options(invocation.program);
    // The wrapper's own options, and the words after them.
    let own = parse_args(args, values, true);
    let after = own.wrapped(args);
    let one = |inner: Inner<'a>| vec![inner];
    match invocation.program {
        "sudo" => {
            if ["-l", "--list", "-e", "--edit", "-v", "--validate"]
                .iter()
                .any(|o| own.has(o))
            {
                return vec![];
            }
            one(Inner::Argv(skip_assignments(after)))
        }
        "env" => match own.values(&["-S", "--split-string"]).next() {
            Some(split) => {
                let rest = joined(skip_assignments(after));
                one(Inner::Script(format!("{split} {rest}")))
            }
            None => one(Inner::Argv(skip_assignments(after))),
        },
        "doas" | "nice" | "nohup" | "builtin" | "time" | "stdbuf" | "ionice" | "exec"
        | "nsenter" | "xargs" => one(Inner::Argv(after)),
        "command" => {
            if own.has("-v") || own.has("-V") {
                return vec![];
            }
            one(Inner::Argv(after))
        }
        "busybox" => one(Inner::Argv(args)),
        // `timeout 5 CMD…`, `chroot DIR CMD…`.
        "timeout" | "chroot" => one(Inner::Argv(after.get(1..).unwrap_or(&[]))),
        "watch" => one(Inner::Script(joined(after))),
        "eval" => one(Inner::Script(joined(args))),
        "ssh" => match after.get(1..) {
            // The remote shell reads the words joined by spaces, as ssh sends them.
            Some(remote) if !remote.is_empty() => one(Inner::Script(joined(remote))),
            _ if !after.is_empty() => script_on_stdin(invocation),
            _ => vec![],
        },
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "mksh" => {
            if own.has("-c") {
                after
                    .first()
                    .map(|text| vec![Inner::Script(text.text.clone())])
                    .unwrap_or_default()
            } else if after.is_empty() || own.has("-s") {
                script_on_stdin(invocation)
            } else {
                vec![] // A script file: its text is not here.
            }
        }
        "su" | "runuser" => {
            // `-c` may come after the user name: read all the options.
            let all = parse_args(args, values, false);
            if let Some(text) = all.values(&["-c", "--command"]).next() {
                one(Inner::Script(text.to_string()))
            } else if all.has("-u") || all.has("--user") {
                one(Inner::Argv(after))
            } else {
                vec![]
            }
        }
        "find" => find_exec(args),
        "kubectl" | "oc" => match parse_args(args, values, false).positional(0) {
            Some("exec" | "debug") => after_double_dash(args),
            // `oc rsh POD CMD…`.
            Some("rsh") => after_operand(after_word(args, "rsh"), RSH_VALUES),
            _ => vec![],
        },
        "docker" | "podman" | "nerdctl" | "docker-compose" | "podman-compose" => {
            let parsed = parse_args(args, values, false);
            match (parsed.positional(0), parsed.positional(1)) {
                // `docker exec [OPTIONS] CONTAINER CMD…`
                (Some("exec"), _) | (Some("container" | "compose"), Some("exec")) => {
                    after_operand(after_word(args, "exec"), EXEC_VALUES)
                }
                _ => vec![],
            }
        }
        _ => vec![],
    }
}

/// A shell (or `ssh HOST`) with no command reads its script from stdin.
fn script_on_stdin<'a>(invocation: &Invocation<'a>) -> Vec<Inner<'a>> {
    invocation
        .stdin
        .map(|text| vec![Inner::Script(text.to_string())])
        .unwrap_or_default()
}

/// `find … -exec CMD {} \;` runs CMD: each such command, up to `;` or `+`.
fn find_exec(args: &[Word]) -> Vec<Inner<'_>> {
    let mut inners = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if matches!(
            args[i].text.as_str(),
            "-exec" | "-execdir" | "-ok" | "-okdir"
        ) {
            let start = i + 1;
            let end = args[start..]
                .iter()
                .position(|w| w.text == ";" || w.text == "+")
                .map_or(args.len(), |n| start + n);
            inners.push(Inner::Argv(&args[start..end]));
            i = end;
        }
        i += 1;
    }
    inners
}

/// `kubectl exec POD -- CMD…`: the words after the first `--`.
fn after_double_dash(args: &[Word]) -> Vec<Inner<'_>> {
    match args.iter().position(|w| w.text == "--") {
        Some(at) => vec![Inner::Argv(&args[at + 1..])],
        None => vec![],
    }
}

/// The command after a sub-command's options (`values` take one) and its
/// one operand, the pod or container.
fn after_operand<'a>(words: &'a [Word], values: &[&str]) -> Vec<Inner<'a>> {
    let from_operand = parse_args(words, values, true).wrapped(words);
    from_operand
        .get(1..)
        .map(|command| vec![Inner::Argv(command)])
        .unwrap_or_default()
}

/// The words after the first `word` (it is known to be there).
fn after_word<'a>(args: &'a [Word], word: &str) -> &'a [Word] {
    let at = args.iter().position(|w| w.text == word).unwrap_or(0);
    &args[at + 1..]
}

/// `X=1 Y=2 cmd` → `cmd`.
fn skip_assignments(words: &[Word]) -> &[Word] {
    let n = words
        .iter()
        .take_while(|w| {
            w.text.split_once('=').is_some_and(|(name, _)| {
                name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .count();
    &words[n..]
}

#[cfg(test)]
mod tests {
    use super::super::classify_all;

    #[test]
    fn a_trailing_double_dash_leaves_nothing_to_run() {
        for script in ["oc rsh --", "docker exec --", "docker exec -u app --"] {
            assert_eq!(classify_all(script), []);
        }
    }
}
