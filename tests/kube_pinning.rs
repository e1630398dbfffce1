//! Kubernetes commands run against the context pinned when the incident
//! started, through the real `kubectl`, against two API-shaped servers on
//! 127.0.0.1: what each server received is what is asserted.

mod common;
mod kube_support;
mod tmux_support;

use common::{Output, run_opsdeck_env};
use kube_support::{ApiServer, World, have_kubectl, use_context, write_kubeconfig};

const PLAYBOOK: &str = r#"---
title: Pods
---
# Pods

## Look
```sh {id=pods}
kubectl get pods -o name
```

```sh {id=private}
kubectl config get-contexts -o name; stat -c %a "$KUBECONFIG"; echo "file=$KUBECONFIG"
```

```sh {id=through-xargs}
echo gamma-pod | xargs kubectl get pod -o name
```

## Fix
```sh {id=delete-pod}
kubectl delete pod {{pod}}
```
"#;

struct Setup {
    world: World,
    alpha: ApiServer,
    beta: ApiServer,
}

fn setup() -> Setup {
    let world = World::new();
    let alpha = ApiServer::start("alpha");
    let beta = ApiServer::start("beta");
    write_kubeconfig(
        &world.path("kubeconfig"),
        &[
            ("alpha", &alpha.url, "team-a"),
            ("beta", &beta.url, "team-b"),
        ],
    );
    std::fs::write(world.path("pods.md"), PLAYBOOK).unwrap();
    Setup { world, alpha, beta }
}

fn exec(world: &World, args: &[&str]) -> Output {
    let env = world.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let playbook = world.path("pods.md");
    let mut all = vec!["exec", playbook.to_str().unwrap()];
    all.extend_from_slice(args);
    run_opsdeck_env(world.dir.path(), all, &env)
}

/// Every incident event of the world's data dir, as text.
fn events(world: &World) -> String {
    common::only_incident_events(&world.path("data"))
}

#[test]
fn a_diagnosis_stays_on_the_pinned_context_after_use_context_elsewhere() {
    if !have_kubectl("a_diagnosis_stays_on_the_pinned_context") {
        return;
    }
    let s = setup();
    let first = exec(&s.world, &["pods"]);
    first.assert_exit(0);
    assert!(first.stdout.contains("pod/alpha-pod"), "{first:?}");
    // Another terminal switches the responder's kubeconfig to beta.
    use_context(&s.world.path("kubeconfig"), "beta");
    let second = exec(&s.world, &["pods"]);
    second.assert_exit(0);
    assert!(second.stdout.contains("pod/alpha-pod"), "{second:?}");
    assert_eq!(
        s.alpha.resource_requests(),
        [
            "GET /api/v1/namespaces/team-a/pods",
            "GET /api/v1/namespaces/team-a/pods"
        ]
    );
    assert_eq!(s.beta.resource_requests(), Vec::<String>::new());
    let events = events(&s.world);
    // Every command event carries the context: confirmed, started, finished, twice.
    let command_events: Vec<&str> = events
        .lines()
        .filter(|l| l.contains(r#""kind":"command_"#))
        .collect();
    assert_eq!(command_events.len(), 6, "{events}");
    for line in command_events {
        assert!(line.contains(r#""context":"alpha""#), "{line}");
    }
    assert!(
        events.contains(&format!(r#""server":"{}""#, s.alpha.url)),
        "{events}"
    );
    assert!(events.contains(r#""namespace":"team-a""#), "{events}");
}

#[test]
fn a_new_incident_pins_the_context_current_then() {
    if !have_kubectl("a_new_incident_pins_the_context_current_then") {
        return;
    }
    let s = setup();
    use_context(&s.world.path("kubeconfig"), "beta");
    exec(&s.world, &["through-xargs"]).assert_exit(0);
    assert_eq!(
        s.beta.resource_requests(),
        ["GET /api/v1/namespaces/team-b/pods/gamma-pod"]
    );
    // (`kubectl config use-context` itself asks the old context's /version.)
    assert_eq!(s.alpha.resource_requests(), Vec::<String>::new());
}

#[test]
fn each_run_gets_a_private_kubeconfig_of_its_context_only_removed_after() {
    if !have_kubectl("each_run_gets_a_private_kubeconfig") {
        return;
    }
    let s = setup();
    let out = exec(&s.world, &["private"]);
    out.assert_exit(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "alpha", "only the pinned context: {out:?}");
    assert_eq!(lines[1], "600", "{out:?}");
    let file = lines[2].strip_prefix("file=").unwrap();
    assert_ne!(file, s.world.path("kubeconfig").to_str().unwrap());
    assert!(
        !std::path::Path::new(file).exists(),
        "{file} was left behind"
    );
    // The credentials are in no event.
    assert!(!events(&s.world).contains("token-of-alpha"));
}

#[test]
fn a_delete_wants_the_context_name_typed() {
    if !have_kubectl("a_delete_wants_the_context_name_typed") {
        return;
    }
    let s = setup();
    let refused = exec(&s.world, &["delete-pod", "--var", "pod=web-1"]);
    refused.assert_exit(3);
    assert!(refused.stderr.contains("type `alpha`"), "{refused:?}");
    let dry = exec(&s.world, &["delete-pod", "--var", "pod=web-1", "--dry-run"]);
    dry.assert_exit(0);
    assert!(dry.stdout.contains("context `alpha`"), "{dry:?}");
    assert!(dry.stdout.contains(&s.alpha.url), "{dry:?}");
    assert!(dry.stdout.contains("namespace `team-a`"), "{dry:?}");
    assert_eq!(s.alpha.requests(), Vec::<String>::new(), "nothing ran yet");
    exec(&s.world, &["delete-pod", "--var", "pod=web-1", "--yes"]).assert_exit(0);
    // kubectl then waits for the pod to be gone: more requests, all in team-a.
    let got = s.alpha.resource_requests();
    assert_eq!(got[0], "DELETE /api/v1/namespaces/team-a/pods/web-1");
    assert!(
        got.iter().all(|r| r.contains("/namespaces/team-a/")),
        "{got:?}"
    );
    assert_eq!(s.beta.resource_requests(), Vec::<String>::new());
}

#[test]
fn read_only_refuses_a_delete() {
    if !have_kubectl("read_only_refuses_a_delete") {
        return;
    }
    let s = setup();
    let out = exec(
        &s.world,
        &["delete-pod", "--var", "pod=web-1", "--read-only", "--yes"],
    );
    out.assert_exit(3);
    assert!(out.stderr.contains("read-only"), "{out:?}");
    std::fs::write(
        s.world.path("config.yaml"),
        "kube:\n  read_only_contexts: [alpha]\n",
    )
    .unwrap();
    let out = exec(&s.world, &["delete-pod", "--var", "pod=web-1", "--yes"]);
    out.assert_exit(3);
    assert!(
        out.stderr.contains("marks context `alpha` read-only"),
        "{out:?}"
    );
    // Reading is still fine there.
    exec(&s.world, &["pods"]).assert_exit(0);
    assert_eq!(
        s.alpha.resource_requests(),
        ["GET /api/v1/namespaces/team-a/pods"]
    );
}

#[test]
fn a_pinned_context_that_disappeared_or_moved_is_refused() {
    if !have_kubectl("a_pinned_context_that_disappeared_or_moved_is_refused") {
        return;
    }
    let s = setup();
    exec(&s.world, &["pods"]).assert_exit(0);
    let kubeconfig = s.world.path("kubeconfig");
    // alpha now points at beta's server.
    write_kubeconfig(&kubeconfig, &[("alpha", &s.beta.url, "team-a")]);
    let moved = exec(&s.world, &["pods"]);
    assert_ne!(moved.status.code(), Some(0), "{moved:?}");
    assert!(
        moved.stderr.contains("changed since the incident started"),
        "{moved:?}"
    );
    // alpha is gone.
    write_kubeconfig(&kubeconfig, &[("beta", &s.beta.url, "team-b")]);
    let gone = exec(&s.world, &["pods"]);
    assert_ne!(gone.status.code(), Some(0), "{gone:?}");
    assert!(gone.stderr.contains("is no longer in"), "{gone:?}");
    assert_eq!(s.alpha.resource_requests().len(), 1);
    assert_eq!(s.beta.resource_requests(), Vec::<String>::new());
}

#[test]
fn the_playbook_and_the_command_can_name_the_context() {
    if !have_kubectl("the_playbook_and_the_command_can_name_the_context") {
        return;
    }
    let s = setup();
    let named = "---\ntitle: Pods\nkube: {context: beta, namespace: ops}\n---\n# Pods\n\n## Look\n```sh {id=pods}\nkubectl get pods -o name\n```\n\n```sh {id=on-alpha context=alpha}\nhelm version >/dev/null 2>&1; kubectl get pods -o name\n```\n";
    std::fs::write(s.world.path("pods.md"), named).unwrap();
    exec(&s.world, &["pods"]).assert_exit(0);
    exec(&s.world, &["on-alpha"]).assert_exit(0);
    assert_eq!(
        s.beta.resource_requests(),
        ["GET /api/v1/namespaces/ops/pods"]
    );
    assert_eq!(
        s.alpha.resource_requests(),
        ["GET /api/v1/namespaces/ops/pods"]
    );
    let unknown = "---\ntitle: Pods\nkube: {context: gamma}\n---\n# Pods\n\n## Look\n```sh {id=pods}\nkubectl get pods\n```\n";
    std::fs::write(s.world.path("pods.md"), unknown).unwrap();
    let out = exec(&s.world, &["pods"]);
    out.assert_exit(3);
    assert!(out.stderr.contains("`gamma` was not in"), "{out:?}");
    assert!(out.stderr.contains("alpha, beta"), "{out:?}");
}

#[test]
fn without_a_kubeconfig_a_dry_run_says_why_a_live_run_is_refused() {
    let s = setup();
    std::fs::remove_file(s.world.path("kubeconfig")).unwrap();
    let dry = exec(&s.world, &["pods", "--dry-run"]);
    dry.assert_exit(0);
    assert!(
        dry.stdout.contains("a live run would be refused"),
        "{dry:?}"
    );
    assert!(dry.stdout.contains("cannot read"), "{dry:?}");
    let live = exec(&s.world, &["pods"]);
    live.assert_exit(3);
    assert!(live.stderr.contains("cannot read"), "{live:?}");
}

#[test]
fn the_console_keeps_its_pinned_context_when_another_terminal_switches() {
    if !have_kubectl("the_console_keeps_its_pinned_context") {
        return;
    }
    let s = setup();
    let env: String = s
        .world
        .env()
        .iter()
        .map(|(k, v)| format!("{k}={v} "))
        .collect();
    let script = format!(
        "{env}{} open {}; echo EXIT=$?; sleep 30",
        env!("CARGO_BIN_EXE_opsdeck"),
        s.world.path("pods.md").display()
    );
    let Some(tmux) = tmux_support::Tmux::start("kubepin", &script) else {
        return;
    };
    let screen = tmux.wait_for("[pods]");
    assert!(screen.contains("⎈ alpha/team-a"), "{screen}");
    // Another terminal switches context after the console started.
    use_context(&s.world.path("kubeconfig"), "beta");
    tmux.keys(&["Tab"]);
    tmux.keys(&["Enter"]);
    let dialog = tmux.wait_for("Run diagnosis?");
    assert!(dialog.contains("context `alpha`"), "{dialog}");
    tmux.keys(&["y"]);
    tmux.wait_for("pod/alpha-pod");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    assert_eq!(
        s.alpha.resource_requests(),
        ["GET /api/v1/namespaces/team-a/pods"]
    );
    assert_eq!(s.beta.resource_requests(), Vec::<String>::new());
}

#[test]
fn a_config_file_that_cannot_be_read_marks_every_context_read_only() {
    let s = setup();
    std::fs::write(s.world.path("config.yaml"), "kube: {read_only: [alpha]}\n").unwrap();
    let out = exec(&s.world, &["delete-pod", "--var", "pod=web-1", "--yes"]);
    out.assert_exit(3);
    assert!(
        out.stderr.contains("marks context `alpha` read-only"),
        "{out:?}"
    );
    assert_eq!(s.alpha.requests(), Vec::<String>::new());
}
