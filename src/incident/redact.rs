//! Secrets never reach the disk: values of secret variables and common
//! credential shapes are replaced with `[REDACTED]` before anything is written.

pub const REDACTED: &str = "[REDACTED]";

/// Keys whose value is a credential in `key=value` or `key: value` form.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "api_key",
    "apikey",
    "access_key",
];

#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// Longest first, so a secret containing another is replaced whole.
    secrets: Vec<String>,
}

impl Redactor {
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Redactor {
        let mut secrets: Vec<String> = secrets.into_iter().filter(|s| s.len() >= 3).collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    pub fn add_secret(&mut self, secret: String) {
        self.secrets.push(secret);
        let secrets = std::mem::take(&mut self.secrets);
        *self = Redactor::new(secrets);
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        // Most output holds no credential shape at all: a few vectorised
        // searches, without copying, decide that before any rewriting.
        let maybe_auth = ["earer ", "EARER ", "asic ", "ASIC "]
            .iter()
            .any(|n| out.contains(n));
        let maybe_pair = out.contains('=') || out.contains(':');
        if maybe_auth || maybe_pair {
            let lower = out.to_ascii_lowercase();
            if lower.contains("bearer ") {
                out = redact_after(&out, "bearer ", 8);
            }
            if lower.contains("basic ") {
                out = redact_after(&out, "basic ", 8);
            }
            if SECRET_KEYS.iter().any(|key| lower.contains(key)) {
                out = redact_key_values(&out);
            }
        }
        if out.contains("AKIA") {
            out = redact_aws_keys(&out);
        }
        out
    }
}

/// `Authorization: Bearer abc…` → `Authorization: Bearer [REDACTED]`.
fn redact_after(text: &str, marker: &str, min_len: usize) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(at) = lower[search..].find(marker) {
        let start = search + at + marker.len();
        let end = token_end(text, start);
        if end - start >= min_len && &text[start..end] != REDACTED {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
        }
        search = end.max(start);
    }
    out.push_str(&text[copied..]);
    out
}

/// `password=hunter2`, `token: abc`, `"secret": "x"` → the value redacted.
fn redact_key_values(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < text.len() {
        let Some(key) = SECRET_KEYS.iter().find(|k| lower[i..].starts_with(*k)) else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let mut j = i + key.len();
        let rest = &text[j..];
        let sep = rest.len() - rest.trim_start_matches(['"', '\'', ' ']).len();
        j += sep;
        if !text[j..].starts_with(['=', ':']) {
            i += key.len();
            continue;
        }
        j += 1;
        j += text[j..].len() - text[j..].trim_start_matches([' ', '"', '\'']).len();
        let end = token_end(text, j);
        if end > j && !text[j..end].starts_with('$') && &text[j..end] != REDACTED {
            out.push_str(&text[copied..j]);
            out.push_str(REDACTED);
            copied = end;
        }
        i = end.max(i + key.len());
    }
    out.push_str(&text[copied..]);
    out
}

/// AWS access key ids: `AKIA` and 16 upper-case letters or digits.
fn redact_aws_keys(text: &str) -> String {
    let mut out = text.to_string();
    while let Some(at) = find_aws_key(&out) {
        out.replace_range(at..at + 20, REDACTED);
    }
    out
}

fn find_aws_key(text: &str) -> Option<usize> {
    text.match_indices("AKIA").map(|(i, _)| i).find(|&i| {
        text.as_bytes().get(i..i + 20).is_some_and(|key| {
            key.iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
    })
}

fn token_end(text: &str, start: usize) -> usize {
    text[start..]
        .find(|c: char| c.is_whitespace() || "\"',;&|)".contains(c))
        .map_or(text.len(), |n| start + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_and_credential_shapes_are_redacted() {
        let r = Redactor::new(["s3cr3t-value".to_string()]);
        assert_eq!(
            r.redact("login with s3cr3t-value now"),
            "login with [REDACTED] now"
        );
        assert_eq!(
            r.redact("curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload'"),
            "curl -H 'Authorization: Bearer [REDACTED]'"
        );
        assert_eq!(
            r.redact("psql password=hunter2 host=db"),
            "psql password=[REDACTED] host=db"
        );
        assert_eq!(
            r.redact(r#"{"token": "abc123"}"#),
            r#"{"token": "[REDACTED]"}"#
        );
        assert_eq!(r.redact("key AKIAABCDEFGHIJKLMNOP."), "key [REDACTED].");
    }

    #[test]
    fn ordinary_text_and_variables_are_left_alone() {
        let r = Redactor::default();
        for text in [
            "df -h /",
            "password=$PGPASSWORD",
            "the token bucket is full",
            "tokens: 5 used",
        ] {
            assert_eq!(r.redact(text), text);
        }
    }
}
