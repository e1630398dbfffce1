//! The command walk and quote removal, checked on whole scripts.

use super::{SimpleCommand, commands};
use crate::shell::syntax::parse;

fn all(text: &str) -> Vec<SimpleCommand> {
    commands(&parse(text))
}

/// Each command's words, joined by `|` so spaces inside a word show.
fn argvs(text: &str) -> Vec<String> {
    all(text)
        .iter()
        .map(|c| {
            c.words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

#[test]
fn quotes_are_removed_and_expansions_marked() {
    let c = &all(r#"sudo /bin/rm 'a b' "x" \-f "p$X" $'t\tu' a"b"'c'"#)[0];
    let texts: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(
        texts,
        ["sudo", "/bin/rm", "a b", "x", "-f", "p$X", "t\tu", "abc"]
    );
    let literal: Vec<bool> = c.words.iter().map(|w| w.literal).collect();
    assert_eq!(literal, [true, true, true, true, true, false, true, true]);
    assert!(!all("echo $(date)")[0].words[1].literal);
    assert_eq!(all(r#"echo "a \$b \"c\"""#)[0].words[1].text, r#"a $b "c""#);
}

#[test]
fn commands_are_found_everywhere() {
    let text = "a | b && c; echo $(d x) `e`; (f); if g; then h; fi; \
                for i in 1; do j; done; while k; do l; done; m() { n; }; \
                case x in y) o;; esac; ! p; X=$(q) r";
    let programs: Vec<String> = all(text).iter().map(|c| c.words[0].text.clone()).collect();
    let expected = "a b c echo d e f g h j k l n o p r q";
    assert_eq!(programs.join(" "), expected);
}

#[test]
fn redirections_keep_their_operator_target_and_descriptor() {
    let c = &all("cmd > out arg 2>&1 >> /var/log/x")[0];
    assert_eq!(argvs("cmd > out arg 2>&1 >> /var/log/x"), ["cmd|arg"]);
    let shown: Vec<(Option<&str>, &str, &str)> = c
        .redirects
        .iter()
        .map(|r| (r.fd.as_deref(), r.op.as_str(), r.target.text.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            (None, ">", "out"),
            (Some("2"), ">&", "1"),
            (None, ">>", "/var/log/x")
        ]
    );
}

#[test]
fn a_redirection_alone_and_one_on_a_group_are_listed() {
    let bare = &all("> /var/log/app.log")[0];
    assert!(bare.words.is_empty() && !bare.compound);
    assert_eq!(bare.redirects[0].target.text, "/var/log/app.log");
    let group = all("{ a; b; } > f");
    assert!(group[0].compound && group[0].redirects[0].target.text == "f");
    assert_eq!(group.len(), 3);
}

#[test]
fn here_documents_and_strings_are_the_stdin_text() {
    let c = &all("psql -X <<'SQL' > out\nDELETE FROM t;\nSQL\n")[0];
    assert_eq!(c.stdin_text.as_deref(), Some("DELETE FROM t;\n"));
    assert_eq!(c.redirects[0].target.text, "out");
    assert_eq!(c.redirects[1].op, "<<");
    assert_eq!(c.redirects[1].target.text, "SQL");
    let tabs = &all("psql <<-EOF\n\t\tDROP x;\n\tEOF\n")[0];
    assert_eq!(tabs.stdin_text.as_deref(), Some("DROP x;\n"));
    let here = &all("redis-cli <<< 'FLUSHALL'")[0];
    assert_eq!(here.stdin_text.as_deref(), Some("FLUSHALL\n"));
}

#[test]
fn a_pipe_links_a_command_to_the_one_it_reads() {
    let cs = all("echo 'DROP x' | psql | wc -l");
    assert_eq!(cs[1].fed_by, Some(0));
    assert_eq!(cs[2].fed_by, Some(1));
    assert_eq!(cs[0].fed_by, None);
    let cs = all("cat <<EOF | psql\nDROP x;\nEOF\n");
    assert_eq!(cs[1].words[0].text, "psql");
    assert_eq!(cs[1].fed_by, Some(0));
    assert_eq!(cs[0].stdin_text.as_deref(), Some("DROP x;\n"));
}

#[test]
fn each_quoting_removes_the_backslashes_it_knows() {
    let words = &all("echo a\\ b \"d\\e\\$f\" $'g\\qh\\ni' \"j\\\nk\"")[0].words;
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["echo", "a b", r"d\e$f", "g\\qh\ni", "jk"]);
}
