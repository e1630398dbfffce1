//! Reading the responder's kubeconfig: which file, its contexts, their
//! clusters' API servers. The file is hostile input like any other: bounded
//! in size, never waited on (a FIFO is refused), names with control
//! characters or of unreasonable length are left out.

use super::context::{KubeContext, KubeSnapshot};
use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// A kubeconfig larger than this is not read.
pub const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// Longer context, cluster or user names are left out.
const MAX_NAME: usize = 253;
/// Longer server URLs are left out.
const MAX_SERVER: usize = 2048;

/// The kubeconfig kubectl would read first: the first file of `KUBECONFIG`
/// (a `:`-separated list), else `~/.kube/config`.
pub fn path_from(kubeconfig_env: Option<&OsStr>, home: Option<&Path>) -> Option<PathBuf> {
    if let Some(list) = kubeconfig_env.and_then(OsStr::to_str)
        && let Some(first) = list.split(':').find(|p| !p.is_empty())
    {
        return Some(PathBuf::from(first));
    }
    home.map(|home| home.join(".kube").join("config"))
}

/// The kubeconfig of this process's environment.
pub fn default_path() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    path_from(std::env::var_os("KUBECONFIG").as_deref(), home.as_deref())
}

/// The file's YAML (or JSON) as a value, or what went wrong, said for people.
pub fn read(path: &Path) -> Result<Value, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file"));
    }
    if meta.len() > MAX_BYTES {
        return Err(format!(
            "{shown} is {} bytes, more than the {MAX_BYTES} a kubeconfig may have",
            meta.len()
        ));
    }
    // O_NONBLOCK: a file swapped for a FIFO after the check cannot hang the read.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| format!("cannot open {shown}: {e}"))?;
    let mut text = String::new();
    file.take(MAX_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    // A kubeconfig has no use for aliases that multiply: an alias bomb stops early.
    let options = serde_saphyr::options! {
        with_snippet: false,
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 10_000,
            max_alias_expansions_per_anchor: 100,
        },
    };
    serde_saphyr::from_str_with_options::<Value>(&text, options)
        .map_err(|e| format!("{shown} is not a kubeconfig (YAML): {e}"))
}

/// The snapshot of the kubeconfig at `path` (`None`: there is none to read).
pub fn snapshot_of(path: Option<PathBuf>) -> KubeSnapshot {
    let Some(path) = path else {
        return KubeSnapshot {
            problem: Some("no kubeconfig: neither KUBECONFIG nor HOME is set".into()),
            ..KubeSnapshot::default()
        };
    };
    match read(&path) {
        Ok(doc) => {
            let (current, contexts) = contexts(&doc);
            KubeSnapshot {
                kubeconfig: Some(path),
                current,
                contexts,
                ..KubeSnapshot::default()
            }
        }
        Err(problem) => KubeSnapshot {
            kubeconfig: Some(path),
            problem: Some(problem),
            ..KubeSnapshot::default()
        },
    }
}

/// The `current-context` and every context whose cluster has a server.
pub fn contexts(doc: &Value) -> (Option<String>, Vec<KubeContext>) {
    let current = doc
        .get("current-context")
        .and_then(Value::as_str)
        .filter(|n| fit_name(n))
        .map(str::to_string);
    let mut out = Vec::new();
    for entry in named(doc, "contexts") {
        let (Some(name), Some(context)) = (entry_name(entry), entry.get("context")) else {
            continue;
        };
        let field = |key: &str| {
            context
                .get(key)
                .and_then(Value::as_str)
                .filter(|n| fit_name(n))
        };
        let (Some(cluster), Some(user)) = (field("cluster"), field("user").or(Some(""))) else {
            continue;
        };
        let Some(server) = cluster_server(doc, cluster) else {
            continue;
        };
        if out.iter().any(|c: &KubeContext| c.name == name) {
            continue; // kubectl takes the first of a name
        }
        out.push(KubeContext {
            name: name.to_string(),
            cluster: cluster.to_string(),
            user: user.to_string(),
            server,
            namespace: field("namespace").map(str::to_string),
        });
    }
    (current, out)
}

/// The server of the cluster called `name`.
pub fn cluster_server(doc: &Value, name: &str) -> Option<String> {
    let cluster = find(doc, "clusters", name)?.get("cluster")?;
    let server = cluster.get("server")?.as_str()?;
    (server.len() <= MAX_SERVER && !server.chars().any(char::is_control))
        .then(|| server.to_string())
}

/// The entry of list `section` (`clusters`, `users`, `contexts`) named `name`.
pub fn find<'v>(doc: &'v Value, section: &str, name: &str) -> Option<&'v Value> {
    named(doc, section).find(|e| entry_name(e) == Some(name))
}

fn named<'v>(doc: &'v Value, section: &str) -> impl Iterator<Item = &'v Value> {
    doc.get(section)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn entry_name(entry: &Value) -> Option<&str> {
    entry
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| fit_name(n))
}

/// A name that can be shown and typed: not empty, not too long, no control characters.
fn fit_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_NAME && !name.chars().any(char::is_control)
}
