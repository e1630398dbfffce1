//! `opsdeck alerts --claim FINGERPRINT` and `--expire ID`: a change to
//! shared state, so it is confirmed like a remediation (typed at a terminal,
//! `--yes` headless, else exit 3).

use crate::alerts::claim::*;
use crate::alerts::client::Client;
use crate::alerts::matching::Library;
use crate::alerts::model::{clean, is_fingerprint};
use crate::incident;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

pub const EXIT_REFUSED: u8 = crate::exec::headless::EXIT_REFUSED;

/// `opsdeck alerts --claim FINGERPRINT [--for 2h] [--yes]`.
pub fn claim_command(client: &Client, fingerprint: &str, claim_for: Option<&str>, yes: bool) -> u8 {
    let fail = |message: String, code: u8| {
        eprintln!("opsdeck alerts --claim: {message}");
        code
    };
    if !is_fingerprint(fingerprint) {
        return fail(
            format!(
                "`{}` is not an alert fingerprint (hex digits; `opsdeck alerts` shows them in brackets)",
                clean(fingerprint, 80)
            ),
            super::alerts::EXIT_USAGE,
        );
    }
    let duration = match parse_for(claim_for) {
        Ok(duration) => duration,
        Err(message) => return fail(message, super::alerts::EXIT_USAGE),
    };
    let runtime = match super::alerts::runtime() {
        Ok(runtime) => runtime,
        Err(message) => return fail(message, super::alerts::EXIT_ERROR),
    };
    let listing = match runtime.block_on(super::alerts::fetch(client)) {
        Ok(listing) => listing,
        Err(message) => return fail(message, super::alerts::EXIT_ERROR),
    };
    let Some(alert) = listing
        .alerts()
        .find(|a| a.fingerprint == fingerprint)
        .cloned()
    else {
        return fail(
            format!(
                "no firing alert has the fingerprint {fingerprint} at {} (`opsdeck alerts` lists them)",
                client.shown()
            ),
            super::alerts::EXIT_ERROR,
        );
    };
    if let Some(holder) = listing.holders(&alert).first() {
        eprintln!(
            "note: {} already holds it until {}: {}",
            holder.created_by, holder.ends_at, holder.comment
        );
    }
    let library = Library::load();
    let playbook = library.find(&alert).map(Path::to_path_buf);
    let labels: Vec<String> = alert
        .labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{v}\""))
        .collect();
    let shown = format!(
        "CLAIM {}: a silence at {} for {{{}}}, {} from now, created by {}",
        alert.alertname,
        client.shown(),
        labels.join(", "),
        humantime::format_duration(duration),
        incident::actor::actor()
    );
    if !yes && !typed(&shown, &alert.alertname) {
        return fail(
            format!(
                "refused: a silence changes what the whole team is paged for and was not confirmed (pass --yes, or type `{}` at the prompt)",
                alert.alertname
            ),
            EXIT_REFUSED,
        );
    }
    let mut log = match incident_for(&alert, playbook.as_deref()) {
        Ok(log) => log,
        Err(message) => return fail(message, super::alerts::EXIT_ERROR),
    };
    match runtime.block_on(claim(
        client,
        &alert,
        playbook.as_deref(),
        duration,
        &mut log,
    )) {
        Ok(id) => {
            println!(
                "claimed {} ({}): silence {id}, incident {}",
                alert.alertname,
                alert.fingerprint,
                log.id()
            );
            super::alerts::EXIT_OK
        }
        Err(message) => fail(message, super::alerts::EXIT_ERROR),
    }
}

/// On a terminal, the responder reads what will happen and types `name`.
fn typed(shown: &str, name: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprintln!("{shown}");
    eprint!("Type `{name}` to create it, anything else cancels: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok() && answer.trim() == name
}

/// `opsdeck alerts --expire SILENCE_ID`.
pub fn expire_command(client: &Client, id: &str) -> u8 {
    let result = super::alerts::runtime().and_then(|rt| rt.block_on(expire(client, id)));
    match result {
        Ok(Some(incident)) => {
            println!("expired silence {id} (recorded in incident {incident})");
            super::alerts::EXIT_OK
        }
        Ok(None) => {
            println!("expired silence {id}");
            super::alerts::EXIT_OK
        }
        Err(message) => {
            eprintln!("opsdeck alerts --expire: {message}");
            super::alerts::EXIT_ERROR
        }
    }
}
