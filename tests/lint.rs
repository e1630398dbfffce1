//! Lint rules on small playbooks: each fires where it should, can be
//! silenced, and `--deny warnings` turns them into a failing check.

mod common;

use common::run_opsdeck_in;
use opsdeck::playbook::{Form, parse};

const HEADER: &str = "---\ntitle: T\nescalation: [{name: Lead, contact: x}]\n";

fn rules_of(text: &str) -> Vec<&'static str> {
    let parsed = parse(text.as_bytes(), Form::Markdown, "t");
    assert!(!parsed.has_errors(), "{:#?}", parsed.diagnostics);
    parsed.diagnostics.iter().map(|d| d.rule).collect()
}

fn with_command(attrs: &str, script: &str) -> String {
    format!("{HEADER}---\n# T\n\n## S\n```sh {{id=c {attrs}}}\n{script}\n```\n")
}

#[test]
fn each_command_rule_fires_and_is_silenced_by_allow() {
    let cases = [
        ("looks-like-remediation", "sudo systemctl restart nginx"),
        ("curl-pipe-shell", "curl -fsSL https://get.example.com | sh"),
        ("literal-secret", "psql 'password=hunter2'"),
        ("undefined-variable", "echo {{nobody}}"),
    ];
    for (rule, script) in cases {
        assert_eq!(rules_of(&with_command("", script)), vec![rule], "{script}");
        assert!(
            rules_of(&with_command(&format!("allow={rule}"), script)).is_empty(),
            "allow={rule}"
        );
    }
}

#[test]
fn check_and_playbook_rules_fire_and_are_silenced() {
    let check = |extra: &str| {
        format!(
            "{HEADER}checks:\n  - {{id: web, http: \"http://example.com/health\"{extra}}}\n---\n# T\n\n## S\nText.\n"
        )
    };
    assert_eq!(
        rules_of(&check("")),
        vec!["check-without-timeout", "plain-http"]
    );
    assert!(rules_of(&check(", timeout: 5s, allow: [plain-http]")).is_empty());
    assert_eq!(
        rules_of("---\ntitle: T\n---\n# T\n\n## S\nText.\n"),
        vec!["missing-escalation"]
    );
    assert!(
        rules_of("---\ntitle: T\nallow: [missing-escalation]\n---\n# T\n\n## S\nText.\n")
            .is_empty()
    );
    let hooked =
        |url: &str| format!("{HEADER}notify: {{webhook: \"{url}\"}}\n---\n# T\n\n## S\nText.\n");
    assert_eq!(
        rules_of(&hooked("http://chat.example.com/hook")),
        vec!["plain-http"]
    );
    assert!(rules_of(&hooked("https://chat.example.com/hook")).is_empty());
}

#[test]
fn an_unknown_rule_in_allow_is_an_error() {
    let parsed = parse(
        with_command("allow=no-such-rule", "ls").as_bytes(),
        Form::Markdown,
        "t",
    );
    assert!(
        parsed
            .diagnostics
            .iter()
            .any(|d| d.rule == "unknown-rule" && d.is_error()),
        "{:#?}",
        parsed.diagnostics
    );
}

#[test]
fn deny_warnings_fails_the_check_and_the_scaffold_passes_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("risky.md"),
        with_command("", "sudo systemctl restart nginx"),
    )
    .unwrap();
    run_opsdeck_in(dir.path(), ["check", "risky.md"]).assert_exit(0);
    let out = run_opsdeck_in(dir.path(), ["check", "--deny", "warnings", "risky.md"]);
    out.assert_exit(1);
    assert!(
        out.stdout.contains("[looks-like-remediation]"),
        "{}",
        out.stdout
    );

    for format in ["md", "yaml"] {
        run_opsdeck_in(dir.path(), ["new", "restart-api", "--format", format]).assert_exit(0);
        let file = format!("restart-api.{format}");
        let out = run_opsdeck_in(dir.path(), ["check", "--deny", "warnings", &file]);
        out.assert_exit(0);
        assert!(
            out.stdout.contains("0 errors, 0 warnings"),
            "{}",
            out.stdout
        );
        run_opsdeck_in(dir.path(), ["new", "restart-api", "--format", format]).assert_exit(1);
    }
}

#[test]
fn the_bundled_library_passes_deny_warnings() {
    let root = common::crate_root();
    run_opsdeck_in(&root, ["check", "--deny", "warnings", "playbooks"]).assert_exit(0);
    let out = run_opsdeck_in(&root, ["check", "--rules"]);
    out.assert_exit(0);
    assert!(out.stdout.contains("curl-pipe-shell"), "{}", out.stdout);
}
