//! What Alertmanager holds now: the alert groups and the silences.

use super::client::Client;
use super::model::{Alert, Group, parse_groups};
use super::silences::{self, Silence};
use std::collections::BTreeMap;

/// What Alertmanager holds now.
pub struct Listing {
    pub groups: Vec<Group>,
    pub silences: BTreeMap<String, Silence>,
}

impl Listing {
    pub fn alerts(&self) -> impl Iterator<Item = &Alert> {
        self.groups.iter().flat_map(|g| g.alerts.iter())
    }

    /// `alice@web1 until 2026-…` for each active silence holding `alert`.
    pub fn holders(&self, alert: &Alert) -> Vec<&Silence> {
        alert
            .silenced_by
            .iter()
            .filter_map(|id| self.silences.get(id))
            .filter(|s| s.state != "expired")
            .collect()
    }
}

pub async fn fetch(client: &Client) -> Result<Listing, String> {
    let groups = parse_groups(
        &client
            .get("/api/v2/alerts/groups?active=true&silenced=true&inhibited=true")
            .await?,
    )
    .map_err(|err| format!("{}: {err}", client.shown()))?;
    let silences = silences::parse(&client.get("/api/v2/silences").await?)
        .map_err(|err| format!("{}: {err}", client.shown()))?;
    Ok(Listing { groups, silences })
}
