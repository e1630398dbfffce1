//! The terminal: raw mode in, restored on every way out (return, panic, signal).

use crate::app::{Key, KeyCode};
use crossterm::event::{self, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::DefaultTerminal;
use std::sync::Mutex;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// What the input thread forwards to the runtime.
pub enum Input {
    Key(Key),
    Resize(u16, u16),
    /// Reading the terminal failed; the console cannot go on.
    Failed(String),
}

/// Enters raw mode and the alternate screen. ratatui's panic hook restores
/// the terminal before the panic message is printed.
pub fn enter() -> std::io::Result<DefaultTerminal> {
    ratatui::try_init()
}

pub fn leave() {
    ratatui::restore();
}

/// The one input thread's receiver while nobody holds it.
static INPUT: Mutex<Option<UnboundedReceiver<Input>>> = Mutex::new(None);

/// The terminal's input. One thread reads it for the whole process (a second
/// reader would steal keys), so the picker hands its receiver on to the console.
pub fn take_input() -> UnboundedReceiver<Input> {
    let parked = INPUT.lock().map(|mut slot| slot.take()).unwrap_or(None);
    match parked {
        Some(mut rx) => {
            // Keys typed between two screens were meant for the old one.
            while rx.try_recv().is_ok() {}
            rx
        }
        None => {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            spawn_input_thread(tx);
            rx
        }
    }
}

/// Parks the receiver for the next screen.
pub fn return_input(rx: UnboundedReceiver<Input>) {
    if let Ok(mut slot) = INPUT.lock() {
        *slot = Some(rx);
    }
}

/// Blocking terminal reads live on their own thread so the async loop never waits on them.
fn spawn_input_thread(tx: UnboundedSender<Input>) {
    std::thread::spawn(move || {
        loop {
            let input = match event::read() {
                Ok(event::Event::Key(key)) => match convert_key(key) {
                    Some(key) => Input::Key(key),
                    None => continue,
                },
                Ok(event::Event::Resize(w, h)) => Input::Resize(w, h),
                Ok(_) => continue,
                Err(err) => Input::Failed(err.to_string()),
            };
            let failed = matches!(input, Input::Failed(_));
            if tx.send(input).is_err() || failed {
                return;
            }
        }
    });
}

fn convert_key(key: KeyEvent) -> Option<Key> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let code = match key.code {
        event::KeyCode::Char(c) => KeyCode::Char(c),
        event::KeyCode::Up => KeyCode::Up,
        event::KeyCode::Down => KeyCode::Down,
        event::KeyCode::Left => KeyCode::Left,
        event::KeyCode::Right => KeyCode::Right,
        event::KeyCode::PageUp => KeyCode::PageUp,
        event::KeyCode::PageDown => KeyCode::PageDown,
        event::KeyCode::Home => KeyCode::Home,
        event::KeyCode::End => KeyCode::End,
        event::KeyCode::Enter => KeyCode::Enter,
        event::KeyCode::Esc => KeyCode::Esc,
        event::KeyCode::Tab => KeyCode::Tab,
        event::KeyCode::BackTab => KeyCode::BackTab,
        event::KeyCode::Backspace => KeyCode::Backspace,
        _ => return None,
    };
    Some(Key {
        code,
        ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
        repeat: key.kind == KeyEventKind::Repeat,
    })
}
