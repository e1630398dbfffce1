//! A console under test: a private directory with a playbook, a config file
//! and a data dir, and the shell line that opens the real binary in tmux.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    /// A directory holding `pb.md` (the playbook) and `config.yaml`.
    pub fn new(playbook: &str, config: &str) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pb.md"), playbook).unwrap();
        std::fs::write(dir.path().join("config.yaml"), config).unwrap();
        Workspace { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn playbook(&self) -> PathBuf {
        self.path().join("pb.md")
    }

    pub fn data(&self) -> PathBuf {
        self.path().join("data")
    }

    /// `opsdeck ARGS` with this workspace's config and data dir (and `env`,
    /// e.g. `NO_COLOR=1`), then its exit code; the pane stays for reading.
    pub fn script(&self, env: &str, args: &str) -> String {
        format!(
            "cd {} && {}; echo EXIT=$?; sleep 30",
            self.path().display(),
            self.command(env, args)
        )
    }

    /// `opsdeck ARGS` with this workspace's config and data dir, as shell text.
    pub fn command(&self, env: &str, args: &str) -> String {
        format!(
            "{env} OPSDECK_CONFIG={dir}/config.yaml OPSDECK_DATA_DIR={dir}/data {bin} {args}",
            dir = self.path().display(),
            bin = env!("CARGO_BIN_EXE_opsdeck"),
        )
    }

    /// Incident directories under the data dir.
    pub fn incidents(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.data().join("incidents")) else {
            return Vec::new();
        };
        let mut dirs: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        dirs.sort();
        dirs
    }

    /// The events of the only incident.
    pub fn only_events(&self) -> String {
        let incidents = self.incidents();
        assert_eq!(incidents.len(), 1, "{incidents:?}");
        std::fs::read_to_string(incidents[0].join("events.jsonl")).unwrap()
    }

    /// Every byte written under the data dir, as text (events and output files).
    pub fn everything_written(&self) -> String {
        fn walk(dir: &Path, out: &mut String) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push_str(&String::from_utf8_lossy(&bytes));
                }
            }
        }
        let mut out = String::new();
        walk(&self.data(), &mut out);
        out
    }
}
