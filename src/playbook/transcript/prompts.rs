//! The prompts of a terminal session: the responder's own shell (`$ `,
//! `user@host:~$ `) and those of programs it starts (`sh-4.4$ `, `mysql> `).

use regex::Regex;
use std::sync::LazyLock;

/// Who shows the prompt, hence where the line after it is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The responder's shell: the line is a local command.
    Local,
    /// A shell inside a pod, container or remote host (`sh-4.4$ `, `bash-5.1# `).
    Shell,
    /// A program that reads its own language (`mysql> `, `postgres=# `,
    /// `127.0.0.1:6379> `, `(gdb) `).
    Program,
}

/// A line that starts with a prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prompt<'a> {
    pub kind: Kind,
    /// The prompt as written, without the blank after it.
    pub prompt: &'a str,
    /// What was typed after it.
    pub text: &'a str,
    /// Byte offset of `text` in the line.
    pub at: usize,
}

/// `user@host:~$ `, `root@host:/var/log# `, `[core@node-1 ~]$ `.
static PS1: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\[[\w.-]+@[\w.-]+(?: [^\]]*)?\][$#]|[\w.-]+@[\w.-]+(?:[: ][^\s$#%]*)?\s?[$#%])(?: |$)",
    )
    .expect("a valid regex")
});

/// `sh-4.4$ `, `bash-5.1# `.
static SHELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:ba|z|k|da|a)?sh-\d+(?:\.\d+)*[$#])(?: |$)").expect("a valid regex")
});

/// A container's shell: `/ # `, `~ $ `, `/app # ` (only right after a
/// command that opened one: elsewhere a path and a comment look the same).
static BUSYBOX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^((?:/|~)[\w./-]* [$#])(?: |$)").expect("a valid regex"));

/// `mysql> `, `MariaDB [(none)]> `, `postgres=# `, `app=> `,
/// `127.0.0.1:6379> `, `redis> `, `(gdb) `.
static PROGRAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^((?:mysql|MariaDB|MySQL)(?: \[[^\]]*\])?>|[A-Za-z_]\w*=[#>]|(?:[\w.-]+:\d+(?:\[\d+\])?|redis(?:-cli)?)>|\(gdb\))(?: |$)",
    )
    .expect("a valid regex")
});

/// The next line of a statement already begun: psql's `postgres-# `,
/// `postgres(# `, mysql's `    -> `.
static PROGRAM_MORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^([A-Za-z_]\w*[-('"][#>]|\s*->)(?: |$)"#).expect("a valid regex")
});

/// The prompt `line` starts with, if any. `console`: a `# ` prompt (root's)
/// counts there only, and only before a command (else it is a comment).
/// `inside_shell`: a shell inside a pod or host is open, so its own
/// prompts (`/ # `, `user@pod:/$ `) count as its.
pub fn prompt(line: &str, console: bool, inside_shell: bool) -> Option<Prompt<'_>> {
    let found = |kind, end: usize| {
        let at = if line[end..].starts_with(' ') {
            end + 1
        } else {
            end
        };
        Some(Prompt {
            kind,
            prompt: &line[..end],
            text: &line[at..],
            at,
        })
    };
    if line == "$" || line.starts_with("$ ") || line == "%" || line.starts_with("% ") {
        return found(Kind::Local, 1);
    }
    if console && let Some(text) = line.strip_prefix("# ") {
        // `# NAME='<…>'` declares a value; it is not typed as root.
        if looks_like_a_command(text) && super::declaration(text).is_none() {
            return found(Kind::Local, 1);
        }
        return None;
    }
    // Each prompt has a mark a cheap look finds first: most lines have none.
    let head = line
        .char_indices()
        .nth(80)
        .map_or(line, |(at, _)| &line[..at]);
    let shell_like = head.contains("sh-");
    let program_like = head.contains(['>', '=']) || head.starts_with("(gdb)");
    if shell_like && let Some(m) = SHELL.captures(line).and_then(|c| c.get(1)) {
        return found(Kind::Shell, m.end());
    }
    if program_like && let Some(m) = PROGRAM.captures(line).and_then(|c| c.get(1)) {
        return found(Kind::Program, m.end());
    }
    if inside_shell
        && line.starts_with(['/', '~'])
        && let Some(m) = BUSYBOX.captures(line).and_then(|c| c.get(1))
    {
        return found(Kind::Shell, m.end());
    }
    if head.contains('@')
        && let Some(m) = PS1.captures(line).and_then(|c| c.get(1))
    {
        return found(Kind::Local, m.end());
    }
    None
}

/// The prompt that goes on a statement a program is still reading.
pub fn program_continuation(line: &str) -> Option<&str> {
    let m = PROGRAM_MORE.captures(line)?.get(1)?;
    let rest = &line[m.end()..];
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

/// Words that start a sentence, not a command.
const PROSE: &[&str] = &[
    "a",
    "an",
    "and",
    "are",
    "check",
    "confirm",
    "connect",
    "create",
    "delete",
    "display",
    "do",
    "e.g.",
    "edit",
    "ensure",
    "enter",
    "example",
    "expected",
    "find",
    "first",
    "for",
    "from",
    "get",
    "here",
    "identify",
    "if",
    "in",
    "inspect",
    "is",
    "it",
    "its",
    "list",
    "log",
    "login",
    "look",
    "make",
    "next",
    "note",
    "now",
    "on",
    "optional",
    "optionally",
    "or",
    "output",
    "remove",
    "replace",
    "restart",
    "run",
    "see",
    "set",
    "should",
    "show",
    "shows",
    "that",
    "the",
    "then",
    "these",
    "this",
    "those",
    "to",
    "update",
    "use",
    "verify",
    "view",
    "wait",
    "we",
    "when",
    "where",
    "while",
    "with",
    "you",
];

/// After `# ` in a console transcript: a command typed as root
/// (`# systemctl status kubelet`), not a sentence (`# Check the pods`).
pub fn looks_like_a_command(text: &str) -> bool {
    let text = text.trim();
    let Some(first) = text.split_whitespace().next() else {
        return false;
    };
    if let Some((name, _)) = first.split_once('=') {
        return !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    }
    let shaped = first.starts_with(['/', '.', '~', '$'])
        || first
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._+-/".contains(c));
    if !shaped || PROSE.contains(&first) {
        return false;
    }
    let words = text.split_whitespace().count();
    if words > 2 && text.ends_with(['.', ':', '?', '!']) {
        return false;
    }
    !crate::shell::syntax::parse(text).has_error()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(line: &str) -> Option<(Kind, &str, &str)> {
        prompt(line, true, false).map(|p| (p.kind, p.prompt, p.text))
    }

    #[test]
    fn prompts_of_the_local_shell() {
        assert_eq!(
            kind("$ oc get nodes"),
            Some((Kind::Local, "$", "oc get nodes"))
        );
        assert_eq!(kind("% ls"), Some((Kind::Local, "%", "ls")));
        assert_eq!(
            kind("user@host:~$ df -h"),
            Some((Kind::Local, "user@host:~$", "df -h"))
        );
        assert_eq!(
            kind("[root@bastion ~]# systemctl status kubelet"),
            Some((Kind::Local, "[root@bastion ~]#", "systemctl status kubelet"))
        );
        assert_eq!(
            kind("# systemctl restart kubelet").map(|k| k.2),
            Some("systemctl restart kubelet")
        );
        assert_eq!(kind("# Check the pods"), None);
        assert_eq!(kind("# POD='<failed pod>'"), None, "a declaration");
        assert_eq!(kind("# list the pods"), None);
        assert_eq!(kind("# it's down"), None);
        assert_eq!(
            prompt("# ls", false, false),
            None,
            "a comment outside console"
        );
        assert_eq!(kind("$(date)"), None);
        assert_eq!(kind("NAME   READY"), None);
        assert_eq!(
            kind(&"é".repeat(100)),
            None,
            "no slicing inside a character"
        );
    }

    #[test]
    fn prompts_of_other_programs() {
        assert_eq!(
            kind("sh-4.4$ ceph -s").map(|k| (k.0, k.2)),
            Some((Kind::Shell, "ceph -s"))
        );
        assert_eq!(kind("bash-5.1# ls").map(|k| k.0), Some(Kind::Shell));
        assert_eq!(
            kind("mysql> show processlist;").map(|k| k.0),
            Some(Kind::Program)
        );
        assert_eq!(
            kind("MariaDB [(none)]> select 1;").map(|k| k.0),
            Some(Kind::Program)
        );
        assert_eq!(kind("postgres=# select 1;").map(|k| k.2), Some("select 1;"));
        assert_eq!(
            kind("127.0.0.1:6379> info memory").map(|k| k.2),
            Some("info memory")
        );
        assert_eq!(kind("(gdb) bt").map(|k| k.2), Some("bt"));
        assert_eq!(kind("/ # ls"), None, "only inside a shell");
        assert_eq!(
            prompt("/ # ls", true, true).map(|p| p.kind),
            Some(Kind::Shell)
        );
        assert_eq!(program_continuation("postgres-# from x;"), Some("from x;"));
        assert_eq!(program_continuation("    -> from x;"), Some("from x;"));
    }
}
