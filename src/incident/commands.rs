//! `opsdeck log list|show|verify|export`.

use super::export;
use super::list::{self, Summary, summarize};
use super::replay::{Replay, replay};
use super::store::EVENTS_FILE;
use std::path::PathBuf;

fn base() -> Result<PathBuf, u8> {
    super::incidents_dir().ok_or_else(|| {
        eprintln!("opsdeck log: no data directory; set OPSDECK_DATA_DIR");
        1
    })
}

fn load(id: &str) -> Result<(Summary, Replay), u8> {
    let dir = list::find(&base()?, id).map_err(|message| {
        eprintln!("opsdeck log: {message}");
        1
    })?;
    let events = dir.join(EVENTS_FILE);
    let replayed = replay(&events).map_err(|err| {
        eprintln!("opsdeck log: cannot read {}: {err}", events.display());
        1
    })?;
    if let Some(torn) = &replayed.torn_tail {
        eprintln!("opsdeck log: note: {torn}");
    }
    Ok((summarize(&dir, &replayed), replayed))
}

pub fn list() -> u8 {
    let Ok(base) = base() else { return 1 };
    let incidents = list::list(&base);
    if incidents.is_empty() {
        println!("No incidents under {}.", base.display());
        return 0;
    }
    println!(
        "{:<44} {:<8} {:>6}  {:<24} TITLE",
        "ID", "STATE", "EVENTS", "STARTED"
    );
    for s in incidents {
        let state = if s.closed { "closed" } else { "open" };
        let drill = if s.drill { " [drill]" } else { "" };
        println!(
            "{:<44} {:<8} {:>6}  {:<24} {}{drill}",
            s.id, state, s.events, s.started, s.title
        );
    }
    0
}

pub fn show(id: &str) -> u8 {
    let (summary, replayed) = match load(id) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    println!(
        "{} — {} ({})",
        summary.id,
        summary.title,
        if summary.closed { "closed" } else { "open" }
    );
    for record in &replayed.records {
        let text = record
            .entry
            .as_ref()
            .map_or_else(|| "(event of a newer opsdeck)".into(), |e| e.summary());
        println!(
            "{:>4}  {}  {:<20}  {text}",
            record.seq, record.ts, record.actor
        );
    }
    0
}

pub fn verify(id: &str) -> u8 {
    let (summary, replayed) = match load(id) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    match &replayed.chain_break {
        None => {
            println!(
                "{}: hash chain intact over {} events",
                summary.id,
                replayed.records.len()
            );
            0
        }
        Some((line, why)) => {
            println!(
                "{}: hash chain BROKEN at {}/{EVENTS_FILE}:{line}: {why}",
                summary.id,
                summary.dir.display()
            );
            1
        }
    }
}

pub fn export(id: &str, json: bool) -> u8 {
    let (summary, replayed) = match load(id) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if json {
        println!("{}", export::json(&summary, &replayed));
    } else {
        print!("{}", export::markdown(&summary, &replayed));
    }
    0
}
