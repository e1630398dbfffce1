//! The responder's kubeconfig is input like any other: bounded, never
//! waited on, names that could forge the screen left out; the private copy
//! holds one context and absolute paths.

use opsdeck::exec::kube_pin as pin;
use opsdeck::kube::KubeTarget;
use opsdeck::kube::kubeconfig::{path_from, read, snapshot_of};
use opsdeck::kube::private::{build, prepare};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TWO: &str = "apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: 'https://a.example:6443', certificate-authority: ca/a.crt}
- name: b
  cluster: {server: 'https://b.example:6443'}
users:
- name: ua
  user: {token: secret-a, client-key: keys/a.key}
- name: ub
  user: {token: secret-b}
contexts:
- name: alpha
  context: {cluster: a, user: ua, namespace: team-a}
- name: beta
  context: {cluster: b, user: ub}
current-context: alpha
";

fn target(kubeconfig: &Path, context: &str, server: &str) -> KubeTarget {
    KubeTarget {
        context: context.into(),
        server: server.into(),
        namespace: "ns".into(),
        kubeconfig: kubeconfig.to_path_buf(),
    }
}

#[test]
fn the_first_file_of_kubeconfig_else_home() {
    let home = Path::new("/home/r");
    assert_eq!(
        path_from(Some(OsStr::new(":/a/one:/b/two")), Some(home)),
        Some(PathBuf::from("/a/one"))
    );
    assert_eq!(
        path_from(None, Some(home)),
        Some(PathBuf::from("/home/r/.kube/config"))
    );
    assert_eq!(path_from(None, None), None);
}

#[test]
fn contexts_current_and_servers_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    std::fs::write(&file, TWO).unwrap();
    let snapshot = snapshot_of(Some(file));
    assert_eq!(snapshot.current.as_deref(), Some("alpha"));
    let names: Vec<&str> = snapshot.contexts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["alpha", "beta"]);
    assert_eq!(snapshot.contexts[0].server, "https://a.example:6443");
    assert_eq!(snapshot.contexts[0].namespace.as_deref(), Some("team-a"));
    // The pin holds no credentials.
    let text = serde_json::to_string(&snapshot).unwrap();
    assert!(!text.contains("secret-a"), "{text}");
}

#[test]
fn a_fifo_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let started = Instant::now();
    let error = read(&fifo).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(error.contains("not a regular file"), "{error}");
    let snapshot = snapshot_of(Some(fifo));
    assert!(snapshot.problem.is_some());
}

#[test]
fn an_oversized_or_broken_kubeconfig_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    std::fs::write(&big, vec![b'#'; 5 * 1024 * 1024]).unwrap();
    assert!(read(&big).unwrap_err().contains("more than"));
    let broken = dir.path().join("broken");
    std::fs::write(&broken, "contexts: [unclosed\n").unwrap();
    assert!(read(&broken).unwrap_err().contains("is not a kubeconfig"));
    let bomb = dir.path().join("bomb");
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    std::fs::write(&bomb, text).unwrap();
    let started = Instant::now();
    let _ = read(&bomb);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "an alias bomb is bounded"
    );
}

#[test]
fn names_that_could_forge_the_screen_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    let long = "x".repeat(300);
    std::fs::write(
        &file,
        format!(
            "clusters:\n- name: a\n  cluster: {{server: 'https://a'}}\n- name: evil\n  cluster: {{server: \"https://a\\e]52;c;AAAA\\a\"}}\ncontexts:\n- name: \"pr\\e[2Jod\"\n  context: {{cluster: a, user: u}}\n- name: {long}\n  context: {{cluster: a, user: u}}\n- name: bad-server\n  context: {{cluster: evil, user: u}}\n- name: ok\n  context: {{cluster: a, user: u}}\ncurrent-context: \"pr\\e[2Jod\"\n"
        ),
    )
    .unwrap();
    let snapshot = snapshot_of(Some(file));
    let names: Vec<&str> = snapshot.contexts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["ok"], "{snapshot:?}");
    assert_eq!(snapshot.current, None);
}

#[test]
fn the_private_copy_holds_only_its_context_with_absolute_paths() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    std::fs::write(&file, TWO).unwrap();
    let doc = build(&target(&file, "alpha", "https://a.example:6443")).unwrap();
    let text = doc.to_string();
    assert!(
        !text.contains("secret-b") && !text.contains("beta"),
        "{text}"
    );
    assert_eq!(doc["current-context"], "alpha");
    assert_eq!(doc["contexts"][0]["context"]["namespace"], "ns");
    let ca = doc["clusters"][0]["cluster"]["certificate-authority"]
        .as_str()
        .unwrap();
    assert_eq!(Path::new(ca), dir.path().join("ca/a.crt"));
    let key = doc["users"][0]["user"]["client-key"].as_str().unwrap();
    assert_eq!(Path::new(key), dir.path().join("keys/a.key"));
    let private = prepare(&target(&file, "alpha", "https://a.example:6443")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(private.path()), 0o600);
    assert_eq!(mode(private.path().parent().unwrap()), 0o700);
    let path = private.path().to_path_buf();
    drop(private);
    assert!(!path.exists(), "removed after the run");
}

#[test]
fn a_moved_or_missing_context_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    std::fs::write(&file, TWO).unwrap();
    let moved = build(&target(&file, "alpha", "https://elsewhere:6443")).unwrap_err();
    assert!(
        moved.contains("changed since the incident started"),
        "{moved}"
    );
    assert!(moved.contains("https://a.example:6443"), "{moved}");
    let gone = build(&target(&file, "gamma", "https://a.example:6443")).unwrap_err();
    assert!(gone.contains("`gamma` is no longer in"), "{gone}");
    let unreadable = build(&target(&dir.path().join("nope"), "alpha", "x")).unwrap_err();
    assert!(unreadable.contains("cannot be read"), "{unreadable}");
}

#[test]
fn the_pin_is_kept_once_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    std::fs::write(&file, TWO).unwrap();
    let first = snapshot_of(Some(file.clone()));
    pin::save_if_missing(dir.path(), &first).unwrap();
    let mut other = first.clone();
    other.current = Some("beta".into());
    pin::save_if_missing(dir.path(), &other).unwrap();
    assert_eq!(
        pin::load(dir.path()).unwrap().current.as_deref(),
        Some("alpha")
    );
    // A pin file that is not one is no pin.
    let junk = tempfile::tempdir().unwrap();
    std::fs::write(junk.path().join(pin::PIN_FILE), "{not json").unwrap();
    assert!(pin::load(junk.path()).is_none());
}
