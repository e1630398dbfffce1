//! URL and address checks shared by health checks and integrations.

use super::diagnostic::Diagnostic;
use super::fields::{FieldReport, string};
use super::yaml_tree::Node;

/// An `http(s)://` URL, or an error saying what is wrong with it.
/// `warn_plain_http`: integrations warn here; checks are linted (and silenced) in `lint.rs`.
pub fn checked_url(
    node: &Node,
    what: &str,
    warn_plain_http: bool,
    report: &mut FieldReport,
) -> Option<String> {
    let text = string(node, what, report)?;
    match url::Url::parse(&text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            if warn_plain_http && url.scheme() == "http" && !is_loopback(&url) {
                report.push(
                    Diagnostic::warning(
                        "plain-http",
                        node.pos,
                        format!("`{what}` uses plain HTTP: `{text}`"),
                    )
                    .span(text.chars().count())
                    .help("use https:// so answers cannot be forged on the way"),
                );
            }
            Some(text)
        }
        Ok(url) => {
            report.push(bad_url(
                node,
                what,
                &text,
                &format!("scheme `{}` is not http or https", url.scheme()),
            ));
            None
        }
        Err(err) => {
            report.push(bad_url(node, what, &text, &err.to_string()));
            None
        }
    }
}

fn bad_url(node: &Node, what: &str, text: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        "bad-url",
        node.pos,
        format!("`{what}` is not a valid URL: `{text}` ({why})"),
    )
    .span(text.chars().count())
    .help("write a full URL such as `https://shop.example.com/health`")
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `host:port` for a TCP check.
pub fn checked_address(node: &Node, report: &mut FieldReport) -> Option<String> {
    let text = string(node, "tcp", report)?;
    let valid = text
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0));
    if valid {
        return Some(text);
    }
    report.push(
        Diagnostic::error(
            "bad-address",
            node.pos,
            format!("`tcp` needs `host:port`, found `{text}`"),
        )
        .span(text.chars().count())
        .help("write e.g. `db1.internal:5432`"),
    );
    None
}
