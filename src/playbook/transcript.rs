//! Shell fences written as a session at a terminal. Runbooks for wikis
//! paste what the screen showed: prompts, the commands typed after them and
//! what those printed. Each command typed at a prompt is one command here;
//! what it printed is its sample output (shown dimmed, never run); comment
//! lines before it say what it is for; `# NAME='<…>'` declares a value to
//! ask for. A line typed at the prompt of another program (`sh-4.4$ ` after
//! `oc rsh POD`) is never a local command. A fence without prompts is one
//! command, as written.

mod nested;
mod prompts;
pub(crate) mod scan;

use crate::playbook::markdown::trim_blank_lines;
use crate::playbook::placeholders::{env_names, neutralised};
use crate::playbook::wiki_placeholders::angle_placeholders;
use nested::Opener;
use prompts::{Kind, Prompt};
use scan::{Role, Scan};

/// One command read from a fence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Part {
    /// The command without its prompt, `> ` continuations or indentation.
    pub run: String,
    /// What the transcript shows it printed.
    pub sample_output: Option<String>,
    /// The comment lines written just before it.
    pub description: Option<String>,
    /// Typed inside this interactive command (`oc rsh POD`).
    pub inside: Option<String>,
    /// Only typed inside another program: never run from here.
    pub show_only: bool,
    /// It takes over the terminal (`oc rsh POD`, `psql`).
    pub interactive: bool,
    /// For each line of `run`, the fence line (0-based) and the column
    /// (0-based, in bytes) it was written at.
    pub origin: Vec<(usize, usize)>,
}

impl Part {
    /// Where line `row` of `run` was written in the fence.
    pub fn origin_of(&self, row: usize) -> (usize, usize) {
        self.origin
            .get(row)
            .or(self.origin.last())
            .copied()
            .unwrap_or((0, 0))
    }
}

/// `NAMESPACE='<value of namespace label from alert>'`: a value the
/// commands after it use as `$NAMESPACE`, with what to ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    pub name: String,
    /// The assignment, as the shell reads it.
    pub line: String,
}

/// Text in angle brackets that tools print, never a value to ask for.
const PRINTED: &[&str] = &["none", "nil", "unknown", "invalid", "pending", "unset"];

/// `NAME='<…>'`, `# NAME=<…>` or `export NAME="<…>"`, the value one
/// placeholder and nothing else.
pub fn declaration(line: &str) -> Option<Declaration> {
    let text = line.trim();
    let text = text
        .strip_prefix('#')
        .map_or(text, |rest| rest.trim_start());
    let text = text.strip_prefix("export ").unwrap_or(text).trim();
    let (name, value) = text.split_once('=')?;
    let identifier = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !identifier {
        return None;
    }
    let value = match value.split_once(" #") {
        Some((value, _comment)) => value.trim_end(),
        None => value,
    };
    let found = angle_placeholders(value);
    let [angle] = found.as_slice() else {
        return None;
    };
    if angle.range != (0..value.len()) || PRINTED.contains(&angle.hint.trim()) {
        return None;
    }
    Some(Declaration {
        name: name.to_string(),
        line: format!("{name}={value}"),
    })
}

/// Reads the shell fences of one document in order: what one fence
/// declares or opens (`oc rsh POD`) holds for the fences after it.
#[derive(Default)]
pub struct Reader {
    /// Programs that have the terminal, innermost last.
    stack: Vec<Opener>,
    declared: Vec<Declaration>,
}

impl Reader {
    /// A new section: no program is open any more.
    pub fn section(&mut self) {
        self.stack.clear();
    }

    /// The commands of one fence (`console`: root's `# ` prompt counts).
    pub fn read(&mut self, code: &str, console: bool) -> Vec<Part> {
        let lines: Vec<&str> = code.lines().collect();
        let (lines, indent) = dedent(&lines);
        if self.is_transcript(&lines, console) {
            Session::new(self, console, indent).read(&lines)
        } else if let Some(parts) = self.opened_then_typed(&lines, indent) {
            parts
        } else {
            vec![self.whole(code)]
        }
    }

    /// A fence without prompts whose first command takes the terminal
    /// (`oc debug node/X`, `ssh HOST`, `psql`) and whose lines after it are
    /// typed there: never run on the responder's machine after it.
    fn opened_then_typed(&mut self, lines: &[&str], indent: usize) -> Option<Vec<Part>> {
        let chunks = commands_of(lines);
        let [first, rest @ ..] = chunks.as_slice() else {
            return None;
        };
        if rest.is_empty() || first.lines.len() != 1 {
            return None;
        }
        let opener = nested::opener(&first.text(lines), "$")?;
        self.stack.clear();
        let mut parts = vec![Part {
            run: first.text(lines),
            description: first.description.clone(),
            interactive: true,
            origin: vec![(first.lines[0], indent)],
            ..Part::default()
        }];
        self.stack.push(opener);
        for chunk in rest {
            let text = chunk.text(lines);
            let origin = chunk.lines.iter().map(|&i| (i, indent)).collect();
            let Some(top) = self.stack.last_mut() else {
                // After `exit`: the responder's own shell again.
                parts.push(Part {
                    run: text,
                    description: chunk.description.clone(),
                    origin,
                    ..Part::default()
                });
                continue;
            };
            if nested::is_exit(&text) {
                self.stack.pop();
                continue;
            }
            if top.enter(&text) {
                continue;
            }
            let combined = top.combined(&text);
            parts.push(Part {
                show_only: combined.is_none(),
                run: combined.unwrap_or(text),
                description: chunk.description.clone(),
                inside: Some(top.text.clone()),
                origin,
                ..Part::default()
            });
        }
        for part in &mut parts {
            self.prepend(part);
        }
        Some(parts)
    }

    fn inside_shell(&self) -> bool {
        self.stack.last().is_some_and(Opener::is_shell)
    }

    fn is_transcript(&self, lines: &[&str], console: bool) -> bool {
        let mut scan = Scan::default();
        lines.iter().any(|line| {
            scan.feed(line) == Role::Code
                && prompts::prompt(line, console, self.inside_shell()).is_some()
        })
    }

    /// A fence without prompts: one command, as written, its
    /// `# NAME='<…>'` lines made the assignments they describe.
    fn whole(&mut self, code: &str) -> Part {
        let mut scan = Scan::default();
        let mut lines = Vec::new();
        let mut changed = false;
        for line in code.lines() {
            let code_line = scan.feed(line) == Role::Code;
            match declaration(line).filter(|_| code_line) {
                Some(declared) => {
                    let indent = &line[..line.len() - line.trim_start().len()];
                    changed |= line.trim_start().starts_with('#');
                    lines.push(format!("{indent}{}", declared.line));
                    self.declare(declared);
                }
                None => lines.push(line.to_string()),
            }
        }
        let run = if changed {
            lines.join("\n")
        } else {
            code.to_string()
        };
        let mut part = Part {
            origin: (0..run.lines().count().max(1)).map(|i| (i, 0)).collect(),
            run,
            ..Part::default()
        };
        self.stack.clear();
        // One command that takes the terminal is a line or a few, never a script.
        let short = part.origin.len() <= 20;
        if short && let Some(opener) = nested::opener(&part.run, "$") {
            part.interactive = true;
            self.stack.push(opener);
        }
        self.prepend(&mut part);
        part
    }

    fn declare(&mut self, declared: Declaration) {
        self.declared.retain(|d| d.name != declared.name);
        self.declared.push(declared);
    }

    /// `NAME='<…>'` before a command that uses `$NAME` declared earlier.
    fn prepend(&self, part: &mut Part) {
        if self.declared.is_empty() || part.show_only {
            return;
        }
        let used = env_names(&neutralised(&part.run));
        let lines: Vec<&str> = self
            .declared
            .iter()
            .filter(|d| used.contains(&d.name))
            .map(|d| d.line.as_str())
            .collect();
        if lines.is_empty() {
            return;
        }
        let first = part.origin_of(0);
        part.run = format!("{}\n{}", lines.join("\n"), part.run);
        part.origin.splice(0..0, lines.iter().map(|_| first));
    }
}

/// One command of a script: its lines (a first line and those that
/// continue it) and the comment lines written just before it.
struct Chunk {
    lines: Vec<usize>,
    description: Option<String>,
}

impl Chunk {
    fn text(&self, lines: &[&str]) -> String {
        let text: Vec<&str> = self.lines.iter().map(|&i| lines[i]).collect();
        text.join("\n").trim_end().to_string()
    }
}

/// The commands of a script, line by line.
fn commands_of(lines: &[&str]) -> Vec<Chunk> {
    let mut scan = Scan::default();
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut comments: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let role = scan.feed(line);
        let trimmed = line.trim();
        match role {
            Role::Code if trimmed.is_empty() => {}
            Role::Code if trimmed.starts_with('#') => {
                comments.push(trimmed.trim_start_matches('#').trim());
            }
            Role::Code => {
                let description = comments.join("\n");
                comments.clear();
                chunks.push(Chunk {
                    lines: vec![i],
                    description: (!description.is_empty()).then_some(description),
                });
            }
            _ => {
                if let Some(chunk) = chunks.last_mut() {
                    chunk.lines.push(i);
                }
            }
        }
    }
    chunks
}

/// The lines without the indentation they all share, and its width.
fn dedent<'a>(lines: &[&'a str]) -> (Vec<&'a str>, usize) {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let lines = lines
        .iter()
        .map(|l| {
            l.get(indent..)
                .filter(|_| !l.trim().is_empty())
                .unwrap_or("")
        })
        .collect();
    (lines, indent)
}

/// A command being read, with what it printed.
#[derive(Default)]
struct Building {
    part: Part,
    scan: Scan,
    output: Vec<String>,
    /// Its continuation lines start with bash's `> `.
    ps2: Option<bool>,
    /// Text before any prompt: its lines are commands, not output.
    preamble: bool,
    /// A statement typed into psql or mysql, which may go on over lines.
    program: bool,
    /// Typed at the local prompt (may open a program).
    local: Option<String>,
    /// Typed at the prompt of a shell this program opened.
    within: Option<Opener>,
    /// Typed to leave a program, or to change where its lines run: no command.
    discard: bool,
    /// Whether it took the terminal was decided.
    settled: bool,
}

impl Building {
    fn start(text: &str, line: usize, col: usize) -> Building {
        let mut scan = Scan::default();
        scan.feed(text);
        Building {
            part: Part {
                run: text.to_string(),
                origin: vec![(line, col)],
                ..Part::default()
            },
            scan,
            ..Building::default()
        }
    }

    fn push_line(&mut self, text: &str, line: usize, col: usize) {
        self.scan.feed(text);
        self.part.run.push('\n');
        self.part.run.push_str(text);
        self.part.origin.push((line, col));
    }

    /// The command goes on over the next line whatever that line holds.
    fn in_heredoc(&self) -> bool {
        self.output.is_empty() && !self.discard && self.scan.in_heredoc()
    }

    /// The command is not complete yet: an open quote, `\`, `|`, `do` …
    fn wants_more(&self) -> bool {
        if !self.output.is_empty() || self.discard || self.program {
            return false;
        }
        self.scan.open() || (self.part.origin.len() < 50 && unfinished(&self.part.run))
    }
}

/// `for x in a b; do` or `if …; then` without its end: the shell reads on.
fn unfinished(run: &str) -> bool {
    let last = run
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .split(" #")
        .next()
        .unwrap_or("")
        .trim_end();
    let opens = [" do", ";do", " then", ";then", " else", "{", "(", " in"]
        .iter()
        .any(|end| last.ends_with(end))
        || ["do", "then", "else"].contains(&last.trim());
    opens && crate::shell::syntax::parse(&neutralised(run)).has_error()
}

struct Session<'r> {
    reader: &'r mut Reader,
    console: bool,
    indent: usize,
    parts: Vec<Part>,
    current: Option<Building>,
    /// Comment, declaration and blank lines not yet known to describe the
    /// next command or to be printed by the last one.
    pending: Vec<(usize, String)>,
}

impl<'r> Session<'r> {
    fn new(reader: &'r mut Reader, console: bool, indent: usize) -> Self {
        Session {
            reader,
            console,
            indent,
            parts: Vec::new(),
            current: None,
            pending: Vec::new(),
        }
    }

    fn read(mut self, lines: &[&str]) -> Vec<Part> {
        for (i, line) in lines.iter().enumerate() {
            self.line(i, line);
        }
        let pending = std::mem::take(&mut self.pending);
        match self.current.as_mut() {
            Some(b) if !b.preamble => {
                b.output.extend(pending.iter().map(|(_, l)| l.clone()));
            }
            _ => {
                for (_, line) in &pending {
                    if let Some(declared) = declaration(line) {
                        self.reader.declare(declared);
                    }
                }
            }
        }
        self.finish();
        self.parts
    }

    fn line(&mut self, i: usize, line: &str) {
        self.settle();
        let prompt = self.prompt(line);
        if let Some(b) = self.current.as_mut()
            && self.pending.is_empty()
        {
            let goes_on =
                b.in_heredoc() || (b.wants_more() && prompt.is_none_or(|p| p.kind != Kind::Local));
            if goes_on {
                let (text, col) = strip_ps2(b, line);
                b.push_line(text, i, self.indent + col);
                return;
            }
            // bash's `> ` before the next line of a command it still reads.
            if b.output.is_empty()
                && !b.program
                && !b.discard
                && prompt.is_none()
                && let Some(text) = line.strip_prefix("> ").or((line == ">").then_some(""))
            {
                b.ps2 = Some(true);
                b.push_line(text, i, self.indent + 2);
                return;
            }
            if b.program
                && b.output.is_empty()
                && prompt.is_none()
                && let Some(text) = prompts::program_continuation(line)
            {
                let col = line.len() - text.len();
                b.push_line(text, i, self.indent + col);
                return;
            }
        }
        match prompt {
            Some(p) => self.prompted(i, p),
            None => self.unprompted(i, line),
        }
    }

    /// The prompt `line` starts with; a `user@host$ ` prompt other than the
    /// one a shell was opened from is that shell's.
    fn prompt<'l>(&self, line: &'l str) -> Option<Prompt<'l>> {
        let mut prompt = prompts::prompt(line, self.console, self.reader.inside_shell())?;
        if prompt.kind == Kind::Local
            && !matches!(prompt.prompt, "$" | "%" | "#")
            && let Some(top) = self.reader.stack.last()
            && top.is_shell()
            && top.prompt != prompt.prompt
        {
            prompt.kind = Kind::Shell;
        }
        Some(prompt)
    }

    fn prompted(&mut self, i: usize, p: Prompt) {
        self.finish();
        let description = self.take_pending();
        let col = self.indent + p.at;
        let text = p.text.trim_end();
        if text.is_empty() {
            return;
        }
        let mut b = Building::start(text, i, col);
        b.part.description = description;
        match p.kind {
            Kind::Local => {
                self.reader.stack.clear();
                b.local = Some(p.prompt.to_string());
            }
            Kind::Shell | Kind::Program => {
                b.program = p.kind == Kind::Program;
                if nested::is_exit(text) {
                    self.reader.stack.pop();
                    b.discard = true;
                } else if p.kind == Kind::Shell
                    && let Some(top) = self.reader.stack.last_mut()
                    && top.enter(text)
                {
                    b.discard = true;
                } else {
                    let top = self.reader.stack.last().cloned();
                    b.part.inside = top.as_ref().map(|o| o.text.clone());
                    b.part.show_only = true;
                    // `psql` typed inside the pod: its own lines follow.
                    if p.kind == Kind::Shell && nested::opener(text, p.prompt).is_some() {
                        b.part.interactive = true;
                        let typed = top.as_ref().and_then(|o| o.combined(text));
                        self.reader.stack.push(Opener {
                            text: typed.unwrap_or_else(|| text.to_string()),
                            how: nested::How::Typed,
                            prompt: p.prompt.to_string(),
                            setup: Vec::new(),
                        });
                    }
                    b.within = top.filter(|_| p.kind == Kind::Shell);
                }
            }
        }
        self.current = Some(b);
    }

    fn unprompted(&mut self, i: usize, line: &str) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || declaration(line).is_some() {
            self.pending.push((i, line.to_string()));
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        match self.current.as_mut() {
            Some(b) if b.preamble => {
                for (at, text) in pending {
                    b.push_line(&text, at, self.indent);
                }
                b.push_line(line, i, self.indent);
            }
            Some(b) => {
                b.output.extend(pending.into_iter().map(|(_, l)| l));
                b.output.push(line.to_string());
            }
            None => {
                self.pending = pending;
                let description = self.take_pending();
                let mut b = Building::start(line, i, self.indent);
                b.preamble = true;
                b.part.description = description;
                self.current = Some(b);
            }
        }
    }

    /// The pending lines as the description of what comes next; the
    /// declarations among them are declared.
    fn take_pending(&mut self) -> Option<String> {
        let mut description = Vec::new();
        for (_, line) in std::mem::take(&mut self.pending) {
            if let Some(declared) = declaration(&line) {
                self.reader.declare(declared);
            } else if let Some(text) = line.trim_start().strip_prefix('#') {
                let text = text.strip_prefix(' ').unwrap_or(text).trim_end();
                if !text.is_empty() {
                    description.push(text.to_string());
                }
            }
        }
        (!description.is_empty()).then(|| description.join("\n"))
    }

    /// A command typed at the local prompt, once complete, may take the terminal.
    fn settle(&mut self) {
        let Some(b) = self.current.as_mut() else {
            return;
        };
        if b.settled || b.wants_more() || b.in_heredoc() {
            return;
        }
        b.settled = true;
        if let Some(prompt) = &b.local
            && let Some(opener) = nested::opener(&b.part.run, prompt)
        {
            b.part.interactive = true;
            self.reader.stack.push(opener);
        }
    }

    fn finish(&mut self) {
        self.settle();
        let Some(b) = self.current.take() else {
            return;
        };
        if b.discard {
            return;
        }
        let mut part = b.part;
        let keep = part.run.trim_end().len();
        part.run.truncate(keep);
        // A line typed in a shell inside: one command from here, if the tool takes one.
        if let Some(combined) = b.within.and_then(|o| o.combined(&part.run)) {
            part.run = combined;
            part.show_only = false;
        }
        part.origin.truncate(part.run.lines().count().max(1));
        let output = b.output.join("\n");
        let output = trim_blank_lines(&output);
        part.sample_output = (!output.is_empty()).then(|| output.to_string());
        self.reader.prepend(&mut part);
        self.parts.push(part);
    }
}

/// A continuation line without bash's `> `, if the command's continuation
/// lines carry it; and the column its text starts at.
fn strip_ps2<'l>(b: &mut Building, line: &'l str) -> (&'l str, usize) {
    let marked = line.starts_with("> ") || line == ">";
    if b.ps2.is_none() {
        b.ps2 = Some(marked);
    }
    match (b.ps2, marked) {
        (Some(true), true) => (line.get(2..).unwrap_or(""), 2),
        _ => (line, 0),
    }
}

#[cfg(test)]
mod tests;
