//! Which playbook answers an alert: its `runbook_url`'s last path segment
//! against the library's file names (case and `.md` do not count), else a
//! playbook whose `alerts:` names it, else a file named after the alert.

use super::model::Alert;
use std::path::{Path, PathBuf};

pub struct Library {
    playbooks: Vec<Entry>,
}

struct Entry {
    path: PathBuf,
    /// The file name without its extension, lower case.
    stem: String,
    /// `alerts:` of its header: names and label matchers.
    alerts: Vec<String>,
}

impl Library {
    /// The playbook library (`./playbooks`, `OPSDECK_PLAYBOOKS`, the config dir's).
    pub fn load() -> Library {
        let files = crate::library::collect(&crate::library::library_dirs()).unwrap_or_default();
        Library::from_files(&files)
    }

    pub fn from_files(files: &[PathBuf]) -> Library {
        let playbooks = files
            .iter()
            .filter(|p| crate::library::is_playbook_file(p))
            .map(|path| Entry {
                stem: stem(path),
                alerts: crate::playbook::load(path)
                    .playbook
                    .map(|p| p.alerts)
                    .unwrap_or_default(),
                path: path.clone(),
            })
            .collect();
        Library { playbooks }
    }

    pub fn find(&self, alert: &Alert) -> Option<&Path> {
        let by_url = alert
            .annotations
            .get("runbook_url")
            .and_then(|url| runbook_name(url))
            .and_then(|name| self.playbooks.iter().find(|p| p.stem == name));
        let name = alert.alertname.to_lowercase();
        let listed = || {
            self.playbooks
                .iter()
                .find(|p| p.alerts.iter().any(|listed| answers(listed, &name, alert)))
        };
        let named = || {
            self.playbooks
                .iter()
                .find(|p| !name.is_empty() && p.stem == name)
        };
        by_url
            .or_else(listed)
            .or_else(named)
            .map(|p| p.path.as_path())
    }
}

/// An `alerts:` entry: an alert name (any case), or label matchers
/// (`{alertname="X", namespace="shop"}`) that the alert's labels meet.
fn answers(listed: &str, name: &str, alert: &Alert) -> bool {
    if listed.trim_start().starts_with('{') {
        return super::matchers::parse(listed)
            .is_ok_and(|m| super::matchers::all_match(&m, &alert.labels));
    }
    !name.is_empty() && listed.to_lowercase() == name
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// `https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping`
/// → `kubepodcrashlooping`; `…/KubePodCrashLooping.md#fix` → `kubepodcrashlooping`.
pub fn runbook_name(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let last = parsed.path_segments()?.rfind(|s| !s.is_empty())?;
    let decoded = last.to_lowercase();
    let name = decoded
        .strip_suffix(".md")
        .or_else(|| decoded.strip_suffix(".markdown"))
        .unwrap_or(&decoded);
    (!name.is_empty() && !name.contains(['/', '\\']) && name != "..").then(|| name.to_string())
}
