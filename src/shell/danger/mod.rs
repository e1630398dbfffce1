//! Does a command change things? opsdeck reads every simple command of a
//! script (see [`super::words`]) and looks each one up in a table of
//! programs (`table.rs`). A command it finds there is treated as a
//! remediation: the console asks for the target to be typed before it runs,
//! `opsdeck check` warns when the playbook does not say `kind=remediate`, and
//! it is an error to mark it `kind=diagnose`. Each finding has a rule name;
//! an author who knows such a command is safe to run without asking writes
//! `allow=RULE` on it (e.g. `allow=file-removal`).
//!
//! What counts as changing things, by rule:
//!
//! - `file-removal`: `rm`, `rmdir`, `unlink`, `shred`, `find … -delete`,
//!   `journalctl --vacuum-size/--vacuum-time/--vacuum-files`,
//!   `rsync --delete…`/`--remove-source-files`.
//! - `file-truncation`: `truncate`; a redirection that empties a file:
//!   `> FILE` alone, `: > FILE`, `true > FILE`, `cat /dev/null > FILE`.
//! - `file-write`: `>`, `>>`, `>|`, `&>` onto an absolute path (see below for
//!   the exceptions); `tee /abs/path`; `sed -i`/`--in-place`; `perl -i`; `mv`;
//!   `dd of=…`.
//! - `file-permissions`: `chmod`, `chown`, `chgrp`, `setfacl`.
//! - `disk-write`: `mkfs`, `mkfs.*`, `mkswap`, `wipefs -a`, `lvremove`,
//!   `vgremove`, `pvremove`, `lvextend`, `lvresize`, `lvreduce`, `resize2fs`,
//!   `xfs_growfs` (not `-n`), `growpart`.
//! - `process-control`: `kill` (not `-0` or `-l`), `pkill`, `killall`.
//! - `service-control`: `systemctl restart|stop|start|reload|enable|disable|
//!   mask|unmask|kill|isolate|daemon-reload|…`, `service NAME restart|stop|
//!   start|reload|…`, `/etc/init.d/NAME restart|…`, `supervisorctl
//!   restart|stop|start|…`, `nginx -s SIGNAL`, `apachectl restart|graceful|…`,
//!   `pg_ctl stop|restart|reload|promote|…`, `pg_ctlcluster V NAME restart|…`.
//! - `queue-control`: `rabbitmqctl purge_queue|delete_queue|stop_app|reset|…`.
//! - `host-power`: `reboot`, `shutdown`, `halt`, `poweroff`, `init 0|1|6`,
//!   `telinit`, `systemctl reboot|poweroff|halt|rescue|…`.
//! - `firewall`: `iptables`/`ip6tables` with `-F -D -A -I -X -P -R -Z -N -E`
//!   (and their long forms), `iptables-restore`, `nft flush|delete|add|…` or
//!   `nft -f`, `ufw allow|deny|delete|enable|disable|reset|…`,
//!   `firewall-cmd --add-…|--remove-…|--set-…|--reload`.
//! - `network-change`: `ip … add|del|change|replace|set|flush`, `ifdown`,
//!   `ifup`; `kernel-setting`: `sysctl -w`, `sysctl NAME=VALUE`, `sysctl -p`.
//! - `mount`: `umount`, `swapoff`, `mount` with a device or directory or `-a`
//!   (plain `mount`, which lists, is fine).
//! - `container`: `docker`/`podman`/`nerdctl` `rm|rmi|stop|kill|restart|start|
//!   pause|update|prune|create|up|down|scale|…`, also after `container`,
//!   `image`, `volume`, `network`, `system`, `compose`, `service`, `stack`, …
//!   (`docker system prune`, `docker volume rm`); `docker-compose down|up|…`.
//! - `kubernetes`: `kubectl`/`oc` `delete|apply|patch|edit|scale|replace|
//!   create|set|autoscale|expose|label|annotate|taint|drain|cordon|uncordon|
//!   run|start-build|new-app|…`, `rollout restart|undo|pause|resume|…`,
//!   `adm drain|cordon|uncordon|taint|prune|upgrade|…`, `certificate
//!   approve|deny`; `argocd app sync|delete|rollback|…`. `--dry-run` makes
//!   any of them read-only.
//! - `helm-release`: `helm upgrade|install|rollback|uninstall|delete`
//!   (not with `--dry-run`).
//! - `sql-write`: SQL with `DROP`, `DELETE`, `TRUNCATE`, `UPDATE`, `INSERT`,
//!   `ALTER`, `GRANT`, `REVOKE`, `CREATE`, `MERGE`, `VACUUM`, `KILL`, … or
//!   `pg_terminate_backend()`, `pg_cancel_backend()`, … given to `psql -c`/
//!   `--command`, `mysql`/`mariadb -e`/`--execute`, `sqlite3 DB "…"`, or fed
//!   to them on stdin (a here-document, `<<<`, `echo … |`); `dropdb`,
//!   `dropuser`. Words inside quotes (`'update'`) and `SELECT … FOR UPDATE`
//!   do not count.
//! - `redis-write`: `redis-cli` `FLUSHALL`, `FLUSHDB`, `DEL`, `SET`, `EXPIRE`,
//!   `CONFIG SET`, `CLIENT KILL`, `SHUTDOWN`, `EVAL`, … in any case, as
//!   arguments or on stdin, and `redis-cli --pipe`/`--eval`.
//! - `etcd-write`: `etcdctl del|put|defrag|compact|move-leader`, `etcdctl
//!   member remove|add|update|promote`, `snapshot restore`, `alarm disarm`.
//! - `http-write`: `curl -X DELETE|PUT|PATCH` (a POST may be a question, so
//!   it does not count).
//! - `package-change`: `apt`/`apt-get`/`yum`/`dnf`/`zypper`/`apk`/`snap`
//!   `install|remove|purge|upgrade|…`, `rpm -e|-i|-U`, `dpkg -i|-r|-P`.
//! - `tls-certificate`: `certbot renew|revoke|delete|certonly|…` (not with
//!   `--dry-run`).
//! - `unreadable-command`: the text cannot be read as shell, so nothing
//!   above can be ruled out.
//!
//! Commands are found wherever they stand: after `|`, `&&`, `;`, inside
//! `$(…)` and backticks, in subshells, loops, `if` and function bodies.
//! Programs are matched by name, whatever their directory (`/bin/rm` is
//! `rm`). Wrappers are looked through: `sudo` (with its options), `doas`,
//! `env VAR=x`, `nice`, `nohup`, `timeout 5`, `watch`, `time`, `stdbuf`,
//! `ionice`, `chroot DIR`, `nsenter`, `command`, `exec`, `eval`, `xargs`,
//! `find -exec`, `su -c`, `runuser`, `ssh HOST CMD…` (the remote words read
//! as shell), `kubectl`/`oc` `exec … -- CMD` and `debug … -- CMD`, `oc rsh
//! POD CMD`, `docker`/`podman exec CONTAINER CMD`, and `sh`/`bash`/`zsh -c
//! TEXT` (or a shell, or `ssh HOST`, fed a script on stdin). A program that
//! comes from a variable (`$SUDO rm x`) is looked past.
//!
//! Redirections onto `/tmp/…`, `/var/tmp/…`, `/dev/shm/…`, `/dev/null`,
//! `/dev/stdout`, `/dev/stderr`, `/dev/tty`, `/dev/fd/N` and `/dev/tcp/…`
//! change nothing that matters, nor do `2>&1` and relative paths
//! (`> out.txt`, which lands in the working directory). What a variable or
//! `$(…)` holds is not known before the command runs, so `sh -c "$CMD"` or
//! `psql -f FILE` are judged only by what is written. Writing to any other
//! device (`> /dev/sda`) does count.
//!
//! Programs not listed are taken to only read: your own `deploy` script,
//! `cp`, `ln`, `touch`, `tar x`, `docker run`, `curl -X POST`, … Mark such
//! commands `kind=remediate` yourself.

mod classifier;
mod data_stores;
mod entry;
mod file_writes;
mod options;
mod programs;
mod system_checks;
mod table;
mod walk;
mod wrappers;

use super::words::Word;
use classifier::Classifier;
use entry::Entry;
use table::TABLE;

pub use data_stores::sql_change;
pub use programs::{Run, programs};

/// Why a command changes things.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's name, as written in `allow=RULE` (`file-removal`, …).
    pub rule: &'static str,
    /// The program that does it (`rm`, `kubectl`), or the redirection (`> /etc/x`).
    pub program: String,
    /// A sentence part for people: "`rm` removes files".
    pub why: String,
}

/// The rule for a script that cannot be read as shell.
pub const UNREADABLE: &str = "unreadable-command";

/// Every rule a finding can have, with what it covers.
#[rustfmt::skip]
pub const RULES: &[(&str, &str)] = &[
    ("file-removal", "removes files or directories"),
    ("file-truncation", "empties files"),
    ("file-write", "writes, moves or edits files outside /tmp"),
    ("file-permissions", "changes owners or permissions"),
    ("disk-write", "formats, removes or resizes disks and volumes"),
    ("process-control", "signals or ends processes"),
    ("service-control", "starts, stops, restarts or reconfigures services"),
    ("queue-control", "purges, deletes or stops message queues"),
    ("host-power", "reboots or powers off the host"),
    ("firewall", "changes firewall rules"),
    ("network-change", "changes addresses, routes or interfaces"),
    ("kernel-setting", "changes kernel parameters"),
    ("mount", "mounts or unmounts file systems"),
    ("container", "changes containers, images, volumes or networks"),
    ("kubernetes", "changes objects in a Kubernetes or OpenShift cluster"),
    ("helm-release", "installs, upgrades or removes a Helm release"),
    ("sql-write", "runs SQL that changes data, schema or sessions"),
    ("redis-write", "writes to, flushes or reconfigures Redis"),
    ("etcd-write", "changes the keys or the members of etcd"),
    ("http-write", "sends an HTTP DELETE, PUT or PATCH"),
    ("package-change", "installs, upgrades or removes packages"),
    ("tls-certificate", "issues, renews or revokes certificates"),
    (UNREADABLE, "cannot be read as shell, so nothing can be ruled out"),
];

/// The first reason `script` changes things, if any.
pub fn classify(script: &str) -> Option<Finding> {
    classify_all(script).into_iter().next()
}

/// Every reason `script` changes things, in the order its commands are written.
pub fn classify_all(script: &str) -> Vec<Finding> {
    Classifier { table: TABLE }.run(script)
}

/// How many entries the table has (for tests that delete one at a time).
#[doc(hidden)]
pub fn table_len() -> usize {
    TABLE.len()
}

/// `classify_all` with entry `skip` of the table left out.
#[doc(hidden)]
pub fn classify_all_without(script: &str, skip: usize) -> Vec<Finding> {
    let table: Vec<Entry> = TABLE
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != skip)
        .map(|(_, e)| *e)
        .collect();
    Classifier { table: &table }.run(script)
}

/// The words joined by spaces, as `ssh`, `eval` and `echo` pass them on.
fn joined(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `/usr/bin/rm` → `rm`.
fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
