//! The terminal: raw mode in, restored on every way out (return, panic, signal).

use crate::app::{Key, KeyCode};
use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, KeyEvent, KeyEventKind, KeyModifiers,
    MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::DefaultTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// What the input thread forwards to the runtime.
pub enum Input {
    Key(Key),
    Mouse(Mouse),
    Resize(u16, u16),
    /// Reading the terminal failed; the console cannot go on.
    Failed(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mouse {
    Click { column: u16, row: u16 },
    Wheel { column: u16, row: u16, down: bool },
}

/// Enters raw mode, the alternate screen and mouse reporting. ratatui's
/// panic hook restores the terminal before the panic message is printed;
/// ours, around it, turns mouse reporting off first.
pub fn enter() -> std::io::Result<DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        mouse_off();
        ratatui_hook(info);
    }));
    if MOUSE.load(Ordering::Relaxed) {
        let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    }
    Ok(terminal)
}

pub fn leave() {
    mouse_off();
    ratatui::restore();
    // The next screen (picker, then console) installs its own hook again.
    let _ = std::panic::take_hook();
}

/// Mouse reporting on (the default) or off (`mouse: false` in the config,
/// for terminals where a plain drag should select text).
static MOUSE: AtomicBool = AtomicBool::new(true);

pub fn set_mouse(on: bool) {
    MOUSE.store(on, Ordering::Relaxed);
}

fn mouse_off() {
    if MOUSE.load(Ordering::Relaxed) {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    }
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

/// Set while a command has the terminal: the input thread stops reading.
static PAUSED: AtomicBool = AtomicBool::new(false);
/// How long one wait of the input thread lasts, so that it sees `PAUSED` soon.
const INPUT_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// Hands the terminal to `run` (a command that needs it): input reading
/// stops, the screen, raw mode and mouse reporting are restored, and all are
/// taken back when `run` returns. The caller redraws the whole screen.
pub fn hand_over<T>(run: impl FnOnce() -> T) -> T {
    use crossterm::terminal::{EnterAlternateScreen, enable_raw_mode};
    PAUSED.store(true, Ordering::Relaxed);
    // The input thread finishes the wait it is in before the command reads.
    std::thread::sleep(INPUT_POLL * 2);
    mouse_off();
    ratatui::restore();
    let result = run();
    let _ = enable_raw_mode();
    let _ = crossterm::execute!(std::io::stdout(), EnterAlternateScreen);
    if MOUSE.load(Ordering::Relaxed) {
        let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    }
    PAUSED.store(false, Ordering::Relaxed);
    result
}

/// Blocking terminal reads live on their own thread so the async loop never waits on them.
fn spawn_input_thread(tx: UnboundedSender<Input>) {
    std::thread::spawn(move || {
        loop {
            // While a command has the terminal its keys are its own: no reading here.
            if PAUSED.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(20));
                continue;
            }
            match event::poll(INPUT_POLL) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(err) => {
                    let _ = tx.send(Input::Failed(err.to_string()));
                    return;
                }
            }
            let input = match event::read() {
                Ok(event::Event::Key(key)) => match convert_key(key) {
                    Some(key) => Input::Key(key),
                    None => continue,
                },
                Ok(event::Event::Resize(w, h)) => Input::Resize(w, h),
                Ok(event::Event::Mouse(mouse)) => match convert_mouse(mouse) {
                    Some(mouse) => Input::Mouse(mouse),
                    None => continue,
                },
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

fn convert_mouse(mouse: MouseEvent) -> Option<Mouse> {
    let (column, row) = (mouse.column, mouse.row);
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Mouse::Click { column, row }),
        MouseEventKind::ScrollDown => Some(Mouse::Wheel {
            column,
            row,
            down: true,
        }),
        MouseEventKind::ScrollUp => Some(Mouse::Wheel {
            column,
            row,
            down: false,
        }),
        _ => None,
    }
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
