//! `opsdeck alerts`: the firing alerts, grouped as Alertmanager groups them,
//! with who holds each and the playbook that answers it.

use crate::alerts::client::{Client, resolve_url};
use crate::alerts::matching::Library;
use std::collections::BTreeMap;
use std::io::IsTerminal;

pub const EXIT_OK: u8 = 0;
pub const EXIT_ERROR: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub struct AlertsArgs {
    pub alertmanager: Option<String>,
    pub json: bool,
    pub claim: Option<String>,
    pub claim_for: Option<String>,
    pub yes: bool,
    pub expire: Option<String>,
}

pub use crate::alerts::listing::{Listing, fetch};

pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start: {err}"))
}

pub fn run(args: AlertsArgs) -> u8 {
    let url = match crate::config::alertmanager_url()
        .and_then(|configured| resolve_url(args.alertmanager.as_deref(), configured))
    {
        Ok(url) => url,
        Err(message) => {
            eprintln!("opsdeck alerts: {message}");
            return EXIT_USAGE;
        }
    };
    let client = match Client::new(&url) {
        Ok(client) => client,
        Err(message) => {
            eprintln!("opsdeck alerts: {message}");
            return EXIT_USAGE;
        }
    };
    if let Some(id) = &args.expire {
        return super::alerts_claim::expire_command(&client, id);
    }
    if let Some(fingerprint) = &args.claim {
        return super::alerts_claim::claim_command(
            &client,
            fingerprint,
            args.claim_for.as_deref(),
            args.yes,
        );
    }
    let listing = match runtime().and_then(|rt| rt.block_on(fetch(&client))) {
        Ok(listing) => listing,
        Err(message) => {
            eprintln!("opsdeck alerts: {message}");
            return EXIT_ERROR;
        }
    };
    let library = Library::load();
    if args.json {
        println!("{}", json(&listing, &library));
        return EXIT_OK;
    }
    if std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
        && !listing.groups.is_empty()
    {
        // Back from a console, the list is Alertmanager's as it is then.
        let refresh = || runtime().and_then(|rt| rt.block_on(fetch(&client)));
        return super::alerts_open::pick_and_open(listing, &library, &url, &refresh);
    }
    print!("{}", text(&listing, &library, std::time::SystemTime::now()));
    EXIT_OK
}

pub fn json(listing: &Listing, library: &Library) -> String {
    let groups: Vec<serde_json::Value> = listing
        .groups
        .iter()
        .map(|group| {
            let alerts: Vec<serde_json::Value> = group
                .alerts
                .iter()
                .map(|alert| {
                    let mut value = serde_json::to_value(alert).unwrap_or_default();
                    if let Some(map) = value.as_object_mut() {
                        let playbook = library.find(alert).map(|p| p.display().to_string());
                        map.insert("playbook".into(), playbook.into());
                        map.insert(
                            "claimed_by".into(),
                            serde_json::to_value(listing.holders(alert)).unwrap_or_default(),
                        );
                    }
                    value
                })
                .collect();
            serde_json::json!({ "labels": group.labels, "alerts": alerts })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "groups": groups })).unwrap_or_default()
}

/// The listing, numbered for the picker.
pub fn text(listing: &Listing, library: &Library, now: std::time::SystemTime) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if listing.groups.is_empty() {
        out.push_str("No alerts are firing.\n");
        return out;
    }
    let mut n = 0;
    for group in &listing.groups {
        let _ = writeln!(out, "{}", pairs(&group.labels));
        for alert in &group.alerts {
            n += 1;
            let age = humantime::parse_rfc3339_weak(&alert.starts_at)
                .ok()
                .and_then(|start| now.duration_since(start).ok())
                .map_or_else(|| "?".into(), crate::incident::close::compact);
            let severity = if alert.severity.is_empty() {
                "-"
            } else {
                &alert.severity
            };
            let _ = writeln!(
                out,
                "  {n:>3}. {severity:<9} {} firing {age}  [{}]",
                alert.alertname, alert.fingerprint
            );
            if let Some(summary) = alert.annotations.get("summary") {
                let _ = writeln!(out, "       {summary}");
            }
            let _ = writeln!(out, "       {}", pairs(&alert.labels));
            match library.find(alert) {
                Some(path) => {
                    let _ = writeln!(
                        out,
                        "       playbook: {}",
                        crate::alerts::model::clean(&path.display().to_string(), 300)
                    );
                }
                None => out.push_str("       playbook: none found in the library\n"),
            }
            let holders = listing.holders(alert);
            for silence in &holders {
                let _ = writeln!(
                    out,
                    "       CLAIMED by {} until {}: {}",
                    silence.created_by, silence.ends_at, silence.comment
                );
            }
            if holders.is_empty() && !alert.silenced_by.is_empty() {
                out.push_str("       silenced\n");
            }
        }
    }
    out
}

fn pairs(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}
