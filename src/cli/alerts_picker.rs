//! The alert picker: the console's fuzzy picker over the firing alerts, each
//! previewed with its playbook's steps and checks.

use super::alerts::Listing;
use crate::alerts::matching::Library;
use crate::alerts::model::{Alert, clean};
use crate::app::picker::{Picker, PickerEntry};
use std::time::SystemTime;

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
                    openable: false,
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

/// Shows the picker with entry `selected` selected; the chosen alert's
/// index in `listing.alerts()`, or None.
pub fn run(entries: Vec<PickerEntry>, selected: usize) -> Result<Option<usize>, String> {
    let settings = crate::config::load_settings(None)?;
    let mut picker = Picker::new(entries, Vec::new());
    picker.noun = "alerts";
    picker.select(selected);
    let chosen = crate::runtime::picker::choose(picker, &settings)
        .map_err(|err| format!("cannot use the terminal: {err}"))?;
    Ok(chosen.and_then(|(_, index)| index))
}
