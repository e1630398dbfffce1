//! From an alert to the console: the picker's choice opens the matched
//! playbook with every label and annotation as an `--alert` value, the alert
//! shown first, and the alert recorded as the incident's first event.

use super::model::Alert;
use crate::incident::Entry;
use std::collections::BTreeMap;

/// Every label and annotation under the alert prefix, as `--alert` gives them.
pub fn values(alert: &Alert) -> BTreeMap<String, String> {
    alert
        .annotations
        .iter()
        .chain(alert.labels.iter())
        .map(|(k, v)| {
            (
                format!(
                    "{}{}",
                    crate::plan::values::ALERT_PREFIX,
                    k.to_ascii_lowercase()
                ),
                v.clone(),
            )
        })
        .collect()
}

pub fn entry(alert: &Alert) -> Entry {
    Entry::Alert {
        alertname: alert.alertname.clone(),
        fingerprint: alert.fingerprint.clone(),
        starts_at: alert.starts_at.clone(),
        labels: alert.labels.clone(),
        annotations: alert.annotations.clone(),
    }
}

/// What the console shows first: the alert, until Enter.
pub fn notice(alert: &Alert) -> String {
    let mut text = format!(
        "ALERT {} ({}) firing since {}",
        alert.alertname,
        if alert.severity.is_empty() {
            "no severity"
        } else {
            &alert.severity
        },
        alert.starts_at
    );
    for key in ["summary", "description"] {
        if let Some(value) = alert.annotations.get(key) {
            text.push_str(&format!("\n{value}"));
        }
    }
    let labels: Vec<String> = alert
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    text.push_str(&format!("\n{}\n\nEnter: to the playbook", labels.join(" ")));
    text
}

/// What the console needs to claim the alert it was opened from.
#[derive(Clone, Debug)]
pub struct ClaimTarget {
    pub alertmanager: String,
    pub alert: Alert,
    pub playbook: std::path::PathBuf,
}

impl ClaimTarget {
    /// Creates the silence for `incident`: the `claimed` event to record.
    pub async fn claim(&self, incident: &str) -> Result<Entry, String> {
        let client = super::client::Client::new(&self.alertmanager)?;
        super::claim::silence(
            &client,
            &self.alert,
            Some(&self.playbook),
            super::claim::DEFAULT_FOR,
            incident,
        )
        .await
    }
}

/// The console's view of an alert: its event, the notice, and the claim.
pub struct FromAlert {
    pub entry: Entry,
    pub notice: String,
    pub name: String,
    pub claim: ClaimTarget,
    /// Opened from the alerts list: `q` goes back to it.
    pub from_list: bool,
}
