//! Interactive commands that take over the terminal (`oc rsh POD`,
//! `kubectl exec -it POD -- bash`, `ssh HOST`, `psql`): the lines typed at
//! their prompts are never local commands. Where the outer tool also takes
//! a command (`oc rsh POD CMD`, `kubectl exec POD -- CMD`, `ssh HOST CMD`),
//! such a line is offered as that one command; else it is shown as what to
//! type once the program has the terminal.

use crate::playbook::placeholders::substituted;
use crate::playbook::wiki_placeholders::angle_placeholders;
use crate::shell::quote::shell_quote;
use crate::shell::syntax::parse;
use std::ops::Range;
use tree_sitter::Node;

/// A program that took the terminal, and how a line typed in it can be run
/// from outside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opener {
    /// The command as written (`oc rsh -n ns POD`): where the lines are typed.
    pub text: String,
    pub how: How,
    /// The local prompt it was typed at, to recognise the way back.
    pub prompt: String,
    /// Lines typed in it earlier that later lines rely on (`cd /x`,
    /// `export CEPH_ARGS=…`): each combined command runs them first.
    pub setup: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum How {
    /// A shell whose command is given as arguments after `prefix`
    /// (`oc rsh POD`, `kubectl exec POD --`): plain words go as they are,
    /// anything else as `SHELL -c 'line'`.
    Argv { prefix: String, shell: String },
    /// `ssh HOST`: the remote shell reads the one string after `prefix`.
    Remote { prefix: String },
    /// psql, mysql, redis-cli, gdb, …: lines are typed into it, never run from here.
    Typed,
}

impl Opener {
    pub fn is_shell(&self) -> bool {
        !matches!(self.how, How::Typed)
    }

    /// The one command that runs `line` inside, if the tool takes one.
    pub fn combined(&self, line: &str) -> Option<String> {
        if line.contains('\n') {
            return None;
        }
        let line = line.trim();
        let joined;
        let line = if self.setup.is_empty() {
            line
        } else {
            joined = format!("{}; {line}", self.setup.join("; "));
            joined.as_str()
        };
        // A value filled into a string another shell reads again would be
        // read as code there: such lines are only typed.
        let has_placeholders = !substituted(line, |_| true).is_empty();
        match &self.how {
            How::Argv { prefix, .. } if plain_words(line) => Some(format!("{prefix} {line}")),
            How::Argv { prefix, shell } if !has_placeholders => {
                Some(format!("{prefix} {shell} -c {}", shell_quote(line)))
            }
            How::Remote { prefix } if !has_placeholders => {
                if plain_words(line) {
                    Some(format!("{prefix} {line}"))
                } else {
                    Some(format!("{prefix} {}", shell_quote(line)))
                }
            }
            _ => None,
        }
    }

    /// `chroot /host` typed in `oc debug node/X`, `cd /x` or `export X=y`
    /// typed in a shell: later lines run there, or with that, too.
    pub fn enter(&mut self, line: &str) -> bool {
        let words: Vec<&str> = line.split_whitespace().collect();
        match (&mut self.how, words.as_slice()) {
            (How::Argv { prefix, .. }, ["chroot", dir])
                if self.setup.is_empty() && plain_words(dir) =>
            {
                prefix.push_str(" chroot ");
                prefix.push_str(dir);
                true
            }
            (How::Argv { .. } | How::Remote { .. }, _) if sets_state(line) => {
                self.setup.push(line.trim().to_string());
                true
            }
            _ => false,
        }
    }
}

/// `cd DIR`, `export NAME=value`, `NAME=value`: changes only the shell it is typed in.
fn sets_state(line: &str) -> bool {
    let line = line.trim();
    if line.contains(['`', '\n']) || line.contains("$(") {
        return false;
    }
    let script = parse(line);
    if script.has_error() {
        return false;
    }
    let root = script.tree.root_node();
    let mut cursor = root.walk();
    let statements: Vec<Node> = root.named_children(&mut cursor).collect();
    let [node] = statements.as_slice() else {
        return false;
    };
    let mut cursor = node.walk();
    let children: Vec<Node> = node.named_children(&mut cursor).collect();
    match node.kind() {
        "variable_assignment" | "variable_assignments" => true,
        "declaration_command" => {
            line.starts_with("export ")
                && children.iter().all(|c| c.kind() == "variable_assignment")
        }
        "command" => {
            script.node_text(children[0]) == "cd"
                && children.len() <= 2
                && children.iter().all(|c| c.kind() != "variable_assignment")
        }
        _ => false,
    }
}

/// Typed to leave the program.
pub fn is_exit(line: &str) -> bool {
    matches!(
        line.trim().trim_end_matches(';'),
        "exit" | "logout" | "quit" | "\\q" | "^D" | "q"
    )
}

/// Words the shell passes as they are (placeholders count as one word):
/// no quotes, expansions or operators.
fn plain_words(line: &str) -> bool {
    let mut text = line.to_string();
    for p in substituted(line, |_| true).into_iter().rev() {
        text.replace_range(p.range, "x");
    }
    !text.trim().is_empty()
        && text.split_whitespace().all(|word| {
            word.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c))
        })
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "zsh", "dash", "ksh"];
const TYPED: &[&str] = &[
    "psql",
    "mysql",
    "mariadb",
    "redis-cli",
    "gdb",
    "mongo",
    "mongosh",
    "sqlite3",
    "cqlsh",
    "etcdctl",
];

/// `command` (one simple command) takes over the terminal: how lines typed in it run.
pub fn opener(command: &str, prompt: &str) -> Option<Opener> {
    let words = words(command)?;
    let texts: Vec<&str> = words.iter().map(|w| &command[w.clone()]).collect();
    let how = how(command, &words, &texts)?;
    Some(Opener {
        text: command.trim().to_string(),
        how,
        prompt: prompt.to_string(),
        setup: Vec::new(),
    })
}

fn how(command: &str, words: &[Range<usize>], texts: &[&str]) -> Option<How> {
    let program = |at: usize| texts.get(at).map(|t| basename(t));
    let mut at = 0;
    if program(0) == Some("sudo") {
        at = skip_flags(texts, 1, &["-u", "-g", "-C", "-h", "-p"]);
    }
    match program(at)? {
        "oc" | "kubectl" => kube(command, words, texts, at),
        "docker" | "podman" | "nerdctl" => container(command, words, texts, at),
        "ssh" => {
            let host = skip_flags(texts, at + 1, SSH_VALUES);
            (texts.len() == host + 1).then(|| How::Remote {
                prefix: command.trim().to_string(),
            })
        }
        name if TYPED.contains(&name) => typed(name, &texts[at + 1..]).then_some(How::Typed),
        _ => None,
    }
}

const SSH_VALUES: &[&str] = &[
    "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p", "-Q",
    "-R", "-S", "-W", "-w", "-B",
];
const KUBE_VALUES: &[&str] = &[
    "-n",
    "--namespace",
    "-c",
    "--container",
    "--context",
    "--kubeconfig",
    "--as",
    "-s",
    "--server",
    "--token",
    "--cluster",
    "--user",
    "--shell",
    "-f",
    "--filename",
    "--timeout",
    "--pod-running-timeout",
    "--request-timeout",
    "--image",
    "--to-namespace",
];
const TTY_FLAGS: &[&str] = &["-i", "-t", "-it", "-ti", "--stdin", "--tty", "-itq", "-qit"];

fn kube(command: &str, words: &[Range<usize>], texts: &[&str], at: usize) -> Option<How> {
    let sub = skip_flags(texts, at + 1, KUBE_VALUES);
    let dashdash = texts.iter().position(|t| *t == "--");
    let end = dashdash.unwrap_or(texts.len());
    let positionals = positionals(&texts[..end], sub + 1, KUBE_VALUES);
    match *texts.get(sub)? {
        "rsh" if positionals.len() == 1 && dashdash.is_none() => Some(How::Argv {
            prefix: command.trim().to_string(),
            shell: "sh".into(),
        }),
        "exec" => {
            let dashdash = dashdash?;
            let tty = texts[..dashdash].iter().any(|t| TTY_FLAGS.contains(t));
            inner_program(command, words, texts, dashdash, tty)
        }
        "debug" if basename(texts[at]) == "oc" && dashdash.is_none() => Some(How::Argv {
            prefix: format!("{} --", command.trim()),
            shell: "sh".into(),
        }),
        "debug" if dashdash.is_none() => Some(How::Typed),
        _ => None,
    }
}

fn container(command: &str, words: &[Range<usize>], texts: &[&str], at: usize) -> Option<How> {
    if texts.get(at + 1) != Some(&"exec") {
        return None;
    }
    let values = ["-u", "--user", "-w", "--workdir", "-e", "--env"];
    let found = positionals(texts, at + 2, &values);
    let program = *found.get(1)?;
    let tty = texts[..program].iter().any(|t| TTY_FLAGS.contains(t));
    // `docker exec -it CTR sh`: the container stands where kubectl has `--`.
    inner_program(command, words, texts, program - 1, tty)
}

/// `… -- bash` after `exec -it`: a shell, or a program lines are typed in.
fn inner_program(
    command: &str,
    words: &[Range<usize>],
    texts: &[&str],
    before: usize,
    tty: bool,
) -> Option<How> {
    let name = basename(texts.get(before + 1)?);
    let rest = &texts[before + 2..];
    if !tty {
        return None;
    }
    if SHELLS.contains(&name)
        && rest
            .iter()
            .all(|a| matches!(*a, "-l" | "-i" | "-il" | "-li"))
    {
        // The command without its terminal flags, up to the program.
        let mut prefix = String::new();
        let mut copied = 0;
        for (range, text) in words[..=before].iter().zip(texts) {
            if TTY_FLAGS.contains(text) {
                prefix.push_str(command[copied..range.start].trim_end());
                copied = range.end;
            }
        }
        prefix.push_str(&command[copied..words[before].end]);
        return Some(How::Argv {
            prefix: prefix.trim().to_string(),
            shell: texts[before + 1].to_string(),
        });
    }
    (TYPED.contains(&name) && typed(name, rest)).then_some(How::Typed)
}

/// A database client or debugger started without a command to run.
fn typed(name: &str, args: &[&str]) -> bool {
    let batch: &[&str] = match name {
        "psql" => &["-c", "--command", "-f", "--file", "-l", "--list"],
        "mysql" | "mariadb" => &["-e", "--execute", "-B", "--batch"],
        "gdb" => &["-batch", "--batch", "-ex"],
        "mongo" | "mongosh" => &["--eval"],
        "cqlsh" => &["-e", "--execute"],
        _ => &[],
    };
    let asked = args.iter().any(|a| {
        batch
            .iter()
            .any(|b| a == b || a.starts_with(&format!("{b}=")))
    });
    match name {
        "redis-cli" => positionals(
            args,
            0,
            &["-h", "-p", "-a", "-n", "-u", "-s", "--user", "--pass"],
        )
        .is_empty(),
        "etcdctl" => false,
        _ => !asked,
    }
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The index of the first word from `from` on that is not a flag (nor a flag's value).
fn skip_flags(texts: &[&str], from: usize, with_value: &[&str]) -> usize {
    let mut i = from;
    while let Some(t) = texts.get(i) {
        if !t.starts_with('-') || *t == "--" {
            break;
        }
        i += if with_value.contains(t) { 2 } else { 1 };
    }
    i
}

/// The indexes of the words from `from` on that are neither flags nor their values.
fn positionals(texts: &[&str], from: usize, with_value: &[&str]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut i = from;
    while let Some(t) = texts.get(i) {
        if t.starts_with('-') && *t != "-" {
            i += if with_value.contains(t) { 2 } else { 1 };
        } else {
            found.push(i);
            i += 1;
        }
    }
    found
}

/// The words of `command` when it is one simple command, each as its range
/// in the text (`<pod name>` placeholders count as one word).
fn words(command: &str) -> Option<Vec<Range<usize>>> {
    // Same length, no `<`: a placeholder reads as a word, offsets stay.
    let mut masked = command.to_string();
    for angle in angle_placeholders(command) {
        let len = angle.range.len();
        masked.replace_range(angle.range, &"x".repeat(len));
    }
    let script = parse(&masked);
    if script.has_error() {
        return None;
    }
    let root = script.tree.root_node();
    let mut cursor = root.walk();
    let statements: Vec<Node> = root
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect();
    let [node] = statements.as_slice() else {
        return None;
    };
    if node.kind() != "command" {
        return None;
    }
    let mut cursor = node.walk();
    let mut words = Vec::new();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "variable_assignment" => {}
            "file_redirect" | "heredoc_redirect" | "herestring_redirect" => return None,
            _ => words.push(child.byte_range()),
        }
    }
    (!words.is_empty()).then_some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn how_of(command: &str) -> Option<How> {
        opener(command, "$").map(|o| o.how)
    }

    fn combined(command: &str, line: &str) -> Option<String> {
        opener(command, "$")?.combined(line)
    }

    #[test]
    fn interactive_commands_are_recognised() {
        assert!(matches!(
            how_of("oc rsh -n openshift-storage rook-ceph-tools-5f7c"),
            Some(How::Argv { .. })
        ));
        assert_eq!(
            how_of("oc rsh -n ns pod ceph -s"),
            None,
            "runs a command itself"
        );
        assert!(matches!(
            how_of("kubectl exec -it -n db pg-0 -- bash"),
            Some(How::Argv { .. })
        ));
        assert_eq!(
            how_of("kubectl exec -n db pg-0 -- bash"),
            None,
            "no terminal"
        );
        assert_eq!(
            how_of("kubectl exec -it pg-0 -- psql -U postgres"),
            Some(How::Typed)
        );
        assert_eq!(how_of("kubectl exec -it pg-0 -- psql -c 'select 1'"), None);
        assert!(matches!(
            how_of("ssh core@<node name>"),
            Some(How::Remote { .. })
        ));
        assert_eq!(how_of("ssh core@node uptime"), None);
        assert_eq!(how_of("psql -h db -U app"), Some(How::Typed));
        assert_eq!(how_of("redis-cli -h cache"), Some(How::Typed));
        assert_eq!(how_of("redis-cli -h cache info"), None);
        assert_eq!(how_of("oc get pods"), None);
        assert_eq!(how_of("oc rsh pod | tee x"), None);
    }

    #[test]
    fn a_line_typed_inside_becomes_one_command_where_the_tool_takes_one() {
        assert_eq!(
            combined("oc rsh -n openshift-storage tools-5f7c", "ceph -s").as_deref(),
            Some("oc rsh -n openshift-storage tools-5f7c ceph -s")
        );
        assert_eq!(
            combined("oc rsh tools", "ceph osd df | sort -k 7").as_deref(),
            Some("oc rsh tools sh -c 'ceph osd df | sort -k 7'")
        );
        assert_eq!(
            combined(
                "kubectl exec -it -n db pg-0 -c pg -- bash",
                "df -h /var/lib/pgsql"
            )
            .as_deref(),
            Some("kubectl exec -n db pg-0 -c pg -- df -h /var/lib/pgsql")
        );
        assert_eq!(
            combined("kubectl exec -ti pg-0 -- /bin/bash", "ls $PGDATA").as_deref(),
            Some("kubectl exec pg-0 -- /bin/bash -c 'ls $PGDATA'")
        );
        assert_eq!(
            combined("docker exec -it web sh", "nginx -T").as_deref(),
            Some("docker exec web nginx -T")
        );
        assert_eq!(
            combined("ssh core@node-1", "journalctl -u kubelet | tail").as_deref(),
            Some("ssh core@node-1 'journalctl -u kubelet | tail'")
        );
        assert_eq!(
            combined("oc debug node/worker-1", "chroot /host crictl ps").as_deref(),
            Some("oc debug node/worker-1 -- chroot /host crictl ps")
        );
        assert_eq!(combined("psql -U app", "select 1;"), None);
    }

    #[test]
    fn placeholders_are_never_put_where_a_second_shell_reads_them() {
        // As words after `--` they stay one argument each…
        assert_eq!(
            combined("oc rsh tools", "ceph osd pool get <pool> size").as_deref(),
            Some("oc rsh tools ceph osd pool get <pool> size")
        );
        // …but inside `sh -c '…'` or a remote command they would be code.
        assert_eq!(
            combined("oc rsh tools", "ceph osd pool get '<pool>' | x"),
            None
        );
        assert_eq!(combined("ssh node", "cat <file>"), None);
    }

    #[test]
    fn what_a_line_sets_in_the_shell_inside_holds_for_the_lines_after_it() {
        let mut opener = opener("oc rsh -n openshift-storage ceph-operator-7f9", "$").unwrap();
        assert!(opener.enter("export CEPH_ARGS='-c /var/lib/rook/openshift-storage.config'"));
        assert!(opener.enter("cd /tmp"));
        assert!(!opener.enter("ceph -s"));
        assert!(!opener.enter("export X=$(id -u)"));
        assert_eq!(
            opener.combined("ceph -s").as_deref(),
            Some(
                "oc rsh -n openshift-storage ceph-operator-7f9 sh -c 'export CEPH_ARGS='\\''-c /var/lib/rook/openshift-storage.config'\\''; cd /tmp; ceph -s'"
            )
        );
    }

    #[test]
    fn chroot_changes_where_later_lines_run() {
        let mut opener = opener("oc debug node/w1", "$").unwrap();
        assert!(opener.enter("chroot /host"));
        assert_eq!(
            opener.combined("systemctl status kubelet").as_deref(),
            Some("oc debug node/w1 -- chroot /host systemctl status kubelet")
        );
    }
}
