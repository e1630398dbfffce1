//! The table: which programs, used how, change things, and under which rule.

use super::data_stores::{redis_command, sql_statement};
use super::entry::Test::{Any, Custom, Flag, FlagPrefix, Nth, Sub, Sub2};
use super::entry::{Entry, entry};
use super::file_writes::{dd_output, empties_a_file, tee_outside_tmp, writes_outside_tmp};
use super::system_checks::{http_method, init_script, ip_change, mounts, sysctl_write};

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
pub(super) const SERVICE_ACTIONS: &[&str] = &[
    "restart", "stop", "start", "reload", "force-reload", "try-restart", "condrestart", "graceful",
    "zap",
];

/// The table. Order matters only for which finding comes first.
#[rustfmt::skip]
pub(super) const TABLE: &[Entry] = &[
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
    entry("sql-write", &["psql", "mysql", "mariadb", "sqlite3"], Custom(sql_statement),
        "changes the database"),
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
