//! What each key does in the console, by action name, so the config file can
//! change it (`keys: {note: m, quit: [q, ctrl-q]}`) and the help shows what
//! is in force. Dialog keys (`y`, the typed target) are fixed: they guard
//! against accidents and must be the same on every machine.

use super::event::Key;
pub use super::keyspec::{KeyList, KeySpec};
use super::state::Focus;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Down,
    Up,
    First,
    Last,
    NextPane,
    PrevPane,
    Open,
    Run,
    Back,
    PageUp,
    PageDown,
    Done,
    Skip,
    Note,
    Escalation,
    CloseIncident,
    ClaimAlert,
    Search,
    NextMatch,
    PrevMatch,
    Wrap,
    ScrollLeft,
    ScrollRight,
    Cancel,
    Help,
    Quit,
    Values,
    Details,
}

use Action::*;

const DEFAULTS: &[(Action, &[&str])] = &[
    (Down, &["j", "down"]),
    (Up, &["k", "up"]),
    (First, &["g", "home"]),
    (Last, &["G", "end"]),
    (NextPane, &["tab"]),
    (PrevPane, &["shift-tab"]),
    (Open, &["l", "right"]),
    (Run, &["enter"]),
    (Back, &["h", "left", "esc"]),
    (PageUp, &["pgup"]),
    (PageDown, &["pgdn"]),
    (Done, &["space"]),
    (Skip, &["s"]),
    (Note, &["n"]),
    (Escalation, &["e"]),
    (CloseIncident, &["X"]),
    (ClaimAlert, &["C"]),
    (Search, &["/"]),
    (NextMatch, &["n"]),
    (PrevMatch, &["N"]),
    (Wrap, &["w"]),
    (ScrollLeft, &["left"]),
    (ScrollRight, &["right"]),
    (Cancel, &["ctrl-c"]),
    (Help, &["?"]),
    (Quit, &["q"]),
    (Values, &["v"]),
    (Details, &["i"]),
];

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Down => "down",
            Up => "up",
            First => "first",
            Last => "last",
            NextPane => "next_pane",
            PrevPane => "prev_pane",
            Open => "open",
            Run => "run",
            Back => "back",
            PageUp => "page_up",
            PageDown => "page_down",
            Done => "done",
            Skip => "skip",
            Note => "note",
            Escalation => "escalation",
            CloseIncident => "close_incident",
            ClaimAlert => "claim_alert",
            Search => "search",
            NextMatch => "next_match",
            PrevMatch => "prev_match",
            Wrap => "wrap",
            ScrollLeft => "scroll_left",
            ScrollRight => "scroll_right",
            Cancel => "cancel",
            Help => "help",
            Quit => "quit",
            Values => "values",
            Details => "details",
        }
    }

    /// Actions of the output pane only; there they come before the others,
    /// so `n` can be "next match" there and "note" elsewhere, and ←/→
    /// scroll sideways there and go back/open elsewhere.
    fn output_only(self) -> bool {
        matches!(
            self,
            NextMatch | PrevMatch | Wrap | ScrollLeft | ScrollRight
        )
    }
}

/// Every action with its keys, in help order.
#[derive(Clone, Debug, PartialEq)]
pub struct Keymap {
    bindings: Vec<(Action, Vec<KeySpec>)>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        let bindings = DEFAULTS
            .iter()
            .map(|(action, keys)| {
                let keys = keys.iter().filter_map(|k| k.parse().ok()).collect();
                (*action, keys)
            })
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// The defaults with the user's bindings in place of those actions' keys.
    /// A key the user gives one action is taken from any other action of the
    /// same scope that only had it by default; two user bindings of one key
    /// in one scope are an error.
    /// The error names the action it is about, so the config can point at it.
    pub fn with(overrides: &[(Action, Vec<KeySpec>)]) -> Result<Keymap, (Action, String)> {
        let mut keymap = Keymap::default();
        for (action, keys) in overrides {
            if keys.is_empty() {
                return Err((
                    *action,
                    format!("`{}` needs at least one key", action.name()),
                ));
            }
            for (other, other_keys) in overrides {
                let same_scope = other < action && other.output_only() == action.output_only();
                if let Some(key) = keys.iter().find(|k| other_keys.contains(k))
                    && same_scope
                {
                    return Err((
                        *action,
                        format!(
                            "`{key}` is bound to both `{}` and `{}`",
                            other.name(),
                            action.name()
                        ),
                    ));
                }
            }
        }
        for (action, keys) in overrides {
            for (other, other_keys) in keymap.bindings.iter_mut() {
                if other.output_only() == action.output_only() {
                    other_keys.retain(|k| !keys.contains(k));
                }
            }
            if let Some((_, bound)) = keymap.bindings.iter_mut().find(|(a, _)| a == action) {
                *bound = keys.clone();
            }
        }
        Ok(keymap)
    }

    /// The action of `key` in the pane with focus; held keys act like presses.
    pub fn action(&self, key: Key, focus: Focus) -> Option<Action> {
        let spec = KeySpec {
            code: key.code,
            ctrl: key.ctrl,
        };
        let find = |output_only: bool| {
            self.bindings
                .iter()
                .find(|(action, keys)| action.output_only() == output_only && keys.contains(&spec))
                .map(|(action, _)| *action)
        };
        if focus == Focus::Output {
            find(true).or_else(|| find(false))
        } else {
            find(false)
        }
    }

    pub fn keys(&self, action: Action) -> &[KeySpec] {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map_or(&[], |(_, keys)| keys.as_slice())
    }

    /// `j ↓`: every key of an action, for the help.
    pub fn label(&self, action: Action) -> String {
        let keys: Vec<String> = self.keys(action).iter().map(ToString::to_string).collect();
        keys.join(" ")
    }

    /// The first key of an action, for one-line hints.
    pub fn hint(&self, action: Action) -> String {
        self.keys(action)
            .first()
            .map_or_else(|| "?".into(), ToString::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::event::KeyCode;

    fn spec(text: &str) -> KeySpec {
        text.parse().unwrap()
    }

    #[test]
    fn keys_parse_and_print() {
        assert_eq!(
            spec("ctrl-c"),
            KeySpec {
                code: KeyCode::Char('c'),
                ctrl: true
            }
        );
        assert_eq!(spec("C-X").to_string(), "Ctrl-X");
        assert_eq!(
            spec("G"),
            KeySpec {
                code: KeyCode::Char('G'),
                ctrl: false
            }
        );
        assert_eq!(spec("PgDn").to_string(), "PgDn");
        assert_eq!(spec("space").to_string(), "space");
        assert_eq!(spec("-").code, KeyCode::Char('-'));
        assert!("ctrl".parse::<KeySpec>().is_err());
        assert!("jj".parse::<KeySpec>().is_err());
    }

    #[test]
    fn n_is_next_match_in_the_output_pane_and_note_elsewhere() {
        let keymap = Keymap::default();
        let n = Key::char('n');
        assert_eq!(keymap.action(n, Focus::Output), Some(NextMatch));
        assert_eq!(keymap.action(n, Focus::Steps), Some(Note));
        assert_eq!(keymap.action(Key::char('j'), Focus::Output), Some(Down));
        assert_eq!(keymap.action(Key::char('N'), Focus::Body), None);
    }

    #[test]
    fn a_user_binding_takes_its_key_from_the_defaults_but_clashes_are_errors() {
        let keymap =
            Keymap::with(&[(Help, vec![spec("h")]), (Quit, vec![spec("ctrl-q")])]).unwrap();
        assert_eq!(keymap.action(Key::char('h'), Focus::Body), Some(Help));
        assert_eq!(keymap.label(Back), "← Esc", "h left `back`");
        assert_eq!(keymap.action(Key::char('q'), Focus::Steps), None);
        assert_eq!(keymap.action(Key::ctrl('q'), Focus::Steps), Some(Quit));

        let clash = Keymap::with(&[(Help, vec![spec("x")]), (Note, vec![spec("x")])]);
        assert!(clash.unwrap_err().1.contains("bound to both"));
        assert!(Keymap::with(&[(Quit, vec![])]).is_err());
        // Different scopes may share a key, as n does by default.
        assert!(Keymap::with(&[(NextMatch, vec![spec("m")]), (Note, vec![spec("m")])]).is_ok());
    }
}
