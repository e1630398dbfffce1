//! Everything the screen shows, and nothing about how it is drawn.

use super::confirm::Confirm;
use super::runs::OutputPane;
use crate::playbook::Playbook;
use crate::playbook::model::Command;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StepStatus {
    #[default]
    Pending,
    Done,
    Skipped,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Focus {
    #[default]
    Steps,
    Body,
    Output,
}

pub use crate::plan::Mode;

/// A one-line question: a placeholder's value, or a note.
#[derive(Clone, Debug, PartialEq)]
pub struct Prompt {
    pub purpose: PromptPurpose,
    pub label: String,
    pub input: String,
    /// A secret variable: shown as dots, never logged.
    pub secret: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PromptPurpose {
    /// Fill `{{name}}`, then go on to confirm `command_id`.
    Variable {
        name: String,
        command_id: String,
    },
    Note,
    /// The summary of the incident being closed; Enter closes it.
    CloseIncident,
    /// The alert's name typed to claim it.
    ClaimAlert,
    /// `y` expires the silences (id, Alertmanager) the closed incident held.
    ExpireSilences(Vec<(String, String)>),
    /// A new value for placeholder `name`, from the values view.
    ChangeValue {
        name: String,
    },
}

/// At most one dialog at a time; it takes every key.
#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    Help,
    Escalation,
    Confirm(Confirm),
    Prompt(Prompt),
    /// `q` while a command runs.
    QuitWhileRunning,
    /// Something the responder must see before going on (a confirmation
    /// cancelled by a reload); swallows keys until Enter, Esc or q, so letters
    /// typed for the vanished dialog never reach the console's shortcuts.
    Notice(String),
    /// `/`: the output search being typed.
    Search(String),
    /// `v`: the values in force, the selected row's index.
    Values(usize),
    /// `i`: what the panes cut, whole; the rows scrolled past.
    Details(u16),
}

#[derive(Clone, Debug)]
pub struct State {
    pub playbook: Playbook,
    /// The file shown in the status bar.
    pub source_name: String,
    /// Relative paths in the playbook's SSH settings are resolved against it.
    pub playbook_dir: std::path::PathBuf,
    /// The kubeconfig's contexts pinned for the incident (the runtime sets it).
    pub kube: Option<crate::kube::KubeSnapshot>,
    /// Whether each command's text changes things, by id (`plan::dangers`).
    pub dangers: BTreeMap<String, crate::plan::Danger>,
    pub mode: Mode,
    pub focus: Focus,
    pub selected_step: usize,
    pub step_status: Vec<StepStatus>,
    /// Index among the selected step's commands.
    pub selected_command: usize,
    pub body_scroll: u16,
    /// The panes as last laid out (`Event::Measured`).
    pub viewport: super::viewport::Viewport,
    pub overlay: Option<Overlay>,
    pub output: OutputPane,
    pub health: Vec<super::health::CheckView>,
    /// Checks watched after a `verify=` command, until healthy or the window ends.
    pub verifying: Vec<super::verify::Watch>,
    /// Placeholder values: `--var`s and answers to prompts, alert labels and
    /// environment values under their prefixes (`plan::values`).
    pub vars: BTreeMap<String, String>,
    /// A short message in the status bar (refusals, log trouble).
    pub message: Option<String>,
    /// The playbook changed on disk but does not parse: this error stays in
    /// the status bar, over the last good version, until the file is fixed.
    pub reload_error: Option<String>,
    /// The playbook was opened with errors: the commands they affect are
    /// read-only, and the errors are shown where the responder reads first.
    pub broken: crate::plan::broken::Broken,
    /// Keys by action: the defaults with the config file's `keys:` applied.
    pub keymap: super::keymap::Keymap,
    /// The alert the console was opened from (`opsdeck alerts`): its name, to claim it.
    pub alert_name: Option<String>,
    /// Opened from a list (`opsdeck alerts`): quitting goes back to it, and
    /// the hints say so.
    pub quit_goes_back: bool,
    pub utc_clock: String,
    pub elapsed_secs: u64,
    pub size: (u16, u16),
}

/// What the console starts with besides the playbook.
pub struct Setup {
    /// `--var`, `--alert` and environment values, by name.
    pub vars: BTreeMap<String, String>,
    pub keymap: super::keymap::Keymap,
    /// Bytes of command output kept across all runs.
    pub output_budget: usize,
    /// The Kubernetes contexts pinned for this incident.
    pub kube: crate::kube::KubeSnapshot,
    /// Errors the playbook was opened with, and what they make read-only.
    pub broken: crate::plan::broken::Broken,
}

impl State {
    /// The console's starting state: the playbook and what the responder
    /// brought (values, keys, the output budget). After this only `update`
    /// changes it.
    pub fn set_up(playbook: Playbook, source_name: String, mode: Mode, setup: Setup) -> State {
        let mut state = State::new(playbook, source_name, mode);
        state.output.set_budget(setup.output_budget);
        state.vars = setup.vars;
        state.keymap = setup.keymap;
        state.kube = Some(setup.kube);
        if !setup.broken.is_empty() {
            state.message = Some(format!(
                "this playbook has {} error(s): what they affect is read-only (listed at the top of step 1)",
                setup.broken.errors.len()
            ));
        }
        state.broken = setup.broken;
        state
    }

    pub fn new(playbook: Playbook, source_name: String, mode: Mode) -> State {
        let steps = playbook.steps.len();
        let health = super::health::views(&playbook);
        let playbook_dir = match std::path::Path::new(&source_name).parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        State {
            dangers: crate::plan::dangers(&playbook),
            playbook,
            playbook_dir,
            kube: None,
            source_name,
            mode,
            focus: Focus::Steps,
            selected_step: 0,
            step_status: vec![StepStatus::Pending; steps],
            selected_command: 0,
            body_scroll: 0,
            viewport: Default::default(),
            overlay: None,
            output: OutputPane::default(),
            health,
            verifying: Vec::new(),
            vars: BTreeMap::new(),
            message: None,
            reload_error: None,
            broken: Default::default(),
            keymap: super::keymap::Keymap::default(),
            alert_name: None,
            quit_goes_back: false,
            utc_clock: String::new(),
            elapsed_secs: 0,
            size: (80, 24),
        }
    }

    pub fn step_count(&self) -> usize {
        self.playbook.steps.len()
    }

    pub fn current_commands(&self) -> Vec<&Command> {
        self.playbook
            .steps
            .get(self.selected_step)
            .map(|step| step.commands().collect())
            .unwrap_or_default()
    }

    pub fn selected_command(&self) -> Option<&Command> {
        self.current_commands().get(self.selected_command).copied()
    }

    pub fn done_count(&self) -> usize {
        self.step_status
            .iter()
            .filter(|s| **s != StepStatus::Pending)
            .count()
    }

    pub fn show_help(&self) -> bool {
        self.overlay == Some(Overlay::Help)
    }
}
