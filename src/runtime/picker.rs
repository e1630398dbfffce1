//! The picker's loop: the library is read once, then keys in, frames out,
//! until a playbook is chosen or the responder leaves.

use crate::app::picker::{Picker, PickerEntry, PickerOutcome};
use crate::config::Settings;
use crate::tui::{self, Input, Mouse};
use crate::{library, ui};
use std::path::PathBuf;
use tokio::signal::unix::{SignalKind, signal};

/// Every playbook of the library, invalid ones with their first error.
pub fn load_library() -> Picker {
    let dirs = library::library_dirs();
    let files = library::collect(&dirs).unwrap_or_default();
    let entries: Vec<PickerEntry> = files
        .iter()
        .filter(|file| !library::is_drill(file))
        .map(|file| {
            let path = file.display().to_string();
            PickerEntry::from_parsed(&path, &crate::plan::check::load(file))
        })
        .collect();
    Picker::library(
        entries,
        dirs.iter().map(|d| d.display().to_string()).collect(),
    )
}

/// Shows the picker; the chosen playbook's path, or None when the responder quit.
pub fn run(picker: Picker, settings: &Settings) -> std::io::Result<Option<PathBuf>> {
    Ok(choose(picker, settings)?.map(|(path, _)| PathBuf::from(path)))
}

/// Shows any picker (playbooks, alerts); the chosen entry's path and its
/// index among the matches, or None when the responder quit.
pub fn choose(
    picker: Picker,
    settings: &Settings,
) -> std::io::Result<Option<(String, Option<usize>)>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    tui::set_mouse(settings.mouse);
    let mut terminal = tui::enter()?;
    let result = runtime.block_on(pick(&mut terminal, picker, settings));
    tui::leave();
    result
}

async fn pick(
    terminal: &mut ratatui::DefaultTerminal,
    mut picker: Picker,
    settings: &Settings,
) -> std::io::Result<Option<(String, Option<usize>)>> {
    let mut input = tui::take_input();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    loop {
        terminal.draw(|frame| ui::draw_picker(frame, &picker, &settings.theme))?;
        tokio::select! {
            event = input.recv() => match event {
                Some(Input::Key(key)) => match picker.update(key) {
                    PickerOutcome::Stay => {}
                    PickerOutcome::Quit => return Ok(None),
                    PickerOutcome::Open(path) => {
                        tui::return_input(input);
                        return Ok(Some((path, picker.selected_index())));
                    }
                },
                Some(Input::Mouse(mouse)) => {
                    let area = terminal.get_frame().area();
                    on_mouse(&mut picker, area, mouse);
                }
                Some(Input::Resize(..)) => {}
                Some(Input::Failed(err)) => {
                    return Err(std::io::Error::other(format!("reading the terminal failed: {err}")));
                }
                None => return Ok(None),
            },
            _ = sigterm.recv() => return Ok(None),
            _ = sighup.recv() => return Ok(None),
            _ = sigint.recv() => return Ok(None),
        }
    }
}

/// A click selects the entry under it; the wheel moves the selection.
pub fn on_mouse(picker: &mut Picker, area: ratatui::layout::Rect, mouse: Mouse) {
    match mouse {
        Mouse::Wheel { down: true, .. } => picker.select(picker.selected + 1),
        Mouse::Wheel { down: false, .. } => picker.select(picker.selected.saturating_sub(1)),
        Mouse::Click { column, row } => {
            if let Some(index) = ui::picker_row_at(picker, area, column, row) {
                picker.select(index);
            }
        }
    }
}
