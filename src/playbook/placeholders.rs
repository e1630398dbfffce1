//! `{{name}}` placeholders in command text.

/// Names of the `{{name}}` placeholders in `script`, in order, repeats
/// kept; those of a quoted Go template (`'{{range .items}}…{{end}}'`) are the
/// template's own text unless `declared` says otherwise.
pub fn template_names(script: &str, declared: impl Fn(&str) -> bool) -> Vec<String> {
    crate::plan::placeholders::templates(script, declared)
        .into_iter()
        .map(|p| p.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_and_ignores_other_braces() {
        assert_eq!(
            template_names(
                "deploy rollback {{unit}} {{ host }} {x} {{bad name}}",
                |_| false
            ),
            vec!["unit", "host"]
        );
    }
}
