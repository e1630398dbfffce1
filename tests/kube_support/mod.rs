//! A small Kubernetes-API-shaped server on 127.0.0.1 (discovery, and pods
//! list/get/delete in any namespace) that records every request it gets,
//! and a kubeconfig with contexts pointing at such servers: the real
//! `kubectl` talks to them.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// True when tests must fail rather than skip (CI).
pub fn required() -> bool {
    std::env::var("OPSDECK_REQUIRE_E2E").is_ok_and(|v| v == "1")
}

/// True when `kubectl` runs; else says loudly that `test` is skipped (and
/// fails instead when `OPSDECK_REQUIRE_E2E=1`).
pub fn have_kubectl(test: &str) -> bool {
    let ok = std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let why = "`kubectl` is missing (apt-get install kubernetes-client)";
        assert!(!required(), "{test}: {why}, and OPSDECK_REQUIRE_E2E=1");
        eprintln!("\n*** SKIPPED {test}: {why} ***\n");
    }
    ok
}

/// One fake API server; stops when dropped.
pub struct ApiServer {
    pub url: String,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl ApiServer {
    /// Serves on a free port of 127.0.0.1; its pods are named after `name`.
    pub fn start(name: &str) -> ApiServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopped, name) = (requests.clone(), stop.clone(), name.to_string());
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (seen, name) = (seen.clone(), name.clone());
                        std::thread::spawn(move || serve(stream, &name, &seen));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        ApiServer {
            url,
            requests,
            stop,
        }
    }

    /// `GET /api/v1/namespaces/x/pods`, … in the order they came.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// The requests for resources (discovery left out).
    pub fn resource_requests(&self) -> Vec<String> {
        self.requests()
            .into_iter()
            .filter(|r| r.contains("/namespaces/"))
            .collect()
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(stream: TcpStream, name: &str, seen: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    // Keep-alive: several requests may come on one connection (bounded).
    for _ in 0..100 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("").to_string(),
        );
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((key, value)) = header.split_once(':')
                && key.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0).min(1 << 20);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let path = target.split('?').next().unwrap_or("").to_string();
        seen.lock().unwrap().push(format!("{method} {path}"));
        let (status, json) = respond(&method, &path, name);
        let text = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}",
            json.len()
        );
        if out.write_all(text.as_bytes()).is_err() {
            return;
        }
    }
}

fn respond(method: &str, path: &str, name: &str) -> (&'static str, String) {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let pod = |ns: &str, pod: &str| {
        format!(
            r#"{{"kind":"Pod","apiVersion":"v1","metadata":{{"name":"{pod}","namespace":"{ns}","uid":"u-{pod}","creationTimestamp":"2026-01-01T00:00:00Z"}},"spec":{{"containers":[{{"name":"app","image":"app"}}]}},"status":{{"phase":"Running"}}}}"#
        )
    };
    match (method, parts.as_slice()) {
        ("GET", ["version"]) => (
            "200 OK",
            r#"{"major":"1","minor":"32","gitVersion":"v1.32.0","platform":"linux/amd64"}"#.into(),
        ),
        ("GET", ["api"]) => (
            "200 OK",
            r#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}"#.into(),
        ),
        ("GET", ["apis"]) => (
            "200 OK",
            r#"{"kind":"APIGroupList","apiVersion":"v1","groups":[]}"#.into(),
        ),
        ("GET", ["api", "v1"]) => (
            "200 OK",
            r#"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list","delete"],"shortNames":["po"]},{"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace","verbs":["get","list"],"shortNames":["ns"]}]}"#.into(),
        ),
        ("GET", ["api", "v1", "namespaces", ns, "pods"]) => (
            "200 OK",
            format!(
                r#"{{"kind":"PodList","apiVersion":"v1","metadata":{{"resourceVersion":"1"}},"items":[{}]}}"#,
                pod(ns, &format!("{name}-pod"))
            ),
        ),
        ("GET" | "DELETE", ["api", "v1", "namespaces", ns, "pods", p]) => ("200 OK", pod(ns, p)),
        _ => (
            "404 Not Found",
            r#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}"#.into(),
        ),
    }
}

/// A kubeconfig with one context per `(name, server, namespace)`, the first current.
pub fn write_kubeconfig(path: &Path, contexts: &[(&str, &str, &str)]) {
    let mut text = String::from("apiVersion: v1\nkind: Config\nclusters:\n");
    for (name, server, _) in contexts {
        text.push_str(&format!(
            "- name: {name}-cluster\n  cluster:\n    server: {server}\n"
        ));
    }
    text.push_str("users:\n");
    for (name, _, _) in contexts {
        text.push_str(&format!(
            "- name: {name}-user\n  user:\n    token: token-of-{name}\n"
        ));
    }
    text.push_str("contexts:\n");
    for (name, _, namespace) in contexts {
        text.push_str(&format!(
            "- name: {name}\n  context:\n    cluster: {name}-cluster\n    user: {name}-user\n    namespace: {namespace}\n"
        ));
    }
    text.push_str(&format!("current-context: {}\n", contexts[0].0));
    std::fs::write(path, text).unwrap();
}

/// `kubectl config use-context NAME` on that kubeconfig, as a responder in
/// another terminal would.
pub fn use_context(kubeconfig: &Path, name: &str) {
    let status = std::process::Command::new("kubectl")
        .args(["config", "use-context", name])
        .env("KUBECONFIG", kubeconfig)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
}

/// A directory with a kubeconfig, a home and a data dir for one test.
pub struct World {
    pub dir: tempfile::TempDir,
}

impl World {
    pub fn new() -> World {
        let world = World {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(world.path("config.yaml"), "mouse: true\n").unwrap();
        world
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The environment of an `opsdeck` run: its own HOME (kubectl's cache),
    /// data dir, config file and KUBECONFIG.
    pub fn env(&self) -> Vec<(String, String)> {
        let home = self.path("home");
        std::fs::create_dir_all(&home).unwrap();
        vec![
            ("HOME".into(), home.display().to_string()),
            (
                "KUBECONFIG".into(),
                self.path("kubeconfig").display().to_string(),
            ),
            (
                "OPSDECK_DATA_DIR".into(),
                self.path("data").display().to_string(),
            ),
            (
                "OPSDECK_CONFIG".into(),
                self.path("config.yaml").display().to_string(),
            ),
        ]
    }
}
