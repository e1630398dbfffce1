//! A command that needs the terminal, run from the console: the screen is
//! handed over (`tui::hand_over`), the command runs on the real terminal, and
//! the console comes back. Its start, end and exit code become the same
//! events a piped run gives; nothing of what was typed or shown is kept.

use super::console_run::finished_event;
use crate::app::Event;
use crate::exec::terminal_run::run_on_terminal;
use crate::plan::Plan;
use crate::terminal_text::{Keep, sanitise};

/// Runs `plan` on the terminal, on each of its hosts in turn; returns the
/// events of each start and end.
pub fn run(run: u64, plan: &Plan) -> Vec<Event> {
    let results = crate::tui::hand_over(|| {
        let mut results = Vec::new();
        for (index, host) in plan.hosts.iter().enumerate() {
            let on = if plan.hosts.len() > 1 {
                format!(" on {host} ({} of {})", index + 1, plan.hosts.len())
            } else {
                String::new()
            };
            println!(
                "opsdeck: `{}`{} has the terminal; the console comes back when it ends.",
                plan.command_id,
                sanitise(&on, Keep::Text)
            );
            results.push((host.clone(), run_on_terminal(plan, index)));
        }
        results
    });
    let mut events = Vec::new();
    for (host, (_, result)) in results.iter().enumerate() {
        events.push(Event::HostStarted { run, host });
        events.push(Event::HostFinished {
            run,
            host,
            result: result.clone(),
            output_file: String::new(),
            last_lines: Vec::new(),
        });
    }
    events.push(finished_event(run, &results, String::new()));
    events
}
