//! `<namespace>` and `'<pod name>'` placeholders of runbooks written for
//! wikis. Each becomes a value the responder is asked for, passed quoted
//! (`$NAMESPACE` ones are found by `playbook::placeholders`).

use std::ops::Range;

/// The longest text a `<…>` placeholder holds.
const MAX_ANGLE: usize = 60;

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
        // A placeholder is short: look for its `>` only nearby, so text full
        // of `<` costs linear time.
        let window = &bytes[i + 1..(i + 2 + MAX_ANGLE).min(bytes.len())];
        let Some(len) = memchr::memchr(b'>', window) else {
            i += 1;
            continue;
        };
        let text = &script[i + 1..i + 1 + len];
        let plain = text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _-./:".contains(c));
        if !plain || text.len() > MAX_ANGLE {
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

/// `POD=` right before a placeholder, where the shell reads an assignment
/// (the start of a command, or after `export`), → `POD`. In `echo ns=<x>`
/// or `"ns=<x>"` it is text, not an assignment.
fn assigned_name(before: &str) -> Option<String> {
    let before = before.strip_suffix('=')?;
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let name = &before[start..];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let prefix = before[..start].trim_end_matches([' ', '\t']);
    let at_command_start = prefix.is_empty()
        || prefix.ends_with(['\n', ';', '&', '|', '(', '{'])
        || ["export", "local", "readonly", "then", "do", "else"]
            .iter()
            .any(|word| prefix.ends_with(word));
    at_command_start.then(|| name.to_string())
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
    fn only_a_real_assignment_names_its_placeholder() {
        let name = |script: &str| angle_placeholders(script)[0].name.clone();
        assert_eq!(name("POD='<failed pod>'"), "POD");
        assert_eq!(name("x; export NS=<namespace>"), "NS");
        assert_eq!(name("echo \"ns=<namespace>\""), "namespace");
        assert_eq!(name("echo pw=<db password>"), "db_password");
    }
}
