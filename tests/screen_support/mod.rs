//! Draws on ratatui's TestBackend and returns the screen as text, a line per row.
#![allow(dead_code)]

use ratatui::backend::TestBackend;
use ratatui::{Frame, Terminal};

pub fn render(width: u16, height: u16, draw: impl FnOnce(&mut Frame)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(draw).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        for x in 0..width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
