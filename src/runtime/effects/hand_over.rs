//! A command that needs the terminal, run from the console: the screen is
//! handed over (`tui::hand_over`), the command runs on the real terminal, and
//! the console comes back. Its start, end and exit code become the same
//! events a piped run gives; nothing of what was typed or shown is kept.

use super::console_run::finished_event;
use crate::app::Event;
use crate::exec::terminal_run::run_on_terminal;
use crate::plan::Plan;

/// Runs `plan` on the terminal; returns the events of its start and end.
pub fn run(run: u64, plan: &Plan) -> Vec<Event> {
    let result = crate::tui::hand_over(|| {
        println!(
            "opsdeck: `{}` has the terminal; the console comes back when it ends.",
            plan.command_id
        );
        run_on_terminal(plan)
    });
    let host = crate::plan::LOCAL.to_string();
    vec![
        Event::HostStarted { run, host: 0 },
        Event::HostFinished {
            run,
            host: 0,
            result: result.clone(),
            output_file: String::new(),
            last_lines: Vec::new(),
        },
        finished_event(run, &[(host, result)], String::new()),
    ]
}
