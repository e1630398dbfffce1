//! `opsdeck show PLAYBOOK`: the playbook as opsdeck reads it.

use super::load::{EXIT_ERRORS, EXIT_OK, load_or_report};
use crate::cli::Format;
use std::path::Path;

/// `opsdeck show PLAYBOOK`
pub fn show(path: &Path, format: Format) -> u8 {
    let Some(playbook) = load_or_report(path) else {
        return EXIT_ERRORS;
    };
    match format {
        Format::Json => match serde_json::to_string_pretty(&playbook) {
            Ok(json) => println!("{json}"),
            Err(err) => {
                eprintln!("opsdeck show: cannot print the model: {err}");
                return EXIT_ERRORS;
            }
        },
        // A playbook's text may hold escapes that would forge what is shown.
        Format::Text => print!(
            "{}",
            crate::terminal_text::sanitise(
                &crate::playbook::describe::describe(&playbook),
                crate::terminal_text::Keep::Text
            )
        ),
    }
    EXIT_OK
}
