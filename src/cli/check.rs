//! `opsdeck check PATH...`: every playbook validated, diagnostics at `file:line:col`.

use super::load::{EXIT_ERRORS, EXIT_OK, color_on};
use crate::cli::Format;
use crate::library;
use crate::playbook::{self, render};
use std::path::{Path, PathBuf};

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
