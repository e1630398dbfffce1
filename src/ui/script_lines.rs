//! A script as the confirmation shows it: `$ ` before the first line of each
//! command as the shell reads it, continuation lines (after `\`, inside
//! quotes, loops or here-documents) indented under it.

/// For each line of `script`, whether a command starts on it.
pub fn command_starts(script: &str) -> Vec<bool> {
    let lines: Vec<&str> = script.lines().collect();
    let parsed = crate::shell::syntax::parse(script);
    if parsed.has_error() {
        // Unreadable as shell: only a trailing backslash is trusted.
        return (0..lines.len())
            .map(|n| n == 0 || !lines[n - 1].trim_end().ends_with('\\'))
            .collect();
    }
    let mut starts = vec![false; lines.len()];
    let root = parsed.tree.root_node();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        if statement.kind() == "comment" {
            continue;
        }
        if let Some(start) = starts.get_mut(statement.start_position().row) {
            *start = true;
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_get_no_prompt_of_their_own() {
        let script = "export NS=shop\nkubectl get pods \\\n  -n \"$NS\"\nfor p in a b; do\n  echo $p\ndone\n# note\necho 'two\nlines'";
        assert_eq!(
            command_starts(script),
            vec![true, true, false, true, false, false, false, true, false]
        );
        assert_eq!(command_starts("echo 'open"), vec![true]);
    }
}
