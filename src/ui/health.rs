//! The health pane: each check's status, latency sparkline, age and last error.

use super::theme::Theme;
use crate::app::State;
use crate::app::health::CheckView;
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
    let mut lines = Vec::new();
    for check in &state.health {
        lines.extend(check_lines(check, state.elapsed_secs, width, theme));
        if state.mode == crate::app::Mode::Learn
            && let Some(model) = state.playbook.check(&check.id)
        {
            let what: String = explain_check(model)
                .chars()
                .take(width.saturating_sub(4))
                .collect();
            lines.push(Line::styled(format!("  ℹ {what}"), theme.accent));
        }
    }
    // A check the playbook got wrong is not probed: said here, where the
    // responder looks for it, not only at the top of the first step.
    if !state.broken.checks.is_empty() {
        lines.push(Line::styled("✖ not probed, the playbook errs:", theme.down));
    }
    for error in &state.broken.checks {
        let room = width.saturating_sub(2);
        let mut said: String = error.chars().take(room).collect();
        if error.chars().count() > room {
            said.pop();
            said.push('…');
        }
        lines.push(Line::styled(format!("  {said}"), theme.down));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.border);
    frame.render_widget(Paragraph::new(lines).block(block), area);
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

fn check_lines(check: &CheckView, now: u64, width: usize, theme: &Theme) -> Vec<Line<'static>> {
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
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{label} "), style),
        Span::styled(check.id.clone(), theme.heading),
        Span::styled(format!("{latency}{since}"), theme.muted),
    ])];
    let spark_width = width.saturating_sub(2).min(latencies.len());
    if spark_width > 0 {
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
    let detail: String = detail.chars().take(width.saturating_sub(2)).collect();
    lines.push(Line::styled(format!("  {detail}"), theme.muted));
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
