//! Shapes in command text that the lint rules look for.

use crate::shell::danger::Finding;

/// Why a command's text changes things, every reason in order (see
/// [`crate::shell::danger`]), its placeholders read as plain words.
pub fn changes_things(script: &str) -> Vec<Finding> {
    crate::plan::template_findings(script)
}

/// Recognises credentials typed into a command: `password=hunter2`,
/// `Authorization: Bearer abc...`, AWS access key ids.
pub fn literal_secret(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    for key in [
        "password=",
        "passwd=",
        "pwd=",
        "token=",
        "secret=",
        "api_key=",
        "apikey=",
    ] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(key) {
            let value_start = from + at + key.len();
            let value: String = text[value_start..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !"'\";&|".contains(*c))
                .collect();
            if looks_literal(&value) {
                return Some("a `key=value` credential");
            }
            from = value_start;
        }
    }
    if let Some(at) = lower.find("bearer ") {
        let token: String = text[at + 7..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
            .collect();
        if token.len() >= 16 && looks_literal(&token) {
            return Some("a bearer token");
        }
    }
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices("AKIA") {
        let key = &bytes[i..(i + 20).min(bytes.len())];
        if key.len() == 20
            && key
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Some("an AWS access key id");
        }
    }
    None
}

/// A value typed in, rather than `$VAR`, `{{var}}`, `<placeholder>` or `$(cmd)`.
fn looks_literal(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with('$')
        && !value.starts_with("{{")
        && !value.starts_with('<')
        && !value.starts_with('%')
}

/// `curl … | sh`, `wget -O- … | bash`: a download piped straight into a shell.
pub fn pipes_download_into_shell(script: &str) -> bool {
    script.lines().any(|line| {
        let mut stages = line.split('|').map(str::trim);
        let Some(first) = stages.next() else {
            return false;
        };
        let downloads = ["curl", "wget"]
            .iter()
            .any(|tool| first.split_whitespace().any(|w| w == *tool));
        downloads
            && stages.any(|stage| {
                let program = stage
                    .split_whitespace()
                    .find(|w| *w != "sudo")
                    .unwrap_or("");
                matches!(program, "sh" | "bash" | "zsh" | "dash" | "ksh")
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_piped_into_a_shell_are_found() {
        assert!(pipes_download_into_shell(
            "curl -fsSL https://x/install.sh | sh"
        ));
        assert!(pipes_download_into_shell(
            "wget -qO- https://x | sudo bash -s"
        ));
        assert!(!pipes_download_into_shell(
            "curl -s https://x/health | jq .status"
        ));
        assert!(!pipes_download_into_shell("echo hi | sh"));
    }

    #[test]
    fn changing_commands_are_found_through_wiki_placeholders() {
        let rules =
            |script: &str| -> Vec<&str> { changes_things(script).iter().map(|f| f.rule).collect() };
        assert_eq!(rules("sudo systemctl restart nginx"), ["service-control"]);
        assert_eq!(
            rules("kubectl delete pod -n <namespace> '<pod name>'"),
            ["kubernetes"]
        );
        assert!(rules("kubectl logs -n <namespace> <pod> --tail=100").is_empty());
        assert!(rules("systemctl status nginx; grep stopped log").is_empty());
        assert!(rules("df -h | sort").is_empty());
    }

    #[test]
    fn literal_credentials_are_spotted_but_placeholders_are_not() {
        assert!(literal_secret("psql 'password=hunter2 host=db'").is_some());
        assert!(literal_secret("curl -H 'Authorization: Bearer abcdefghijklmnopqrstu'").is_some());
        assert!(literal_secret("aws --key AKIAABCDEFGHIJKLMNOP").is_some());
        assert!(literal_secret("psql password=$PGPASSWORD").is_none());
        assert!(literal_secret("curl -H 'Authorization: Bearer {{token}}'").is_none());
    }
}
