//! The `alertmanager` check kind: matchers, the implicit check of a
//! playbook's `alerts:` list, and the health pane's view of a real
//! Alertmanager's alerts firing and resolving.

mod alertmanager_support;
mod common;

use opsdeck::alerts::matchers::{all_match, for_names, parse};
use opsdeck::playbook::model::Probe;
use serde_json::json;
use std::collections::BTreeMap;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn matchers_hold_as_alertmanager_reads_them() {
    let m =
        parse(r#"{alertname=~"Kube.*", namespace="shop", pod!="web-9", job!~"test|dev"}"#).unwrap();
    let crash = labels(&[
        ("alertname", "KubePodCrashLooping"),
        ("namespace", "shop"),
        ("pod", "web-1"),
        ("job", "kubelet"),
    ]);
    assert!(all_match(&m, &crash));
    let other_ns = labels(&[("alertname", "KubePodCrashLooping"), ("namespace", "cart")]);
    assert!(!all_match(&m, &other_ns));
    let anchored = labels(&[("alertname", "NotKube"), ("namespace", "shop")]);
    assert!(!all_match(&m, &anchored), "a regex matches the whole value");
    let quoted = parse(r#"{summary="say \"hi\", then \\ go"}"#).unwrap();
    assert!(all_match(
        &quoted,
        &labels(&[("summary", r#"say "hi", then \ go"#)])
    ));
}

#[test]
fn bad_matchers_say_what_is_wrong() {
    for (text, says) in [
        ("{alertname=\"A\"", "unbalanced"),
        ("{alertname=A}", "double quotes"),
        ("{alertname~\"A\"}", "expected =, !=, =~ or !~"),
        ("{alertname=~\"(\"}", "not a regular expression"),
        ("{}", "no matchers"),
        ("{a=\"1\" b=\"2\"}", "expected `,`"),
    ] {
        let err = parse(text).err().unwrap_or_else(|| panic!("{text} parsed"));
        assert!(err.contains(says), "{text}: {err}");
    }
    assert!(parse(&format!("{{a=\"{}\"}}", "x".repeat(10_000))).is_err());
}

#[test]
fn alert_names_become_one_escaped_matcher() {
    let text = for_names(&["KubePodCrashLooping".into(), "Disk.Full\"x".into()]);
    let m = parse(&text).unwrap();
    assert!(all_match(
        &m,
        &labels(&[("alertname", "KubePodCrashLooping")])
    ));
    assert!(all_match(&m, &labels(&[("alertname", "Disk.Full\"x")])));
    assert!(
        !all_match(&m, &labels(&[("alertname", "DiskXFull\"x")])),
        "a dot is a dot"
    );
}

fn write_playbook(dir: &std::path::Path, url: &str, checks: &str) -> std::path::PathBuf {
    let path = dir.join("shop.md");
    std::fs::write(
        &path,
        format!("---\ntitle: Shop\nalertmanager: {url}\nalerts: [NodeDiskFull]\nchecks:\n{checks}---\n# Shop\n\n## Look\n\n```bash\necho hi\n```\n"),
    )
    .unwrap();
    path
}

#[test]
fn the_alerts_list_gets_an_implicit_check_and_a_bad_matcher_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_playbook(
        dir.path(),
        "http://127.0.0.1:9",
        "  - id: kube\n    alertmanager: '{alertname=~\"Kube.*\", namespace=\"shop\"}'\n",
    );
    let playbook = opsdeck::playbook::load(&path).playbook.unwrap();
    let ids: Vec<&str> = playbook.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["kube", "alerts"]);
    let Probe::Alertmanager { matchers, url } = &playbook.checks[1].probe else {
        panic!("{:?}", playbook.checks[1].probe)
    };
    assert!(matchers.contains("NodeDiskFull"), "{matchers}");
    assert_eq!(url.as_deref(), Some("http://127.0.0.1:9"));

    let bad = write_playbook(
        dir.path(),
        "http://127.0.0.1:9",
        "  - id: kube\n    alertmanager: '{alertname=Kube}'\n",
    );
    let out = common::run_opsdeck_env(dir.path(), ["check", bad.to_str().unwrap()], &[]);
    out.assert_exit(1);
    assert!(
        out.stdout.contains("bad-matchers") || out.stderr.contains("bad-matchers"),
        "{}{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn a_firing_alert_is_down_with_its_summary_and_up_once_resolved() {
    let Some(am) = alertmanager_support::start_or_skip("a_firing_alert_is_down") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = write_playbook(
        dir.path(),
        &am.url(),
        "  - id: kube\n    alertmanager: '{alertname=~\"Kube.*\", namespace=\"shop\"}'\n",
    );
    let health = || {
        common::run_opsdeck_env(
            dir.path(),
            ["health", path.to_str().unwrap(), "--once"],
            &[("OPSDECK_CONFIG", "/dev/null")],
        )
    };
    let quiet = health();
    quiet.assert_exit(0);
    assert!(quiet.stdout.contains("no alert firing"), "{}", quiet.stdout);

    let crash = json!({
        "labels": {"alertname": "KubePodCrashLooping", "namespace": "shop", "pod": "web-1"},
        "annotations": {"summary": "Pod shop/web-1 is crash looping"}
    });
    let elsewhere = json!({"labels": {"alertname": "KubePodCrashLooping", "namespace": "cart"}});
    am.fire(&json!([crash, elsewhere]));
    let firing = health();
    firing.assert_exit(2);
    assert!(
        firing
            .stdout
            .contains("FIRING KubePodCrashLooping: Pod shop/web-1 is crash looping"),
        "{}",
        firing.stdout
    );
    assert!(
        !firing.stdout.contains("more)"),
        "the other namespace does not match: {}",
        firing.stdout
    );

    let mut resolved = crash.clone();
    resolved["endsAt"] = json!("2020-01-01T00:00:00Z");
    let (status, _) = am
        .request(
            "POST",
            "/api/v2/alerts",
            Some(&json!([resolved]).to_string()),
        )
        .unwrap();
    assert_eq!(status, 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let after = loop {
        let out = health();
        if out.status.code() == Some(0) || std::time::Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    after.assert_exit(0);
}

fn alert(
    name: &str,
    pairs: &[(&str, &str)],
    runbook: Option<&str>,
) -> opsdeck::alerts::model::Alert {
    let mut all = labels(pairs);
    all.insert("alertname".into(), name.into());
    opsdeck::alerts::model::Alert {
        fingerprint: "ab".into(),
        alertname: name.into(),
        severity: String::new(),
        starts_at: String::new(),
        state: "active".into(),
        silenced_by: Vec::new(),
        labels: all,
        annotations: runbook
            .map(|u| labels(&[("runbook_url", u)]))
            .unwrap_or_default(),
    }
}

#[test]
fn a_playbook_answers_an_alert_by_runbook_url_name_or_label_matchers() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, header: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!("---\ntitle: T\n{header}---\n# T\n\n## S\n\ntext\n"),
        )
        .unwrap();
        path
    };
    let files = vec![
        write("KubePodCrashLooping.md", ""),
        write(
            "shop.md",
            "alerts: ['{alertname=\"HighLatency\", namespace=\"shop\"}', diskfull]\n",
        ),
    ];
    let library = opsdeck::alerts::matching::Library::from_files(&files);
    let found = |a: &opsdeck::alerts::model::Alert| {
        library
            .find(a)
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
    };
    let url = "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping";
    assert_eq!(
        found(&alert("Other", &[], Some(url))).as_deref(),
        Some("KubePodCrashLooping.md")
    );
    assert_eq!(
        found(&alert("HighLatency", &[("namespace", "shop")], None)).as_deref(),
        Some("shop.md")
    );
    assert_eq!(
        found(&alert("HighLatency", &[("namespace", "cart")], None)),
        None,
        "matchers must hold"
    );
    assert_eq!(
        found(&alert("DiskFull", &[], None)).as_deref(),
        Some("shop.md"),
        "names in any case"
    );
    assert_eq!(
        found(&alert("kubepodcrashlooping", &[], None)).as_deref(),
        Some("KubePodCrashLooping.md")
    );

    let shop = opsdeck::playbook::load(&files[1]).playbook.unwrap();
    let ids: Vec<&str> = shop.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        ["alerts", "alerts-2"],
        "one for the names, one per matcher entry"
    );
}
