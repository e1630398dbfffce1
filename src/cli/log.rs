//! `opsdeck log list|show|verify|export`.

use crate::incident::export;
use crate::incident::head;
use crate::incident::integrity::{self, HeadState};
use crate::incident::list::{self, Summary, summarize};
use crate::incident::replay::Replay;
use crate::incident::store::{EVENTS_FILE, LogError, check_private};
use std::path::{Path, PathBuf};

pub(super) fn base() -> Result<PathBuf, u8> {
    crate::incident::incidents_dir().ok_or_else(|| {
        eprintln!("opsdeck log: no data directory; set OPSDECK_DATA_DIR");
        1
    })
}

/// Logs in a data dir others can write to may have been altered by them:
/// said on every read, and a reason `verify` fails.
pub(super) fn exposed(base: &Path) -> Option<String> {
    let data = base.parent().filter(|p| !p.as_os_str().is_empty());
    data.into_iter()
        .chain(std::iter::once(base))
        .filter(|dir| dir.exists())
        .find_map(|dir| match check_private(dir, "trust the incident logs") {
            Err(err @ LogError::Exposed { .. }) => Some(err.to_string()),
            _ => None,
        })
}

fn load(id: &str) -> Result<(Summary, Replay), u8> {
    let base = base()?;
    let dir = list::find(&base, id).map_err(|message| {
        eprintln!("opsdeck log: {message}");
        1
    })?;
    if let Some(warning) = exposed(&base) {
        eprintln!("opsdeck log: WARNING: {warning}");
    }
    let replayed = list::read(&dir).map_err(|err| {
        eprintln!(
            "opsdeck log: cannot read {}: {err}",
            dir.join(EVENTS_FILE).display()
        );
        1
    })?;
    if let Some(torn) = &replayed.torn_tail {
        eprintln!("opsdeck log: note: {torn}");
    }
    Ok((summarize(&dir, &replayed), replayed))
}

pub fn show(id: &str) -> u8 {
    let (summary, replayed) = match load(id) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    println!(
        "{} — {} ({})",
        summary.id,
        text(&summary.title),
        if summary.closed { "closed" } else { "open" }
    );
    for record in &replayed.records {
        let text = record
            .entry
            .as_ref()
            .map_or_else(|| "(event of a newer opsdeck)".into(), |e| e.summary());
        println!(
            "{:>4}  {}  {:<20}  {}",
            record.seq,
            self::text(&record.ts),
            self::text(&record.actor),
            self::text(&text)
        );
    }
    0
}

/// `opsdeck log verify ID [--head HASH]`: the chain, the head beside it, and
/// the head kept elsewhere; exit 1 when anything is broken or missing.
pub fn verify(id: &str, given_head: Option<&str>) -> u8 {
    if let Some(given) = given_head
        && !head::is_hash(given)
    {
        eprintln!(
            "opsdeck log verify: --head takes a chain head: the 64 hex digits `opsdeck log export` and the webhook show; `{given}` is not one"
        );
        return 2;
    }
    let (summary, replayed) = match load(id) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let id = &summary.id;
    let found = integrity::examine(&summary.dir, &replayed);
    let mut whole = true;
    match &replayed.chain_break {
        None => println!(
            "{id}: hash chain intact over {} events",
            replayed.records.len()
        ),
        Some((line, why)) => {
            whole = false;
            println!(
                "{id}: hash chain BROKEN at {}/{EVENTS_FILE}:{line}: {why}",
                summary.dir.display()
            );
        }
    }
    if let HeadState::Known(head) = &found.head {
        println!("{id}: head: seq {}, {}", head.seq, head.hash);
    }
    for note in &found.notes {
        println!("{id}: note: {note}");
    }
    for problem in &found.problems {
        whole = false;
        println!("{id}: PROBLEM: {problem}");
    }
    if let Some(given) = given_head {
        match integrity::against(&replayed, given) {
            Ok(text) => println!("{id}: {text}"),
            Err(text) => {
                whole = false;
                println!("{id}: PROBLEM: {text}");
            }
        }
    }
    if let Some(warning) = summary.dir.parent().and_then(exposed) {
        whole = false;
        println!("{id}: PROBLEM: {warning}");
    }
    u8::from(!whole)
}

pub fn export(id: &str, json: bool) -> u8 {
    let (summary, replayed) = match load(id) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if json {
        println!("{}", export::json(&summary, &replayed));
    } else {
        print!("{}", text(&export::markdown(&summary, &replayed)));
    }
    0
}

/// What a log holds came from playbooks, commands and people: only text
/// reaches the terminal.
pub(super) fn text(value: &str) -> String {
    crate::terminal_text::sanitise(value, crate::terminal_text::Keep::Text)
}
