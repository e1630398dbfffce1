//! Commands written inline in prose: `` `kubectl -n $NAMESPACE logs $POD` ``
//! in a bullet is a command the responder can run, like a fenced one.
//!
//! The rule: inline code on one line whose first word is a known
//! command-line tool ([`TOOLS`]) and that gives it something to act on:
//! for a tool with sub-commands (`kubectl get`), at least one word after
//! the sub-command; for the others (`curl`, `journalctl`), at least one
//! argument. So `kubectl` alone or `oc get` is a mention, not a command.
//! The text must also read as shell.

use crate::shell::syntax::parse;
use crate::shell::words::commands;

/// Tools whose inline code can be a command, and whether they take a sub-command.
pub const TOOLS: &[(&str, bool)] = &[
    ("kubectl", true),
    ("oc", true),
    ("helm", true),
    ("systemctl", true),
    ("docker", true),
    ("promtool", true),
    ("amtool", true),
    ("etcdctl", true),
    ("curl", false),
    ("journalctl", false),
];

/// Longer inline code is prose, not a command.
const MAX_LEN: usize = 1000;

/// Whether inline code `code` is a runnable command by the rule above.
pub fn is_inline_command(code: &str) -> bool {
    let code = code.trim();
    if code.is_empty() || code.len() > MAX_LEN || code.contains('\n') {
        return false;
    }
    let first = code.split_whitespace().next().unwrap_or("");
    let Some((_, subcommands)) = TOOLS.iter().find(|(tool, _)| *tool == first) else {
        return false;
    };
    let script = parse(code);
    if script.has_error() {
        return false;
    }
    let found = commands(&script);
    let Some(command) = found.first() else {
        return false;
    };
    let needed = if *subcommands { 3 } else { 2 };
    command.words.len() >= needed
}

#[cfg(test)]
mod tests {
    use super::is_inline_command;

    #[test]
    fn a_tool_with_something_to_act_on_is_a_command() {
        for code in [
            "kubectl -n $NAMESPACE describe pod $POD",
            "kubectl get pods",
            "oc get nodes",
            "helm list -A",
            "curl http://localhost:8080/health",
            "journalctl -u nginx",
            "systemctl status nginx",
        ] {
            assert!(is_inline_command(code), "{code}");
        }
    }

    #[test]
    fn a_mention_is_not() {
        for code in [
            "kubectl",
            "oc get",
            "systemctl restart",
            "curl",
            "ls -la /tmp",
            "kubectl get 'pods",
            "NAMESPACE",
            "kubectl\nget pods",
        ] {
            assert!(!is_inline_command(code), "{code}");
        }
    }
}
