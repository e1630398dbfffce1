//! Colours by meaning, so panes never pick raw colours themselves.

use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Debug)]
pub struct Theme {
    pub text: Style,
    pub muted: Style,
    pub accent: Style,
    pub heading: Style,
    pub ok: Style,
    pub degraded: Style,
    pub danger: Style,
    pub selection: Style,
    pub code: Style,
    pub border: Style,
    pub border_focused: Style,
    pub status_bar: Style,
}

impl Theme {
    pub fn dark() -> Theme {
        Theme {
            text: Style::default(),
            muted: Style::default().fg(Color::DarkGray),
            accent: Style::default().fg(Color::Cyan),
            heading: Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            ok: Style::default().fg(Color::Green),
            degraded: Style::default().fg(Color::Yellow),
            danger: Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            selection: Style::default().add_modifier(Modifier::REVERSED),
            code: Style::default().fg(Color::Yellow),
            border: Style::default().fg(Color::DarkGray),
            border_focused: Style::default().fg(Color::Cyan),
            status_bar: Style::default().fg(Color::Black).bg(Color::Cyan),
        }
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
            danger: plain.add_modifier(Modifier::BOLD),
            selection: plain.add_modifier(Modifier::REVERSED),
            code: plain,
            border: plain,
            border_focused: plain.add_modifier(Modifier::BOLD),
            status_bar: plain.add_modifier(Modifier::REVERSED),
        }
    }
}
