//! The export's timeline, ready to paste: one line per command (what ran,
//! secrets as dots, how it ended on each host and how long it took), and
//! health changes with how long a check was down.

use super::close::duration;
use super::entry::{Entry, ended};
use super::replay::{Record, Replay};
use std::collections::HashMap;

/// A confirmed command and the ends of its hosts, filled as they come.
struct Ran {
    command: String,
    resolved: String,
    hosts: Vec<String>,
    /// Per host: how it ended and how long it took.
    ends: Vec<Option<(String, u64)>>,
}

enum Line {
    Text(String),
    Command { at: String, ran: usize },
}

/// The timeline's Markdown list items, oldest first.
pub fn lines(replay: &Replay) -> Vec<String> {
    let mut out = Vec::new();
    let mut runs: Vec<Ran> = Vec::new();
    let mut down_since: HashMap<&str, &str> = HashMap::new();
    for record in &replay.records {
        let Some(entry) = &record.entry else { continue };
        let at = time_of(&record.ts).to_string();
        match entry {
            Entry::CommandStarted { .. } => {}
            Entry::CommandConfirmed {
                command,
                resolved,
                hosts,
                ..
            } => {
                out.push(Line::Command {
                    at,
                    ran: runs.len(),
                });
                runs.push(Ran {
                    command: command.clone(),
                    resolved: resolved.clone(),
                    hosts: hosts.clone(),
                    ends: vec![None; hosts.len()],
                });
            }
            Entry::CommandFinished {
                command,
                host,
                exit_code,
                signal,
                duration_ms,
                outcome,
                ..
            } => {
                let end = (ended(outcome.as_deref(), *exit_code, *signal), *duration_ms);
                if !fill_end(&mut runs, command, host, end) {
                    out.push(Line::Text(format!("{at} {}", entry.summary())));
                }
            }
            Entry::HealthChanged { check, to, .. } => {
                let line = health_line(record, entry, &mut down_since, check, to);
                out.push(Line::Text(format!("{at} {line}")));
            }
            other => out.push(Line::Text(format!("{at} {}", other.summary()))),
        }
    }
    out.into_iter()
        .map(|line| match line {
            Line::Text(text) => text,
            Line::Command { at, ran } => format!("{at} {}", describe(&runs[ran])),
        })
        .collect()
}

/// Gives `host`'s end to the latest run of `command` still waiting for it.
fn fill_end(runs: &mut [Ran], command: &str, host: &str, end: (String, u64)) -> bool {
    let waiting = runs
        .iter_mut()
        .rev()
        .filter(|run| run.command == command)
        .find_map(|run| {
            run.hosts
                .iter()
                .zip(run.ends.iter_mut())
                .find(|(h, e)| h.as_str() == host && e.is_none())
                .map(|(_, e)| e)
        });
    match waiting {
        Some(slot) => {
            *slot = Some(end);
            true
        }
        None => false,
    }
}

/// `` `restart-web` on web1: `systemctl restart web` → exit 0 in 1.2s ``
fn describe(run: &Ran) -> String {
    let ends: Vec<String> = run
        .hosts
        .iter()
        .zip(&run.ends)
        .map(|(host, end)| {
            let end = match end {
                // A run that could not start took no time of its own.
                Some((said, _)) if said.starts_with("could not run") => said.clone(),
                Some((said, ms)) => format!("{said} in {:.1}s", *ms as f64 / 1000.0),
                None => "no end recorded".into(),
            };
            if run.hosts.len() > 1 {
                format!("{host}: {end}")
            } else {
                end
            }
        })
        .collect();
    let script = run.resolved.trim_end();
    let head = format!("{} on {}", code_span(&run.command), run.hosts.join(", "));
    if script.contains('\n') {
        let fence = "`".repeat(longest_backtick_run(script).max(2) + 1);
        let body: String = script.lines().map(|l| format!("\n  {l}")).collect();
        format!("{head} → {}\n  {fence}sh{body}\n  {fence}", ends.join("; "))
    } else {
        format!("{head}: {} → {}", code_span(script), ends.join("; "))
    }
}

/// A health change; a recovery says how long the check was down.
fn health_line<'a>(
    record: &'a Record,
    entry: &Entry,
    down_since: &mut HashMap<&'a str, &'a str>,
    check: &'a str,
    to: &str,
) -> String {
    let summary = entry.summary();
    if to == "up" {
        if let Some(since) = down_since.remove(check)
            && let Some(took) = duration(since, Some(&record.ts))
        {
            return format!("{summary}; down {took}, since {}", time_of(since));
        }
    } else if to != "unknown" {
        down_since.entry(check).or_insert(&record.ts);
    }
    summary
}

/// Every time a check went down (or degraded): both edges and how long it
/// lasted, or that it had not recovered by the last event.
pub fn outages(replay: &Replay) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Vec<(&str, &str, String)> = Vec::new();
    for record in &replay.records {
        let Some(Entry::HealthChanged {
            check, to, reason, ..
        }) = &record.entry
        else {
            continue;
        };
        let known = open.iter().position(|(c, _, _)| *c == check.as_str());
        match (to.as_str(), known) {
            ("up", Some(at)) => {
                let (_, since, how) = open.remove(at);
                let took = duration(since, Some(&record.ts)).unwrap_or_default();
                out.push(format!(
                    "`{check}`: {how} at {}, up at {} ({reason}): down {took}",
                    time_of(since),
                    time_of(&record.ts)
                ));
            }
            ("up" | "unknown", _) | (_, Some(_)) => {}
            (how, None) => open.push((check, &record.ts, format!("{how} ({reason})"))),
        }
    }
    let last = replay.records.last().map(|r| r.ts.as_str());
    for (check, since, how) in open {
        let took = last
            .and_then(|l| duration(since, Some(l)))
            .unwrap_or_default();
        out.push(format!(
            "`{check}`: {how} at {}, not up by the last event: down at least {took}",
            time_of(since)
        ));
    }
    out
}

/// `2026-11-22T02:14:43.123Z` → `02:14:43`.
pub fn time_of(ts: &str) -> &str {
    ts.get(11..19).unwrap_or(ts)
}

/// Inline code that holds any text: a longer fence when it has backticks.
fn code_span(text: &str) -> String {
    match longest_backtick_run(text) {
        0 => format!("`{text}`"),
        n => {
            let fence = "`".repeat(n + 1);
            format!("{fence} {text} {fence}")
        }
    }
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}
