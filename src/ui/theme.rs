//! Colours by meaning, so panes never pick raw colours themselves.
//! The bundled themes live in `themes/*.yaml` and are compiled in.

use ratatui::style::{Modifier, Style};

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub text: Style,
    pub muted: Style,
    pub accent: Style,
    pub heading: Style,
    pub ok: Style,
    pub degraded: Style,
    /// A check that is down.
    pub down: Style,
    /// A check not yet probed.
    pub unknown: Style,
    /// Remediations, failures, refusals.
    pub danger: Style,
    pub selection: Style,
    pub code: Style,
    pub border: Style,
    pub border_focused: Style,
    pub status_bar: Style,
    /// Search hits in the output pane.
    pub search_match: Style,
}

/// The themes shipped inside the binary: `--theme NAME` picks one.
pub const BUNDLED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.yaml")),
    ("light", include_str!("../../themes/light.yaml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.yaml"),
    ),
];

impl Theme {
    /// A bundled theme by name.
    pub fn bundled(name: &str) -> Option<Theme> {
        let (_, text) = BUNDLED.iter().find(|(n, _)| *n == name)?;
        // Bundled files are checked by a unit test; monochrome is a safe floor.
        let parsed = super::theme_file::parse_bundled(text, &format!("themes/{name}.yaml"));
        Some(parsed.unwrap_or_else(|_| Theme::monochrome()))
    }

    pub fn dark() -> Theme {
        Theme::bundled("dark").unwrap_or_else(Theme::monochrome)
    }

    pub fn light() -> Theme {
        Theme::bundled("light").unwrap_or_else(Theme::monochrome)
    }

    pub fn high_contrast() -> Theme {
        Theme::bundled("high-contrast").unwrap_or_else(Theme::monochrome)
    }

    /// `NO_COLOR`: structure by modifiers only.
    pub fn monochrome() -> Theme {
        let plain = Style::default();
        Theme {
            text: plain,
            muted: plain.add_modifier(Modifier::DIM),
            accent: plain.add_modifier(Modifier::BOLD),
            heading: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            ok: plain,
            degraded: plain.add_modifier(Modifier::UNDERLINED),
            down: plain.add_modifier(Modifier::BOLD | Modifier::REVERSED),
            unknown: plain.add_modifier(Modifier::DIM),
            danger: plain.add_modifier(Modifier::BOLD),
            selection: plain.add_modifier(Modifier::REVERSED),
            code: plain,
            border: plain,
            border_focused: plain.add_modifier(Modifier::BOLD),
            status_bar: plain.add_modifier(Modifier::REVERSED),
            search_match: plain.add_modifier(Modifier::REVERSED | Modifier::UNDERLINED),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_theme_parses_and_differs_from_the_others() {
        let themes: Vec<Theme> = BUNDLED
            .iter()
            .map(|(name, text)| {
                super::super::theme_file::parse_bundled(text, name)
                    .unwrap_or_else(|err| panic!("bundled theme {name}: {err}"))
            })
            .collect();
        assert_ne!(themes[0], themes[1]);
        assert_ne!(themes[1], themes[2]);
        assert_ne!(themes[0], Theme::monochrome());
    }
}
