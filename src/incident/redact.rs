//! Secrets never reach the disk: values of secret variables and common
//! credential shapes are replaced with `[REDACTED]` before anything is written.

use aho_corasick::{AhoCorasick, Input, MatchKind};
use memchr::memmem;
use std::borrow::Cow;
use std::sync::LazyLock;

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

/// The words that can start a credential, found in one pass over the text
/// lower-cased: each of [`SECRET_KEYS`], then `bearer `, `basic `. Matched
/// with case as given, so the search runs vectorised (a case-insensitive
/// automaton has no fast prefilter and took most of the time).
static TRIGGERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let words = SECRET_KEYS.iter().copied().chain(["bearer ", "basic "]);
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(words)
        .expect("a few short literal words always build")
});

/// [`SECRET_KEYS`] alone, in their order: at one position the first listed wins.
static KEYS: LazyLock<AhoCorasick> =
    LazyLock::new(|| case_insensitive(SECRET_KEYS.iter().copied()));

fn case_insensitive<'a>(words: impl IntoIterator<Item = &'a str>) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build(words)
        .expect("a few short literal words always build")
}

/// Which credential shapes a text may hold, from one scan.
#[derive(Default)]
struct Triggers {
    key: bool,
    bearer: bool,
    basic: bool,
}

impl Triggers {
    fn of(text: &str) -> Triggers {
        let mut found = Triggers::default();
        let lower = text.to_ascii_lowercase();
        for hit in TRIGGERS.find_iter(&lower) {
            match hit.pattern().as_usize().checked_sub(SECRET_KEYS.len()) {
                Some(0) => found.bearer = true,
                Some(_) => found.basic = true,
                None => found.key = true,
            }
            if found.key && found.bearer && found.basic {
                break;
            }
        }
        found
    }
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
        self.redacted(text).into_owned()
    }

    /// [`Redactor::redact`], borrowing `text` when it holds nothing to redact
    /// (most output): one vectorised search per secret and one scan for the
    /// words that start a credential decide that, without copying.
    pub fn redacted<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.secrets {
            if memmem::find(out.as_bytes(), secret.as_bytes()).is_some() {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
        // Only text holding a key (`password`…), `bearer ` or `basic ` is
        // walked again; the walks themselves are those of before.
        let triggers = Triggers::of(&out);
        if triggers.bearer {
            out = Cow::Owned(redact_after(&out, "bearer ", 8));
        }
        if triggers.basic {
            out = Cow::Owned(redact_after(&out, "basic ", 8));
        }
        if triggers.key {
            out = Cow::Owned(redact_key_values(&out));
        }
        if memmem::find(out.as_bytes(), b"AKIA").is_some() {
            out = Cow::Owned(redact_aws_keys(&out));
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
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    // Each key found from `i` on (the first listed wins at one position),
    // then the same checks a byte-by-byte walk would make.
    while let Some(hit) = KEYS.find(Input::new(text).span(i..text.len())) {
        let (start, key_len) = (hit.start(), hit.len());
        let mut j = start + key_len;
        let rest = &text[j..];
        let sep = rest.len() - rest.trim_start_matches(['"', '\'', ' ']).len();
        j += sep;
        if !text[j..].starts_with(['=', ':']) {
            i = start + key_len;
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
        i = end.max(start + key_len);
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

    /// The key=value walk as it was written first: a key tried at every byte.
    fn key_values_byte_walk(text: &str) -> String {
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
            j += rest.len() - rest.trim_start_matches(['"', '\'', ' ']).len();
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

    proptest::proptest! {
        /// The key=value scan finds exactly what a walk over every byte finds.
        #[test]
        fn the_key_scan_agrees_with_a_byte_walk(parts in proptest::collection::vec(0usize..16, 0..40)) {
            const PIECES: [&str; 16] = [
                "PassWord", "pwd", "passwd", "token", "=", ":", " ", "\"", "'", "x1",
                "$V", "é", "\n", "api_key", "apikey", "[REDACTED]",
            ];
            let text: String = parts.iter().map(|&p| PIECES[p]).collect();
            proptest::prop_assert_eq!(redact_key_values(&text), key_values_byte_walk(&text));
        }
    }

    #[test]
    fn log_lines_keep_everything_but_the_credentials() {
        let r = Redactor::new(["s3cr3t-bench".to_string()]);
        let chunk = "2026-11-22T03:00:00Z level=info msg=\"login\" user=alice duration=3ms\n\
                     2026-11-22T03:00:01Z level=warn msg=\"retry\" user=bob password=hunter2 duration=9ms\n\
                     auth=s3cr3t-bench TOKEN: abc Authorization: BASIC dXNlcjpwYXNz";
        assert_eq!(
            r.redact(chunk),
            "2026-11-22T03:00:00Z level=info msg=\"login\" user=alice duration=3ms\n\
             2026-11-22T03:00:01Z level=warn msg=\"retry\" user=bob password=[REDACTED] duration=9ms\n\
             auth=[REDACTED] TOKEN: [REDACTED] Authorization: BASIC [REDACTED]"
        );
        let clean = "2026-11-22T03:00:00Z level=info msg=\"ok\" user=carol duration=1ms";
        assert!(matches!(r.redacted(clean), Cow::Borrowed(_)));
    }
}
