//! A theme file (`themes/*.yaml`) into a `Theme`: keys by meaning, values a
//! colour or `{fg, bg, bold, …}`. Unknown keys are errors: a typo would
//! otherwise silently keep the default colour.

use super::theme::Theme;
use crate::yaml_file::{self, FileError};
use ratatui::style::{Color, Modifier, Style};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;

#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    /// A bundled theme that supplies the keys this file leaves out (default: dark).
    base: Option<String>,
    text: Option<StyleSpec>,
    muted: Option<StyleSpec>,
    accent: Option<StyleSpec>,
    heading: Option<StyleSpec>,
    ok: Option<StyleSpec>,
    degraded: Option<StyleSpec>,
    down: Option<StyleSpec>,
    unknown: Option<StyleSpec>,
    danger: Option<StyleSpec>,
    selection: Option<StyleSpec>,
    code: Option<StyleSpec>,
    border: Option<StyleSpec>,
    border_focused: Option<StyleSpec>,
    status_bar: Option<StyleSpec>,
    search_match: Option<StyleSpec>,
}

/// Parses a user's theme; keys it leaves out come from its `base` (default: dark).
pub fn parse(text: &str, file: &str) -> Result<Theme, FileError> {
    parse_over(text, file, Theme::dark)
}

/// Bundled themes are complete; they fall back to nothing coloured, and
/// never to another bundled theme, so building one never recurses.
pub(super) fn parse_bundled(text: &str, file: &str) -> Result<Theme, FileError> {
    parse_over(text, file, Theme::monochrome)
}

fn parse_over(text: &str, file: &str, default: fn() -> Theme) -> Result<Theme, FileError> {
    let parsed: ThemeFile = yaml_file::parse(text, file)?;
    let base = match parsed.base.as_deref() {
        None => None,
        Some(name) => Some(Theme::bundled(name).ok_or_else(|| FileError {
            file: file.to_string(),
            line: line_of(text, "base:"),
            col: 1,
            message: format!(
                "unknown base theme `{name}` (bundled: {})",
                super::theme::BUNDLED
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?),
    };
    let base = base.unwrap_or_else(default);
    let pick = |spec: Option<StyleSpec>, fallback: Style| spec.map_or(fallback, |s| s.0);
    Ok(Theme {
        text: pick(parsed.text, base.text),
        muted: pick(parsed.muted, base.muted),
        accent: pick(parsed.accent, base.accent),
        heading: pick(parsed.heading, base.heading),
        ok: pick(parsed.ok, base.ok),
        degraded: pick(parsed.degraded, base.degraded),
        down: pick(parsed.down, base.down),
        unknown: pick(parsed.unknown, base.unknown),
        danger: pick(parsed.danger, base.danger),
        selection: pick(parsed.selection, base.selection),
        code: pick(parsed.code, base.code),
        border: pick(parsed.border, base.border),
        border_focused: pick(parsed.border_focused, base.border_focused),
        status_bar: pick(parsed.status_bar, base.status_bar),
        search_match: pick(parsed.search_match, base.search_match),
    })
}

fn line_of(text: &str, prefix: &str) -> u64 {
    text.lines()
        .position(|l| l.trim_start().starts_with(prefix))
        .map_or(1, |n| n as u64 + 1)
}

/// One style: `green`, `"#ff8800"`, `208`, or `{fg, bg, bold, dim, italic, underlined, reversed}`.
struct StyleSpec(Style);

impl<'de> Deserialize<'de> for StyleSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StyleVisitor)
    }
}

struct StyleVisitor;

impl<'de> Visitor<'de> for StyleVisitor {
    type Value = StyleSpec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a colour (green, \"#rrggbb\", 0-255) or a map like {fg: cyan, bold: true}")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<StyleSpec, E> {
        Ok(StyleSpec(Style::default().fg(colour(value)?)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<StyleSpec, E> {
        self.visit_str(&value.to_string())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StyleSpec, A::Error> {
        let mut style = Style::default();
        while let Some(key) = map.next_key::<String>()? {
            let modifier = match key.as_str() {
                "fg" => {
                    style = style.fg(colour(&map.next_value::<ColourText>()?.0)?);
                    continue;
                }
                "bg" => {
                    style = style.bg(colour(&map.next_value::<ColourText>()?.0)?);
                    continue;
                }
                "bold" => Modifier::BOLD,
                "dim" => Modifier::DIM,
                "italic" => Modifier::ITALIC,
                "underlined" => Modifier::UNDERLINED,
                "reversed" => Modifier::REVERSED,
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown style key `{other}` (fg, bg, bold, dim, italic, underlined, reversed)"
                    )));
                }
            };
            if map.next_value::<bool>()? {
                style = style.add_modifier(modifier);
            }
        }
        Ok(StyleSpec(style))
    }
}

/// A colour written as text or as a bare number (`208`).
struct ColourText(String);

impl<'de> Deserialize<'de> for ColourText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ColourText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a colour")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ColourText, E> {
                Ok(ColourText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ColourText, E> {
                Ok(ColourText(v.to_string()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

fn colour<E: de::Error>(text: &str) -> Result<Color, E> {
    text.parse::<Color>().map_err(|_| {
        E::custom(format!(
            "`{text}` is not a colour: use a name (green, dark-gray, light-blue …), \"#rrggbb\" or 0-255"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_themes_set_every_key() {
        for (name, text) in super::super::theme::BUNDLED {
            let over_mono = parse_over(text, name, Theme::monochrome).unwrap();
            let over_hc = parse_over(text, name, Theme::high_contrast).unwrap();
            assert_eq!(over_mono, over_hc, "{name} leaves a key to its base");
        }
    }

    #[test]
    fn colours_come_as_names_hex_numbers_or_maps() {
        let theme = parse(
            "ok: green\ndown: {fg: \"#ff8800\", bg: 17, bold: true}\nmuted: 244\n",
            "t.yaml",
        )
        .unwrap();
        assert_eq!(theme.ok, Style::default().fg(Color::Green));
        assert_eq!(
            theme.down,
            Style::default()
                .fg(Color::Rgb(255, 136, 0))
                .bg(Color::Indexed(17))
                .add_modifier(Modifier::BOLD)
        );
        assert_eq!(theme.muted, Style::default().fg(Color::Indexed(244)));
        assert_eq!(theme.accent, Theme::dark().accent, "left out: from dark");
    }

    #[test]
    fn mistakes_name_the_file_and_line() {
        let err = parse("ok: green\ndown: gren\n", "mine.yaml").unwrap_err();
        assert_eq!((err.file.as_str(), err.line), ("mine.yaml", 2), "{err}");
        assert!(err.message.contains("`gren` is not a colour"), "{err}");

        let err = parse("ok: green\n\nokk: blue\n", "mine.yaml").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains("okk"), "{err}");

        let err = parse("ok: {fg: blue, blink: true}\n", "mine.yaml").unwrap_err();
        assert!(err.message.contains("blink"), "{err}");

        let err = parse("base: sepia\nok: blue\n", "mine.yaml").unwrap_err();
        assert!(err.message.contains("sepia"), "{err}");

        let err = parse("ok: [unclosed\n", "mine.yaml").unwrap_err();
        assert_eq!(err.file, "mine.yaml");
    }

    #[test]
    fn a_base_supplies_the_missing_keys() {
        let theme = parse("base: light\nok: blue\n", "t.yaml").unwrap();
        assert_eq!(theme.accent, Theme::light().accent);
        assert_eq!(theme.ok, Style::default().fg(Color::Blue));
    }
}
