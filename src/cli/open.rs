//! `opsdeck open PLAYBOOK` and bare `opsdeck` (the picker): the console.

use super::load::{EXIT_ERRORS, EXIT_OK, load_for_console};
use crate::library;
use std::io::IsTerminal;
use std::path::Path;

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
    let Some((playbook, broken)) = load_for_console(path) else {
        return EXIT_ERRORS;
    };
    let options = crate::runtime::ConsoleOptions { broken, ..options };
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
    // Quitting the console comes back to the list, on the same playbook;
    // a signal or a failure ends both.
    let mut selected = None;
    loop {
        let mut picker = crate::runtime::picker::load_library();
        if let Some(n) = selected {
            picker.select(n);
        }
        let (path, index) = match crate::runtime::picker::choose(picker, &settings) {
            Ok(Some(chosen)) => chosen,
            Ok(None) => return EXIT_OK,
            Err(err) => {
                eprintln!("opsdeck: the picker stopped: {err}");
                return EXIT_ERRORS;
            }
        };
        let options = crate::runtime::ConsoleOptions {
            from_list: true,
            ..Default::default()
        };
        let code = open_with_settings(Path::new(&path), options, settings.clone());
        if code != EXIT_OK || crate::runtime::ended_by_signal() {
            return code;
        }
        selected = index;
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
    let mut files: Vec<_> = files
        .into_iter()
        .filter(|f| !library::is_drill(f))
        .collect();
    // Broken ones after the good ones, as in the picker.
    files.sort_by_cached_key(|f| crate::plan::check::load(f).playbook.is_none());
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
