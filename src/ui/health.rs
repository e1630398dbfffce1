//! The health pane: each check's status, latency sparkline, age and last error.

use super::theme::Theme;
use crate::app::State;
use crate::app::health::CheckView;
use crate::app::keymap::Action;
use crate::health::Status;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let up = state
        .health
        .iter()
        .filter(|c| c.status() == Status::Up)
        .count();
    let title = format!(" Health {up}/{} up ", state.health.len());
    let width = area.width.saturating_sub(2) as usize;
    // A check the playbook got wrong is not probed: said here, where the
    // responder looks for it, not only at the top of the first step. Its
    // rows are kept before the probed checks share the rest.
    let broken = broken_lines(state, width, theme);
    let height = (area.height.saturating_sub(2) as usize).saturating_sub(broken.len());
    // The most that fits for every check: errors whole, then cut to a line
    // with `…`, then without the sparkline, then the status lines alone.
    let mut checks = Vec::new();
    let mut shown_detail = Detail::Whole;
    for detail in [
        Detail::Whole,
        Detail::Line,
        Detail::NoSparkline,
        Detail::StatusOnly,
    ] {
        shown_detail = detail;
        checks = all_checks(state, width, detail, theme);
        if checks.iter().map(Vec::len).sum::<usize>() <= height {
            break;
        }
    }
    // Rows to spare under the status lines go to the errors of checks not up.
    let mut spare = height.saturating_sub(checks.iter().map(Vec::len).sum());
    for (check, lines) in state.health.iter().zip(checks.iter_mut()) {
        if spare > 0 && lines.len() == 1 && check.status() != Status::Up {
            let with_error =
                check_lines(check, state.elapsed_secs, width, Detail::NoSparkline, theme);
            lines.extend(with_error.into_iter().skip(1));
            spare -= 1;
        }
    }
    let mut lines = Vec::new();
    let mut hidden = 0;
    for check in checks {
        if lines.len() + check.len() <= height {
            lines.extend(check);
        } else {
            hidden += 1;
        }
    }
    lines.extend(broken);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.border);
    let mut said = Vec::new();
    if hidden > 0 {
        said.push(format!("▼ {hidden} more"));
    }
    if hidden > 0 || cut_any(state, width, shown_detail) {
        said.push(format!("{} whole", state.keymap.hint(Action::Details)));
    }
    if !said.is_empty() {
        block = block.title_bottom(
            Line::styled(format!(" {} ", said.join(" · ")), theme.accent).right_aligned(),
        );
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// Whether the pane cut a check's last result (when it could not give
/// each a whole line) or an error of the playbook: `i` shows them whole.
fn cut_any(state: &State, width: usize, detail: Detail) -> bool {
    let room = width.saturating_sub(2);
    let results_cut = detail != Detail::Whole
        && state
            .health
            .iter()
            .flat_map(|check| [check.last_error(), check.summary()])
            .flatten()
            .any(|text| super::fit::width(text) > room);
    let broken_cut = (state.broken.checks.iter()).any(|error| super::fit::width(error) > room);
    // `✖ DOWN ` and the id: the status line's start.
    let id_cut = (state.health.iter()).any(|check| super::fit::width(&check.id) + 7 > width);
    results_cut || broken_cut || id_cut
}

/// The checks the playbook got wrong, each on a line cut with `…`.
fn broken_lines(state: &State, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    if state.broken.checks.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::styled("✖ not probed, the playbook errs:", theme.down)];
    for error in &state.broken.checks {
        let said = super::fit::end(error, width.saturating_sub(2));
        lines.push(Line::styled(format!("  {said}"), theme.down));
    }
    lines
}

/// How much of each check the pane has room for.
#[derive(Clone, Copy, PartialEq)]
enum Detail {
    Whole,
    Line,
    NoSparkline,
    StatusOnly,
}

/// Each check's lines at `detail`.
fn all_checks(
    state: &State,
    width: usize,
    detail: Detail,
    theme: &Theme,
) -> Vec<Vec<Line<'static>>> {
    state
        .health
        .iter()
        .map(|check| {
            let mut lines = check_lines(check, state.elapsed_secs, width, detail, theme);
            if state.mode == crate::app::Mode::Learn
                && detail != Detail::StatusOnly
                && let Some(model) = state.playbook.check(&check.id)
            {
                let room = width.saturating_sub(4);
                let what = match detail {
                    Detail::Whole => super::fit::wrap_words(&explain_check(model), room),
                    _ => vec![super::fit::end(&explain_check(model), room)],
                };
                for (n, line) in what.into_iter().enumerate() {
                    let mark = if n == 0 { "ℹ" } else { " " };
                    lines.push(Line::styled(format!("  {mark} {line}"), theme.accent));
                }
            }
            lines
        })
        .collect()
}

pub fn status_style(status: Status, theme: &Theme) -> (&'static str, Style) {
    // Shapes as well as colours, so status reads without colour vision.
    match status {
        Status::Up => ("● up", theme.ok),
        Status::Degraded => ("◐ degraded", theme.degraded),
        Status::Down => ("✖ DOWN", theme.down),
        Status::Unknown => ("○ …", theme.unknown),
    }
}

/// Learn mode: what a check asks, in words.
fn explain_check(check: &crate::playbook::model::Check) -> String {
    use crate::playbook::model::Probe;
    let expect = &check.expect;
    let mut wants = Vec::new();
    if let Some(status) = expect.status {
        wants.push(format!("status {status}"));
    }
    if let Some(max) = expect.max_latency {
        wants.push(format!("within {}", humantime::format_duration(max)));
    }
    let wants = if wants.is_empty() {
        String::new()
    } else {
        format!(", expects {}", wants.join(" "))
    };
    match &check.probe {
        Probe::Http(url) => format!("asks GET {url}{wants}"),
        Probe::Tcp(address) => format!("opens a TCP connection to {address}"),
        Probe::Command(cmd) => format!("runs `{cmd}`; healthy when it exits 0"),
        Probe::Prometheus(query) => format!("queries Prometheus: {query}"),
        Probe::Statuspage(url) => format!("reads the provider's status page {url}"),
        Probe::Alertmanager { matchers, .. } => format!("asks Alertmanager for alerts {matchers}"),
    }
}

fn check_lines(
    check: &CheckView,
    now: u64,
    width: usize,
    detail_room: Detail,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let (label, style) = status_style(check.status(), theme);
    let since = check
        .changed_at_secs()
        .map(|at| format!(" {}", age(now.saturating_sub(at))))
        .unwrap_or_default();
    let latencies = check.latencies_ms();
    let latency = latencies
        .last()
        .map(|ms| format!(" {ms}ms"))
        .unwrap_or_default();
    // A long id ends with `…` at the pane's edge; `i` shows it whole.
    let status = vec![
        Span::styled(format!("{label} "), style),
        Span::styled(check.id.clone(), theme.heading),
        Span::styled(format!("{latency}{since}"), theme.muted),
    ];
    let mut lines = vec![Line::from(super::fit::spans(status, width))];
    if detail_room == Detail::StatusOnly {
        return lines;
    }
    let spark_width = width.saturating_sub(2).min(latencies.len());
    if spark_width > 0 && matches!(detail_room, Detail::Whole | Detail::Line) {
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(sparkline(&latencies, spark_width), style),
        ]));
    }
    let detail = match (check.status(), check.last_error(), check.summary()) {
        (Status::Up, _, Some(summary)) | (Status::Unknown, None, Some(summary)) => {
            summary.to_string()
        }
        (_, Some(error), _) => error.to_string(),
        (_, None, Some(summary)) => summary.to_string(),
        (_, None, None) => format!("{} {}", check.kind, check.target),
    };
    let room = width.saturating_sub(2).max(1);
    let details = if detail_room == Detail::Whole {
        super::fit::wrap_words(&detail, room)
    } else {
        vec![super::fit::end(&detail, room)]
    };
    for detail in details {
        lines.push(Line::styled(format!("  {detail}"), theme.muted));
    }
    lines
}

/// The newest `width` latencies scaled to eight bar heights.
fn sparkline(latencies_ms: &[u64], width: usize) -> String {
    let recent = &latencies_ms[latencies_ms.len() - width..];
    // A floor, so a few milliseconds of noise on a fast check do not look like spikes.
    let max = recent.iter().copied().max().unwrap_or(1).max(20);
    recent
        .iter()
        .map(|ms| BARS[((ms * 7) / max) as usize])
        .collect()
}

fn age(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        _ => format!("{}h{}m", secs / 3600, secs / 60 % 60),
    }
}
