//! Line by line, where a shell script stands: inside a quote, a
//! here-document's body, or a line the previous one continues. Enough to
//! tell where a command typed at a prompt ends, without a full parse.

use std::collections::VecDeque;

/// What a line is to the shell, judged before reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// It starts a new command.
    Code,
    /// The line before ended with `\`, `|`, `&&` or `||`.
    Continued,
    /// A quote opened on an earlier line is still open.
    Quoted,
    /// A line of a here-document's body (its end word included).
    HeredocBody,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Heredoc {
    delimiter: String,
    strip_tabs: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// The open quote and the line it opened on.
    quote: Option<(char, usize)>,
    /// Here-documents started on the current line, read after it.
    pending: VecDeque<Heredoc>,
    body: Option<Heredoc>,
    continued: bool,
    line: usize,
}

impl Scan {
    /// Reads one line; says what it was.
    pub fn feed(&mut self, line: &str) -> Role {
        let at = self.line;
        self.line += 1;
        if let Some(heredoc) = &self.body {
            let text = if heredoc.strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if text == heredoc.delimiter {
                self.body = self.pending.pop_front();
            }
            return Role::HeredocBody;
        }
        let role = if self.quote.is_some() {
            Role::Quoted
        } else if self.continued {
            Role::Continued
        } else {
            Role::Code
        };
        self.read_line(line, at);
        if self.quote.is_none() && !self.continued {
            self.body = self.pending.pop_front();
        }
        role
    }

    /// The command read so far needs more lines to be complete.
    pub fn open(&self) -> bool {
        self.quote.is_some() || self.continued || self.body.is_some() || !self.pending.is_empty()
    }

    /// The next line belongs to a here-document's body.
    pub fn in_heredoc(&self) -> bool {
        self.body.is_some()
    }

    /// A quote still open: the line it opened on.
    pub fn open_quote(&self) -> Option<usize> {
        self.quote.map(|(_, line)| line)
    }

    fn read_line(&mut self, line: &str, at: usize) {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        // Where a comment would start: the end of the code on this line.
        let mut code_end = chars.len();
        let mut escaped_newline = false;
        while i < chars.len() {
            let c = chars[i];
            match self.quote {
                Some(('\'', _)) => {
                    if c == '\'' {
                        self.quote = None;
                    }
                }
                Some((q, _)) => {
                    if c == '\\' {
                        if i + 1 == chars.len() {
                            escaped_newline = true;
                        }
                        i += 1;
                    } else if c == q {
                        self.quote = None;
                    }
                }
                None => match c {
                    '\\' => {
                        if i + 1 == chars.len() {
                            escaped_newline = true;
                        }
                        i += 1;
                    }
                    '\'' | '"' | '`' => self.quote = Some((c, at)),
                    '#' if i == 0 || " \t;&|()".contains(chars[i - 1]) => {
                        code_end = i;
                        break;
                    }
                    '<' if chars.get(i + 1) == Some(&'<')
                        && chars.get(i + 2) != Some(&'<')
                        && (i == 0 || chars[i - 1] != '<') =>
                    {
                        i = self.heredoc_start(&chars, i + 2);
                        continue;
                    }
                    _ => {}
                },
            }
            i += 1;
        }
        if self.quote.is_some() {
            self.continued = false;
            return;
        }
        let code: String = chars[..code_end].iter().collect();
        let code = code.trim_end();
        self.continued = escaped_newline
            || code.ends_with('|')
            || code.ends_with("&&")
            || (code_end == chars.len() && ends_with_odd_backslashes(code));
    }

    /// After `<<`: `-`, blanks, the delimiter (quoted or not). Returns where
    /// reading goes on.
    fn heredoc_start(&mut self, chars: &[char], mut i: usize) -> usize {
        let strip_tabs = chars.get(i) == Some(&'-');
        if strip_tabs {
            i += 1;
        }
        while chars.get(i).is_some_and(|c| *c == ' ' || *c == '\t') {
            i += 1;
        }
        let mut delimiter = String::new();
        while let Some(&c) = chars.get(i) {
            match c {
                '\'' | '"' => {
                    let close = chars[i + 1..].iter().position(|x| *x == c);
                    let Some(close) = close else { break };
                    delimiter.extend(&chars[i + 1..i + 1 + close]);
                    i += close + 2;
                }
                '\\' => i += 1,
                c if c.is_alphanumeric() || "_-.".contains(c) => {
                    delimiter.push(c);
                    i += 1;
                }
                _ => break,
            }
        }
        if !delimiter.is_empty() {
            self.pending.push_back(Heredoc {
                delimiter,
                strip_tabs,
            });
        }
        i
    }
}

fn ends_with_odd_backslashes(text: &str) -> bool {
    text.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(script: &str) -> Vec<Role> {
        let mut scan = Scan::default();
        script.lines().map(|l| scan.feed(l)).collect()
    }

    #[test]
    fn continuations_quotes_and_heredocs_are_told_apart() {
        use Role::*;
        assert_eq!(
            roles("a \\\n  b\nc |\n d\ne 'x\ny'\nf"),
            [Code, Continued, Code, Continued, Code, Quoted, Code]
        );
        assert_eq!(
            roles("cat <<'EOF' | x\n$ a\nEOF\nb\ncat <<-E\n\tq\n\tE\nc"),
            [
                Code,
                HeredocBody,
                HeredocBody,
                Code,
                Code,
                HeredocBody,
                HeredocBody,
                Code
            ]
        );
        assert_eq!(roles("echo it # it's\nb"), [Code, Code]);
        assert_eq!(roles("cat <<<'x'\nb"), [Code, Code]);
    }

    #[test]
    fn an_unclosed_quote_is_open_at_its_line() {
        let mut scan = Scan::default();
        scan.feed("ok");
        scan.feed("echo \"abc");
        scan.feed("more");
        assert!(scan.open());
        assert_eq!(scan.open_quote(), Some(1));
    }
}
