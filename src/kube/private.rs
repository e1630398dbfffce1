//! The kubeconfig one run gets: only its pinned context, with its cluster
//! and user copied from the responder's kubeconfig as they are now, the
//! namespace set and `current-context` pointing at it. Written 0600 in a
//! 0700 directory of its own, removed when the run ends (or, after a kill,
//! by the next run that writes one).
//!
//! A private file rather than `--context` flags: a flag does not reach
//! `helm` and `oc` the same way, nor commands inside `xargs`, `sh -c` or a
//! script the command calls; `KUBECONFIG` in the environment reaches every
//! process the command starts, and a context that is not in the file
//! cannot be switched to.

use super::context::KubeTarget;
use super::kubeconfig::{self, cluster_server, find};
use serde_json::{Value, json};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The private kubeconfig of one run; the directory goes when it is dropped.
pub struct PrivateKubeconfig {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl PrivateKubeconfig {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Keys whose values are file paths, relative to the kubeconfig they are in.
const CLUSTER_FILES: &[&str] = &["certificate-authority"];
const USER_FILES: &[&str] = &["client-certificate", "client-key", "tokenFile"];

/// Checks that the pinned context is still there with the same server, and
/// writes the private kubeconfig; or says why the command must not run.
pub fn prepare(target: &KubeTarget) -> Result<PrivateKubeconfig, String> {
    let doc = build(target)?;
    use std::os::unix::fs::PermissionsExt;
    sweep_orphans(&std::env::temp_dir());
    let prefix = format!("{PREFIX}{}-", std::process::id());
    let dir = tempfile::Builder::new()
        .prefix(&prefix)
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .map_err(|e| format!("cannot make a private directory for the kubeconfig: {e}"))?;
    let path = dir.path().join("config");
    let text = serde_json::to_vec_pretty(&doc).map_err(|e| e.to_string())?;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .and_then(|mut file| file.write_all(&text))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(PrivateKubeconfig { _dir: dir, path })
}

/// `opsdeck-kube-PID-XXXXXX`: the process that made it is in the name.
const PREFIX: &str = "opsdeck-kube-";

/// Removes the private kubeconfigs of runs whose opsdeck was killed before
/// it could (SIGKILL, a power cut): directories of this user named for a
/// process that no longer exists. Their credentials must not stay behind.
fn sweep_orphans(temp: &Path) {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<i32>().ok())
        else {
            continue;
        };
        // Not followed: a symlink or another user's directory is left alone.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if meta.is_dir() && meta.uid() == me && pid > 0 && !process_exists(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn process_exists(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    alive || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The private kubeconfig's content, from the responder's file as it is now.
pub fn build(target: &KubeTarget) -> Result<Value, String> {
    let file = target.kubeconfig.display();
    let refused = |why: String| format!("{why}; refused: nothing ran");
    let doc = kubeconfig::read(&target.kubeconfig).map_err(|e| {
        refused(format!(
            "the kubeconfig of pinned context `{}` cannot be read ({e})",
            target.context
        ))
    })?;
    let Some(context) = find(&doc, "contexts", &target.context).and_then(|c| c.get("context"))
    else {
        return Err(refused(format!(
            "the pinned context `{}` is no longer in {file} (it was when the incident started)",
            target.context
        )));
    };
    let name_of = |key: &str| context.get(key).and_then(Value::as_str).unwrap_or("");
    let (cluster_name, user_name) = (name_of("cluster"), name_of("user"));
    match cluster_server(&doc, cluster_name) {
        Some(server) if server == target.server => {}
        Some(server) => {
            return Err(refused(format!(
                "the API server of pinned context `{}` changed since the incident started: it was {}, {file} now says {server}",
                target.context, target.server
            )));
        }
        None => {
            return Err(refused(format!(
                "the cluster `{cluster_name}` of pinned context `{}` is no longer in {file}",
                target.context
            )));
        }
    }
    let base = target.kubeconfig.parent().unwrap_or(Path::new("."));
    let mut cluster = find(&doc, "clusters", cluster_name)
        .cloned()
        .unwrap_or(Value::Null);
    absolute_paths(cluster.get_mut("cluster"), CLUSTER_FILES, base);
    let mut users = Vec::new();
    if let Some(mut user) = find(&doc, "users", user_name).cloned() {
        absolute_paths(user.get_mut("user"), USER_FILES, base);
        users.push(user);
    }
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [cluster],
        "users": users,
        "contexts": [{
            "name": target.context,
            "context": {
                "cluster": cluster_name,
                "user": user_name,
                "namespace": target.namespace,
            },
        }],
        "current-context": target.context,
    }))
}

/// Relative file paths made absolute: the copy lives in another directory.
fn absolute_paths(section: Option<&mut Value>, keys: &[&str], base: &Path) {
    let Some(Value::Object(map)) = section else {
        return;
    };
    for key in keys {
        if let Some(Value::String(path)) = map.get_mut(*key)
            && Path::new(path.as_str()).is_relative()
        {
            *path = base.join(path.as_str()).display().to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dead_pid() -> i32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id() as i32;
        child.wait().unwrap();
        pid
    }

    #[test]
    fn only_a_dead_runs_own_directories_are_swept() {
        let temp = tempfile::tempdir().unwrap();
        let dead = dead_pid();
        let orphan = temp.path().join(format!("{PREFIX}{dead}-abc"));
        std::fs::create_dir(&orphan).unwrap();
        std::fs::write(orphan.join("config"), "token").unwrap();
        let live = temp
            .path()
            .join(format!("{PREFIX}{}-abc", std::process::id()));
        std::fs::create_dir(&live).unwrap();
        let elsewhere = temp.path().join("precious");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("file"), "keep").unwrap();
        let link = temp.path().join(format!("{PREFIX}{dead}-lnk"));
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        let odd = temp.path().join(format!("{PREFIX}x-abc"));
        std::fs::create_dir(&odd).unwrap();

        sweep_orphans(temp.path());

        assert!(!orphan.exists(), "a killed run's kubeconfig stayed behind");
        assert!(live.exists(), "a running opsdeck's kubeconfig was removed");
        assert!(elsewhere.join("file").exists(), "a symlink was followed");
        assert!(odd.exists());
    }
}
