//! Each program's arguments sorted into options, their values and the rest.

use super::Word;

/// A command's arguments sorted into options and the rest.
#[derive(Default)]
pub(super) struct Args {
    /// `--ns=x` → (`--ns`, `x`); `-rf` → `-rf`, `-r`, `-f`; `-n prod` → (`-n`, `prod`).
    pub options: Vec<(String, Option<String>)>,
    /// The arguments that are not options or their values, in order.
    pub positionals: Vec<Word>,
    /// With `stop` parsing: where the first non-option (the wrapped command) is.
    rest: Option<usize>,
}

impl Args {
    pub fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }

    pub fn values<'s>(&'s self, names: &'s [&str]) -> impl Iterator<Item = &'s str> {
        self.options
            .iter()
            .filter(|(n, _)| names.contains(&n.as_str()))
            .filter_map(|(_, v)| v.as_deref())
    }

    pub fn positional(&self, n: usize) -> Option<&str> {
        self.positionals.get(n).map(|w| w.text.as_str())
    }

    /// With `stop` parsing: the words of `args` (those parsed) from the
    /// first non-option on, which a wrapper runs.
    pub fn wrapped<'w>(&self, args: &'w [Word]) -> &'w [Word] {
        self.rest.map_or(&[], |at| &args[at..])
    }
}

/// Sorts `args` into options and the rest. `values` lists the options that
/// take the next word as their value. With `stop`, parsing ends at the first
/// non-option, as wrappers do (`sudo -u x rm -rf /`: `-rf` is `rm`'s).
pub(super) fn parse_args(args: &[Word], values: &[&str], stop: bool) -> Args {
    let mut out = Args::default();
    let mut i = 0;
    while i < args.len() {
        let text = args[i].text.as_str();
        let next_value = |i: &mut usize| {
            *i += 1;
            args.get(*i).map(|w| w.text.clone())
        };
        if text == "--" {
            if stop {
                out.rest = Some(i + 1);
                break;
            }
            out.positionals.extend_from_slice(&args[i + 1..]);
            break;
        } else if text.starts_with("--") {
            let (name, value) = match text.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None if values.contains(&text) => (text, next_value(&mut i)),
                None => (text, None),
            };
            out.options.push((name.to_string(), value));
        } else if text.len() > 1 && text.starts_with('-') {
            if values.contains(&text) {
                // `-n prod`, or a one-dash long option such as `-cmd SQL`.
                let value = next_value(&mut i);
                out.options.push((text.to_string(), value));
            } else {
                out.options.push((text.to_string(), None));
                let cluster = &text[1..];
                for (at, c) in cluster.char_indices() {
                    let name = format!("-{c}");
                    if values.contains(&name.as_str()) {
                        let rest = &cluster[at + c.len_utf8()..];
                        let value = if rest.is_empty() {
                            next_value(&mut i)
                        } else {
                            Some(rest.trim_start_matches('=').to_string())
                        };
                        out.options.push((name, value));
                        break;
                    }
                    if cluster.len() > 1 {
                        out.options.push((name, None));
                    }
                }
            }
        } else if stop {
            out.rest = Some(i);
            break;
        } else {
            out.positionals.push(args[i].clone());
        }
        i += 1;
    }
    out
}

/// The arguments of `program`, parsed with the options it gives values to.
pub(super) fn program_args(program: &str, args: &[Word]) -> Args {
    let values = value_options(program);
    if matches!(program, "mysql" | "mariadb") {
        // `-pSECRET` is a password glued to its option, never a cluster of flags.
        let words: Vec<Word> = args
            .iter()
            .filter(|w| !w.text.starts_with("-p"))
            .cloned()
            .collect();
        return parse_args(&words, values, false);
    }
    parse_args(args, values, false)
}

/// Options that take a value as the next word, per program, so that the
/// value is not read as the sub-command (`kubectl -n prod delete …`) or, for
/// a wrapper, as the command it runs (`sudo -u app rm …`).
#[rustfmt::skip]
pub(super) fn value_options(program: &str) -> &'static [&'static str] {
    match program {
        "kubectl" | "oc" => &[
            "-n", "--namespace", "--context", "--cluster", "--user", "-s", "--server",
            "--kubeconfig", "--as", "--as-group", "--as-uid", "--token", "--request-timeout",
            "--certificate-authority", "--client-certificate", "--client-key", "--tls-server-name",
            "--cache-dir", "-l", "--selector", "-o", "--output", "-c", "--container",
            "--field-selector", "--sort-by", "--template", "-L", "--label-columns",
        ],
        "docker" | "podman" | "nerdctl" | "docker-compose" | "podman-compose" => &[
            "-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "-f", "--file",
            "-p", "--project-name", "--env-file", "--profile", "--project-directory",
            "--tlscacert", "--tlscert", "--tlskey", "--connection", "--url", "--identity",
        ],
        "systemctl" => &[
            "-t", "--type", "-p", "--property", "-P", "-H", "--host", "-M", "--machine", "-n",
            "--lines", "-o", "--output", "-s", "--signal", "--kill-whom", "--root", "--state",
            "--what", "--job-mode", "--timestamp", "--message",
        ],
        "helm" => &[
            "-n", "--namespace", "--kube-context", "--kubeconfig", "--registry-config",
            "--repository-config", "--repository-cache", "--kube-apiserver", "--kube-token",
            "--kube-as-user", "--burst-limit",
        ],
        "argocd" => &["--server", "--auth-token", "--config", "--grpc-web-root-path",
            "--port-forward-namespace"],
        "supervisorctl" => &["-c", "--configuration", "-s", "--serverurl", "-u", "--username",
            "-p", "--password"],
        "pg_ctl" => &["-D", "--pgdata", "-m", "--mode", "-o", "--options", "-l", "--log", "-t",
            "--timeout", "-e"],
        "rabbitmqctl" => &["-n", "--node", "-p", "--vhost", "-t", "--timeout", "-l"],
        "iptables" | "ip6tables" | "iptables-legacy" | "iptables-nft" | "ip6tables-legacy"
        | "ip6tables-nft" => &["-t", "--table", "-w", "--wait", "-W"],
        "nft" => &["-I", "--includepath", "-D", "--define"],
        "ip" => &["-n", "-netns", "-f", "-family", "-b", "-batch", "-rc", "-rcvbuf", "-l",
            "-loops"],
        "mount" => &["-t", "--types", "-o", "--options", "-O", "--test-opts", "-L", "--label", "-U",
            "--uuid", "-N", "--namespace"],
        "psql" => &[
            "-c", "--command", "-d", "--dbname", "-f", "--file", "-h", "--host", "-p", "--port",
            "-U", "--username", "-v", "--set", "--variable", "-o", "--output", "-L", "--log-file",
            "-P", "--pset", "-F", "--field-separator", "-R", "--record-separator", "-T",
            "--table-attr",
        ],
        "mysql" | "mariadb" => &[
            "-e", "--execute", "-u", "--user", "-h", "--host", "-P", "--port", "-D", "--database",
            "-S", "--socket", "--defaults-file", "--defaults-extra-file", "--login-path",
            "--default-character-set",
        ],
        "sqlite3" => &["-cmd", "-separator", "-newline", "-nullvalue", "-init", "-vfs", "-mmap",
            "-maxsize"],
        "redis-cli" => &[
            "-h", "-p", "-s", "-a", "-u", "-n", "-r", "-i", "-d", "--user", "--pass", "--cacert",
            "--cacertdir", "--cert", "--key", "--sni", "--tls-ciphers", "--tls-ciphersuites",
            "--pattern", "--count", "--rdb", "--functions-rdb", "--eval", "--memkeys-samples",
            "--quoted-pattern",
        ],
        "apt" | "apt-get" | "aptitude" => &["-o", "--option", "-c", "--config-file", "-t",
            "--target-release"],
        "yum" | "dnf" | "microdnf" => &["-c", "--config", "-d", "--debuglevel", "-e",
            "--errorlevel", "-x", "--exclude", "--installroot", "--releasever"],
        "zypper" => &["-c", "--config", "-R", "--root"],
        "certbot" => &["-c", "--config", "-d", "--domains", "--cert-name", "-m", "--email", "-a",
            "--authenticator", "-i", "--installer", "-w", "--webroot-path"],
        "find" => &[
            "-name", "-iname", "-path", "-ipath", "-wholename", "-regex", "-iregex", "-lname",
            "-newer", "-type", "-user", "-group", "-perm", "-size", "-mtime", "-mmin", "-atime",
            "-amin", "-ctime", "-cmin", "-maxdepth", "-mindepth", "-printf", "-fprintf", "-fprint",
            "-inum", "-samefile", "-fstype", "-links", "-uid", "-gid",
        ],
        "curl" => &["-X", "--request", "-H", "--header", "-d", "--data", "-o", "--output", "-u",
            "--user", "-w", "--write-out", "-m", "--max-time", "-A", "--user-agent"],
        "etcdctl" => &["--endpoints", "--cacert", "--cert", "--key", "--user", "-w",
            "--write-out", "--command-timeout", "--dial-timeout"],
        "sed" => &["-e", "--expression", "-f", "--file", "-l", "--line-length"],
        "perl" => &["-e", "-E", "-M", "-m", "-I", "-x"],
        "kill" => &["-s", "--signal", "-n"],
        "pkill" | "killall" => &["-s", "--signal", "-u", "--user", "-U", "-g", "-G", "-P", "-t"],
        "journalctl" => &["-u", "--unit", "-n", "--lines", "-p", "--priority", "-S", "--since",
            "-U", "--until", "-o", "--output", "-b", "-D", "--directory", "-t", "--identifier"],
        // Wrappers: the options before the command they run.
        "sudo" => &["-u", "--user", "-g", "--group", "-p", "--prompt", "-C", "--close-from", "-D",
            "--chdir", "-r", "--role", "-t", "--type", "-T", "--command-timeout", "-U",
            "--other-user", "-h", "--host"],
        "doas" => &["-u", "-C"],
        "env" => &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
        "nice" => &["-n", "--adjustment"],
        "time" => &["-f", "--format", "-o", "--output"],
        "stdbuf" => &["-i", "--input", "-o", "--output", "-e", "--error"],
        "ionice" => &["-c", "--class", "-n", "--classdata", "-p", "--pid", "-P", "--pgid", "-u",
            "--uid"],
        "exec" => &["-a"],
        "timeout" => &["-s", "--signal", "-k", "--kill-after"],
        "chroot" => &["--userspec", "--groups"],
        "nsenter" => &["-t", "--target", "-S", "--setuid", "-G", "--setgid", "-w", "--wd", "-r",
            "--root"],
        "watch" => &["-n", "--interval", "-q", "--equexit"],
        "xargs" => &["-a", "--arg-file", "-d", "--delimiter", "-E", "-I", "-L", "--max-lines", "-n",
            "--max-args", "-P", "--max-procs", "-s", "--max-chars", "--process-slot-var"],
        "ssh" => &["-B", "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m",
            "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w"],
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "mksh" => &["-o", "-O", "--rcfile",
            "--init-file"],
        "su" | "runuser" => &["-c", "--command", "-s", "--shell", "-g", "--group", "-G",
            "--supp-group", "-u", "--user", "-w", "--whitelist-environment"],
        _ => &[],
    }
}
