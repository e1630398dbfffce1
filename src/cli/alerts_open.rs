//! From a picked alert to the console on its playbook.

use super::alerts::Listing;
use crate::alerts::matching::Library;
use crate::alerts::model::Alert;
use crate::alerts::open::*;
use std::path::Path;

/// The alert picker on the terminal; Enter opens the console on the chosen
/// alert's playbook, and quitting the console comes back to the list as
/// `refresh` finds it then (claims made, alerts resolved or new), the same
/// alert selected (a signal or a failure ends both).
pub fn pick_and_open(
    mut listing: Listing,
    library: &Library,
    alertmanager: &str,
    refresh: &dyn Fn() -> Result<Listing, String>,
) -> u8 {
    let mut selected = 0;
    loop {
        let alerts: Vec<Alert> = listing.alerts().cloned().collect();
        if alerts.is_empty() {
            println!("opsdeck alerts: no alert is firing now");
            return super::alerts::EXIT_OK;
        }
        let entries =
            super::alerts_picker::entries(&listing, library, std::time::SystemTime::now());
        let chosen = match super::alerts_picker::run(entries, selected.min(alerts.len() - 1)) {
            Ok(chosen) => chosen,
            Err(message) => {
                eprintln!("opsdeck alerts: {message}");
                return super::alerts::EXIT_ERROR;
            }
        };
        let Some((n, alert)) = chosen.and_then(|n| Some((n, alerts.get(n)?))) else {
            return super::alerts::EXIT_OK;
        };
        // The picker opens only alerts that have a playbook.
        let Some(playbook) = library.find(alert) else {
            return super::alerts::EXIT_ERROR;
        };
        let code = open(alert, playbook, alertmanager);
        if code != super::alerts::EXIT_OK || crate::runtime::ended_by_signal() {
            return code;
        }
        selected = n;
        // Alertmanager out of reach: the list as it was is still worth showing.
        if let Ok(fresh) = refresh() {
            let fingerprint = &alert.fingerprint;
            selected = fresh
                .alerts()
                .position(|a| &a.fingerprint == fingerprint)
                .unwrap_or(n);
            listing = fresh;
        }
    }
}

fn open(alert: &Alert, playbook: &Path, alertmanager: &str) -> u8 {
    let options = crate::runtime::ConsoleOptions {
        mode: crate::app::Mode::Live,
        vars: values(alert),
        // The alert starts its own incident, with the alert as its first event.
        new_incident: true,
        drill: false,
        alert: Some(FromAlert {
            entry: entry(alert),
            notice: notice(alert),
            name: alert.alertname.clone(),
            claim: ClaimTarget {
                alertmanager: alertmanager.to_string(),
                alert: alert.clone(),
                playbook: playbook.to_path_buf(),
            },
            from_list: true,
        }),
        broken: Default::default(),
        from_list: false,
    };
    crate::cli::open::open_with_theme(playbook, options, None)
}
