//! `opsdeck new` writes a playbook that teaches the format and passes
//! `opsdeck check --deny warnings`; `opsdeck check --rules` lists the lint rules.

use super::lint::RULES;
use std::path::PathBuf;

const MARKDOWN: &str = include_str!("scaffold/new.md");
const YAML: &str = include_str!("scaffold/new.yaml");

pub fn print_rules() -> u8 {
    println!("Lint rules (warnings; `opsdeck check --deny warnings` fails on them):\n");
    for rule in RULES {
        println!("  {:<26} {}", rule.name, rule.why);
    }
    println!(
        "\nSilence one for a command with `allow=RULE` in its attributes, for a check with\n`allow: [RULE]` in it, or for the whole playbook with `allow: [RULE]` in the front matter."
    );
    println!(
        "\nWhat changes things (such a command needs its target typed, whatever its `kind`;\n`allow=RULE` on the command says it is safe to run without asking):\n"
    );
    for (name, why) in crate::shell::danger::RULES {
        println!("  {name:<26} {why}");
    }
    0
}

/// `restart-api` → `Restart api`.
fn title_of(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "New playbook".into(),
    }
}

pub fn render(name: &str, yaml: bool) -> String {
    let template = if yaml { YAML } else { MARKDOWN };
    template.replace("TITLE", &title_of(name))
}

pub fn write_new(name: &str, yaml: bool) -> u8 {
    let ext = if yaml { "yaml" } else { "md" };
    let path = if name.ends_with(&format!(".{ext}")) {
        PathBuf::from(name)
    } else {
        PathBuf::from(format!("{name}.{ext}"))
    };
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(name)
        .to_string();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let result = file
        .and_then(|mut file| std::io::Write::write_all(&mut file, render(&stem, yaml).as_bytes()));
    match result {
        Ok(()) => {
            println!(
                "wrote {}; edit it, then `opsdeck check {}` and `opsdeck open {}`",
                path.display(),
                path.display(),
                path.display()
            );
            0
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "opsdeck new: {} already exists; pick another name or remove it first",
                path.display()
            );
            1
        }
        Err(err) => {
            eprintln!("opsdeck new: cannot write {}: {err}", path.display());
            1
        }
    }
}
