//! `opsdeck log export`: the timeline as a postmortem skeleton (Markdown) or JSON.

use super::entry::Entry;
use super::integrity;
use super::list::Summary;
use super::replay::Replay;
use super::timeline;
use std::fmt::Write;
use std::path::Path;

pub fn markdown(summary: &Summary, replay: &Replay) -> String {
    let mut out = String::new();
    let drill = if summary.drill { " (drill)" } else { "" };
    let _ = writeln!(out, "# Postmortem: {}{drill}\n", summary.title);
    let _ = writeln!(out, "- Incident: `{}`", summary.id);
    let _ = writeln!(out, "- Playbook: `{}`", summary.playbook);
    let _ = writeln!(out, "- Started: {}", summary.started);
    let when = super::close::times(replay);
    let or_open = |t: &Option<String>, none: &str| t.clone().unwrap_or_else(|| none.into());
    let _ = writeln!(out, "- Detected: {}", or_open(&when.detected, "unknown"));
    let mitigated = match (&when.mitigated, &when.mitigated_by) {
        (Some(at), Some(by)) => format!("{at} (`{by}`)"),
        _ => "no change was followed by recovery".into(),
    };
    let _ = writeln!(out, "- Mitigated: {mitigated}");
    let _ = writeln!(out, "- Resolved: {}", or_open(&when.resolved, "still open"));
    if !summary.duration.is_empty() {
        let _ = writeln!(out, "- Duration: {}", summary.duration);
    }
    if let Some(last) = replay.records.last() {
        let _ = writeln!(out, "- Last event: {}", last.ts);
        let _ = writeln!(
            out,
            "- Log head: seq {}, `{}` (keep it: `opsdeck log verify {} --head {}` checks a copy of the log against it)",
            last.seq, last.hash, summary.id, last.hash
        );
    }
    for problem in integrity::examine(&summary.dir, replay).everything() {
        let _ = writeln!(out, "- **WARNING: the log is not whole:** {problem}");
    }
    let responders: std::collections::BTreeSet<&str> =
        replay.records.iter().map(|r| r.actor.as_str()).collect();
    let _ = writeln!(
        out,
        "- Responders: {}",
        responders.into_iter().collect::<Vec<_>>().join(", ")
    );
    let _ = writeln!(out, "\n## Summary\n\n_What happened, in two sentences._\n");
    if let Some(Entry::Closed { summary, .. }) =
        replay.entries().find(|e| matches!(e, Entry::Closed { .. }))
    {
        let _ = writeln!(out, "Closed with: {summary}\n");
    }
    let _ = writeln!(out, "## Timeline (UTC)\n");
    for line in timeline::lines(replay) {
        let _ = writeln!(out, "- {line}");
    }
    commands(&mut out, summary, replay);
    let health = timeline::outages(replay);
    if !health.is_empty() {
        let _ = writeln!(out, "\n## Health changes\n");
        for h in &health {
            let _ = writeln!(out, "- {h}");
        }
    }
    let notes: Vec<&str> = replay
        .entries()
        .filter_map(|e| match e {
            Entry::Note { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "\n## Notes\n");
        for n in &notes {
            let _ = writeln!(out, "> {}\n", n.replace('\n', "\n> "));
        }
    }
    let _ = writeln!(
        out,
        "\n## Follow-ups\n\n- [ ] _Root cause:_\n- [ ] _What would have caught this earlier:_\n- [ ] _Playbook changes:_"
    );
    out
}

fn commands(out: &mut String, summary: &Summary, replay: &Replay) {
    let finished: Vec<&Entry> = replay
        .entries()
        .filter(|e| matches!(e, Entry::CommandFinished { .. }))
        .collect();
    if finished.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## Commands\n");
    for entry in finished {
        let Entry::CommandFinished {
            command,
            host,
            exit_code,
            signal,
            outcome,
            output_file,
            last_lines,
            ..
        } = entry
        else {
            continue;
        };
        let status = super::entry::ended(outcome.as_deref(), *exit_code, *signal);
        let _ = writeln!(out, "### `{command}` on {host}: {status}\n");
        let _ = writeln!(
            out,
            "Full output: `{}`\n",
            Path::new(&summary.id).join(output_file).display()
        );
        if !last_lines.is_empty() {
            let _ = writeln!(out, "```text\n{}\n```\n", last_lines.join("\n"));
        }
    }
}

pub fn json(summary: &Summary, replay: &Replay) -> String {
    let events: Vec<serde_json::Value> = replay
        .records
        .iter()
        .map(|r| {
            let mut value = serde_json::to_value(&r.entry).unwrap_or_default();
            if let Some(map) = value.as_object_mut() {
                map.insert("seq".into(), r.seq.into());
                map.insert("ts".into(), r.ts.clone().into());
                map.insert("actor".into(), r.actor.clone().into());
            }
            value
        })
        .collect();
    let head = replay
        .records
        .last()
        .map(|r| serde_json::json!({ "seq": r.seq, "hash": r.hash }));
    let problems = integrity::examine(&summary.dir, replay).everything();
    let when = super::close::times(replay);
    let doc = serde_json::json!({
        "id": summary.id,
        "head": head,
        "problems": problems,
        "title": summary.title,
        "playbook": summary.playbook,
        "started": summary.started,
        "closed": summary.closed,
        "detected": when.detected,
        "mitigated": when.mitigated,
        "mitigated_by": when.mitigated_by,
        "resolved": when.resolved,
        "duration": summary.duration,
        "drill": summary.drill,
        "events": events,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
