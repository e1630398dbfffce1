//! Shapes in command text that the lint rules look for.

/// Words that change a system; a command using one should say `kind=remediate`.
const REMEDIATION_WORDS: &[&str] = &[
    "restart",
    "stop",
    "kill",
    "pkill",
    "killall",
    "rm",
    "drop",
    "reboot",
    "shutdown",
    "delete",
    "scale",
    "truncate",
    "rollback",
    "vacuum",
    "halt",
    "poweroff",
    "mkfs",
    "dd",
    "uninstall",
];

pub fn remediation_word(script: &str) -> Option<&'static str> {
    script
        .split(|c: char| c.is_whitespace() || ";|&()`'\"".contains(c))
        .filter_map(|token| {
            let token = token.to_ascii_lowercase();
            REMEDIATION_WORDS
                .iter()
                .copied()
                .find(|word| *word == token)
        })
        .next()
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
    fn remediation_words_are_found_as_words_only() {
        assert_eq!(
            remediation_word("sudo systemctl restart nginx"),
            Some("restart")
        );
        assert_eq!(remediation_word("rm -rf /tmp/x"), Some("rm"));
        assert_eq!(
            remediation_word("systemctl status nginx; grep stopped log"),
            None
        );
        assert_eq!(remediation_word("df -h | sort"), None);
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
