//! What reaches the core (events) and what it asks the runtime to do (effects).

use super::runs::RunResult;
use crate::incident::Entry;

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

/// What a mouse click landed on, worked out by the drawing side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    Step(usize),
    /// The n-th command of the selected step.
    Command(usize),
    Pane(super::state::Focus),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Key(Key),
    /// A left click; it selects, it never runs or confirms anything.
    Click(Hit),
    /// The wheel over a pane.
    Scroll {
        pane: super::state::Focus,
        down: bool,
    },
    /// The wall clock, once a second: `HH:MM:SS` UTC and seconds since opening.
    Tick {
        utc: String,
        elapsed_secs: u64,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// The panes as the screen lays them out now (`ui::measure`), sent
    /// before each key and click so they act on what is on screen.
    Measured(super::viewport::Viewport),
    /// Output lines of a run, in batches.
    Output {
        run: u64,
        lines: Vec<String>,
    },
    /// One host of a run began.
    HostStarted {
        run: u64,
        host: usize,
    },
    /// One host of a run ended: recorded in the incident log.
    HostFinished {
        run: u64,
        host: usize,
        result: crate::plan::outcome::HostResult,
        output_file: String,
        last_lines: Vec<String>,
    },
    /// Every host of a run ended.
    Finished {
        run: u64,
        result: RunResult,
    },
    /// The run could not start (no `sh`, no SSH connection, ...).
    RunFailed {
        run: u64,
        error: String,
    },
    /// A health probe finished `at` (since the console started); the core
    /// damps it into the check's state.
    Probed {
        check: String,
        outcome: crate::health::outcome::Outcome,
        at: std::time::Duration,
    },
    /// Alertmanager answered a claim: the event to record, or why it failed.
    AlertClaimed(Result<Entry, String>),
    /// The incident was closed (or could not be): what to tell the responder.
    IncidentClosed {
        message: String,
        /// Silences the closed incident still holds: id and Alertmanager.
        silences: Vec<(String, String)>,
    },
    /// The incident log could not be written; the console goes on.
    LogFailed {
        error: String,
    },
    /// The playbook file changed on disk and parsed; `sha256` of the bytes
    /// read, for the record of which version was followed.
    Reloaded {
        playbook: Box<crate::playbook::Playbook>,
        sha256: String,
    },
    /// The console was opened from a firing alert: shown first, and kept
    /// on the status line.
    OpenedFromAlert {
        name: String,
        notice: String,
        /// From the alerts list, which `q` goes back to.
        from_list: bool,
    },
    /// Opened from the playbook list (bare `opsdeck`), which `q` goes back to.
    OpenedFromList,
    /// Something the runtime has to say on the status line (a check that
    /// could not start, live reload off, the data dir not writable).
    Notice(String),
    /// The open incident of this playbook goes on: its step marks are
    /// replayed from `entries`.
    Resumed {
        id: String,
        events: usize,
        entries: Vec<Entry>,
        torn: bool,
    },
    /// The playbook file changed on disk and does not parse: `file:line:col: message`.
    ReloadFailed {
        error: String,
    },
}

/// What the core asks the runtime to do. Effects run in order, before the next frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Quit,
    /// Values that must never reach the log or the screen; sent before the
    /// records that contain them.
    Secrets(Vec<String>),
    /// Append to the incident log (fsync'd), creating the incident on first use.
    Record(Entry),
    /// Append only if an incident is already open (health changes do not start one).
    RecordIfOpen(Entry),
    Run {
        run: u64,
        /// Exactly what the confirmation showed: script, hosts and their settings.
        plan: Box<crate::plan::Plan>,
        /// The playbook as it was confirmed (a `promql` block's Prometheus
        /// comes from it), never a newer file on disk.
        playbook: Box<crate::playbook::Playbook>,
    },
    Cancel {
        run: u64,
    },
    /// The playbook's checks changed on reload: stop the old ones, start these.
    RestartHealth(Box<crate::playbook::Playbook>),
    /// Silence the alert the console was opened from, as the responder's claim.
    ClaimAlert,
    /// Append `closed` to the open incident and let it go: the next record
    /// starts a new one.
    CloseIncident {
        summary: String,
    },
    /// Expire these silences (id, Alertmanager) at Alertmanager.
    ExpireSilences(Vec<(String, String)>),
}
