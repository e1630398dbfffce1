//! Output is bounded by bytes, not lines: the console's output pane holds at
//! most its byte budget across all runs (the oldest lines dropped first,
//! with a marker line), and one line is cut at `MAX_LINE` bytes on the
//! local and the SSH path alike, invalid UTF-8 included.

mod ssh_support;

use opsdeck::app::runs::{OutputPane, RunStatus};
use opsdeck::exec::lines::ChunkSplitter;
use opsdeck::exec::local::{LocalRunner, MAX_LINE};
use opsdeck::exec::{Line, Runner};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// The default budget of the console's pane.
const BUDGET: usize = 64 * 1024 * 1024;
/// What the console sends the core at most per output event today: 1000
/// lines, so up to 64 MB of them without newlines.
const BATCH: usize = 1000;

/// Bytes of text the pane holds, counted here from its lines.
fn text_held(pane: &OutputPane) -> usize {
    pane.runs
        .iter()
        .flat_map(|r| r.lines.iter())
        .map(String::len)
        .sum()
}

/// Feeds `bytes` of output without a newline into run `id` as the console
/// does: cut into lines of `MAX_LINE` bytes by the runner's splitter, sent
/// in batches of at most [`BATCH`] lines and `batch_bytes` bytes.
fn feed_without_newlines(
    pane: &mut OutputPane,
    id: u64,
    bytes: usize,
    batch_bytes: usize,
    peak: &mut usize,
) {
    // What the splitter makes of output without newlines: pieces of MAX_LINE.
    let mut splitter = ChunkSplitter::default();
    let mut texts = Vec::new();
    splitter.push(&vec![b'x'; MAX_LINE + 10], &mut texts);
    splitter.flush(&mut texts);
    assert_eq!(
        texts.iter().map(String::len).collect::<Vec<_>>(),
        [MAX_LINE, 10]
    );
    let piece = texts.swap_remove(0);

    let mut batch: Vec<String> = Vec::new();
    let mut batched = 0;
    let mut fed = 0;
    while fed < bytes {
        let n = MAX_LINE.min(bytes - fed);
        batch.push(piece[..n].to_string());
        batched += n;
        fed += n;
        if batch.len() >= BATCH || batched >= batch_bytes || fed == bytes {
            let run = pane.get_mut(id).expect("the run");
            run.push_lines(std::mem::take(&mut batch));
            batched = 0;
            let held = text_held(pane);
            *peak = (*peak).max(held);
            assert!(
                held <= BUDGET,
                "the pane holds {held} bytes of text after {fed} bytes of run {id}"
            );
        }
    }
}

/// 20 runs of 40 MB each, as in the report: 800 MB in all.
fn eight_hundred_megabytes(batch_bytes: usize) -> OutputPane {
    let mut pane = OutputPane::default();
    let started = Instant::now();
    let mut peak = 0;
    for n in 0..20 {
        let id = pane.start(
            format!("flood{n}"),
            vec!["local".into()],
            RunStatus::Running,
        );
        feed_without_newlines(&mut pane, id, 40_000_000, batch_bytes, &mut peak);
    }
    let held = text_held(&pane);
    let batches = if batch_bytes == usize::MAX {
        format!("{BATCH} lines")
    } else {
        format!("{BATCH} lines or {batch_bytes} bytes")
    };
    eprintln!(
        "800 MB without newlines in batches of {batches}: {held} bytes of text held \
         (peak {peak}; {} counted with overhead), budget {BUDGET}, {:?}",
        pane.held_bytes(),
        started.elapsed()
    );
    assert!(held <= BUDGET);
    assert!(held > BUDGET / 2, "the budget is used, not wasted: {held}");
    pane
}

#[test]
fn eight_hundred_megabytes_without_newlines_stay_within_the_budget() {
    // Batches as big as the console sends today (1000 lines of 64 KiB).
    let pane = eight_hundred_megabytes(usize::MAX);
    assert!(pane.held_bytes() <= BUDGET);
    let newest = pane.runs.last().unwrap();
    assert_eq!(
        newest.lines.back().map(String::len),
        Some(40_000_000 % MAX_LINE)
    );
    let oldest = &pane.runs[0];
    let marker = oldest.lines.front().expect("a marker line");
    assert!(marker.contains("dropped"), "{marker}");
}

#[test]
fn the_oldest_runs_lose_their_lines_first() {
    // Batches of at most 1 MiB: the newest run is whole, the oldest lost
    // everything and says so.
    let pane = eight_hundred_megabytes(1024 * 1024);
    let newest = pane.runs.last().unwrap();
    assert_eq!(
        newest.lines.iter().map(String::len).sum::<usize>(),
        40_000_000
    );
    assert_eq!(newest.dropped_output(), (0, 0));
    let oldest = &pane.runs[0];
    let marker = oldest.lines.front().expect("a marker line");
    assert!(
        marker.starts_with("[opsdeck: ") && marker.contains("dropped"),
        "{marker}"
    );
    assert!(marker.contains("MiB"), "says how much: {marker}");
    assert_eq!(oldest.lines.len(), 1, "only the marker is left");
}

#[test]
fn a_configured_budget_bounds_the_pane() {
    let budget = 4 * 1024 * 1024;
    let mut pane = OutputPane::with_budget(budget);
    let id = pane.start("lines".into(), vec![], RunStatus::Running);
    // Many short lines: each costs its text and its overhead.
    for _ in 0..500 {
        pane.get_mut(id)
            .unwrap()
            .push_lines((0..1000).map(|i| format!("line {i}")));
        assert!(pane.held_bytes() <= budget, "{}", pane.held_bytes());
    }
    let run = &pane.runs[0];
    let (lines, bytes) = run.dropped_output();
    assert!(lines > 0 && bytes > 0);
    assert!(
        run.lines[0].contains(&format!("{lines} earlier lines")),
        "{}",
        run.lines[0]
    );
    assert_eq!(run.lines.back().map(String::as_str), Some("line 999"));
}

fn local_lines(script: &str) -> Vec<Line> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (tx, mut rx) = mpsc::channel(16);
        let (_cancel, cancel_rx) = watch::channel(false);
        let script = script.to_string();
        let run = tokio::spawn(async move {
            LocalRunner
                .run(&script, Duration::from_secs(20), tx, cancel_rx)
                .await
        });
        let mut lines = Vec::new();
        while let Some(chunk) = rx.recv().await {
            lines.extend(chunk.lines().map(|text| Line {
                stream: chunk.stream,
                text: text.to_string(),
            }));
        }
        run.await.unwrap().unwrap();
        lines
    })
}

/// 300,000 bytes of 0xff: each becomes U+FFFD (three bytes) yet no line
/// exceeds the cut.
const INVALID_FLOOD: &str = "head -c 300000 /dev/zero | tr '\\0' '\\377'";
const PLAIN_FLOOD: &str = "head -c 300000 /dev/zero | tr '\\0' x";

fn assert_cut(lines: &[Line], chars: usize, what: &str) {
    let longest = lines.iter().map(|l| l.text.len()).max().unwrap_or(0);
    assert!(longest <= MAX_LINE, "{what}: a line of {longest} bytes");
    assert_eq!(
        lines.iter().map(|l| l.text.chars().count()).sum::<usize>(),
        chars,
        "{what}: nothing lost"
    );
}

#[test]
fn one_line_is_cut_at_max_line_locally() {
    assert_cut(&local_lines(PLAIN_FLOOD), 300_000, "local, plain");
    assert_cut(&local_lines(INVALID_FLOOD), 300_000, "local, invalid UTF-8");
}

#[test]
fn one_line_is_cut_at_max_line_over_ssh() {
    let Some(sshd) = ssh_support::start_or_skip("one_line_is_cut_at_max_line_over_ssh") else {
        return;
    };
    ssh_support::run::runtime().block_on(async {
        let pool = opsdeck::exec::ssh::SshPool::default();
        let runner = opsdeck::exec::ssh::SshRunner::new(&pool, &ssh_support::run::target(&sshd));
        for (script, what) in [
            (PLAIN_FLOOD, "ssh, plain"),
            (INVALID_FLOOD, "ssh, invalid UTF-8"),
        ] {
            let (lines, done) =
                ssh_support::run::collect(&runner, script, Duration::from_secs(20), None).await;
            assert_eq!(done.unwrap().exit_code, Some(0));
            assert_cut(&lines, 300_000, what);
        }
    });
}
