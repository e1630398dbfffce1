//! Inline commands in prose: prometheus-operator's KubePodCrashLooping
//! runbook, as written, offers its three `kubectl` commands in the
//! Diagnosis step; alert labels fill them; they run against the pinned
//! context like fenced ones.

mod common;
mod kube_support;

use common::run_opsdeck_env;
use kube_support::{ApiServer, World, have_kubectl, write_kubeconfig};
use opsdeck::playbook::model::Block;
use std::path::Path;

const RUNBOOK: &str = "tests/fixtures/inline/KubePodCrashLooping.md";

fn runbook() -> opsdeck::playbook::Playbook {
    let loaded = opsdeck::playbook::load(Path::new(RUNBOOK));
    loaded.playbook.expect("the runbook loads as-is")
}

#[test]
fn the_diagnosis_step_offers_its_three_inline_commands_after_their_lines() {
    let playbook = runbook();
    let step = playbook
        .steps
        .iter()
        .find(|s| s.title == "Diagnosis")
        .unwrap();
    let runs: Vec<&str> = step.commands().map(|c| c.run.as_str()).collect();
    assert_eq!(
        runs,
        [
            "kubectl -n $NAMESPACE get pod $POD",
            "kubectl -n $NAMESPACE describe pod $POD",
            "kubectl -n $NAMESPACE logs $POD",
        ]
    );
    // Each stands right after the bullet that holds it.
    let Block::Text(first) = &step.content[0] else {
        panic!("{:?}", step.content)
    };
    assert!(first.contains("Check template via"), "{first}");
    assert!(!first.contains("Check pod events"), "{first}");
    assert!(matches!(&step.content[1], Block::Command(_)));
    // A mention (`ConfigMap`, `kubectl` alone) is not a command.
    assert!(playbook.commands().count() == 3);
}

fn world_with(server: &ApiServer) -> World {
    let world = World::new();
    write_kubeconfig(
        &world.path("kubeconfig"),
        &[("prod", &server.url, "default")],
    );
    world
}

fn exec(world: &World, args: &[&str]) -> common::Output {
    let env = world.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let runbook = common::crate_root().join(RUNBOOK);
    let mut all = vec!["exec", runbook.to_str().unwrap()];
    all.extend_from_slice(args);
    run_opsdeck_env(world.dir.path(), all, &env)
}

#[test]
fn alert_labels_fill_them_and_the_dry_run_shows_the_pinned_context_and_server() {
    let server = ApiServer::start("prod");
    let world = world_with(&server);
    let ids = [
        "diagnosis-inline-1",
        "diagnosis-inline-2",
        "diagnosis-inline-3",
    ];
    let verbs = ["get pod", "describe pod", "logs"];
    for (id, verb) in ids.iter().zip(verbs) {
        let out = exec(
            &world,
            &[
                id,
                "--alert",
                "namespace=payments",
                "--alert",
                "pod=api-7",
                "--dry-run",
            ],
        );
        out.assert_exit(0);
        // Values travel as quoted data, before the command as written.
        assert!(
            out.stdout.contains("export NAMESPACE=payments\n"),
            "{out:?}"
        );
        assert!(out.stdout.contains("export POD=api-7\n"), "{out:?}");
        assert!(
            out.stdout
                .contains(&format!("kubectl -n $NAMESPACE {verb} $POD")),
            "{out:?}"
        );
        assert!(out.stdout.contains("context `prod`"), "{out:?}");
        assert!(out.stdout.contains(&server.url), "{out:?}");
    }
    assert_eq!(
        server.requests(),
        Vec::<String>::new(),
        "a dry run runs nothing"
    );
}

#[test]
fn a_hostile_label_stays_one_word() {
    let server = ApiServer::start("prod");
    let world = world_with(&server);
    let out = exec(
        &world,
        &[
            "diagnosis-inline-2",
            "--alert",
            "namespace=payments",
            "--alert",
            "pod=x; kubectl delete pods --all",
            "--dry-run",
        ],
    );
    out.assert_exit(0);
    assert!(
        out.stdout
            .contains("export POD='x; kubectl delete pods --all'\n"),
        "{out:?}"
    );
}

#[test]
fn an_inline_command_runs_against_the_pinned_context() {
    if !have_kubectl("an_inline_command_runs_against_the_pinned_context") {
        return;
    }
    let server = ApiServer::start("prod");
    let world = world_with(&server);
    exec(
        &world,
        &[
            "diagnosis-inline-1",
            "--alert",
            "namespace=payments",
            "--alert",
            "pod=api-7",
        ],
    )
    .assert_exit(0);
    assert_eq!(
        server.resource_requests(),
        ["GET /api/v1/namespaces/payments/pods/api-7"]
    );
}

fn parse(text: &str) -> opsdeck::playbook::Parsed {
    opsdeck::playbook::parse(text.as_bytes(), opsdeck::playbook::Form::Markdown, "t.md")
}

#[test]
fn an_inline_command_is_classified_like_a_fenced_one() {
    let parsed = parse(
        "# T\n\n## S\n\n- Clean up with `kubectl get pods; rm -rf /data`.\n- Or `systemctl restart $(cat /tmp/x)`.\n",
    );
    let playbook = parsed.playbook.unwrap();
    let dangers = opsdeck::plan::dangers(&playbook);
    let ids: Vec<&str> = playbook.commands().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["s-inline-1", "s-inline-2"]);
    for id in ids {
        assert!(dangers[id].changes(), "{id} changes things");
    }
}

#[test]
fn hostile_context_names_in_the_playbook_are_errors() {
    for text in [
        "---\ntitle: T\nkube: {context: \"a\\e[2Jb\"}\n---\n# T\n",
        "---\ntitle: T\nkube: {namespace: \"two words\"}\n---\n# T\n",
        "---\ntitle: T\nkube: {context: a, cluster: b}\n---\n# T\n",
        "# T\n\n## S\n```sh {context=\"x y\"}\nkubectl get pods\n```\n",
    ] {
        let parsed = parse(text);
        assert!(
            parsed.diagnostics.iter().any(|d| d.is_error()),
            "{text}: {:?}",
            parsed.diagnostics
        );
    }
}
