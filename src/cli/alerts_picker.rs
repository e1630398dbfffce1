//! The alert picker: the console's fuzzy picker over the firing alerts, each
//! previewed with its playbook's steps and checks.

use super::alerts::Listing;
use crate::alerts::matching::Library;
use crate::alerts::model::{Alert, clean};
use crate::app::picker::{Picker, PickerEntry, PickerOutcome};
use crate::tui::{self, Input};
use std::time::SystemTime;
use tokio::signal::unix::{SignalKind, signal};

/// One row per alert: name, severity, age, who holds it; its labels as the
/// service line; its playbook's steps and checks in the preview.
pub fn entries(listing: &Listing, library: &Library, now: SystemTime) -> Vec<PickerEntry> {
    listing
        .alerts()
        .map(|alert| {
            let mut entry = match library.find(alert) {
                Some(path) => {
                    let shown = path.display().to_string();
                    PickerEntry::from_parsed(&shown, &crate::playbook::load(path))
                }
                None => PickerEntry {
                    path: "(no playbook)".into(),
                    title: String::new(),
                    service: None,
                    steps: Vec::new(),
                    checks: Vec::new(),
                    error: Some("no playbook in the library answers this alert".into()),
                    help: Some(
                        "name a playbook after the alert, or list it under `alerts:` in its header"
                            .into(),
                    ),
                },
            };
            entry.title = title(listing, alert, now);
            entry.service = Some(labels(alert));
            entry
        })
        .collect()
}

fn title(listing: &Listing, alert: &Alert, now: SystemTime) -> String {
    let age = humantime::parse_rfc3339_weak(&alert.starts_at)
        .ok()
        .and_then(|start| now.duration_since(start).ok())
        .map_or_else(|| "?".into(), crate::incident::close::compact);
    let held = listing
        .holders(alert)
        .first()
        .map(|s| format!("  CLAIMED by {}", s.created_by))
        .unwrap_or_default();
    let severity = if alert.severity.is_empty() {
        "-"
    } else {
        &alert.severity
    };
    clean(&format!("{} {severity} {age}{held}", alert.alertname), 200)
}

fn labels(alert: &Alert) -> String {
    let pairs: Vec<String> = alert
        .labels
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "alertname" | "severity"))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    clean(&pairs.join(" "), 200)
}

/// Shows the picker; the chosen alert's index in `listing.alerts()`, or None.
pub fn run(entries: Vec<PickerEntry>) -> Result<Option<usize>, String> {
    let settings = crate::config::load_settings(None)?;
    let mut picker = Picker::new(entries, Vec::new());
    picker.noun = "alerts";
    let runtime = super::alerts::runtime()?;
    tui::set_mouse(settings.mouse);
    let mut terminal = tui::enter().map_err(|err| format!("cannot use the terminal: {err}"))?;
    let result = runtime.block_on(pick(&mut terminal, picker, &settings));
    tui::leave();
    result.map_err(|err| err.to_string())
}

async fn pick(
    terminal: &mut ratatui::DefaultTerminal,
    mut picker: Picker,
    settings: &crate::config::Settings,
) -> std::io::Result<Option<usize>> {
    let mut input = tui::take_input();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    loop {
        terminal.draw(|frame| crate::ui::draw_picker(frame, &picker, &settings.theme))?;
        tokio::select! {
            event = input.recv() => match event {
                Some(Input::Key(key)) => match picker.update(key) {
                    PickerOutcome::Stay => {}
                    PickerOutcome::Quit => return Ok(None),
                    PickerOutcome::Open(_) => {
                        tui::return_input(input);
                        return Ok(picker.selected_index());
                    }
                },
                Some(Input::Mouse(mouse)) => {
                    let area = terminal.get_frame().area();
                    crate::runtime::picker::on_mouse(&mut picker, area, mouse);
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
