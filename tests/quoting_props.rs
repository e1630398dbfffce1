//! Values are data in every quoting context: for arbitrary values (quotes of
//! both kinds, `$(…)`, backticks, `\`, newlines, `;`, other placeholders,
//! a here-document's end word), the filled script run by the real `sh`
//! prints exactly the value and creates no file. A value opsdeck cannot
//! place safely is refused, and only where the shell gives no safe quoting.
//!
//! 128 cases per context in every run; `PROPTEST_CASES=20000` for a long run.

use opsdeck::plan::fill::{FillError, fill};
use opsdeck::playbook::{Form, Playbook, parse};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// A place a value can stand, and what `sh` prints for value `v` there.
struct Context {
    name: &'static str,
    /// The command, with `{{v}}` (or the context's own placeholder) where the value goes.
    template: &'static str,
    /// The values map key the value is given under.
    key: &'static str,
    expected: fn(&str) -> String,
    /// May a value be refused here (no quoting makes it safe)?
    may_refuse: fn(&str) -> bool,
}

fn same(v: &str) -> String {
    v.to_string()
}
/// `$(…)` drops trailing newlines.
fn substituted(v: &str) -> String {
    v.trim_end_matches('\n').to_string()
}
fn with_newline(v: &str) -> String {
    format!("{v}\n")
}
fn wrapped(v: &str) -> String {
    format!("x{v}y")
}
fn never(_: &str) -> bool {
    false
}
/// Backslashes are read twice inside backticks: such values are refused there.
fn backtick_refusal(v: &str) -> bool {
    v.contains(['`', '\\'])
}
/// A newline ends a here-document line; a line that starts with the end word
/// may end the document (shells disagree), so such values are refused.
fn heredoc_refusal(v: &str) -> bool {
    v.contains('\n') || v.starts_with("EOF")
}

const CONTEXTS: &[Context] = &[
    Context {
        name: "bare",
        template: "printf '%s' {{v}}",
        key: "v",
        expected: same,
        may_refuse: never,
    },
    Context {
        name: "single quotes",
        template: "printf '%s' 'x{{v}}y'",
        key: "v",
        expected: wrapped,
        may_refuse: never,
    },
    Context {
        name: "double quotes",
        template: "printf '%s' \"x{{v}}y\"",
        key: "v",
        expected: wrapped,
        may_refuse: never,
    },
    Context {
        name: "$(…)",
        template: "printf '%s' \"$(printf '%s' {{v}})\"",
        key: "v",
        expected: substituted,
        may_refuse: never,
    },
    Context {
        name: "\"…\" in $(…) in \"…\"",
        template: "printf '%s' \"$(printf '%s' \"{{v}}\")\"",
        key: "v",
        expected: substituted,
        may_refuse: never,
    },
    Context {
        name: "backticks",
        template: "x=`printf '%s' {{v}}`; printf '%s' \"$x\"",
        key: "v",
        expected: substituted,
        may_refuse: backtick_refusal,
    },
    Context {
        name: "here-document",
        template: "cat <<EOF\n{{v}}\nEOF",
        key: "v",
        expected: with_newline,
        may_refuse: heredoc_refusal,
    },
    Context {
        name: "quoted here-document",
        template: "cat <<'EOF'\n{{v}}\nEOF",
        key: "v",
        expected: with_newline,
        may_refuse: heredoc_refusal,
    },
    Context {
        name: "assignment",
        template: "NAME={{v}}; printf '%s' \"$NAME\"",
        key: "v",
        expected: same,
        may_refuse: never,
    },
    Context {
        name: "wiki assignment",
        template: "NAME='<the value>'; printf '%s' \"$NAME\"",
        key: "NAME",
        expected: same,
        may_refuse: never,
    },
    Context {
        name: "alert label in double quotes",
        template: "printf '%s' \"x<namespace>y\"",
        key: "alert.namespace",
        expected: wrapped,
        may_refuse: never,
    },
    Context {
        name: "$NAME of a wiki runbook",
        template: "printf '%s' \"$MY_VALUE\"",
        key: "MY_VALUE",
        expected: same,
        may_refuse: never,
    },
    Context {
        name: "comment",
        template: "printf '%s' ok # {{v}}",
        key: "v",
        expected: |_| "ok".into(),
        may_refuse: |v| v.contains('\n'),
    },
];

fn playbook(template: &str) -> Playbook {
    let text = format!("# T\n\n```sh\n{template}\n```\n");
    parse(text.as_bytes(), Form::Markdown, "t")
        .playbook
        .expect("a valid playbook")
}

/// What a hostile world sends: shell syntax of every kind, and any other character.
fn hostile_value() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("$(touch pwned)".to_string()),
        Just("`touch pwned`".to_string()),
        Just("\\".to_string()),
        Just("\n".to_string()),
        Just(";touch pwned;".to_string()),
        Just("'; touch pwned; '".to_string()),
        Just("\"; touch pwned; \"".to_string()),
        Just("<x>".to_string()),
        Just("$Y".to_string()),
        Just("{{z}}".to_string()),
        Just("-n".to_string()),
        Just("EOF".to_string()),
        Just("\nEOF\ntouch pwned\n".to_string()),
        Just("$((1+1))".to_string()),
        Just("${HOME}".to_string()),
        Just("*".to_string()),
        Just("#".to_string()),
        any::<char>()
            .prop_filter("sh cannot hold NUL", |c| *c != '\0')
            .prop_map(String::from),
    ];
    prop::collection::vec(fragment, 0..8).prop_map(|parts| parts.concat())
}

fn run_sh(script: &str, dir: &std::path::Path) -> Vec<u8> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("sh runs");
    out.stdout
}

fn check(context: &Context, value: &str) -> Result<(), TestCaseError> {
    let playbook = playbook(context.template);
    let run = &playbook.commands().next().expect("one command").run;
    let values: BTreeMap<String, String> = [(context.key.to_string(), value.to_string())].into();
    match fill(run, &playbook, &values) {
        Ok(filled) => {
            let dir = tempfile::tempdir().expect("a temp dir");
            let printed = run_sh(&filled.script, dir.path());
            let created: Vec<_> = std::fs::read_dir(dir.path()).expect("readable").collect();
            prop_assert!(
                created.is_empty(),
                "{}: value {value:?} created a file with script {:?}",
                context.name,
                filled.script
            );
            prop_assert_eq!(
                String::from_utf8_lossy(&printed),
                (context.expected)(value),
                "{}: script {:?}",
                context.name,
                filled.script
            );
        }
        Err(FillError::Unsafe { reason, .. }) => prop_assert!(
            (context.may_refuse)(value),
            "{}: value {value:?} refused although it can be quoted: {reason}",
            context.name
        ),
        Err(FillError::Missing(missing)) => {
            prop_assert!(false, "{}: asked for {missing:?}", context.name)
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(128)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn any_value_in_any_context_is_printed_exactly_and_runs_nothing(value in hostile_value()) {
        for context in CONTEXTS {
            check(context, &value)?;
        }
    }
}

#[test]
fn the_values_that_broke_out_before_are_data_now() {
    for value in [
        "$(touch pwned)",
        "'$(touch pwned)'",
        "\"; touch pwned; \"",
        "`touch pwned`",
        "a<pod>b",
        "x\nEOF\ntouch pwned",
        "{{v}}",
    ] {
        for context in CONTEXTS {
            check(context, value).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}
