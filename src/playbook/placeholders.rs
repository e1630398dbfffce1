//! `{{name}}` placeholders in command text.

/// Names of the `{{name}}` placeholders in `script`, in order, repeats kept.
pub fn template_names(script: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = script;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let name = after[..close].trim();
        if super::front_matter::is_identifier(name) {
            names.push(name);
        }
        rest = &after[close + 2..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_and_ignores_other_braces() {
        assert_eq!(
            template_names("deploy rollback {{unit}} {{ host }} {x} {{bad name}}"),
            vec!["unit", "host"]
        );
    }
}
