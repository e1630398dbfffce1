//! Playbooks: one model from Markdown or YAML, with positions, and their validation.

mod alert_checks;
pub mod attrs;
mod checks;
pub mod describe;
pub mod diagnostic;
mod fields;
pub(crate) mod front_matter;
pub mod inline_commands;
pub mod lint;
mod lint_shapes;
pub mod markdown;
pub mod matchers;
pub mod model;
pub mod placeholders;
pub mod render;
pub mod scaffold;
pub mod source;
mod ssh_config_scan;
pub mod transcript;
mod urls;
pub mod validate;
pub mod wiki_placeholders;
mod yaml_form;
pub mod yaml_tree;

use diagnostic::Diagnostic;
pub use model::Playbook;
use model::{Block, Pos, Step};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Markdown,
    Yaml,
}

impl Form {
    pub fn of(path: &Path) -> Form {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("yaml" | "yml") => Form::Yaml,
            _ => Form::Markdown,
        }
    }
}

/// The outcome of reading one playbook: the model when it has no errors,
/// and every diagnostic found (warnings too) in file order.
#[derive(Debug)]
pub struct Parsed {
    pub playbook: Option<Playbook>,
    pub diagnostics: Vec<Diagnostic>,
    /// The model as far as it could be read when there are errors: its steps
    /// are readable, so the console can open it with the broken parts
    /// read-only (`plan::broken`). None when the steps cannot be read.
    pub partial: Option<Playbook>,
    /// The top-level keys of the front matter (or of a YAML playbook) and
    /// their lines, to tell which part an error sits in.
    pub sections: Vec<(String, u32)>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn failed(diagnostic: Diagnostic) -> Parsed {
        Parsed {
            playbook: None,
            diagnostics: vec![diagnostic],
            partial: None,
            sections: Vec::new(),
        }
    }
}

/// Parses a playbook's bytes. `fallback_title` names it when it has no title.
pub fn parse(bytes: &[u8], form: Form, fallback_title: &str) -> Parsed {
    let text = match source::decode(bytes) {
        Ok(text) => text,
        Err(diagnostic) => return Parsed::failed(diagnostic),
    };
    let mut report = fields::FieldReport::default();
    let playbook = match form {
        Form::Markdown => parse_markdown(text, fallback_title, &mut report),
        Form::Yaml => parse_yaml(text, fallback_title, &mut report),
    };
    let mut diagnostics = report.diagnostics;
    if let Some(playbook) = &playbook {
        diagnostics.extend(validate::validate(playbook));
        diagnostics.extend(lint::lint(playbook));
        // Warnings found while parsing obey the playbook-wide `allow:` too.
        diagnostics.retain(|d| d.is_error() || !playbook.allow.iter().any(|a| a == d.rule));
    }
    diagnostics.sort_by_key(|d| (d.line, d.col));
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let (playbook, partial) = match playbook {
        Some(read) if has_errors => (None, Some(read)),
        read => (read, None),
    };
    // Only a playbook opened with errors needs to know where they sit.
    let sections = if partial.is_some() {
        sections(text, form)
    } else {
        Vec::new()
    };
    Parsed {
        playbook,
        diagnostics,
        partial,
        sections,
    }
}

/// The top-level keys of the front matter (Markdown) or the file (YAML),
/// with their lines; none when it does not parse.
fn sections(text: &str, form: Form) -> Vec<(String, u32)> {
    let tree = match form {
        Form::Yaml => yaml_tree::parse(text, 1).ok(),
        Form::Markdown => source::split_front_matter(text)
            .ok()
            .and_then(|split| split.front_matter)
            .and_then(|(yaml, offset)| {
                let line = source::LineIndex::new(text).pos(offset).line;
                yaml_tree::parse(yaml, line).ok()
            }),
    };
    match tree.map(|node| node.value) {
        Some(yaml_tree::Value::Map(entries)) => entries
            .into_iter()
            .filter_map(|(key, _)| key.value.as_scalar_text().map(|k| (k, key.pos.line)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads and parses a file; an unreadable file is an error diagnostic too.
pub fn load(path: &Path) -> Parsed {
    let fallback = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("playbook");
    match read_limited(path) {
        Ok(bytes) => {
            let mut parsed = parse(&bytes, Form::of(path), fallback);
            if let Some(playbook) = parsed.playbook.as_mut() {
                let dir = path.parent().unwrap_or(Path::new("."));
                let found = ssh_config_scan::scan(playbook, dir);
                let allowed = |rule: &str| playbook.allow.iter().any(|a| a == rule);
                parsed
                    .diagnostics
                    .extend(found.into_iter().filter(|d| !allowed(d.rule)));
                parsed.diagnostics.sort_by_key(|d| (d.line, d.col));
            }
            parsed
        }
        Err(ReadError::NotAFile) => Parsed::failed(
            Diagnostic::error(
                "not-a-file",
                Pos::new(1, 1),
                "this is not a regular file (a pipe, device or directory)",
            )
            .help("point opsdeck at a playbook file (.md, .yaml)"),
        ),
        Err(ReadError::TooLarge(len)) => Parsed::failed(source::too_large(len)),
        Err(ReadError::Io(err)) => Parsed::failed(
            Diagnostic::error(
                "unreadable",
                Pos::new(1, 1),
                format!("cannot read the file: {err}"),
            )
            .help("check the path and that you may read it"),
        ),
    }
}

#[derive(Debug)]
pub enum ReadError {
    /// A pipe or device: opening it could block forever.
    NotAFile,
    TooLarge(u64),
    Io(std::io::Error),
}

/// Reads a regular file of at most the size limit, refusing anything else
/// before opening it, so a FIFO or a huge file never blocks or fills memory.
pub fn read_limited(path: &Path) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > source::MAX_FILE_BYTES as u64 {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| {
            file.take(source::MAX_FILE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(ReadError::Io)?;
    Ok(bytes)
}

fn parse_markdown(
    text: &str,
    fallback_title: &str,
    report: &mut fields::FieldReport,
) -> Option<Playbook> {
    let split = match source::split_front_matter(text) {
        Ok(split) => split,
        Err(diagnostic) => {
            report.push(diagnostic);
            return None;
        }
    };
    let index = source::LineIndex::new(text);
    let yaml = match split.front_matter {
        Some((yaml, offset)) => match yaml_tree::parse(yaml, index.pos(offset).line) {
            Ok(node) => Some(node),
            Err(diagnostic) => {
                report.push(diagnostic);
                return None;
            }
        },
        None => None,
    };
    let header = yaml
        .as_ref()
        .map(|node| front_matter::read_header(node, report))
        .unwrap_or_default();
    if let Some(steps) = header.steps {
        report.push(
            Diagnostic::error(
                "steps-in-front-matter",
                steps.pos,
                "`steps` belongs to the YAML form",
            )
            .help("in Markdown, each `## Heading` section is a step; move the steps into the body"),
        );
    }
    let body = markdown::parse_body(split.body, split.body_offset, &index, report);
    let title = header
        .title
        .clone()
        .or(body.h1.clone())
        .unwrap_or_else(|| fallback_title.to_string());
    let mut steps = body.steps;
    name_untitled_steps(&mut steps, &title);
    Some(assemble(header, title, body.summary, steps))
}

fn parse_yaml(
    text: &str,
    fallback_title: &str,
    report: &mut fields::FieldReport,
) -> Option<Playbook> {
    let node = match yaml_tree::parse(text, 1) {
        Ok(node) => node,
        Err(diagnostic) => {
            report.push(diagnostic);
            return None;
        }
    };
    let header = front_matter::read_header(&node, report);
    let steps = match header.steps {
        Some(steps) => yaml_form::read_steps(steps, report),
        None => {
            report.push(
                Diagnostic::error(
                    "no-steps",
                    node.pos,
                    "a YAML playbook needs a `steps:` list",
                )
                .help("add `steps: [{title: ..., body: ..., commands: [{id: ..., run: ...}]}]`"),
            );
            return None;
        }
    };
    let title = header
        .title
        .clone()
        .unwrap_or_else(|| fallback_title.to_string());
    let summary = header.summary.clone();
    Some(assemble(header, title, summary, steps))
}

/// A file without `##` sections is one step named after the playbook;
/// commands before the first section form an "Overview" step.
fn name_untitled_steps(steps: &mut [Step], title: &str) {
    let only_one = steps.len() == 1;
    for step in steps.iter_mut().filter(|s| s.title.is_empty()) {
        step.title = if only_one {
            title.to_string()
        } else {
            "Overview".to_string()
        };
    }
}

fn assemble(
    header: front_matter::Header,
    title: String,
    summary: Option<String>,
    steps: Vec<Step>,
) -> Playbook {
    let checks = alert_checks::with_alerts(
        header.checks,
        &header.alerts,
        header.alertmanager.as_deref(),
    );
    Playbook {
        title,
        summary: summary.or(header.summary),
        service: header.service,
        owners: header.owners,
        escalation: header.escalation,
        hosts: header.hosts,
        variables: header.variables,
        checks,
        prometheus: header.prometheus,
        alertmanager: header.alertmanager,
        alerts: header.alerts,
        allow: header.allow,
        notify: header.notify,
        kube: header.kube,
        steps,
    }
}

impl Step {
    /// The step's prose without its commands, for previews and search.
    pub fn prose(&self) -> impl Iterator<Item = &str> {
        self.content.iter().filter_map(|block| match block {
            Block::Text(text) => Some(text.as_str()),
            Block::Command(_) => None,
        })
    }
}
