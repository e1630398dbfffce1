//! The layers of ARCHITECTURE.md, enforced: each top-level module of `src/`
//! imports only its own layer and those below it, no two top-level modules
//! import each other (directly or round a cycle), the core does no I/O and
//! reads no clock, and drawing never changes state.
//!
//! The graph is read from the source text (`crate::NAME` paths, including
//! `use crate::{a, b::c}`), so a new forbidden import fails here with the
//! file and line that added it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lowest first. A module may import its own layer and the ones before it.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &["shell", "terminal_text", "yaml_file", "library", "kube"],
    ),
    (
        "sources",
        &["playbook", "health", "incident", "alertmanager"],
    ),
    ("core", &["plan", "app"]),
    ("ui", &["ui"]),
    (
        "run",
        &[
            "exec", "alerts", "runtime", "tui", "config", "drill", "cli", "commands",
        ],
    ),
];

/// The pure core: no tokio, no files, processes or sockets, no clock (time
/// comes in events).
const PURE: &[&str] = &["plan", "app"];
const IMPURE: &[&str] = &[
    "tokio",
    "std::fs",
    "std::process",
    "std::net",
    "Instant::now",
    "SystemTime::now",
    "OffsetDateTime::now",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// Every top-level module (a file or a directory of `src/`) and its files.
fn modules() -> BTreeMap<String, Vec<PathBuf>> {
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(src()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if matches!(name.as_str(), "lib" | "main") {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&path, &mut files);
        if !files.is_empty() {
            modules.entry(name).or_insert_with(Vec::new).extend(files);
        }
    }
    modules
}

/// The top-level modules a line names through `crate::`.
fn named(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first name of each item at depth 1.
            let (mut depth, mut item_start) = (1, true);
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 1 => break,
                    '}' => depth -= 1,
                    ',' if depth == 1 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        out.push(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
    }
    out
}

/// Code lines only: comments and doc comments may name any module.
fn code_lines(file: &Path) -> Vec<(usize, String)> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

/// module → (imported module → first `file:line` that imports it).
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let modules = modules();
    let mut graph = BTreeMap::new();
    for (module, files) in &modules {
        let edges: &mut BTreeMap<String, String> = graph.entry(module.clone()).or_default();
        for file in files {
            for (number, line) in code_lines(file) {
                for target in named(&line) {
                    if &target != module && modules.contains_key(&target) {
                        let at = format!(
                            "{}:{number}",
                            file.strip_prefix(src().parent().unwrap())
                                .unwrap()
                                .display()
                        );
                        edges.entry(target).or_insert(at);
                    }
                }
            }
        }
    }
    graph
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, members)| members.contains(&module))
}

#[test]
fn every_top_level_module_has_a_layer() {
    let missing: Vec<String> = modules()
        .into_keys()
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "give these a layer in tests/layers.rs and ARCHITECTURE.md: {missing:?}"
    );
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let mut wrong = Vec::new();
    for (module, edges) in graph() {
        let Some(own) = layer_of(&module) else {
            continue;
        };
        for (target, at) in edges {
            if let Some(theirs) = layer_of(&target)
                && theirs > own
            {
                wrong.push(format!(
                    "{at}: `{module}` ({}) imports `{target}` ({})",
                    LAYERS[own].0, LAYERS[theirs].0
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn no_two_top_level_modules_import_each_other_round_a_cycle() {
    let graph = graph();
    // Depth-first search for a back edge; report the cycle it closes.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeMap<String, String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flat_map(|e| e.keys()) {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = visit(module, &graph, &mut Vec::new(), &mut done) {
            let hops: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("{} → {} ({})", w[0], w[1], graph[&w[0]][&w[1]]))
                .collect();
            panic!("an import cycle:\n{}", hops.join("\n"));
        }
    }
}

#[test]
fn the_core_does_no_io_and_reads_no_clock() {
    let modules = modules();
    let mut wrong = Vec::new();
    for module in PURE {
        for file in &modules[*module] {
            for (number, line) in code_lines(file) {
                for word in IMPURE {
                    if line.contains(word) {
                        wrong.push(format!("{}:{number}: `{word}`", file.display()));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn drawing_only_reads_state() {
    let mut wrong = Vec::new();
    for file in &modules()["ui"] {
        for (number, line) in code_lines(file) {
            if line.contains("&mut State")
                || line.contains("&mut crate::app")
                || line.contains("&mut Picker")
            {
                wrong.push(format!("{}:{number}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn the_import_reader_sees_grouped_and_nested_paths() {
    assert_eq!(
        named("use crate::{app::State, plan, shell::{a, b}};"),
        ["app", "plan", "shell"]
    );
    assert_eq!(
        named("let x = crate::plan::plan(&r); crate::ui::draw()"),
        ["plan", "ui"]
    );
}

#[test]
fn the_runtime_changes_state_only_through_update() {
    let mut wrong = Vec::new();
    for file in &modules()["runtime"] {
        let mut previous = String::new();
        for (number, line) in code_lines(file) {
            let code = line.trim();
            let assigns = code.starts_with("state.")
                && code
                    .split_once(" = ")
                    .is_some_and(|(lhs, _)| !lhs.contains('('));
            // `app::update(&mut state, …)`, perhaps over two lines.
            let through_update =
                code.contains("update(&mut state") || previous.ends_with("update(");
            let lends = code.contains("&mut state") && !through_update;
            if assigns || lends {
                wrong.push(format!("{}:{number}: {code}", file.display()));
            }
            previous = code.to_string();
        }
    }
    assert!(
        wrong.is_empty(),
        "send an Event to app::update instead:\n{}",
        wrong.join("\n")
    );
}
