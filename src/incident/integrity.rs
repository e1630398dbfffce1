//! What the hash chain alone cannot tell: whether events are missing. A log
//! is checked against the head kept beside it (a cut end, a lost line, the
//! fragment of an acknowledged event) and, given one, against a hash kept
//! elsewhere (a rewritten chain).

use super::head::{self, Head};
use super::replay::Replay;
use std::path::Path;

#[derive(Debug)]
pub enum HeadState {
    Known(Head),
    /// No head file, in a log written before opsdeck kept one.
    Unknown,
    /// No head file, though the log was written with one.
    Missing,
    /// A head file that cannot be read or is not a head.
    Unreadable(String),
}

#[derive(Debug)]
pub struct Integrity {
    pub head: HeadState,
    /// Where the hash chain breaks, in words.
    pub chain: Option<String>,
    /// Each a reason the log cannot be trusted whole: events missing, a head
    /// that does not match.
    pub problems: Vec<String>,
    /// Worth saying; nothing is lost.
    pub notes: Vec<String>,
}

impl Integrity {
    /// The chain break, then every other problem.
    pub fn everything(&self) -> Vec<String> {
        self.chain
            .iter()
            .chain(self.problems.iter())
            .cloned()
            .collect()
    }

    pub fn is_whole(&self) -> bool {
        self.chain.is_none() && self.problems.is_empty()
    }
}

/// `1 event is missing`, `26 events are missing`.
fn missing(n: u64) -> String {
    if n == 1 {
        "1 event is missing".into()
    } else {
        format!("{n} events are missing")
    }
}

pub fn examine(dir: &Path, replay: &Replay) -> Integrity {
    examine_with(dir, replay, &|_| false)
}

/// Like `examine`, leaving out the gaps that end at an event for which
/// `explained(seq)` holds (the note a resume wrote about that very loss).
pub fn examine_with(dir: &Path, replay: &Replay, explained: &dyn Fn(u64) -> bool) -> Integrity {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut previous: Option<u64> = None;
    for record in &replay.records {
        match previous {
            None if record.seq > 1 => problems.push(format!(
                "the log starts at seq {}: {} before it",
                record.seq,
                missing(record.seq - 1)
            )),
            Some(p) if record.seq > p + 1 && !explained(record.seq) => problems.push(format!(
                "seq {p} is followed by seq {}: {}",
                record.seq,
                missing(record.seq - p - 1)
            )),
            Some(p) if record.seq <= p => problems.push(format!(
                "seq {} comes after seq {p}: events are repeated or out of order",
                record.seq
            )),
            _ => {}
        }
        previous = Some(record.seq);
    }
    let last = replay.records.last().map_or(0, |r| r.seq);
    let head = match head::read(dir) {
        Ok(Some(head)) => HeadState::Known(head),
        Ok(None) if replay.keeps_head() => HeadState::Missing,
        Ok(None) => HeadState::Unknown,
        Err(why) => HeadState::Unreadable(why),
    };
    match &head {
        HeadState::Known(head) if last < head.seq => {
            let mut text = format!(
                "the log ends at seq {last} but its head says {}: {}",
                head.seq,
                missing(head.seq - last)
            );
            if replay.torn_tail.is_some() {
                text.push_str(&format!(
                    "; the incomplete last line is what is left of event {}",
                    last + 1
                ));
            }
            problems.push(text);
        }
        HeadState::Known(head) if head.seq == 0 => {
            if last > 0 {
                notes.push(format!(
                    "the head was never made durable (opsdeck or the machine stopped before its first checkpoint), so none of the {last} events is confirmed by it; nothing is known to be missing"
                ));
            }
        }
        HeadState::Known(head) => {
            match replay.records.iter().find(|r| r.seq == head.seq) {
                Some(record) if record.hash == head.hash => {}
                Some(_) => problems.push(format!(
                    "event {} does not have the hash its head names ({}): the log was rewritten",
                    head.seq, head.hash
                )),
                None => problems.push(format!(
                    "the head names event {}, which is not in the log",
                    head.seq
                )),
            }
            match last.saturating_sub(head.seq) {
                0 => {}
                1 => notes.push(format!(
                    "event {last} was written after the head was last updated (opsdeck stopped between the two writes); nothing is missing"
                )),
                n => notes.push(format!(
                    "the {n} events after seq {} are not confirmed by the head",
                    head.seq
                )),
            }
        }
        HeadState::Missing => problems.push(
            "the head file is missing, though this log was written with one: events may have been cut from its end, and how many cannot be told"
                .into(),
        ),
        HeadState::Unreadable(why) => problems.push(format!(
            "{why}: without a head, a cut end cannot be ruled out"
        )),
        HeadState::Unknown => notes.push(
            "head unknown: this log was written before opsdeck kept a head file, so a cut end cannot be noticed; `--head HASH` checks it against a hash kept elsewhere"
                .into(),
        ),
    }
    let chain = replay
        .chain_break
        .as_ref()
        .map(|(line, why)| format!("the hash chain breaks at line {line}: {why}"));
    Integrity {
        head,
        chain,
        problems,
        notes,
    }
}

/// Checks the log against a head kept elsewhere (`--head HASH`, from the
/// webhook or an export): some event of the log must have that hash.
pub fn against(replay: &Replay, given: &str) -> Result<String, String> {
    let given = given.to_ascii_lowercase();
    let last = replay.records.last().map_or(0, |r| r.seq);
    match replay.records.iter().find(|r| r.hash == given) {
        Some(record) => Ok(format!(
            "the head you gave ({given}) is event {} of this log{}",
            record.seq,
            match last.saturating_sub(record.seq) {
                0 => String::new(),
                1 => ", and 1 event follows it".into(),
                n => format!(", and {n} events follow it"),
            }
        )),
        None => Err(format!(
            "no event of this log has the hash you gave ({given}): the log was rewritten, cut before that event, or the hash is of another incident"
        )),
    }
}
