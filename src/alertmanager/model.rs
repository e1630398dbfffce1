//! Alertmanager's v2 answers read into bounded, sanitised values.

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Characters kept of a label or annotation value.
pub const MAX_TEXT: usize = 1024;
/// Characters kept of a label or annotation name.
pub const MAX_NAME: usize = 128;
/// Labels or annotations kept per alert.
pub const MAX_PAIRS: usize = 64;
/// Alerts kept over all groups.
pub const MAX_ALERTS: usize = 2000;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alert {
    pub fingerprint: String,
    pub alertname: String,
    pub severity: String,
    pub starts_at: String,
    /// `active`, `suppressed` or `unprocessed`.
    pub state: String,
    pub silenced_by: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Group {
    /// The labels Alertmanager grouped by.
    pub labels: BTreeMap<String, String>,
    pub alerts: Vec<Alert>,
}

/// Text from Alertmanager: terminal controls gone, one line, at most `max` characters.
pub fn clean(text: &str, max: usize) -> String {
    let text = crate::terminal_text::sanitise(text, crate::terminal_text::Keep::Text);
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    one_line.trim().to_string()
}

/// An Alertmanager fingerprint: hex digits, as it makes them.
pub fn is_fingerprint(text: &str) -> bool {
    !text.is_empty() && text.len() <= 64 && text.chars().all(|c| c.is_ascii_hexdigit())
}

fn pairs(value: Option<&Value>) -> BTreeMap<String, String> {
    let Some(map) = value.and_then(Value::as_object) else {
        return BTreeMap::new();
    };
    map.iter()
        .filter_map(|(k, v)| Some((clean(k, MAX_NAME), clean(v.as_str()?, MAX_TEXT))))
        .filter(|(k, _)| !k.is_empty())
        .take(MAX_PAIRS)
        .collect()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(|s| clean(s, MAX_NAME))
                .take(MAX_PAIRS)
                .collect()
        })
        .unwrap_or_default()
}

/// One alert of `GET /api/v2/alerts` (or of a group); None without a valid fingerprint.
pub fn alert(value: &Value) -> Option<Alert> {
    let fingerprint = value.get("fingerprint")?.as_str()?;
    if !is_fingerprint(fingerprint) {
        return None;
    }
    let labels = pairs(value.get("labels"));
    let status = value.get("status");
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map_or(String::new(), |s| clean(s, MAX_NAME))
    };
    Some(Alert {
        fingerprint: fingerprint.to_string(),
        alertname: labels.get("alertname").cloned().unwrap_or_default(),
        severity: labels.get("severity").cloned().unwrap_or_default(),
        starts_at: text(value.get("startsAt")),
        state: text(status.and_then(|s| s.get("state"))),
        silenced_by: strings(status.and_then(|s| s.get("silencedBy"))),
        annotations: pairs(value.get("annotations")),
        labels,
    })
}

/// `GET /api/v2/alerts/groups`.
pub fn parse_groups(body: &[u8]) -> Result<Vec<Group>, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| format!("the answer is not the JSON Alertmanager's v2 API sends ({err})"))?;
    let list = value
        .as_array()
        .ok_or("the answer is not a list of alert groups, as Alertmanager's v2 API sends")?;
    let mut kept = 0;
    let mut groups = Vec::new();
    for group in list {
        let alerts: Vec<Alert> = group
            .get("alerts")
            .and_then(Value::as_array)
            .map(|alerts| alerts.iter().filter_map(alert).collect())
            .unwrap_or_default();
        let room = MAX_ALERTS.saturating_sub(kept);
        let alerts: Vec<Alert> = alerts.into_iter().take(room).collect();
        kept += alerts.len();
        if alerts.is_empty() {
            continue;
        }
        groups.push(Group {
            labels: pairs(group.get("labels")),
            alerts,
        });
    }
    Ok(groups)
}
