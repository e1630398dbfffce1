//! What reaches the core (events) and what it asks the runtime to do (effects).

/// A key press, independent of the terminal library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    /// Auto-repeat from a held key: never allowed to confirm anything.
    pub repeat: bool,
}

impl Key {
    pub fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            repeat: false,
        }
    }

    pub fn char(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    pub fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            repeat: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyCode {
    Char(char),
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Key(Key),
    /// The wall clock, once a second: `HH:MM:SS` UTC and seconds since opening.
    Tick {
        utc: String,
        elapsed_secs: u64,
    },
    Resize {
        width: u16,
        height: u16,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
}
