//! Finding playbook files: the library directories and directory walks.

use std::path::{Path, PathBuf};

pub const EXTENSIONS: &[&str] = &["md", "markdown", "yaml", "yml"];
/// Directory walks stop here; deeper trees are not playbook libraries.
const MAX_DEPTH: usize = 16;

/// `./playbooks`, `OPSDECK_PLAYBOOKS` (path list), and the config dir's `playbooks/`.
pub fn library_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from("playbooks")];
    if let Some(paths) = std::env::var_os("OPSDECK_PLAYBOOKS") {
        dirs.extend(std::env::split_paths(&paths));
    }
    if let Some(project) = directories::ProjectDirs::from("", "", "opsdeck") {
        dirs.push(project.config_dir().join("playbooks"));
    }
    dirs.retain(|d| d.is_dir());
    dirs
}

/// Files named directly, plus playbook files found under directories, sorted.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        if meta.is_dir() {
            walk(path, 0, &mut files);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, depth: usize, files: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        // symlink_metadata: never follow a link into a loop.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, depth + 1, files);
        } else if meta.is_file() && is_playbook_file(&path) {
            files.push(path);
        }
    }
}

/// The drills' own playbooks (`playbooks/drills/`): they need the drill's
/// services and values, so the library lists only real ones.
pub fn is_drill(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "drills")
}

pub fn is_playbook_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}
