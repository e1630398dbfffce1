//! `opsdeck log list`: every incident, newest first; ids of any length fit
//! (cut with `…`, a prefix `log show` still takes), `--format json` for whole ones.

use super::log::{base, exposed, text};
use crate::incident::list::{self, Summary};

/// Ids longer than this are cut in the table.
const ID_WIDTH: usize = 40;

pub fn run(json: bool) -> u8 {
    let Ok(base) = base() else { return 1 };
    if let Some(warning) = exposed(&base) {
        eprintln!("opsdeck log: WARNING: {warning}");
    }
    let incidents = list::list(&base);
    if json {
        let rows: Vec<serde_json::Value> = incidents.iter().map(as_json).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
        return 0;
    }
    if incidents.is_empty() {
        println!("No incidents under {}.", base.display());
        return 0;
    }
    let width = incidents
        .iter()
        .map(|s| s.id.chars().count())
        .max()
        .unwrap_or(0)
        .clamp("ID".len(), ID_WIDTH);
    println!(
        "{:<width$} {:<6} {:>8} {:>6}  {:<24} TITLE",
        "ID", "STATE", "DURATION", "EVENTS", "STARTED"
    );
    for s in &incidents {
        let state = if s.closed { "closed" } else { "open" };
        let drill = if s.drill { " [drill]" } else { "" };
        println!(
            "{:<width$} {:<6} {:>8} {:>6}  {:<24} {}{drill}",
            cut(&s.id, width),
            state,
            s.duration,
            s.events,
            text(&s.started),
            text(&s.title)
        );
    }
    0
}

/// `id` in `width` characters, its end replaced by `…` when longer.
fn cut(id: &str, width: usize) -> String {
    if id.chars().count() <= width {
        return id.to_string();
    }
    let kept: String = id.chars().take(width - 1).collect();
    format!("{kept}…")
}

fn as_json(s: &Summary) -> serde_json::Value {
    serde_json::json!({
        "id": s.id,
        "state": if s.closed { "closed" } else { "open" },
        "duration": s.duration,
        "events": s.events,
        "started": s.started,
        "title": s.title,
        "playbook": s.playbook,
        "drill": s.drill,
    })
}
