//! The playbook picker of bare `opsdeck`: pure state and `update`, like the console.
//!
//! Fuzzy matching is nucleo-matcher (helix's matcher): it brings smart case,
//! Unicode normalisation, space-separated terms and fzf-quality ranking with
//! the matched positions for highlighting, which a hand-written subsequence
//! scorer would only approximate at several times the code.

use super::event::{Key, KeyCode};
use crate::playbook::Parsed;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// One file of the library, valid or not.
#[derive(Clone, Debug, PartialEq)]
pub struct PickerEntry {
    pub path: String,
    pub title: String,
    pub service: Option<String>,
    /// Step titles with how many commands each has.
    pub steps: Vec<(String, usize)>,
    /// `id kind target` of each check.
    pub checks: Vec<String>,
    /// The first error (`line:col: message`), cause first, when it has any.
    pub error: Option<String>,
    /// It opens, whole or with its broken parts read-only; only a playbook
    /// whose steps cannot be read does not.
    pub openable: bool,
    pub help: Option<String>,
}

impl PickerEntry {
    pub fn from_parsed(path: &str, parsed: &Parsed) -> PickerEntry {
        let stem = std::path::Path::new(path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(path)
            .to_string();
        let first_error = parsed.diagnostics.iter().find(|d| d.is_error());
        let said = |d: &crate::playbook::diagnostic::Diagnostic| {
            format!("{}:{}: {}", d.line, d.col, d.message)
        };
        match (
            parsed.playbook.as_ref().or(parsed.partial.as_ref()),
            first_error,
        ) {
            (Some(playbook), error) => PickerEntry {
                path: path.to_string(),
                title: playbook.title.clone(),
                service: playbook.service.clone(),
                steps: playbook
                    .steps
                    .iter()
                    .map(|s| (s.title.clone(), s.commands().count()))
                    .collect(),
                checks: playbook
                    .checks
                    .iter()
                    .map(|c| format!("{} {} {}", c.id, c.probe.kind(), c.probe.target()))
                    .collect(),
                error: error.map(said),
                help: error.and_then(|d| d.help.clone()),
                openable: true,
            },
            (None, error) => PickerEntry {
                path: path.to_string(),
                title: stem,
                service: None,
                steps: Vec::new(),
                checks: Vec::new(),
                error: Some(error.map_or_else(|| "cannot be read".to_string(), said)),
                help: error.and_then(|d| d.help.clone()),
                openable: false,
            },
        }
    }

    /// What the filter matches and the list shows: title, service, file name
    /// (not its directories, whose letters would match almost anything).
    pub fn row(&self) -> String {
        let service = self.service.as_deref().unwrap_or("");
        let file = std::path::Path::new(&self.path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&self.path);
        format!("{}  {}  {}", self.title, service, file)
    }
}

/// An entry that matches the query, with the matched char positions in `row()`.
#[derive(Clone, Debug, PartialEq)]
pub struct PickerMatch {
    pub entry: usize,
    pub positions: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PickerOutcome {
    Stay,
    Open(String),
    Quit,
}

#[derive(Clone, Debug)]
pub struct Picker {
    pub entries: Vec<PickerEntry>,
    /// Where the library was looked for, for the empty-library hint.
    pub dirs: Vec<String>,
    pub query: String,
    pub hits: Vec<PickerMatch>,
    /// Index into `hits`.
    pub selected: usize,
    pub message: Option<String>,
    /// What the entries are, for the counts and the list's title (`playbooks`, `alerts`).
    pub noun: &'static str,
}

impl Picker {
    /// The playbook library: broken playbooks after the good ones, so at
    /// 3 a.m. the first row, and the one selected, is one that works.
    pub fn library(mut entries: Vec<PickerEntry>, dirs: Vec<String>) -> Picker {
        entries.sort_by_key(|e| e.error.is_some());
        Picker::new(entries, dirs)
    }

    pub fn new(entries: Vec<PickerEntry>, dirs: Vec<String>) -> Picker {
        let mut picker = Picker {
            entries,
            dirs,
            query: String::new(),
            hits: Vec::new(),
            selected: 0,
            message: None,
            noun: "playbooks",
        };
        picker.filter();
        picker
    }

    /// The entry of the current selection, by its index in `entries`.
    pub fn selected_index(&self) -> Option<usize> {
        self.hits.get(self.selected).map(|hit| hit.entry)
    }

    pub fn selected_entry(&self) -> Option<&PickerEntry> {
        self.hits
            .get(self.selected)
            .and_then(|hit| self.entries.get(hit.entry))
    }

    /// Best matches first; an empty query keeps the library's order.
    fn filter(&mut self) {
        self.selected = 0;
        if self.query.trim().is_empty() {
            self.hits = (0..self.entries.len())
                .map(|entry| PickerMatch {
                    entry,
                    positions: Vec::new(),
                })
                .collect();
            self.select_first_good();
            return;
        }
        let mut matcher = Matcher::new(Config::DEFAULT);
        let pattern = Pattern::parse(&self.query, CaseMatching::Smart, Normalization::Smart);
        let mut buf = Vec::new();
        let mut scored: Vec<(u32, PickerMatch)> = Vec::new();
        for (entry, candidate) in self.entries.iter().enumerate() {
            let row = candidate.row();
            let mut positions = Vec::new();
            if let Some(score) =
                pattern.indices(Utf32Str::new(&row, &mut buf), &mut matcher, &mut positions)
            {
                positions.sort_unstable();
                positions.dedup();
                scored.push((score, PickerMatch { entry, positions }));
            }
        }
        // Stable: equal scores keep the library's order; broken playbooks last.
        let playbooks = self.noun == "playbooks";
        let broken = |hit: &PickerMatch| playbooks && self.entries[hit.entry].error.is_some();
        scored.sort_by_key(|(score, hit)| (broken(hit), std::cmp::Reverse(*score)));
        self.hits = scored.into_iter().map(|(_, hit)| hit).collect();
        self.select_first_good();
    }

    /// Never starts on a broken playbook when a good one is listed.
    fn select_first_good(&mut self) {
        if self.noun != "playbooks" {
            return;
        }
        self.selected = self
            .hits
            .iter()
            .position(|hit| self.entries[hit.entry].error.is_none())
            .unwrap_or(0);
    }

    /// Selects the n-th listed playbook (a click); the wheel moves by one.
    pub fn select(&mut self, to: usize) {
        self.selected = to.min(self.hits.len().saturating_sub(1));
    }

    /// One key. Letters type into the filter; `q` quits only while the
    /// filter is empty, so it can still be typed after the first letter.
    pub fn update(&mut self, key: Key) -> PickerOutcome {
        self.message = None;
        match (key.code, key.ctrl) {
            (KeyCode::Char('c'), true) => return PickerOutcome::Quit,
            (KeyCode::Char('u'), true) => {
                self.query.clear();
                self.filter();
            }
            (KeyCode::Char('n' | 'j'), true) | (KeyCode::Down, _) => self.select(self.selected + 1),
            (KeyCode::Char('p' | 'k'), true) | (KeyCode::Up, _) => {
                self.select(self.selected.saturating_sub(1))
            }
            (KeyCode::PageDown, _) => self.select(self.selected + 10),
            (KeyCode::PageUp, _) => self.select(self.selected.saturating_sub(10)),
            (KeyCode::Home, _) => self.select(0),
            (KeyCode::End, _) => self.select(usize::MAX),
            (KeyCode::Esc, _) if !self.query.is_empty() => {
                self.query.clear();
                self.filter();
            }
            (KeyCode::Esc, _) => return PickerOutcome::Quit,
            (KeyCode::Char('q'), false) if self.query.is_empty() => return PickerOutcome::Quit,
            (KeyCode::Char(c), false) => {
                self.query.push(c);
                self.filter();
            }
            (KeyCode::Backspace, _) => {
                self.query.pop();
                self.filter();
            }
            (KeyCode::Enter, _) => return self.open_selected(),
            _ => {}
        }
        PickerOutcome::Stay
    }

    fn open_selected(&mut self) -> PickerOutcome {
        match self.selected_entry() {
            None => PickerOutcome::Stay,
            Some(entry) if !entry.openable => {
                self.message = Some(format!(
                    "{} cannot open: its steps cannot be read; fix it first (`opsdeck check {}` shows how)",
                    entry.path, entry.path
                ));
                PickerOutcome::Stay
            }
            Some(entry) => PickerOutcome::Open(entry.path.clone()),
        }
    }
}
