//! The `checks:` section: one probe per check, with what to expect of it.

use super::diagnostic::Diagnostic;
use super::fields::{self, FieldReport, Fields, Strictness, type_error};
use super::front_matter::missing;
use super::model::{Check, Expect, Probe};
use super::urls::{checked_address, checked_url};
use super::yaml_tree::{Node, Value};

const PROBES: &[&str] = &[
    "http",
    "tcp",
    "command",
    "prometheus",
    "statuspage",
    "alertmanager",
];
const CHECK_KEYS: &[&str] = &[
    "allow",
    "id",
    "http",
    "tcp",
    "command",
    "prometheus",
    "statuspage",
    "alertmanager",
    "expect",
    "interval",
    "timeout",
    "host",
];
const EXPECT_KEYS: &[&str] = &[
    "status",
    "max_latency",
    "body_contains",
    "body_regex",
    "exit_code",
    "output_contains",
    "below",
    "above",
    "cert_days",
];

pub fn read_checks(node: &Node, report: &mut FieldReport) -> Vec<Check> {
    let Value::Seq(items) = &node.value else {
        if node.value != Value::Null {
            report.push(type_error(
                node,
                "`checks`",
                "a list (`- {id: home, http: ...}`)",
            ));
        }
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| read_check(item, report))
        .collect()
}

fn read_check(item: &Node, report: &mut FieldReport) -> Option<Check> {
    let f = Fields::new(item, "a check", CHECK_KEYS, Strictness::Strict, report)?;
    let Some(id) = f.string("id", report) else {
        report.push(missing(item, "this check", "id", "id: home"));
        return None;
    };
    let probe = read_probe(&f, &id, item, report)?;
    Some(Check {
        probe,
        expect: f
            .get("expect")
            .map(|n| read_expect(n, report))
            .unwrap_or_default(),
        interval: f.duration("interval", report),
        timeout: f.duration("timeout", report),
        host: f.string("host", report),
        pos: f.key_pos("id").unwrap_or(item.pos),
        host_pos: f.get("host").map(|n| n.pos),
        allow: f
            .get("allow")
            .map(|n| super::front_matter::read_allow(n, report))
            .unwrap_or_default(),
        id,
    })
}

/// A key of the check that is not one it takes but is close to a probe's.
fn misspelt_probe(item: &Node) -> Option<(String, super::model::Pos)> {
    let Value::Map(entries) = &item.value else {
        return None;
    };
    entries.iter().find_map(|(key, _)| {
        let name = key.value.as_scalar_text()?;
        let unknown = !CHECK_KEYS.contains(&name.as_str());
        (unknown && super::diagnostic::suggest(&name, PROBES).is_some()).then_some((name, key.pos))
    })
}

fn read_probe(f: &Fields, id: &str, item: &Node, report: &mut FieldReport) -> Option<Probe> {
    let present: Vec<&str> = PROBES
        .iter()
        .copied()
        .filter(|p| f.get(p).is_some())
        .collect();
    match present.as_slice() {
        [] => {
            // A misspelt probe key (`htp:`) is the cause, reported where it
            // stands; this follows it there, so the cause reads first.
            let (pos, why) = match misspelt_probe(item) {
                Some((typo, pos)) => (pos, format!(": `{typo}` is not a probe key (see above)")),
                None => (item.pos, String::new()),
            };
            report.push(
                Diagnostic::error("no-probe", pos, format!("check `{id}` says nothing to probe{why}"))
                    .help("add one of: http: URL, tcp: host:port, command: CMD, prometheus: QUERY, statuspage: URL"),
            );
            None
        }
        [kind] => {
            let node = f.get(kind)?;
            match *kind {
                "http" => checked_url(node, "http", false, report).map(Probe::Http),
                "statuspage" => {
                    checked_url(node, "statuspage", false, report).map(Probe::Statuspage)
                }
                "tcp" => checked_address(node, report).map(Probe::Tcp),
                "command" => fields::string(node, "command", report).map(Probe::Command),
                "alertmanager" => read_matchers(node, report),
                _ => fields::string(node, "prometheus", report).map(Probe::Prometheus),
            }
        }
        [first, second, ..] => {
            report.push(
                Diagnostic::error(
                    "two-probes",
                    f.key_pos(second).unwrap_or(item.pos),
                    format!("check `{id}` has two probes, `{first}` and `{second}`"),
                )
                .span(second.len())
                .help("a check probes one thing: split it into two checks with their own ids"),
            );
            None
        }
    }
}

fn read_matchers(node: &Node, report: &mut FieldReport) -> Option<Probe> {
    let text = fields::string(node, "alertmanager", report)?;
    match crate::playbook::matchers::parse(&text) {
        Ok(_) => Some(Probe::Alertmanager {
            matchers: text,
            url: None,
        }),
        Err(why) => {
            report.push(
                Diagnostic::error("bad-matchers", node.pos, format!("alertmanager matchers: {why}"))
                    .help(r#"write Alertmanager matchers, e.g. alertmanager: '{alertname=~"Kube.*", namespace="shop"}'"#),
            );
            None
        }
    }
}

fn read_expect(node: &Node, report: &mut FieldReport) -> Expect {
    let Some(f) = Fields::new(node, "`expect`", EXPECT_KEYS, Strictness::Strict, report) else {
        return Expect::default();
    };
    Expect {
        status: f.get("status").and_then(|n| status(n, report)),
        max_latency: f.duration("max_latency", report),
        body_contains: f.string("body_contains", report),
        body_regex: f.string("body_regex", report),
        exit_code: f
            .get("exit_code")
            .and_then(|n| fields::integer(n, "exit_code", report))
            .map(|code| code as i32),
        output_contains: f.string("output_contains", report),
        below: f
            .get("below")
            .and_then(|n| fields::number(n, "below", report)),
        above: f
            .get("above")
            .and_then(|n| fields::number(n, "above", report)),
        cert_days: f
            .get("cert_days")
            .and_then(|n| fields::integer(n, "cert_days", report))
            .map(|days| days.clamp(0, u32::MAX as i64) as u32),
    }
}

fn status(node: &Node, report: &mut FieldReport) -> Option<u16> {
    let code = fields::integer(node, "status", report)?;
    if (100..=599).contains(&code) {
        return Some(code as u16);
    }
    report.push(
        Diagnostic::error(
            "bad-status",
            node.pos,
            format!("{code} is not an HTTP status code"),
        )
        .help("HTTP status codes run from 100 to 599, e.g. `status: 200`"),
    );
    None
}
