//! Quoting a value for the place it stands in, so the shell reads it back as
//! exactly those bytes and never as code.

use super::syntax::Place;

/// Why a value cannot stand where it was asked to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unquotable {
    /// `sh` cannot hold a NUL byte anywhere.
    Nul,
    /// A newline would end the comment or start a line that ends the here-document.
    Newline,
    /// Inside backticks a `\` or `` ` `` is read twice, by rules shells disagree on.
    Backticks,
}

impl Unquotable {
    pub fn reason(self) -> &'static str {
        match self {
            Unquotable::Nul => "the value contains a NUL byte, which no shell can hold",
            Unquotable::Newline => {
                "the value contains a newline, and it stands in a comment or a here-document, where a newline would end that part and make the rest code"
            }
            Unquotable::Backticks => {
                "the value contains a backslash, a backtick or a character that needs one, and it stands inside backticks, where backslashes are read twice; write `$(…)` instead of backticks"
            }
        }
    }
}

/// The text to put in place of a placeholder at `place` so the shell sees `value`.
pub fn quote_for(place: &Place, value: &str) -> Result<String, Unquotable> {
    if value.contains('\0') {
        return Err(Unquotable::Nul);
    }
    Ok(match place {
        Place::Bare => shell_quote(value),
        Place::SingleQuoted => value.replace('\'', r"'\''"),
        Place::AnsiC if is_plain(value) => value.to_string(),
        // Close `$'…'`, add the value as its own quoted word, open it again.
        Place::AnsiC => format!("'{}$'", shell_quote(value)),
        Place::DoubleQuoted => escape(value, &['\\', '"', '$', '`']),
        Place::Heredoc { .. } | Place::Comment if value.contains('\n') => {
            return Err(Unquotable::Newline);
        }
        Place::Heredoc { quoted: true, .. } | Place::Comment => value.to_string(),
        Place::Heredoc { quoted: false, .. } => escape(value, &['\\', '$', '`']),
        Place::Backticks(inner) => in_backticks(inner, value)?,
    })
}

/// Inside `` `…` `` the shell removes one level of `\` before reading the
/// text, so only quoting without backslashes is used: `'` becomes `'"'"'`.
fn in_backticks(inner: &Place, value: &str) -> Result<String, Unquotable> {
    let single = |v: &str| v.replace('\'', r#"'"'"'"#);
    let quoted = match inner {
        Place::Bare if is_plain(value) => value.to_string(),
        Place::Bare => format!("'{}'", single(value)),
        Place::SingleQuoted => single(value),
        other => quote_for(other, value)?,
    };
    if value.contains(['`', '\\']) || quoted.contains('\\') {
        return Err(Unquotable::Backticks);
    }
    Ok(quoted)
}

/// POSIX single-quoting for a bare word: `it's` → `'it'\''s'`. Plain words stay readable.
pub fn shell_quote(value: &str) -> String {
    if is_plain(value) {
        return value.to_string();
    }
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// Characters no shell treats specially in any unquoted position.
fn is_plain(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c))
}

fn escape(value: &str, special: &[char]) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if special.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_place_gets_its_own_quoting() {
        let v = r#"a'b"c$(x)`y`\z"#;
        assert_eq!(quote_for(&Place::Bare, "shop-web").unwrap(), "shop-web");
        assert_eq!(
            quote_for(&Place::Bare, v).unwrap(),
            r#"'a'\''b"c$(x)`y`\z'"#
        );
        assert_eq!(
            quote_for(&Place::SingleQuoted, v).unwrap(),
            r#"a'\''b"c$(x)`y`\z"#
        );
        assert_eq!(
            quote_for(&Place::DoubleQuoted, v).unwrap(),
            r#"a'b\"c\$(x)\`y\`\\z"#
        );
        let in_backticks = Place::Backticks(Box::new(Place::Bare));
        assert_eq!(
            quote_for(&in_backticks, "$(x) it's").unwrap(),
            r#"'$(x) it'"'"'s'"#
        );
        assert_eq!(quote_for(&in_backticks, "a`b"), Err(Unquotable::Backticks));
        let comment = quote_for(&Place::Comment, "a\nreboot");
        assert_eq!(comment, Err(Unquotable::Newline));
        assert_eq!(quote_for(&Place::Bare, "a\0b"), Err(Unquotable::Nul));
    }
}
