//! Search in the output pane: `/` types a query, Enter finds it, `n`/`N` go
//! to the next (newer) and previous (older) match. Matching is smart-case:
//! a query with a capital letter is case-sensitive.

use super::event::{Key, KeyCode};
use super::state::{Focus, Overlay, State};
use std::ops::Range;

#[derive(Clone, Debug, PartialEq)]
pub struct Search {
    pub query: String,
    /// The run searched; another run's output is not highlighted.
    pub run: u64,
    /// Matching lines by absolute number (lines dropped before + index), oldest first.
    pub matches: Vec<u64>,
    /// Every hit, several on one line counted apart: what the title counts.
    pub hits: usize,
    /// Hits on each line of `matches`, to forget them with their line.
    per_line: Vec<usize>,
    /// Index into `matches`.
    pub current: Option<usize>,
}

/// Lines kept visible below the current match when jumping to it.
const CONTEXT_BELOW: usize = 2;

/// Byte ranges of `query` in `text`; ASCII case folding keeps byte offsets valid.
pub fn find(text: &str, query: &str) -> Vec<Range<usize>> {
    if query.is_empty() {
        return Vec::new();
    }
    let fold = !query.chars().any(char::is_uppercase);
    let (hay, needle) = (text.as_bytes(), query.as_bytes());
    let mut found = Vec::new();
    let mut at = 0;
    while at + needle.len() <= hay.len() {
        let window = &hay[at..at + needle.len()];
        let hit = if fold {
            window.eq_ignore_ascii_case(needle)
        } else {
            window == needle
        };
        // Only at char boundaries, so ranges always slice the text.
        if hit && text.is_char_boundary(at) && text.is_char_boundary(at + needle.len()) {
            found.push(at..at + needle.len());
            at += needle.len();
        } else {
            at += 1;
        }
    }
    found
}

/// Hits of `query` in `line` as shown (control characters made inert, colours dropped).
fn hits_in(line: &str, query: &str) -> usize {
    let text = crate::terminal_text::sanitise(line, crate::terminal_text::Keep::Text);
    find(&text, query).len()
}

/// `/`: the output pane gets focus and the query is typed in the status bar.
pub fn open(state: &mut State) {
    if state.output.current().is_none() {
        state.message = Some("no output to search yet".into());
        return;
    }
    state.focus = Focus::Output;
    state.overlay = Some(Overlay::Search(String::new()));
}

pub fn on_key(state: &mut State, mut input: String, key: Key) {
    match key.code {
        KeyCode::Esc => {}
        KeyCode::Enter if input.is_empty() => {}
        KeyCode::Enter => run(state, input),
        KeyCode::Backspace => {
            input.pop();
            state.overlay = Some(Overlay::Search(input));
        }
        KeyCode::Char(c) if !key.ctrl => {
            input.push(c);
            state.overlay = Some(Overlay::Search(input));
        }
        _ => state.overlay = Some(Overlay::Search(input)),
    }
}

/// Finds every matching line and jumps to the nearest one at or above the view's bottom.
fn run(state: &mut State, query: String) {
    let Some(run) = state.output.current() else {
        return;
    };
    let (matches, per_line): (Vec<u64>, Vec<usize>) = run
        .lines
        .iter()
        .enumerate()
        .map(|(n, line)| (run.dropped + n as u64, hits_in(line, &query)))
        .filter(|(_, hits)| *hits > 0)
        .unzip();
    let hits = per_line.iter().sum();
    let height = super::output_scroll::view_height(state) as u64;
    let bottom = super::output_scroll::current_top(state) + height - 1;
    let current = matches
        .iter()
        .rposition(|line| *line <= bottom)
        .or((!matches.is_empty()).then_some(0));
    let so_far = if run.is_running() { " so far" } else { "" };
    state.message = Some(match matches.len() {
        0 => format!("`{query}`: no match{so_far}"),
        lines => format!("`{query}`: {}{so_far}", count(hits, lines)),
    });
    state.output.search = Some(Search {
        query,
        run: run.id,
        matches,
        hits,
        per_line,
        current,
    });
    jump(state);
}

/// `n` (newer) and `N` (older), wrapping around with a word about it.
pub fn step(state: &mut State, forward: bool) {
    let Some(search) = state.output.search.as_mut() else {
        state.message = Some("no search yet: / searches the output".into());
        return;
    };
    let count = search.matches.len();
    let Some(current) = search.current.filter(|_| count > 0) else {
        state.message = Some(format!("`{}`: no match", search.query));
        return;
    };
    let next = if forward {
        (current + 1) % count
    } else {
        (current + count - 1) % count
    };
    let wrapped = if forward {
        next < current
    } else {
        next > current
    };
    search.current = Some(next);
    state.message = Some(format!(
        "`{}`: {}/{count}{}",
        search.query,
        next + 1,
        if wrapped { " (wrapped)" } else { "" }
    ));
    jump(state);
}

/// `5 matches on 3 lines`, `1 match`.
pub fn count(hits: usize, lines: usize) -> String {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "es" });
    if hits == lines {
        plural(hits, "match")
    } else {
        format!(
            "{} on {lines} line{}",
            plural(hits, "match"),
            if lines == 1 { "" } else { "s" }
        )
    }
}

/// Scrolls so the current match shows, a few lines above the bottom.
fn jump(state: &mut State) {
    let Some(search) = &state.output.search else {
        return;
    };
    let Some(line) = search.current.and_then(|i| search.matches.get(i)).copied() else {
        return;
    };
    super::output_scroll::show_line(state, line, CONTEXT_BELOW);
}

/// New lines of the searched run are searched too; dropped ones are forgotten.
pub fn on_output(state: &mut State, run_id: u64, new_lines: usize) {
    let Some(run) = state.output.runs.iter().find(|r| r.id == run_id) else {
        return;
    };
    let Some(search) = state.output.search.as_mut().filter(|s| s.run == run_id) else {
        return;
    };
    let first_new = run.lines.len().saturating_sub(new_lines);
    for (n, line) in run.lines.iter().enumerate().skip(first_new) {
        let hits = hits_in(line, &search.query);
        if hits > 0 {
            search.matches.push(run.dropped + n as u64);
            search.per_line.push(hits);
            search.hits += hits;
        }
    }
    let gone = search
        .matches
        .iter()
        .take_while(|m| **m < run.dropped)
        .count();
    if gone > 0 {
        search.matches.drain(..gone);
        search.hits -= search.per_line.drain(..gone).sum::<usize>();
        search.current = search.current.map(|c| c.saturating_sub(gone));
    }
    if search.current.is_none() && !search.matches.is_empty() {
        search.current = Some(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_case_and_char_boundaries() {
        assert_eq!(
            find("Error error ERROR", "error"),
            vec![0..5, 6..11, 12..17]
        );
        assert_eq!(find("Error error ERROR", "Error"), vec![0..5]);
        assert_eq!(find("ünïcode ü", "ü"), vec![0..2, 10..12]);
        assert!(find("abc", "").is_empty());
        assert_eq!(find("aaaa", "aa"), vec![0..2, 2..4], "no overlaps");
    }
}
