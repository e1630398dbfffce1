//! Whatever bytes a playbook holds, parsing ends in a model or diagnostics: never a panic.

use opsdeck::playbook::{Form, parse};
use proptest::prelude::*;

/// Fragments that steer random input into the parsers' interesting corners.
fn playbook_like() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("---\n".to_string()),
        Just("title: x\n".to_string()),
        Just("checks:\n  - {id: a, http: \"https://x\"}\n".to_string()),
        Just("hosts: {web: [a, b]}\n".to_string()),
        Just("## Step\n".to_string()),
        Just("# Title\n".to_string()),
        Just("```sh {id=a host=web kind=remediate}\n".to_string()),
        Just("```\n".to_string()),
        Just("{{unit}} $NAME <ns>\n".to_string()),
        Just("steps:\n  - title: s\n    commands: [{run: ls}]\n".to_string()),
        Just("  - [&a [*a]]\n".to_string()),
        "[ -~]{0,20}\n",
        "\\PC{0,12}",
    ];
    prop::collection::vec(fragment, 0..24).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn markdown_parser_never_panics(text in playbook_like()) {
        let parsed = parse(text.as_bytes(), Form::Markdown, "fuzz");
        // Errors and a model never come together.
        prop_assert!(!(parsed.has_errors() && parsed.playbook.is_some()));
    }

    #[test]
    fn yaml_parser_never_panics(text in playbook_like()) {
        let parsed = parse(text.as_bytes(), Form::Yaml, "fuzz");
        prop_assert!(!(parsed.has_errors() && parsed.playbook.is_some()));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes, Form::Markdown, "fuzz");
        let _ = parse(&bytes, Form::Yaml, "fuzz");
    }

    #[test]
    fn every_diagnostic_points_inside_the_file(text in playbook_like()) {
        let lines = text.lines().count().max(1) as u32 + 1;
        for form in [Form::Markdown, Form::Yaml] {
            for d in parse(text.as_bytes(), form, "fuzz").diagnostics {
                prop_assert!(d.line >= 1 && d.line <= lines, "{d:?} in {lines} lines");
                prop_assert!(d.col >= 1, "{d:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn command_attributes_never_panic(info in "[ -~]{0,60}") {
        let text = format!("# T\n\n```sh {{{info}}}\necho hi\n```\n");
        let _ = parse(text.as_bytes(), Form::Markdown, "fuzz");
    }

    #[test]
    fn incident_replay_never_panics_and_never_trusts_garbage(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let replayed = opsdeck::incident::replay::replay_bytes(&bytes);
        // Random bytes never form a valid hash chain.
        prop_assert!(replayed.records.is_empty() || replayed.chain_break.is_some());
    }
}

/// 512 cases in every test run; `PROPTEST_CASES=200000` for a long run.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}
