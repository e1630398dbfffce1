//! Keys as people write them in the config file (`j`, `G`, `space`,
//! `ctrl-c`, `pgdn`, `shift-tab`) and as the help shows them (`Ctrl-C`, `↓`).

use super::event::KeyCode;
use std::fmt;

/// Keys as the user writes them: `j`, `G`, `space`, `enter`, `ctrl-c`, `pgdn`, `shift-tab`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl std::str::FromStr for KeySpec {
    type Err = String;

    fn from_str(text: &str) -> Result<KeySpec, String> {
        let lower = text.to_ascii_lowercase();
        let (ctrl, rest) = ["ctrl-", "ctrl+", "c-"]
            .iter()
            .find_map(|p| {
                lower
                    .strip_prefix(p)
                    .map(|r| (true, &text[text.len() - r.len()..]))
            })
            .unwrap_or((false, text));
        let named = match rest.to_ascii_lowercase().as_str() {
            "space" => Some(KeyCode::Char(' ')),
            "enter" | "return" => Some(KeyCode::Enter),
            "esc" | "escape" => Some(KeyCode::Esc),
            "tab" => Some(KeyCode::Tab),
            "shift-tab" | "backtab" => Some(KeyCode::BackTab),
            "backspace" => Some(KeyCode::Backspace),
            "up" => Some(KeyCode::Up),
            "down" => Some(KeyCode::Down),
            "left" => Some(KeyCode::Left),
            "right" => Some(KeyCode::Right),
            "pgup" | "pageup" => Some(KeyCode::PageUp),
            "pgdn" | "pagedown" => Some(KeyCode::PageDown),
            "home" => Some(KeyCode::Home),
            "end" => Some(KeyCode::End),
            _ => None,
        };
        let mut chars = rest.chars();
        let code = match (named, chars.next(), chars.next()) {
            (Some(code), _, _) => code,
            // Ctrl with a letter arrives lower-case from the terminal.
            (None, Some(c), None) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            (None, Some(c), None) => KeyCode::Char(c),
            _ => {
                return Err(format!(
                    "`{text}` is not a key: use a character (j, G, /), a name (space, enter, esc, tab, shift-tab, backspace, up, down, left, right, pgup, pgdn, home, end) or ctrl-X"
                ));
            }
        };
        Ok(KeySpec { code, ctrl })
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) if self.ctrl => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
        }
    }
}

impl<'de> serde::Deserialize<'de> for KeySpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One key or a list of keys, as the config file gives an action.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyList(pub Vec<KeySpec>);

impl<'de> serde::Deserialize<'de> for KeyList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = KeyList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key (`j`, `ctrl-c`) or a list of keys")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<KeyList, E> {
                Ok(KeyList(vec![v.parse().map_err(E::custom)?]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<KeyList, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = seq.next_element::<KeySpec>()? {
                    keys.push(key);
                }
                Ok(KeyList(keys))
            }
        }
        deserializer.deserialize_any(V)
    }
}
