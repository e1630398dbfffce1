//! Silences: who holds an alert (`createdBy`), and making one for a claim.

use super::model::{MAX_NAME, MAX_TEXT, clean};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Silence {
    pub id: String,
    pub created_by: String,
    pub comment: String,
    pub ends_at: String,
    /// `active`, `pending` or `expired`.
    pub state: String,
}

/// A silence id as Alertmanager makes them (a UUID): safe in a URL path.
pub fn is_silence_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= 64 && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// `GET /api/v2/silences`, by id; entries that are not silences are skipped.
pub fn parse(body: &[u8]) -> Result<BTreeMap<String, Silence>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|err| {
        format!("the silences are not the JSON Alertmanager's v2 API sends ({err})")
    })?;
    let list = value
        .as_array()
        .ok_or("the silences are not a list, as Alertmanager's v2 API sends")?;
    let text = |v: &Value, key: &str, max: usize| {
        v.get(key)
            .and_then(Value::as_str)
            .map_or(String::new(), |s| clean(s, max))
    };
    Ok(list
        .iter()
        .take(super::model::MAX_ALERTS)
        .filter_map(|s| {
            let id = s.get("id")?.as_str()?;
            is_silence_id(id).then(|| Silence {
                id: id.to_string(),
                created_by: text(s, "createdBy", MAX_NAME),
                comment: text(s, "comment", MAX_TEXT),
                ends_at: text(s, "endsAt", MAX_NAME),
                state: s
                    .get("status")
                    .map_or(String::new(), |st| text(st, "state", MAX_NAME)),
            })
        })
        .map(|s| (s.id.clone(), s))
        .collect())
}

/// A silence for exactly these labels (every label an equality matcher),
/// from now for `duration`.
pub fn body(
    labels: &BTreeMap<String, String>,
    duration: Duration,
    created_by: &str,
    comment: &str,
) -> Value {
    let now = SystemTime::now();
    let matchers: Vec<Value> = labels
        .iter()
        .map(|(name, value)| json!({"name": name, "value": value, "isRegex": false, "isEqual": true}))
        .collect();
    json!({
        "matchers": matchers,
        "startsAt": humantime::format_rfc3339_millis(now).to_string(),
        "endsAt": humantime::format_rfc3339_millis(now + duration).to_string(),
        "createdBy": created_by,
        "comment": comment,
    })
}

/// The id in `POST /api/v2/silences`' answer.
pub fn created_id(body: &[u8]) -> Result<String, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| format!("Alertmanager's answer to the new silence is not JSON ({err})"))?;
    value
        .get("silenceID")
        .and_then(Value::as_str)
        .filter(|id| is_silence_id(id))
        .map(str::to_string)
        .ok_or_else(|| "Alertmanager's answer to the new silence has no silence id".into())
}
