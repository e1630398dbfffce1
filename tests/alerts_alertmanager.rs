//! `opsdeck alerts` against a real Alertmanager on 127.0.0.1: listing,
//! matching playbooks, opening one from the alert, claiming and expiring.

mod alertmanager_support;
mod common;
mod tmux_support;

use alertmanager_support::Alertmanager;
use common::run_opsdeck_env;
use serde_json::{Value, json};
use std::path::PathBuf;

const CRASH_RUNBOOK: &str = "---\ntitle: Kube pod crash looping\n---\n# KubePodCrashLooping\n\n## Look at the pod\n\n```bash\nkubectl describe pod $POD -n $NAMESPACE\n```\n";
const DISK_RUNBOOK: &str = "---\ntitle: Disk full\nalerts: [NodeDiskFull]\n---\n# Disk full\n\n## Look\n\n```bash\ndf -h\n```\n";

struct Setup {
    dir: tempfile::TempDir,
    am: Alertmanager,
}

impl Setup {
    fn library(&self) -> PathBuf {
        self.dir.path().join("lib")
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn opsdeck(&self, args: &[&str]) -> common::Output {
        let lib = self.library().display().to_string();
        let data = self.data().display().to_string();
        run_opsdeck_env(
            self.dir.path(),
            args,
            &[
                ("OPSDECK_PLAYBOOKS", &lib),
                ("OPSDECK_DATA_DIR", &data),
                ("OPSDECK_CONFIG", "/dev/null"),
                ("OPSDECK_ALERTMANAGER_URL", &self.am.url()),
            ],
        )
    }

    /// Alertmanager's fingerprint of the alert named `name`.
    fn fingerprint(&self, name: &str) -> String {
        self.am
            .alerts()
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["labels"]["alertname"] == name)
            .unwrap()["fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

fn crash_alert() -> Value {
    json!({
        "labels": {"alertname": "KubePodCrashLooping", "namespace": "shop", "pod": "web-1", "severity": "warning"},
        "annotations": {
            "summary": "Pod shop/web-1 is crash looping",
            "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping"
        }
    })
}

fn setup(test: &str) -> Option<Setup> {
    let am = alertmanager_support::start_or_skip(test)?;
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    std::fs::write(lib.join("KubePodCrashLooping.md"), CRASH_RUNBOOK).unwrap();
    std::fs::write(lib.join("disk.md"), DISK_RUNBOOK).unwrap();
    am.fire(&json!([
        crash_alert(),
        {"labels": {"alertname": "NodeDiskFull", "instance": "db1", "severity": "critical"},
         "annotations": {"summary": "Disk on db1 is full"}}
    ]));
    Some(Setup { dir, am })
}

fn alerts_of(doc: &Value) -> Vec<Value> {
    doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["alerts"].as_array().unwrap().clone())
        .collect()
}

fn find<'a>(alerts: &'a [Value], name: &str) -> &'a Value {
    alerts
        .iter()
        .find(|a| a["alertname"] == name)
        .unwrap_or_else(|| panic!("{name} not listed: {alerts:?}"))
}

#[test]
fn alerts_lists_firing_alerts_grouped_with_fingerprint_and_matched_playbook() {
    let Some(s) = setup("alerts_lists_firing_alerts") else {
        return;
    };
    let out = s.opsdeck(&["alerts", "--format", "json"]);
    out.assert_exit(0);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        doc["groups"].as_array().unwrap().len(),
        2,
        "grouped by alertname: {doc}"
    );
    let alerts = alerts_of(&doc);
    let crash = find(&alerts, "KubePodCrashLooping");
    assert_eq!(crash["fingerprint"], s.fingerprint("KubePodCrashLooping"));
    assert_eq!(crash["severity"], "warning");
    assert_eq!(crash["labels"]["pod"], "web-1");
    assert!(
        crash["playbook"]
            .as_str()
            .unwrap()
            .ends_with("KubePodCrashLooping.md"),
        "the runbook_url's last segment finds the file, whatever its case: {crash}"
    );
    let disk = find(&alerts, "NodeDiskFull");
    assert!(
        disk["playbook"].as_str().unwrap().ends_with("disk.md"),
        "the playbook whose alerts: lists it: {disk}"
    );

    let text = s.opsdeck(&["alerts"]);
    text.assert_exit(0);
    assert!(
        text.stdout.contains("KubePodCrashLooping firing"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("Pod shop/web-1 is crash looping"));
    assert!(
        text.stdout
            .contains(&format!("[{}]", s.fingerprint("NodeDiskFull")))
    );
}

#[test]
fn without_an_alertmanager_url_it_says_how_to_give_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_opsdeck_env(
        dir.path(),
        ["alerts"],
        &[
            ("OPSDECK_CONFIG", "/dev/null"),
            ("OPSDECK_ALERTMANAGER_URL", ""),
        ],
    );
    out.assert_exit(2);
    assert!(out.stderr.contains("--alertmanager URL"), "{}", out.stderr);
    let bad = run_opsdeck_env(
        dir.path(),
        ["alerts", "--alertmanager", "file:///etc/passwd"],
        &[],
    );
    bad.assert_exit(2);
    assert!(bad.stderr.contains("not an http(s) URL"), "{}", bad.stderr);
}

#[test]
fn a_claim_needs_confirmation_then_creates_a_silence_the_team_sees() {
    let Some(s) = setup("a_claim_creates_a_silence") else {
        return;
    };
    let fingerprint = s.fingerprint("KubePodCrashLooping");
    let refused = s.opsdeck(&["alerts", "--claim", &fingerprint]);
    refused.assert_exit(3);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert_eq!(
        s.am.silences().as_array().unwrap().len(),
        0,
        "nothing without confirmation"
    );

    let claimed = s.opsdeck(&["alerts", "--claim", &fingerprint, "--for", "30m", "--yes"]);
    claimed.assert_exit(0);
    let silences = s.am.silences();
    let silence = &silences.as_array().unwrap()[0];
    let created_by = silence["createdBy"].as_str().unwrap();
    assert!(created_by.contains('@'), "user@host: {created_by}");
    let incidents = opsdeck::incident::list::list(&s.data().join("incidents"));
    assert_eq!(incidents.len(), 1);
    let incident = &incidents[0];
    let comment = silence["comment"].as_str().unwrap();
    assert!(comment.contains(&incident.id), "{comment}");
    assert!(comment.contains("KubePodCrashLooping.md"), "{comment}");
    let matchers: Vec<(String, String)> = silence["matchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert_eq!(m["isRegex"], false);
            (
                m["name"].as_str().unwrap().into(),
                m["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        matchers.contains(&("pod".into(), "web-1".into())),
        "{matchers:?}"
    );
    assert_eq!(
        matchers.len(),
        4,
        "exactly the alert's labels: {matchers:?}"
    );

    let listed = s.opsdeck(&["alerts"]);
    assert!(
        listed.stdout.contains(&format!("CLAIMED by {created_by}")),
        "others see who holds it: {}",
        listed.stdout
    );
    let events = std::fs::read_to_string(incident.dir.join("events.jsonl")).unwrap();
    assert!(events.contains("\"kind\":\"alert\""), "{events}");
    assert!(events.contains("\"kind\":\"claimed\""), "{events}");

    let id = silence["id"].as_str().unwrap();
    let closed = s.opsdeck(&["log", "close", &incident.id, "--summary", "restarted"]);
    closed.assert_exit(0);
    assert!(
        closed.stdout.contains(&format!("--expire {id}")),
        "closing offers to expire: {}",
        closed.stdout
    );
    s.opsdeck(&["alerts", "--expire", id]).assert_exit(0);
    let after = s.am.silences();
    assert_eq!(after[0]["status"]["state"], "expired", "{after}");
    let events = std::fs::read_to_string(incident.dir.join("events.jsonl")).unwrap();
    assert!(events.contains("\"kind\":\"silence_expired\""), "{events}");
}

#[test]
fn enter_in_the_picker_opens_the_runbook_with_the_alert_labels_filled() {
    let Some(s) = setup("enter_in_the_picker_opens_the_runbook") else {
        return;
    };
    // The runbook's commands run kubectl: the responder has a cluster to pin.
    let kubeconfig = s.dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: shop\n  cluster:\n    server: http://127.0.0.1:1\nusers:\n- name: me\n  user:\n    token: t\ncontexts:\n- name: shop-prod\n  context:\n    cluster: shop\n    user: me\ncurrent-context: shop-prod\n",
    )
    .unwrap();
    let script = format!(
        "cd {} && KUBECONFIG={} OPSDECK_CONFIG=/dev/null OPSDECK_PLAYBOOKS={} OPSDECK_DATA_DIR={} {} alerts --alertmanager {}; echo EXIT=$?; sleep 30",
        s.dir.path().display(),
        kubeconfig.display(),
        s.library().display(),
        s.data().display(),
        env!("CARGO_BIN_EXE_opsdeck"),
        s.am.url()
    );
    let Some(tmux) = tmux_support::Tmux::start("alerts-open", &script) else {
        return;
    };
    let picker = tmux.wait_for("2/2 alerts");
    assert!(picker.contains("namespace=shop pod=web-1"), "{picker}");
    tmux.keys(&["-l", "crashloop"]);
    let filtered = tmux.wait_for("1/2 alerts");
    assert!(
        filtered.contains("Look at the pod"),
        "the preview shows the playbook's steps: {filtered}"
    );
    tmux.keys(&["Enter"]);
    tmux.wait_for("ALERT KubePodCrashLooping (warning)");
    tmux.keys(&["Enter"]);
    let console = tmux.wait_for("Steps 0/1");
    // Fired while the console is open: the list the responder comes back
    // to is Alertmanager's as it is then.
    s.am.fire(&json!([
        {"labels": {"alertname": "CheckoutLatencyHigh", "severity": "warning"}}
    ]));
    let status = console
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap();
    assert!(
        status.contains("ALERT KubePodCrashLooping"),
        "the alert stays in the status line: {status}"
    );
    assert!(
        status.contains("q back"),
        "the status line says q goes back to the list: {status}"
    );
    tmux.keys(&["Tab"]);
    tmux.keys(&["Enter"]);
    let dialog = tmux.wait_for("POD=web-1");
    assert!(
        dialog.contains("NAMESPACE=shop"),
        "$NAMESPACE filled from the label: {dialog}"
    );
    tmux.keys(&["Escape"]);
    // Sent at once, Esc and C would read as Alt-C.
    tmux.wait_for("nothing ran");
    tmux.keys(&["C"]);
    tmux.wait_for("CLAIM KubePodCrashLooping");
    tmux.keys(&["-l", "KubePodCrashLooping"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("claimed: silence");
    let silences = s.am.silences();
    let silence = silences.as_array().unwrap()[0].clone();
    assert_eq!(silence["status"]["state"], "active", "{silence}");
    tmux.keys(&["X"]);
    tmux.wait_for("CLOSE the incident");
    tmux.keys(&["-l", "restarted the pod"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("still holds the alert");
    tmux.keys(&["-l", "y"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("expired silence");
    // q goes back to the list, not out.
    tmux.keys(&["q"]);
    let list = tmux.wait_for("3/3 alerts");
    assert!(list.contains("CheckoutLatencyHigh"), "{list}");
    assert!(
        !list.contains("EXIT="),
        "q in the console left the alerts list: {list}"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
    assert_eq!(
        s.am.silences()[0]["status"]["state"],
        "expired",
        "closing offered to expire the claim"
    );
    let incidents = opsdeck::incident::list::list(&s.data().join("incidents"));
    assert_eq!(
        incidents.len(),
        1,
        "opening from the alert starts the incident"
    );
    let replayed = opsdeck::incident::list::read(&incidents[0].dir).unwrap();
    let kinds: Vec<&str> = replayed.entries().map(|e| e.kind()).collect();
    assert_eq!(&kinds[..2], ["opened", "alert"], "{kinds:?}");
    for kind in ["claimed", "closed", "silence_expired"] {
        assert!(kinds.contains(&kind), "{kind}: {kinds:?}");
    }
    let comment = silence["comment"].as_str().unwrap();
    assert!(comment.contains(&incidents[0].id), "{comment}");
    assert!(silence["createdBy"].as_str().unwrap().contains('@'));
}

#[test]
fn closing_with_expire_silences_ends_the_claim_at_alertmanager() {
    let Some(s) = setup("closing_with_expire_silences") else {
        return;
    };
    let fingerprint = s.fingerprint("NodeDiskFull");
    s.opsdeck(&["alerts", "--claim", &fingerprint, "--yes"])
        .assert_exit(0);
    let incident = opsdeck::incident::list::list(&s.data().join("incidents")).remove(0);
    let closed = s.opsdeck(&["log", "close", &incident.id, "--expire-silences"]);
    closed.assert_exit(0);
    assert!(
        closed.stdout.contains("expired silence"),
        "{}",
        closed.stdout
    );
    let silences = s.am.silences();
    assert_eq!(silences[0]["status"]["state"], "expired", "{silences}");
    let listed = s.opsdeck(&["alerts"]);
    assert!(!listed.stdout.contains("CLAIMED"), "{}", listed.stdout);
}
