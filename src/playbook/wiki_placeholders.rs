//! Placeholders of runbooks written for wikis: `<namespace>`, `'<pod name>'`,
//! and `$NAMESPACE` that nothing in the command sets. Each becomes a value
//! the responder is asked for, passed quoted.

use std::ops::Range;

/// Environment variables a shell always has: never asked for.
const SHELL_VARS: &[&str] = &[
    "HOME",
    "PATH",
    "USER",
    "SHELL",
    "PWD",
    "OLDPWD",
    "TERM",
    "LANG",
    "HOSTNAME",
    "TMPDIR",
    "UID",
    "EUID",
    "PPID",
    "RANDOM",
    "LINENO",
    "SECONDS",
    "IFS",
    "LOGNAME",
    "EDITOR",
    "PAGER",
    "KUBECONFIG",
];

/// One `<…>` in a command: its name for `--var`, its text as the hint, and
/// the bytes to replace (its quotes included when it is quoted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Angle {
    pub name: String,
    pub hint: String,
    pub range: Range<usize>,
}

/// `<namespace>`, `<pod name from alert>`; not `<<EOF`, `< file` or `<$x>`.
pub fn angle_placeholders(script: &str) -> Vec<Angle> {
    let bytes = script.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<'
            || bytes.get(i + 1).is_none_or(|b| !b.is_ascii_alphabetic())
            || (i > 0 && bytes[i - 1] == b'<')
        {
            i += 1;
            continue;
        }
        let Some(len) = script[i + 1..].find('>') else {
            break;
        };
        let text = &script[i + 1..i + 1 + len];
        let plain = text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _-./:".contains(c));
        if !plain || text.len() > 60 {
            i += 1;
            continue;
        }
        let mut range = i..i + len + 2;
        let before = range.start.checked_sub(1).map(|at| bytes[at]);
        let after = bytes.get(range.end).copied();
        if let (Some(q @ (b'\'' | b'"')), Some(a)) = (before, after)
            && q == a
        {
            range = range.start - 1..range.end + 1;
        }
        // `POD='<failed pod>'`: the value is the variable's, so a later `$POD` reuses it.
        let name = assigned_name(&script[..range.start]).unwrap_or_else(|| angle_name(text));
        found.push(Angle {
            name,
            hint: text.to_string(),
            range,
        });
        i += len + 2;
    }
    found
}

/// `… POD=` right before a placeholder → `POD`.
fn assigned_name(before: &str) -> Option<String> {
    let before = before.strip_suffix('=')?;
    let name: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let name: String = name.chars().rev().collect();
    (!name.is_empty() && name.starts_with(|c: char| c.is_ascii_alphabetic())).then_some(name)
}

/// `pod name from alert` → `pod_name_from_alert`.
fn angle_name(text: &str) -> String {
    let mut name = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    name.trim_matches('_').to_string()
}

/// `$NAMESPACE` / `${POD}` that the command itself never assigns.
pub fn env_placeholders(script: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let bytes = script.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let braced = bytes.get(i + 1) == Some(&b'{');
        let start = i + 1 + usize::from(braced);
        let end = start
            + script[start..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .count();
        let name = &script[start..end];
        let closed = !braced || bytes.get(end) == Some(&b'}');
        let is_name = name.len() >= 2 && name.starts_with(|c: char| c.is_ascii_uppercase());
        if closed
            && is_name
            && !SHELL_VARS.contains(&name)
            && !assigns(script, name)
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_string());
        }
        i = end.max(i + 1);
    }
    names
}

/// `NAME=…` or `export NAME=…` anywhere in the script (a `for NAME in` too).
fn assigns(script: &str, name: &str) -> bool {
    script.match_indices(name).any(|(at, _)| {
        let before_ok = at == 0
            || !script.as_bytes()[at - 1].is_ascii_alphanumeric()
                && script.as_bytes()[at - 1] != b'$';
        let rest = &script[at + name.len()..];
        before_ok
            && (rest.starts_with('=')
                || script[..at].trim_end().ends_with("for")
                || script[..at].trim_end().ends_with("read"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angle_placeholders_are_found_with_their_quotes_but_redirects_are_not() {
        let script = "kubectl -n <namespace> logs '<pod name>' < in.txt 2>&1 <<EOF";
        let found = angle_placeholders(script);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].name, "namespace");
        assert_eq!(&script[found[1].range.clone()], "'<pod name>'");
        assert_eq!(found[1].name, "pod_name");
    }

    #[test]
    fn unset_env_names_are_placeholders_but_assigned_and_shell_ones_are_not() {
        let script = "POD=x; kubectl -n $NAMESPACE get ${POD} $HOME ${DEPLOYMENT} $lower $1";
        assert_eq!(env_placeholders(script), vec!["NAMESPACE", "DEPLOYMENT"]);
    }
}
