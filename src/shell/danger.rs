//! Does a command change things? opsdeck reads every simple command of a
//! script (see [`super::words`]) and looks each one up in the table below.
//! A command it finds there is treated as a remediation: the console asks for
//! the target to be typed before it runs, `opsdeck check` warns when the
//! playbook does not say `kind=remediate`, and it is an error to mark it
//! `kind=diagnose`. Each finding has a rule name; an author who knows such a
//! command is safe to run without asking writes `allow=RULE` on it (e.g.
//! `allow=file-removal`).
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
//! - `unreadable`: the text cannot be read as shell, so nothing above can be
//!   ruled out.
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

use super::syntax::parse;
use super::words::{Redirect, SimpleCommand, Word, commands};

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

/// One line of the table: a program (or several) and what use of it changes things.
#[derive(Clone, Copy)]
struct Entry {
    rule: &'static str,
    /// Program names; `*` is any program (the test decides); `>` is the
    /// redirections of each simple command, looked at once, before wrappers.
    programs: &'static [&'static str],
    test: Test,
    /// Options that make the command only pretend (`--dry-run`).
    unless: &'static [&'static str],
    /// Completes "`what the command is` …": "removes files".
    why: &'static str,
}

#[derive(Clone, Copy)]
enum Test {
    /// Any use of the program.
    Any,
    /// One of these options is given (`sed -i`; `-rf` gives `-r` and `-f`).
    Flag(&'static [&'static str]),
    /// A long option starting with one of these is given (`--add-`).
    FlagPrefix(&'static [&'static str]),
    /// The first argument that is not an option is one of these.
    Sub(&'static [&'static str]),
    /// The first two are one of the first list, then one of the second.
    Sub2(&'static [&'static str], &'static [&'static str]),
    /// Argument N (0-based, options left out) is one of these.
    Nth(usize, &'static [&'static str]),
    /// Anything else; returns what to show (`find -delete`).
    Custom(fn(&Invocation, &Args) -> Option<String>),
}

const fn entry(
    rule: &'static str,
    programs: &'static [&'static str],
    test: Test,
    why: &'static str,
) -> Entry {
    Entry {
        rule,
        programs,
        test,
        unless: &[],
        why,
    }
}

impl Entry {
    const fn unless(self, unless: &'static [&'static str]) -> Entry {
        Entry { unless, ..self }
    }
}

use Test::{Any, Custom, Flag, FlagPrefix, Nth, Sub, Sub2};

// The lists and the table are laid out by hand, one entry a line where it fits.

#[rustfmt::skip]
const KUBE_VERBS: &[&str] = &[
    "delete", "apply", "patch", "edit", "scale", "replace", "create", "set", "autoscale", "expose",
    "label", "annotate", "taint", "drain", "cordon", "uncordon", "run",
    // OpenShift's own.
    "start-build", "cancel-build", "new-app", "new-build", "new-project", "import-image", "tag",
    "rollback",
];
#[rustfmt::skip]
const KUBE_ADM: &[&str] = &[
    "drain", "cordon", "uncordon", "taint", "prune", "certificate", "upgrade", "manage-node",
    "reboot-machine-config-pool", "restart-kubelet", "copy-to-node",
];
#[rustfmt::skip]
const DOCKER_VERBS: &[&str] = &[
    "rm", "rmi", "remove", "stop", "kill", "restart", "start", "pause", "unpause", "update",
    "prune", "create", "up", "down", "scale", "rollback", "rename", "deploy", "connect",
    "disconnect", "leave", "demote", "promote",
];
#[rustfmt::skip]
const DOCKER_GROUPS: &[&str] = &[
    "container", "image", "volume", "network", "system", "builder", "buildx", "compose",
    "service", "stack", "node", "swarm", "plugin", "secret", "config",
];
#[rustfmt::skip]
const SYSTEMCTL_SERVICE: &[&str] = &[
    "restart", "stop", "start", "reload", "disable", "enable", "reenable", "mask", "unmask",
    "kill", "isolate", "try-restart", "reload-or-restart", "try-reload-or-restart",
    "force-reload", "condrestart", "daemon-reload", "daemon-reexec", "reset-failed",
    "set-property", "edit", "revert", "preset", "set-default", "freeze", "thaw", "clean", "link",
];
#[rustfmt::skip]
const SYSTEMCTL_POWER: &[&str] = &[
    "reboot", "poweroff", "halt", "kexec", "soft-reboot", "suspend", "hibernate", "hybrid-sleep",
    "rescue", "emergency", "default",
];
#[rustfmt::skip]
const SERVICE_ACTIONS: &[&str] = &[
    "restart", "stop", "start", "reload", "force-reload", "try-restart", "condrestart", "graceful",
    "zap",
];

/// The table. Order matters only for which finding comes first.
#[rustfmt::skip]
const TABLE: &[Entry] = &[
    // Files.
    entry("file-removal", &["rm"], Any, "removes files"),
    entry("file-removal", &["rmdir"], Any, "removes directories"),
    entry("file-removal", &["unlink"], Any, "removes a file"),
    entry("file-removal", &["shred"], Any, "overwrites files beyond recovery"),
    entry("file-removal", &["find"], Flag(&["-delete"]), "deletes the files it finds"),
    entry("file-removal", &["journalctl"],
        Flag(&["--vacuum-size", "--vacuum-time", "--vacuum-files"]),
        "deletes archived journal files"),
    entry("file-removal", &["rsync"], FlagPrefix(&["--delete", "--remove-source-files"]),
        "removes files"),
    entry("file-truncation", &["truncate"], Any, "cuts files to a size, dropping their content"),
    entry("file-truncation", &[">"], Custom(empties_a_file), "empties the file"),
    entry("file-write", &[">"], Custom(writes_outside_tmp), "writes to a file outside /tmp"),
    entry("file-write", &["tee"], Custom(tee_outside_tmp), "writes to a file outside /tmp"),
    entry("file-write", &["sed"], Flag(&["-i", "--in-place"]), "edits files in place"),
    entry("file-write", &["perl"], Flag(&["-i"]), "edits files in place"),
    entry("file-write", &["mv"], Any, "moves or renames files"),
    entry("file-write", &["dd"], Custom(dd_output), "overwrites the file or device it names"),
    entry("file-permissions", &["chmod", "chown", "chgrp", "setfacl"], Any,
        "changes who may read or write files"),
    // Disks and volumes.
    entry("disk-write", &["mkfs", "mkfs.ext2", "mkfs.ext3", "mkfs.ext4", "mkfs.xfs", "mkfs.btrfs",
        "mkfs.vfat", "mkswap"], Any, "formats a device, erasing what it holds"),
    entry("disk-write", &["wipefs"], Flag(&["-a", "--all", "-o", "--offset"]),
        "erases signatures from a device"),
    entry("disk-write", &["lvremove", "vgremove", "pvremove"], Any, "removes LVM volumes"),
    entry("disk-write", &["lvextend", "lvresize", "lvreduce", "resize2fs"], Any,
        "resizes a volume or file system").unless(&["-t", "--test", "-P"]),
    entry("disk-write", &["xfs_growfs", "growpart"], Any, "grows a partition or file system")
        .unless(&["-n", "-N", "--dry-run"]),
    // Processes and services.
    entry("process-control", &["kill"], Any, "sends a signal to processes (by default, ends them)")
        .unless(&["-0", "-l", "-L", "--list", "--table", "-s=0", "-n=0", "--signal=0"]),
    entry("process-control", &["pkill"], Any, "ends the processes that match"),
    entry("process-control", &["killall"], Any, "ends processes by name").unless(&["-l", "--list"]),
    entry("service-control", &["systemctl"], Sub(SYSTEMCTL_SERVICE),
        "changes the state of a service"),
    entry("host-power", &["systemctl"], Sub(SYSTEMCTL_POWER),
        "reboots, stops or suspends the host"),
    entry("service-control", &["service"], Nth(1, SERVICE_ACTIONS),
        "changes the state of a service"),
    entry("service-control", &["*"], Custom(init_script), "changes the state of a service"),
    entry("service-control", &["supervisorctl"], Sub(&["restart", "stop", "start", "reload",
        "shutdown", "update", "remove", "add", "signal", "clear"]),
        "changes the state of supervised programs"),
    entry("service-control", &["nginx"], Flag(&["-s"]),
        "signals the running nginx (stop, quit, reload, reopen)"),
    entry("service-control", &["apachectl", "apache2ctl"], Sub(&["restart", "graceful", "stop",
        "start", "graceful-stop"]), "changes the state of Apache"),
    entry("service-control", &["pg_ctl"], Sub(&["stop", "restart", "reload", "promote", "kill",
        "start"]), "changes the state of a PostgreSQL server"),
    entry("service-control", &["pg_ctlcluster"], Nth(2, &["stop", "restart", "reload", "promote",
        "start"]), "changes the state of a PostgreSQL cluster"),
    entry("queue-control", &["rabbitmqctl"], Sub(&["purge_queue", "delete_queue", "stop_app",
        "start_app", "stop", "reset", "force_reset", "close_connection", "close_all_connections",
        "delete_vhost", "delete_user", "set_policy", "clear_policy", "forget_cluster_node",
        "join_cluster", "change_password", "set_permissions", "clear_permissions", "shutdown"]),
        "changes queues or the broker"),
    entry("host-power", &["reboot", "shutdown", "halt", "poweroff"], Any,
        "reboots or powers off the host"),
    entry("host-power", &["init", "telinit"], Nth(0, &["0", "1", "6", "s", "S", "single"]),
        "changes the runlevel (0 halts, 6 reboots)"),
    // Firewalls, networking, kernel, mounts.
    entry("firewall", &["iptables", "ip6tables", "iptables-legacy", "iptables-nft",
        "ip6tables-legacy", "ip6tables-nft"], Flag(&["-F", "--flush", "-D", "--delete", "-A",
        "--append", "-I", "--insert", "-X", "--delete-chain", "-P", "--policy", "-R", "--replace",
        "-Z", "--zero", "-N", "--new-chain", "-E", "--rename-chain"]), "changes firewall rules"),
    entry("firewall", &["iptables-restore", "ip6tables-restore"], Any,
        "replaces the firewall rules"),
    entry("firewall", &["nft"], Sub(&["flush", "delete", "add", "insert", "replace", "create",
        "destroy", "reset", "rename"]), "changes firewall rules"),
    entry("firewall", &["nft"], Flag(&["-f", "--file"]), "loads firewall rules from a file"),
    entry("firewall", &["ufw"], Sub(&["allow", "deny", "reject", "limit", "delete", "insert",
        "prepend", "route", "enable", "disable", "reset", "reload", "default"]),
        "changes firewall rules"),
    entry("firewall", &["firewall-cmd"], FlagPrefix(&["--add-", "--remove-", "--set-", "--new-",
        "--delete-", "--change-", "--reload", "--complete-reload", "--runtime-to-permanent",
        "--panic-on"]), "changes firewall rules"),
    entry("network-change", &["ip"], Custom(ip_change), "changes addresses, routes or interfaces"),
    entry("network-change", &["ifdown", "ifup"], Any, "takes an interface down or up"),
    entry("kernel-setting", &["sysctl"], Custom(sysctl_write), "changes a kernel parameter"),
    entry("mount", &["umount", "swapoff"], Any, "detaches a file system or swap"),
    entry("mount", &["mount"], Custom(mounts), "mounts or remounts a file system"),
    // Containers.
    entry("container", &["docker", "podman", "nerdctl"], Sub(DOCKER_VERBS),
        "changes containers, images or volumes"),
    entry("container", &["docker", "podman", "nerdctl"], Sub2(DOCKER_GROUPS, DOCKER_VERBS),
        "changes containers, images, volumes or networks"),
    entry("container", &["docker-compose", "podman-compose"], Sub(&["down", "rm", "stop", "kill",
        "restart", "up", "start", "pause", "unpause", "scale", "create"]),
        "changes the project's containers"),
    // Kubernetes and OpenShift.
    entry("kubernetes", &["kubectl", "oc"], Sub(KUBE_VERBS), "changes objects in the cluster")
        .unless(&["--dry-run"]),
    entry("kubernetes", &["kubectl", "oc"], Sub2(&["rollout"], &["restart", "undo", "pause",
        "resume", "retry", "latest", "cancel"]), "changes a rollout in the cluster")
        .unless(&["--dry-run"]),
    entry("kubernetes", &["kubectl", "oc"], Sub2(&["adm"], KUBE_ADM),
        "changes nodes or the cluster")
        .unless(&["--dry-run"]),
    entry("kubernetes", &["kubectl", "oc"], Sub2(&["certificate"], &["approve", "deny"]),
        "decides a certificate request in the cluster"),
    entry("kubernetes", &["argocd"], Sub2(&["app"], &["sync", "delete", "rollback", "set", "patch",
        "create", "terminate-op", "unset"]), "changes what Argo CD deploys")
        .unless(&["--dry-run"]),
    entry("helm-release", &["helm"], Sub(&["upgrade", "install", "rollback", "uninstall", "delete",
        "del", "un"]), "changes a release in the cluster").unless(&["--dry-run"]),
    // Databases.
    entry("sql-write", &["psql"], Custom(psql_sql), "changes the database"),
    entry("sql-write", &["mysql", "mariadb"], Custom(mysql_sql), "changes the database"),
    entry("sql-write", &["sqlite3"], Custom(sqlite_sql), "changes the database"),
    entry("sql-write", &["dropdb", "dropuser"], Any, "drops a PostgreSQL database or role"),
    entry("redis-write", &["redis-cli"], Custom(redis_command), "writes to or reconfigures Redis"),
    entry("etcd-write", &["etcdctl"], Sub(&["del", "put", "defrag", "compact", "move-leader"]),
        "changes the keys or the members of etcd"),
    entry("etcd-write", &["etcdctl"], Sub2(&["member", "snapshot", "alarm"], &["remove", "add",
        "update", "promote", "restore", "disarm"]), "changes the keys or the members of etcd"),
    // HTTP APIs.
    entry("http-write", &["curl"], Custom(http_method),
        "sends a request that changes what the URL names"),
    // Packages and certificates.
    entry("package-change", &["apt", "apt-get", "aptitude"], Sub(&["install", "remove", "purge",
        "upgrade", "dist-upgrade", "full-upgrade", "autoremove", "reinstall"]),
        "changes the installed packages").unless(&["-s", "--simulate", "--dry-run"]),
    entry("package-change", &["yum", "dnf", "microdnf", "zypper"], Sub(&["install", "in", "remove",
        "rm", "erase", "upgrade", "update", "up", "downgrade", "reinstall", "autoremove",
        "distro-sync", "dist-upgrade", "dup", "patch"]), "changes the installed packages"),
    entry("package-change", &["apk"], Sub(&["add", "del", "upgrade", "fix"]),
        "changes the installed packages"),
    entry("package-change", &["snap"], Sub(&["install", "remove", "refresh", "revert", "disable",
        "enable", "stop", "start", "restart", "set"]), "changes the installed snaps"),
    entry("package-change", &["rpm"], Flag(&["-e", "--erase", "-i", "--install", "-U", "--upgrade",
        "-F", "--freshen"]), "changes the installed packages")
        .unless(&["-q", "--query", "-V", "--verify", "--test"]),
    entry("package-change", &["dpkg"], Flag(&["-i", "--install", "-r", "--remove", "-P", "--purge",
        "--configure", "--unpack"]), "changes the installed packages"),
    entry("tls-certificate", &["certbot"], Sub(&["renew", "revoke", "delete", "certonly", "run",
        "install", "enhance", "reconfigure", "unregister"]),
        "issues, renews or revokes certificates").unless(&["--dry-run"]),
];

/// Options that take a value as the next word, per program, so that the
/// value is not read as the sub-command (`kubectl -n prod delete …`).
#[rustfmt::skip]
fn value_options(program: &str) -> &'static [&'static str] {
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
        _ => &[],
    }
}

/// A command seen through its wrappers: the program and its arguments.
struct Invocation<'a> {
    /// The program's name without its directory: `/bin/rm` → `rm`.
    program: &'a str,
    /// The program as written.
    path: &'a str,
    args: &'a [Word],
    command: &'a SimpleCommand,
    /// What the command reads on stdin, when the script says (here-document, `echo … |`).
    stdin: Option<&'a str>,
}

/// A command's arguments sorted into options and the rest.
#[derive(Default)]
struct Args {
    /// `--ns=x` → (`--ns`, `x`); `-rf` → `-rf`, `-r`, `-f`; `-n prod` → (`-n`, `prod`).
    options: Vec<(String, Option<String>)>,
    /// The arguments that are not options or their values, in order.
    positionals: Vec<Word>,
    /// With `stop` parsing: where the first non-option (the wrapped command) is.
    rest: Option<usize>,
}

impl Args {
    fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }

    fn values<'s>(&'s self, names: &'s [&str]) -> impl Iterator<Item = &'s str> {
        self.options
            .iter()
            .filter(|(n, _)| names.contains(&n.as_str()))
            .filter_map(|(_, v)| v.as_deref())
    }

    fn positional(&self, n: usize) -> Option<&str> {
        self.positionals.get(n).map(|w| w.text.as_str())
    }
}

/// Sorts `args` into options and the rest. `values` lists the options that
/// take the next word as their value. With `stop`, parsing ends at the first
/// non-option, as wrappers do (`sudo -u x rm -rf /`: `-rf` is `rm`'s).
fn parse_args(args: &[Word], values: &[&str], stop: bool) -> Args {
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

/// What a wrapper runs.
enum Inner<'a> {
    /// Words to run as a command (`sudo rm x` → `rm x`).
    Argv(&'a [Word]),
    /// Text to read as shell (`ssh host 'rm x'`, `sh -c 'rm x'`).
    Script(String),
}

/// Nesting of shell inside shell (`ssh h "sh -c '…'"`) deeper than this is not read.
const MAX_DEPTH: usize = 8;
/// Nor are wrappers around wrappers (`sudo nice timeout 5 …`) deeper than this.
const MAX_WRAPPERS: usize = 32;

struct Classifier<'t> {
    table: &'t [Entry],
}

impl Classifier<'_> {
    fn run(&self, script: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        self.script(script, 0, &mut out);
        // The same reason twice (`rm a; rm b`) is said once.
        let mut seen = Vec::new();
        out.retain(|f: &Finding| {
            let key = (f.rule, f.why.clone());
            let new = !seen.contains(&key);
            seen.push(key);
            new
        });
        out
    }

    fn script(&self, text: &str, depth: usize, out: &mut Vec<Finding>) {
        if depth > MAX_DEPTH {
            out.push(unreadable(
                "it nests shell inside shell too deeply to follow",
            ));
            return;
        }
        let script = parse(text);
        if script.has_error() {
            out.push(unreadable(
                "it cannot be read as shell (an unclosed quote or bracket?), so what it runs is unknown",
            ));
        }
        let commands = commands(&script);
        for command in &commands {
            let stdin = command
                .stdin_text
                .clone()
                .or_else(|| command.fed_by.and_then(|f| printed_text(&commands[f])));
            let stdin = stdin.as_deref();
            if !command.program().is_some_and(|p| p.literal) {
                self.redirections(command, out);
            }
            self.argv(&command.words, command, stdin, 0, depth, out);
        }
    }

    /// The `>` entries, for a command without a program to name (`> f`, `$X > f`).
    fn redirections(&self, command: &SimpleCommand, out: &mut Vec<Finding>) {
        let invocation = Invocation {
            program: "",
            path: "",
            args: &[],
            command,
            stdin: None,
        };
        self.match_table(&invocation, true, out);
    }

    /// Looks `argv` up, then what it wraps. `wrapped` counts the wrappers
    /// around it, so that `sudo sudo sudo …` cannot exhaust the stack.
    fn argv(
        &self,
        argv: &[Word],
        command: &SimpleCommand,
        stdin: Option<&str>,
        wrapped: usize,
        depth: usize,
        out: &mut Vec<Finding>,
    ) {
        if wrapped > MAX_WRAPPERS {
            out.push(unreadable("it wraps commands in too many others to follow"));
            return;
        }
        // `$SUDO systemctl restart x`: a program from a variable is most likely a wrapper.
        let Some(at) = argv.iter().position(|w| w.literal) else {
            return;
        };
        let (program, args) = (&argv[at], &argv[at + 1..]);
        let invocation = Invocation {
            program: basename(&program.text),
            path: &program.text,
            args,
            command,
            stdin,
        };
        // The command's redirections are looked at once, with the program as written.
        self.match_table(&invocation, wrapped == 0 && at == 0, out);
        for inner in unwrap(&invocation) {
            match inner {
                Inner::Argv(words) => {
                    self.argv(words, command, stdin, wrapped + 1, depth, out);
                }
                Inner::Script(text) => self.script(&text, depth + 1, out),
            }
        }
    }

    fn match_table(&self, invocation: &Invocation, outer: bool, out: &mut Vec<Finding>) {
        let mut parsed: Option<Args> = None;
        for entry in self.table {
            let applies = match entry.programs {
                [">"] => outer,
                ["*"] => !invocation.program.is_empty(),
                names => names.contains(&invocation.program),
            };
            if !applies {
                continue;
            }
            let args = parsed.get_or_insert_with(|| {
                let values = value_options(invocation.program);
                if matches!(invocation.program, "mysql" | "mariadb") {
                    // `-pSECRET` is a password glued to its option, never a cluster of flags.
                    let words: Vec<Word> = invocation
                        .args
                        .iter()
                        .filter(|w| !w.text.starts_with("-p"))
                        .cloned()
                        .collect();
                    return parse_args(&words, values, false);
                }
                parse_args(invocation.args, values, false)
            });
            if entry.unless.iter().any(|u| pretends(args, u)) {
                continue;
            }
            if let Some(what) = test(entry.test, invocation, args) {
                let program = if invocation.program.is_empty() {
                    what.clone()
                } else {
                    invocation.program.to_string()
                };
                out.push(Finding {
                    rule: entry.rule,
                    program,
                    why: format!("`{what}` {}", entry.why),
                });
            }
        }
    }
}

/// The `unless` option `spec` (`--dry-run`, or `-s=0` for `-s 0`) is given.
fn pretends(args: &Args, spec: &str) -> bool {
    match spec.split_once('=') {
        Some((name, value)) => args
            .options
            .iter()
            .any(|(n, v)| n == name && v.as_deref() == Some(value)),
        // `--dry-run=none` (kubectl) and `=false` do run.
        None => args
            .options
            .iter()
            .any(|(n, v)| n == spec && !matches!(v.as_deref(), Some("none" | "false"))),
    }
}

fn test(test: Test, invocation: &Invocation, args: &Args) -> Option<String> {
    let program = invocation.program;
    match test {
        Any => Some(program.to_string()),
        Flag(names) => names
            .iter()
            .find(|name| args.has(name))
            .map(|name| format!("{program} {name}")),
        FlagPrefix(prefixes) => args
            .options
            .iter()
            .find(|(name, _)| {
                name.starts_with("--") && prefixes.iter().any(|p| name.starts_with(p))
            })
            .map(|(name, _)| format!("{program} {name}")),
        Sub(verbs) => {
            let verb = args.positional(0)?;
            verbs.contains(&verb).then(|| format!("{program} {verb}"))
        }
        Sub2(groups, verbs) => {
            let (group, verb) = (args.positional(0)?, args.positional(1)?);
            (groups.contains(&group) && verbs.contains(&verb))
                .then(|| format!("{program} {group} {verb}"))
        }
        Nth(n, words) => {
            let word = args.positional(n)?;
            words.contains(&word).then(|| {
                let shown: Vec<&str> = args.positionals[..=n]
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect();
                format!("{program} {}", shown.join(" "))
            })
        }
        Custom(check) => check(invocation, args),
    }
}

/// What a wrapper program runs, if it is one.
fn unwrap<'a>(invocation: &Invocation<'a>) -> Vec<Inner<'a>> {
    let args = invocation.args;
    // The words after the wrapper's own options.
    let rest = |values: &[&str]| -> &'a [Word] {
        let parsed = parse_args(args, values, true);
        parsed.rest.map_or(&[], |at| &args[at..])
    };
    let one = |inner: Inner<'a>| vec![inner];
    match invocation.program {
        "sudo" => {
            let values = &[
                "-u",
                "--user",
                "-g",
                "--group",
                "-p",
                "--prompt",
                "-C",
                "--close-from",
                "-D",
                "--chdir",
                "-r",
                "--role",
                "-t",
                "--type",
                "-T",
                "--command-timeout",
                "-U",
                "--other-user",
                "-h",
                "--host",
            ];
            let parsed = parse_args(args, values, true);
            if ["-l", "--list", "-e", "--edit", "-v", "--validate"]
                .iter()
                .any(|o| parsed.has(o))
            {
                return vec![];
            }
            one(Inner::Argv(skip_assignments(rest(values))))
        }
        "doas" => one(Inner::Argv(rest(&["-u", "-C"]))),
        "env" => {
            let values = &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"];
            let parsed = parse_args(args, values, true);
            match parsed.values(&["-S", "--split-string"]).next() {
                Some(split) => {
                    let after = skip_assignments(rest(values));
                    one(Inner::Script(format!("{split} {}", joined(after))))
                }
                None => one(Inner::Argv(skip_assignments(rest(values)))),
            }
        }
        "nice" => one(Inner::Argv(rest(&["-n", "--adjustment"]))),
        "nohup" | "builtin" => one(Inner::Argv(rest(&[]))),
        "time" => one(Inner::Argv(rest(&["-f", "--format", "-o", "--output"]))),
        "stdbuf" => one(Inner::Argv(rest(&[
            "-i", "--input", "-o", "--output", "-e", "--error",
        ]))),
        "ionice" => one(Inner::Argv(rest(&[
            "-c",
            "--class",
            "-n",
            "--classdata",
            "-p",
            "--pid",
            "-P",
            "--pgid",
            "-u",
            "--uid",
        ]))),
        "exec" => one(Inner::Argv(rest(&["-a"]))),
        "command" => {
            let parsed = parse_args(args, &[], true);
            if parsed.has("-v") || parsed.has("-V") {
                return vec![];
            }
            one(Inner::Argv(rest(&[])))
        }
        "busybox" => one(Inner::Argv(args)),
        "timeout" => {
            let after = rest(&["-s", "--signal", "-k", "--kill-after"]);
            one(Inner::Argv(after.get(1..).unwrap_or(&[])))
        }
        "chroot" => {
            let after = rest(&["--userspec", "--groups"]);
            one(Inner::Argv(after.get(1..).unwrap_or(&[])))
        }
        "nsenter" => one(Inner::Argv(rest(&[
            "-t", "--target", "-S", "--setuid", "-G", "--setgid", "-w", "--wd", "-r", "--root",
        ]))),
        "watch" => one(Inner::Script(joined(rest(&[
            "-n",
            "--interval",
            "-q",
            "--equexit",
        ])))),
        "xargs" => one(Inner::Argv(rest(&[
            "-a",
            "--arg-file",
            "-d",
            "--delimiter",
            "-E",
            "-I",
            "-L",
            "--max-lines",
            "-n",
            "--max-args",
            "-P",
            "--max-procs",
            "-s",
            "--max-chars",
            "--process-slot-var",
        ]))),
        "eval" => one(Inner::Script(joined(args))),
        "ssh" => {
            let after = rest(&[
                "-B", "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O",
                "-o", "-p", "-Q", "-R", "-S", "-W", "-w",
            ]);
            match after.get(1..) {
                // The remote shell reads the words joined by spaces, as ssh sends them.
                Some(remote) if !remote.is_empty() => one(Inner::Script(joined(remote))),
                _ if !after.is_empty() => script_on_stdin(invocation),
                _ => vec![],
            }
        }
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "mksh" => {
            let values = &["-o", "-O", "--rcfile", "--init-file"];
            let parsed = parse_args(args, values, true);
            let after = rest(values);
            if parsed.has("-c") {
                after
                    .first()
                    .map(|text| vec![Inner::Script(text.text.clone())])
                    .unwrap_or_default()
            } else if after.is_empty() || parsed.has("-s") {
                script_on_stdin(invocation)
            } else {
                vec![] // A script file: its text is not here.
            }
        }
        "su" | "runuser" => {
            let values = &[
                "-c",
                "--command",
                "-s",
                "--shell",
                "-g",
                "--group",
                "-G",
                "--supp-group",
                "-u",
                "--user",
                "-w",
                "--whitelist-environment",
            ];
            let parsed = parse_args(args, values, false);
            if let Some(text) = parsed.values(&["-c", "--command"]).next() {
                one(Inner::Script(text.to_string()))
            } else if parsed.has("-u") || parsed.has("--user") {
                one(Inner::Argv(rest(values)))
            } else {
                vec![]
            }
        }
        "find" => find_exec(args),
        "kubectl" | "oc" => {
            let parsed = parse_args(args, value_options(invocation.program), false);
            match parsed.positional(0) {
                Some("exec" | "debug") => after_double_dash(args),
                Some("rsh") => {
                    let at = position(args, "rsh");
                    let after = &args[at + 1..];
                    let parsed = parse_args(
                        after,
                        &[
                            "-c",
                            "--container",
                            "-n",
                            "--namespace",
                            "--shell",
                            "--timeout",
                        ],
                        true,
                    );
                    // `oc rsh POD CMD…`: the words after the pod.
                    match parsed.rest {
                        Some(pod) => one(Inner::Argv(&after[pod + 1..])),
                        None => vec![],
                    }
                }
                _ => vec![],
            }
        }
        "docker" | "podman" | "nerdctl" | "docker-compose" | "podman-compose" => {
            let parsed = parse_args(args, value_options(invocation.program), false);
            let exec = match (parsed.positional(0), parsed.positional(1)) {
                (Some("exec"), _) | (Some("container" | "compose"), Some("exec")) => {
                    position(args, "exec")
                }
                _ => return vec![],
            };
            let after = &args[exec + 1..];
            let parsed = parse_args(
                after,
                &[
                    "-e",
                    "--env",
                    "--env-file",
                    "-u",
                    "--user",
                    "-w",
                    "--workdir",
                    "--detach-keys",
                    "--index",
                ],
                true,
            );
            // `docker exec [OPTIONS] CONTAINER CMD…`
            match parsed.rest {
                Some(container) => one(Inner::Argv(&after[container + 1..])),
                None => vec![],
            }
        }
        _ => vec![],
    }
}

/// A shell (or `ssh HOST`) with no command reads its script from stdin.
fn script_on_stdin<'a>(invocation: &Invocation<'a>) -> Vec<Inner<'a>> {
    invocation
        .stdin
        .map(|text| vec![Inner::Script(text.to_string())])
        .unwrap_or_default()
}

/// `find … -exec CMD {} \;` runs CMD: each such command, up to `;` or `+`.
fn find_exec(args: &[Word]) -> Vec<Inner<'_>> {
    let mut inners = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if matches!(
            args[i].text.as_str(),
            "-exec" | "-execdir" | "-ok" | "-okdir"
        ) {
            let start = i + 1;
            let end = args[start..]
                .iter()
                .position(|w| w.text == ";" || w.text == "+")
                .map_or(args.len(), |n| start + n);
            inners.push(Inner::Argv(&args[start..end]));
            i = end;
        }
        i += 1;
    }
    inners
}

/// `kubectl exec POD -- CMD…`: the words after the first `--`.
fn after_double_dash(args: &[Word]) -> Vec<Inner<'_>> {
    match args.iter().position(|w| w.text == "--") {
        Some(at) => vec![Inner::Argv(&args[at + 1..])],
        None => vec![],
    }
}

/// Where the word `text` first stands (it is known to be there).
fn position(args: &[Word], text: &str) -> usize {
    args.iter().position(|w| w.text == text).unwrap_or(0)
}

/// `X=1 Y=2 cmd` → `cmd`.
fn skip_assignments(words: &[Word]) -> &[Word] {
    let n = words
        .iter()
        .take_while(|w| {
            w.text.split_once('=').is_some_and(|(name, _)| {
                name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .count();
    &words[n..]
}

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

fn unreadable(why: &str) -> Finding {
    Finding {
        rule: UNREADABLE,
        program: String::new(),
        why: why.to_string(),
    }
}

/// What a command writes to a pipe, when the script says: `echo TEXT`,
/// `printf TEXT`, `cat` of a here-document.
fn printed_text(command: &SimpleCommand) -> Option<String> {
    let (program, args) = command.words.split_first()?;
    match basename(&program.text) {
        "echo" | "printf" => Some(joined(args)),
        "cat" if args.is_empty() => command.stdin_text.clone(),
        _ => None,
    }
}

/// Paths whose writes change nothing that matters.
fn harmless_target(path: &str) -> bool {
    const FILES: &[&str] = &[
        "/dev/null",
        "/dev/stdout",
        "/dev/stderr",
        "/dev/stdin",
        "/dev/tty",
    ];
    const DIRS: &[&str] = &[
        "/tmp/",
        "/var/tmp/",
        "/dev/shm/",
        "/dev/fd/",
        "/dev/tcp/",
        "/dev/udp/",
    ];
    // `/tmp/../etc/passwd` is not in /tmp.
    !path.split('/').any(|part| part == "..")
        && (FILES.contains(&path) || DIRS.iter().any(|dir| path.starts_with(dir)))
}

/// Operators that write to their target.
fn writes(redirect: &Redirect) -> bool {
    match redirect.op.as_str() {
        ">" | ">>" | ">|" | "&>" | "&>>" => true,
        // `>&2` duplicates a descriptor; `>& file` writes the file.
        ">&" => {
            !(redirect.target.text == "-"
                || redirect.target.text.chars().all(|c| c.is_ascii_digit()))
        }
        _ => false,
    }
}

/// `> FILE` alone, `: > FILE`, `true > FILE`, `cat /dev/null > FILE`.
fn empties_a_file(invocation: &Invocation, _: &Args) -> Option<String> {
    let command = invocation.command;
    let args = invocation.args;
    let empties = command.words.is_empty() && !command.compound
        || matches!(invocation.program, ":" | "true") && args.is_empty()
        || invocation.program == "cat" && args.len() == 1 && args[0].text == "/dev/null";
    if !empties {
        return None;
    }
    let redirect = command
        .redirects
        .iter()
        .find(|r| matches!(r.op.as_str(), ">" | ">|" | "&>") && !harmless_target(&r.target.text))?;
    let before = joined(&command.words);
    let space = if before.is_empty() { "" } else { " " };
    Some(format!(
        "{before}{space}{} {}",
        redirect.op, redirect.target.text
    ))
}

/// `… > /etc/x`: a write onto an absolute path that matters.
fn writes_outside_tmp(invocation: &Invocation, args: &Args) -> Option<String> {
    if empties_a_file(invocation, args).is_some() {
        return None; // Said better as a truncation.
    }
    let redirect = invocation.command.redirects.iter().find(|r| {
        writes(r) && r.target.text.starts_with('/') && !harmless_target(&r.target.text)
    })?;
    Some(format!("{} {}", redirect.op, redirect.target.text))
}

fn tee_outside_tmp(invocation: &Invocation, args: &Args) -> Option<String> {
    let file = args
        .positionals
        .iter()
        .find(|w| w.text.starts_with('/') && !harmless_target(&w.text))?;
    Some(format!("{} {}", invocation.program, file.text))
}

fn dd_output(_: &Invocation, args: &Args) -> Option<String> {
    let target = args
        .positionals
        .iter()
        .find_map(|w| w.text.strip_prefix("of="))?;
    (!harmless_target(target)).then(|| format!("dd of={target}"))
}

/// `/etc/init.d/nginx restart`.
fn init_script(invocation: &Invocation, args: &Args) -> Option<String> {
    let is_init = ["/etc/init.d/", "/etc/rc.d/init.d/", "/etc/rc.d/"]
        .iter()
        .any(|dir| invocation.path.starts_with(dir));
    let action = args.positional(0)?;
    (is_init && SERVICE_ACTIONS.contains(&action)).then(|| format!("{} {action}", invocation.path))
}

/// `curl -X DELETE URL` (also PUT and PATCH). A POST may only ask a question
/// (a search, a GraphQL query), so it does not count.
fn http_method(_: &Invocation, args: &Args) -> Option<String> {
    let method = args
        .values(&["-X", "--request"])
        .map(str::to_ascii_uppercase)
        .find(|m| matches!(m.as_str(), "DELETE" | "PUT" | "PATCH"))?;
    Some(format!("curl -X {method}"))
}

/// `ip link set eth0 down`, `ip route add …`, `ip addr flush dev eth0`.
fn ip_change(_: &Invocation, args: &Args) -> Option<String> {
    const VERBS: &[&str] = &[
        "add", "del", "delete", "change", "replace", "set", "flush", "append", "prepend",
    ];
    let object = args.positional(0)?;
    let verb = args
        .positionals
        .iter()
        .skip(1)
        .find(|w| VERBS.contains(&w.text.as_str()))?;
    Some(format!("ip {object} {}", verb.text))
}

/// `sysctl -w k=v`, `sysctl k=v`, `sysctl -p` (not `sysctl -a` or `sysctl k`).
fn sysctl_write(_: &Invocation, args: &Args) -> Option<String> {
    if let Some(option) = ["-w", "--write", "-p", "--load", "--system"]
        .iter()
        .find(|o| args.has(o))
    {
        return Some(format!("sysctl {option}"));
    }
    let setting = args.positionals.iter().find(|w| w.text.contains('='))?;
    Some(format!("sysctl {}", setting.text))
}

/// `mount DEV DIR`, `mount -o remount,rw /`, `mount -a`; not `mount` or `mount -t nfs`, which list.
fn mounts(_: &Invocation, args: &Args) -> Option<String> {
    if args.has("-a") || args.has("--all") {
        return Some("mount -a".into());
    }
    let first = args.positional(0)?;
    Some(format!("mount {first}"))
}

fn psql_sql(invocation: &Invocation, args: &Args) -> Option<String> {
    let given: Vec<&str> = args.values(&["-c", "--command"]).collect();
    sql_in(invocation, given)
}

fn mysql_sql(invocation: &Invocation, args: &Args) -> Option<String> {
    let given: Vec<&str> = args.values(&["-e", "--execute"]).collect();
    sql_in(invocation, given)
}

/// `sqlite3 [OPTIONS] DB [SQL…]`.
fn sqlite_sql(invocation: &Invocation, args: &Args) -> Option<String> {
    let mut given: Vec<&str> = args.values(&["-cmd"]).collect();
    given.extend(args.positionals.iter().skip(1).map(|w| w.text.as_str()));
    sql_in(invocation, given)
}

/// The first changing statement among `given` texts and stdin.
fn sql_in(invocation: &Invocation, given: Vec<&str>) -> Option<String> {
    let keyword = given
        .into_iter()
        .chain(invocation.stdin)
        .find_map(sql_change)?;
    Some(format!("{} … {keyword}", invocation.program))
}

/// Statements that change data, schema, settings or sessions.
#[rustfmt::skip]
const SQL_WRITES: &[&str] = &[
    "DROP", "DELETE", "TRUNCATE", "UPDATE", "INSERT", "ALTER", "GRANT", "REVOKE", "CREATE",
    "REPLACE", "MERGE", "UPSERT", "VACUUM", "REINDEX", "CLUSTER", "REFRESH", "KILL", "RENAME",
    "FLUSH", "PURGE", "LOAD", "IMPORT",
];
/// Functions that end sessions or change the server's state.
#[rustfmt::skip]
const SQL_FUNCTIONS: &[&str] = &[
    "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_promote",
    "pg_rotate_logfile", "pg_switch_wal", "pg_drop_replication_slot", "pg_wal_replay_pause",
    "pg_wal_replay_resume", "setval", "lo_unlink",
];

/// The keyword or function that makes `sql` change things. Quoted text,
/// comments and `FOR UPDATE` row locks do not count; `REPLACE(…)` and
/// `TRUNCATE(…)` followed by `(` are functions that compute.
pub fn sql_change(sql: &str) -> Option<String> {
    let mut previous = String::new();
    for (token, next) in sql_tokens(sql) {
        let upper = token.to_ascii_uppercase();
        let lower = token.to_ascii_lowercase();
        if SQL_FUNCTIONS.contains(&lower.as_str()) {
            return Some(format!("{lower}()"));
        }
        // `SET GLOBAL x = …` (MySQL) changes the server for everyone.
        if previous == "SET" && matches!(upper.as_str(), "GLOBAL" | "PERSIST") {
            return Some(format!("SET {upper}"));
        }
        let row_lock = upper == "UPDATE" && matches!(previous.as_str(), "FOR" | "KEY");
        if SQL_WRITES.contains(&upper.as_str()) && next != Some('(') && !row_lock {
            return Some(upper);
        }
        previous = upper;
    }
    None
}

/// Words of `sql` outside quotes and comments, each with the next
/// non-blank character after it.
fn sql_tokens(sql: &str) -> Vec<(String, Option<char>)> {
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' | '`' => {
                // A quoted string or name; a doubled quote stays inside.
                i += 1;
                while i < chars.len() {
                    if chars[i] == c {
                        if chars.get(i + 1) == Some(&c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '#' => {
                // MySQL comments to the end of the line.
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let token: String = chars[start..i].iter().collect();
                let next = chars[i..].iter().copied().find(|c| !c.is_whitespace());
                tokens.push((token, next));
            }
            _ => i += 1,
        }
    }
    tokens
}

#[rustfmt::skip]
const REDIS_WRITES: &[&str] = &[
    "FLUSHALL", "FLUSHDB", "DEL", "UNLINK", "SET", "SETEX", "PSETEX", "SETNX", "SETRANGE", "MSET",
    "MSETNX", "GETSET", "GETDEL", "GETEX", "APPEND", "INCR", "INCRBY", "INCRBYFLOAT", "DECR",
    "DECRBY", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "PERSIST", "RENAME", "RENAMENX",
    "MOVE", "COPY", "RESTORE", "MIGRATE", "SWAPDB", "HSET", "HSETNX", "HMSET", "HDEL", "HINCRBY",
    "HINCRBYFLOAT", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LREM", "LSET", "LTRIM",
    "LINSERT", "LMOVE", "BLMOVE", "RPOPLPUSH", "BRPOPLPUSH", "BLPOP", "BRPOP", "SADD", "SREM",
    "SPOP", "SMOVE", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "ZADD", "ZREM", "ZINCRBY",
    "ZPOPMIN", "ZPOPMAX", "BZPOPMIN", "BZPOPMAX", "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK",
    "ZREMRANGEBYLEX", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZRANGESTORE", "XADD", "XDEL",
    "XTRIM", "XACK", "XCLAIM", "XAUTOCLAIM", "PFADD", "PFMERGE", "GEOADD", "SETBIT", "BITOP",
    "BITFIELD", "EVAL", "EVALSHA", "FCALL", "PUBLISH", "SHUTDOWN", "SAVE", "BGSAVE",
    "BGREWRITEAOF", "SLAVEOF", "REPLICAOF", "FAILOVER", "DEBUG",
];
/// Commands whose second word decides: `CONFIG GET` reads, `CONFIG SET` writes.
#[rustfmt::skip]
const REDIS_GROUPS: &[(&str, &[&str])] = &[
    ("CONFIG", &["SET", "RESETSTAT", "REWRITE"]),
    ("CLIENT", &["KILL", "PAUSE", "UNPAUSE", "NO-EVICT", "NO-TOUCH"]),
    ("CLUSTER", &["RESET", "FAILOVER", "FORGET", "MEET", "ADDSLOTS", "ADDSLOTSRANGE", "DELSLOTS",
        "DELSLOTSRANGE", "SETSLOT", "REPLICATE", "FLUSHSLOTS", "SAVECONFIG"]),
    ("ACL", &["SETUSER", "DELUSER", "LOAD", "SAVE"]),
    ("SCRIPT", &["FLUSH", "KILL", "LOAD"]),
    ("FUNCTION", &["DELETE", "FLUSH", "LOAD", "RESTORE", "KILL"]),
    ("MEMORY", &["PURGE"]),
    ("LATENCY", &["RESET"]),
    ("SLOWLOG", &["RESET"]),
    ("MODULE", &["LOAD", "LOADEX", "UNLOAD"]),
    ("XGROUP", &["CREATE", "DESTROY", "DELCONSUMER", "SETID", "CREATECONSUMER"]),
];

/// `redis-cli [OPTIONS] CMD ARGS…`, or commands fed on stdin, one a line.
fn redis_command(invocation: &Invocation, args: &Args) -> Option<String> {
    for option in ["--pipe", "--eval"] {
        if args.has(option) {
            return Some(format!("redis-cli {option}"));
        }
    }
    let words: Vec<&str> = args.positionals.iter().map(|w| w.text.as_str()).collect();
    let from_args = redis_writes(&words);
    let from_stdin = || {
        invocation.stdin?.lines().find_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            redis_writes(&words)
        })
    };
    let command = from_args.or_else(from_stdin)?;
    Some(format!("redis-cli {command}"))
}

fn redis_writes(words: &[&str]) -> Option<String> {
    let first = words.first()?.to_ascii_uppercase();
    if let Some((_, verbs)) = REDIS_GROUPS.iter().find(|(group, _)| *group == first) {
        let second = words.get(1)?.to_ascii_uppercase();
        return verbs
            .contains(&second.as_str())
            .then(|| format!("{first} {second}"));
    }
    REDIS_WRITES.contains(&first.as_str()).then_some(first)
}
