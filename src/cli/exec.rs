//! `opsdeck exec PLAYBOOK COMMAND_ID`: one command, headless.

use super::load::{EXIT_ERRORS, load_or_report};
use std::path::Path;

/// `opsdeck exec PLAYBOOK COMMAND_ID`
pub fn exec(path: &Path, command_id: &str, options: &crate::exec::headless::ExecOptions) -> u8 {
    let Some(playbook) = load_or_report(path) else {
        return EXIT_ERRORS;
    };
    crate::exec::headless::exec(path, &playbook, command_id, options)
}
