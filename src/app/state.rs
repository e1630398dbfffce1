//! Everything the screen shows, and nothing about how it is drawn.

use crate::playbook::Playbook;
use crate::playbook::model::Command;

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
}

/// How commands may run: the mode is always on screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Live,
    DryRun,
    ReadOnly,
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Live => "LIVE",
            Mode::DryRun => "DRY-RUN",
            Mode::ReadOnly => "READ-ONLY",
        }
    }
}

#[derive(Clone, Debug)]
pub struct State {
    pub playbook: Playbook,
    /// The file shown in the status bar.
    pub source_name: String,
    pub mode: Mode,
    pub focus: Focus,
    pub selected_step: usize,
    pub step_status: Vec<StepStatus>,
    /// Index among the selected step's commands.
    pub selected_command: usize,
    pub body_scroll: u16,
    pub show_help: bool,
    pub utc_clock: String,
    pub elapsed_secs: u64,
    pub size: (u16, u16),
}

impl State {
    pub fn new(playbook: Playbook, source_name: String, mode: Mode) -> State {
        let steps = playbook.steps.len();
        State {
            playbook,
            source_name,
            mode,
            focus: Focus::Steps,
            selected_step: 0,
            step_status: vec![StepStatus::Pending; steps],
            selected_command: 0,
            body_scroll: 0,
            show_help: false,
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
}
