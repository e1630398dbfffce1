//! What each subcommand does, returning its exit code.

use crate::cli::Format;
use crate::library;
use crate::playbook::{self, render};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub const EXIT_OK: u8 = 0;
pub const EXIT_ERRORS: u8 = 1;

fn color_on(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `opsdeck check PATH...`
pub fn check(paths: &[PathBuf], format: Format, deny_warnings: bool) -> u8 {
    let files = match library::collect(paths) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("opsdeck check: {message}");
            return EXIT_ERRORS;
        }
    };
    let color = color_on(&std::io::stdout());
    let mut results = Vec::new();
    for file in &files {
        let parsed = crate::plan::check::load(file);
        results.push((file.display().to_string(), parsed));
    }
    let errors: usize = results
        .iter()
        .map(|(_, p)| p.diagnostics.iter().filter(|d| d.is_error()).count())
        .sum();
    let warnings: usize = results
        .iter()
        .map(|(_, p)| p.diagnostics.len())
        .sum::<usize>()
        - errors;
    match format {
        Format::Json => {
            let reports: Vec<_> = results
                .iter()
                .map(|(path, parsed)| render::FileReport {
                    path,
                    diagnostics: &parsed.diagnostics,
                })
                .collect();
            println!("{}", render::render_json(&reports));
        }
        Format::Text => {
            for (path, parsed) in &results {
                if parsed.diagnostics.is_empty() {
                    continue;
                }
                let source = playbook::read_limited(Path::new(path)).ok();
                let text = source.as_deref().and_then(|b| std::str::from_utf8(b).ok());
                print!(
                    "{}",
                    render::render_text(path, text, &parsed.diagnostics, color)
                );
            }
            println!(
                "checked {} playbook{}: {errors} error{}, {warnings} warning{}",
                files.len(),
                plural(files.len()),
                plural(errors),
                plural(warnings)
            );
        }
    }
    if errors > 0 || (deny_warnings && warnings > 0) {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Loads a playbook for `show`/`open`, printing its diagnostics on failure.
fn load_or_report(path: &Path) -> Option<playbook::Playbook> {
    load_or_explain(path, "opsdeck")
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

/// `opsdeck open PLAYBOOK`
pub fn open(path: &Path, options: crate::runtime::ConsoleOptions) -> u8 {
    open_with_theme(path, options, None)
}

/// `opsdeck open PLAYBOOK --theme NAME`: the config is read before the
/// terminal is taken, so a broken theme or config file is a plain error.
pub fn open_with_theme(
    path: &Path,
    options: crate::runtime::ConsoleOptions,
    theme: Option<&str>,
) -> u8 {
    let settings = match crate::config::load_settings(theme) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("opsdeck: {err}");
            return EXIT_ERRORS;
        }
    };
    open_with_settings(path, options, settings)
}

fn open_with_settings(
    path: &Path,
    options: crate::runtime::ConsoleOptions,
    settings: crate::config::Settings,
) -> u8 {
    let Some(playbook) = load_or_report(path) else {
        return EXIT_ERRORS;
    };
    match crate::runtime::run_console(playbook, path.to_path_buf(), options, settings) {
        Ok(()) => EXIT_OK,
        Err(err) => {
            eprintln!("opsdeck: the console stopped: {err}");
            EXIT_ERRORS
        }
    }
}

/// Bare `opsdeck`: the picker over the playbook library, then the console on
/// the chosen one. Without a terminal it prints the library instead.
pub fn pick(theme: Option<&str>) -> u8 {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return list_library();
    }
    let settings = match crate::config::load_settings(theme) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("opsdeck: {err}");
            return EXIT_ERRORS;
        }
    };
    let picker = crate::runtime::picker::load_library();
    match crate::runtime::picker::run(picker, &settings) {
        Ok(Some(path)) => open_with_settings(&path, Default::default(), settings),
        Ok(None) => EXIT_OK,
        Err(err) => {
            eprintln!("opsdeck: the picker stopped: {err}");
            EXIT_ERRORS
        }
    }
}

/// The playbook library as a list, for bare `opsdeck` without a terminal.
pub fn list_library() -> u8 {
    let dirs = library::library_dirs();
    let files = library::collect(&dirs).unwrap_or_default();
    if files.is_empty() {
        println!(
            "No playbooks found in: {}",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!("Write one with a `# Title` and `## Step` sections, then `opsdeck open FILE`.");
        return EXIT_OK;
    }
    println!("Playbooks (open one with `opsdeck open PATH`):");
    for file in files {
        let parsed = crate::plan::check::load(&file);
        match (
            &parsed.playbook,
            parsed.diagnostics.iter().find(|d| d.is_error()),
        ) {
            (Some(playbook), _) => println!("  {:<50} {}", file.display(), playbook.title),
            (None, Some(error)) => println!(
                "  {:<50} invalid: {}:{}: {}",
                file.display(),
                error.line,
                error.col,
                error.message
            ),
            (None, None) => {}
        }
    }
    EXIT_OK
}

/// `opsdeck exec PLAYBOOK COMMAND_ID`
pub fn exec(path: &Path, command_id: &str, options: &crate::exec::headless::ExecOptions) -> u8 {
    let Some(playbook) = load_or_report(path) else {
        return EXIT_ERRORS;
    };
    crate::exec::headless::exec(path, &playbook, command_id, options)
}
