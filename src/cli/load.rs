//! What every subcommand shares: exit codes, colour on or off, and loading a
//! playbook with its diagnostics explained.

use crate::playbook::{self, render};
use std::io::IsTerminal;
use std::path::Path;

pub const EXIT_OK: u8 = 0;
pub const EXIT_ERRORS: u8 = 1;

pub fn color_on(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Loads a playbook for `show`/`open`, printing its diagnostics on failure.
pub fn load_or_report(path: &Path) -> Option<playbook::Playbook> {
    load_or_explain(path, "opsdeck")
}

/// The playbook for the console: whole, or read with errors when its steps
/// are readable (the errors then make what they affect read-only, and are
/// listed on stderr too); None, with the diagnostics on stderr, when even
/// the steps cannot be read.
pub fn load_for_console(path: &Path) -> Option<(playbook::Playbook, crate::plan::broken::Broken)> {
    let parsed = crate::plan::check::load(path);
    if let Some(playbook) = parsed.playbook {
        return Some((playbook, Default::default()));
    }
    let shown = path.display().to_string();
    let source = playbook::read_limited(path).ok();
    let text = source.as_deref().and_then(|b| std::str::from_utf8(b).ok());
    let color = color_on(&std::io::stderr());
    eprint!(
        "{}",
        render::render_text(&shown, text, &parsed.diagnostics, color)
    );
    let Some(partial) = &parsed.partial else {
        eprintln!(
            "opsdeck: cannot use {shown}: its steps cannot be read; fix the errors above (`opsdeck check {shown}` lists them)"
        );
        return None;
    };
    let broken = crate::plan::broken::broken_parts(&parsed, partial);
    eprintln!("opsdeck: {shown} has errors: opening it with what they affect read-only");
    parsed.partial.map(|playbook| (playbook, broken))
}

/// The playbook, or its diagnostics on stderr (with the source snippet) and
/// `None`; `who` names the command in the closing line.
pub fn load_or_explain(path: &Path, who: &str) -> Option<playbook::Playbook> {
    let parsed = crate::plan::check::load(path);
    if parsed.playbook.is_none() {
        let source = playbook::read_limited(path).ok();
        let text = source.as_deref().and_then(|b| std::str::from_utf8(b).ok());
        let shown = path.display().to_string();
        let color = color_on(&std::io::stderr());
        eprint!(
            "{}",
            render::render_text(&shown, text, &parsed.diagnostics, color)
        );
        eprintln!(
            "{who}: cannot use {shown}: fix the errors above (`opsdeck check {shown}` lists them)"
        );
    }
    parsed.playbook
}
