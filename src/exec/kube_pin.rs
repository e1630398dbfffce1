//! The pin: the kubeconfig's contexts as read when the incident started,
//! kept in the incident's directory so that every later command of the
//! incident, in the console or `opsdeck exec`, runs against the same ones.

use crate::kube::context::KubeSnapshot;
use crate::kube::kubeconfig;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The pin's file in the incident's directory: names and servers, no credentials.
pub const PIN_FILE: &str = "kube-pin.json";
const MAX_PIN_BYTES: u64 = 1024 * 1024;

/// The pin of the open incident of `playbook`, if it has one; else the
/// kubeconfig as it is now (it becomes the pin when the incident starts).
pub fn pinned(playbook: &Path, new_incident: bool) -> KubeSnapshot {
    let mut snapshot = (!new_incident)
        .then(|| open_incident_dir(playbook))
        .flatten()
        .and_then(|dir| load(&dir))
        .unwrap_or_else(|| kubeconfig::snapshot_of(kubeconfig::default_path()));
    snapshot.read_only = crate::config::kube_read_only_contexts();
    snapshot
}

fn open_incident_dir(playbook: &Path) -> Option<std::path::PathBuf> {
    let base = crate::incident::incidents_dir()?;
    let canonical = std::fs::canonicalize(playbook).ok()?.display().to_string();
    crate::incident::list::open_for(&base, &canonical).map(|open| open.dir)
}

/// The pin kept in an incident's directory.
pub fn load(dir: &Path) -> Option<KubeSnapshot> {
    use std::io::Read;
    let path = dir.join(PIN_FILE);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_PIN_BYTES {
        return None;
    }
    let mut text = String::new();
    std::fs::File::open(&path)
        .ok()?
        .take(MAX_PIN_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    serde_json::from_str(&text).ok()
}

/// Keeps `snapshot` as the incident's pin, unless it has one already.
pub fn save_if_missing(dir: &Path, snapshot: &KubeSnapshot) -> std::io::Result<()> {
    let text = serde_json::to_vec_pretty(snapshot).map_err(std::io::Error::other)?;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dir.join(PIN_FILE))
    {
        Ok(mut file) => {
            file.write_all(&text)?;
            file.sync_all()
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
