//! The danger classifier: every table entry has a row that needs it, the
//! read-only look-alikes pass, wrappers are seen through, and a count over
//! the bundled playbooks and the wiki-style fixtures.

use opsdeck::playbook::{self, wiki_placeholders::angle_placeholders};
use opsdeck::shell::danger::{self, Finding, classify, classify_all};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A script and the rule and program of its first finding.
struct Row {
    script: &'static str,
    rule: &'static str,
    program: &'static str,
}

const fn row(script: &'static str, rule: &'static str, program: &'static str) -> Row {
    Row {
        script,
        rule,
        program,
    }
}

/// At least one row per table entry (see `every_table_entry_is_needed`).
const CHANGES: &[Row] = &[
    // Files.
    row("/bin/rm FILE", "file-removal", "rm"),
    row("rm -rf /var/cache/app", "file-removal", "rm"),
    row("rmdir /srv/releases/old", "file-removal", "rmdir"),
    row("unlink /run/app.pid", "file-removal", "unlink"),
    row("shred -u secrets.txt", "file-removal", "shred"),
    row("find /var/log -name '*.gz' -delete", "file-removal", "find"),
    row(
        "sudo journalctl --vacuum-size=500M",
        "file-removal",
        "journalctl",
    ),
    row("rsync -a --delete src/ /srv/www/", "file-removal", "rsync"),
    row(
        "truncate -s 0 /var/log/app.log",
        "file-truncation",
        "truncate",
    ),
    row(": > /var/log/app.log", "file-truncation", ":"),
    row(
        "> /var/log/app.log",
        "file-truncation",
        "> /var/log/app.log",
    ),
    row("true > app.log", "file-truncation", "true"),
    row("cat /dev/null > /var/log/x.log", "file-truncation", "cat"),
    row("echo 3 > /proc/sys/vm/drop_caches", "file-write", "echo"),
    row("echo '10.0.0.5 db' >> /etc/hosts", "file-write", "echo"),
    row("ls > /tmp/../etc/motd", "file-write", "ls"),
    row(
        "echo 1 | sudo tee /proc/sys/vm/overcommit_memory",
        "file-write",
        "tee",
    ),
    row("sed -i s/a/b/ f", "file-write", "sed"),
    row("sed --in-place=.bak -e s/a/b/ f", "file-write", "sed"),
    row("sed -Ei 's/x/y/' /etc/app.conf", "file-write", "sed"),
    row("perl -pi -e 's/a/b/' /etc/app.conf", "file-write", "perl"),
    row("mv /var/log/app.log /var/log/app.log.1", "file-write", "mv"),
    row("dd if=/dev/zero of=/dev/sdb bs=1M", "file-write", "dd"),
    row("chown -R app:app /var/lib/app", "file-permissions", "chown"),
    row("chmod 600 /etc/app/key.pem", "file-permissions", "chmod"),
    // Disks.
    row("mkfs.ext4 /dev/sdb1", "disk-write", "mkfs.ext4"),
    row("wipefs -a /dev/sdb", "disk-write", "wipefs"),
    row("lvremove -y vg0/old", "disk-write", "lvremove"),
    row(
        "lvextend -r -L +10G /dev/vg0/data",
        "disk-write",
        "lvextend",
    ),
    row("xfs_growfs /data", "disk-write", "xfs_growfs"),
    // Processes and services.
    row("kill -9 1234", "process-control", "kill"),
    row("kill 1234", "process-control", "kill"),
    row("pkill -f worker", "process-control", "pkill"),
    row("killall nginx", "process-control", "killall"),
    row(
        "sudo systemctl restart nginx",
        "service-control",
        "systemctl",
    ),
    row(
        "systemctl --no-pager stop app",
        "service-control",
        "systemctl",
    ),
    row(
        "systemctl -H web1 daemon-reload",
        "service-control",
        "systemctl",
    ),
    row("systemctl reboot", "host-power", "systemctl"),
    row("service nginx restart", "service-control", "service"),
    row("sudo /etc/init.d/nginx restart", "service-control", "nginx"),
    row(
        "supervisorctl restart 'worker:*'",
        "service-control",
        "supervisorctl",
    ),
    row("sudo nginx -s reload", "service-control", "nginx"),
    row("apachectl graceful", "service-control", "apachectl"),
    row(
        "pg_ctl -D /var/lib/postgresql/data restart -m fast",
        "service-control",
        "pg_ctl",
    ),
    row(
        "pg_ctlcluster 15 main restart",
        "service-control",
        "pg_ctlcluster",
    ),
    row(
        "sudo rabbitmqctl purge_queue -p /shop orders",
        "queue-control",
        "rabbitmqctl",
    ),
    row("reboot", "host-power", "reboot"),
    row("shutdown -h now", "host-power", "shutdown"),
    row("sudo poweroff", "host-power", "poweroff"),
    row("init 6", "host-power", "init"),
    row("telinit 0", "host-power", "telinit"),
    // Firewalls, network, kernel, mounts.
    row("iptables -F", "firewall", "iptables"),
    row(
        "iptables -A INPUT -s 1.2.3.4 -j DROP",
        "firewall",
        "iptables",
    ),
    row("ip6tables -t filter -P INPUT DROP", "firewall", "ip6tables"),
    row(
        "iptables-restore < /etc/iptables/rules.v4",
        "firewall",
        "iptables-restore",
    ),
    row("nft flush ruleset", "firewall", "nft"),
    row("nft add rule inet filter input drop", "firewall", "nft"),
    row("nft -f /etc/nftables.conf", "firewall", "nft"),
    row("ufw deny from 1.2.3.4", "firewall", "ufw"),
    row(
        "firewall-cmd --add-port=8080/tcp",
        "firewall",
        "firewall-cmd",
    ),
    row("ip link set eth0 down", "network-change", "ip"),
    row("ip route add default via 10.0.0.1", "network-change", "ip"),
    row("ifdown eth1", "network-change", "ifdown"),
    row("sysctl -w vm.swappiness=10", "kernel-setting", "sysctl"),
    row("sysctl net.core.somaxconn=4096", "kernel-setting", "sysctl"),
    row("umount /mnt/data", "mount", "umount"),
    row("mount -o remount,rw /", "mount", "mount"),
    row("mount -a", "mount", "mount"),
    // Containers.
    row("docker rm -f web", "container", "docker"),
    row("podman stop web", "container", "podman"),
    row("docker -H tcp://h:2375 restart web", "container", "docker"),
    row("docker system prune -f", "container", "docker"),
    row("docker volume rm data", "container", "docker"),
    row("docker network rm backend", "container", "docker"),
    row("docker container rm old", "container", "docker"),
    row("docker compose -f prod.yml down", "container", "docker"),
    row("docker-compose restart web", "container", "docker-compose"),
    // Kubernetes and OpenShift.
    row("kubectl delete pod x", "kubernetes", "kubectl"),
    row(
        "kubectl -n prod apply -f deploy.yaml",
        "kubernetes",
        "kubectl",
    ),
    row(
        "kubectl --context prod patch deploy x -p '{\"spec\":{}}'",
        "kubernetes",
        "kubectl",
    ),
    row(
        "kubectl scale deploy/x --replicas=0",
        "kubernetes",
        "kubectl",
    ),
    row("kubectl cordon node-1", "kubernetes", "kubectl"),
    row(
        "kubectl label node node-1 disk=ssd",
        "kubernetes",
        "kubectl",
    ),
    row(
        "kubectl set image deploy/x app=app:2",
        "kubernetes",
        "kubectl",
    ),
    row("oc scale dc/api --replicas=3", "kubernetes", "oc"),
    row("oc start-build api", "kubernetes", "oc"),
    row("kubectl rollout undo deploy/x", "kubernetes", "kubectl"),
    row(
        "kubectl rollout restart deployment/api",
        "kubernetes",
        "kubectl",
    ),
    row(
        "oc adm drain node-1 --ignore-daemonsets",
        "kubernetes",
        "oc",
    ),
    row("oc adm cordon node-1", "kubernetes", "oc"),
    row(
        "kubectl certificate approve csr-abc",
        "kubernetes",
        "kubectl",
    ),
    row("argocd app sync shop", "kubernetes", "argocd"),
    row("helm rollback shop 3", "helm-release", "helm"),
    row(
        "helm -n prod upgrade --install shop ./chart",
        "helm-release",
        "helm",
    ),
    row("helm uninstall shop", "helm-release", "helm"),
    // Databases.
    row("psql -c \"DELETE FROM t\"", "sql-write", "psql"),
    row(
        "sudo -u postgres psql -Atc 'drop table sessions'",
        "sql-write",
        "psql",
    ),
    row(
        "psql --command='UPDATE users SET active = false'",
        "sql-write",
        "psql",
    ),
    row(
        "psql -d shop -c \"select pg_terminate_backend(pid) from pg_stat_activity\"",
        "sql-write",
        "psql",
    ),
    row(
        "psql shop <<'SQL'\nTRUNCATE sessions;\nSQL\n",
        "sql-write",
        "psql",
    ),
    row("echo 'DROP TABLE x;' | psql shop", "sql-write", "psql"),
    row("psql <<< 'vacuum full orders'", "sql-write", "psql"),
    row("mysql -e 'UPDATE users SET x = 1'", "sql-write", "mysql"),
    row(
        "mysql -uroot -psecret --execute='ALTER TABLE t ADD c INT'",
        "sql-write",
        "mysql",
    ),
    row("mysql shop <<EOF\nKILL 42;\nEOF\n", "sql-write", "mysql"),
    row(
        "mariadb -e 'SET GLOBAL max_connections = 500'",
        "sql-write",
        "mariadb",
    ),
    row(
        "sqlite3 app.db \"DELETE FROM sessions\"",
        "sql-write",
        "sqlite3",
    ),
    row("dropdb shop_test", "sql-write", "dropdb"),
    row("redis-cli FLUSHALL", "redis-write", "redis-cli"),
    row("redis-cli -h r1 -n 2 flushdb", "redis-write", "redis-cli"),
    row(
        "redis-cli CONFIG SET maxmemory 2gb",
        "redis-write",
        "redis-cli",
    ),
    row("redis-cli del session:42", "redis-write", "redis-cli"),
    row("redis-cli SHUTDOWN NOSAVE", "redis-write", "redis-cli"),
    row(
        "redis-cli <<EOF\nFLUSHDB\nEOF\n",
        "redis-write",
        "redis-cli",
    ),
    row("redis-cli --eval purge.lua", "redis-write", "redis-cli"),
    row(
        "ETCDCTL_API=3 etcdctl --endpoints https://e1:2379 defrag",
        "etcd-write",
        "etcdctl",
    ),
    row(
        "etcdctl member remove 8e9e05c52164694d",
        "etcd-write",
        "etcdctl",
    ),
    row(
        "curl -X DELETE http://es:9200/old-index",
        "http-write",
        "curl",
    ),
    row(
        "curl -sS -XPUT localhost:9200/_cluster/settings -d '{}'",
        "http-write",
        "curl",
    ),
    // Packages and certificates.
    row("apt-get install -y nginx", "package-change", "apt-get"),
    row("yum remove httpd", "package-change", "yum"),
    row("apk add curl", "package-change", "apk"),
    row("snap refresh", "package-change", "snap"),
    row("rpm -e httpd", "package-change", "rpm"),
    row("dpkg -i app.deb", "package-change", "dpkg"),
    row(
        "certbot renew --cert-name shop.example.com",
        "tls-certificate",
        "certbot",
    ),
    // Wrappers.
    row("sudo -u postgres -H rm /tmp/x /srv/y", "file-removal", "rm"),
    row("sudo VAR=1 rm x", "file-removal", "rm"),
    row("doas -u root reboot", "host-power", "reboot"),
    row("env -i PATH=/bin rm x", "file-removal", "rm"),
    row("env -S 'rm -f x'", "file-removal", "rm"),
    row("nice -n 10 rm -rf /srv/old", "file-removal", "rm"),
    row(
        "nohup systemctl restart app &",
        "service-control",
        "systemctl",
    ),
    row(
        "timeout -s KILL 5 kubectl delete pod x",
        "kubernetes",
        "kubectl",
    ),
    row("watch -n 5 'kubectl delete pod x'", "kubernetes", "kubectl"),
    row("time rm -rf /srv/cache", "file-removal", "rm"),
    row("stdbuf -oL rm -v x", "file-removal", "rm"),
    row("ionice -c3 rm -rf /srv/cache", "file-removal", "rm"),
    row("command rm x", "file-removal", "rm"),
    row("exec reboot", "host-power", "reboot"),
    row("eval 'rm -f x'", "file-removal", "rm"),
    row("ls *.tmp | xargs -n1 -I{} rm {}", "file-removal", "rm"),
    row("find /tmp -type f -exec rm {} \\;", "file-removal", "rm"),
    row(
        "find . -name '*.conf' -exec sed -i s/a/b/ {} +",
        "file-write",
        "sed",
    ),
    row(
        "kubectl get pods | xargs kubectl delete pod",
        "kubernetes",
        "kubectl",
    ),
    row("ssh web1 'sudo reboot'", "host-power", "reboot"),
    row(
        "ssh -i key -p 2222 -o StrictHostKeyChecking=no deploy@web1 sudo systemctl stop app",
        "service-control",
        "systemctl",
    ),
    row(
        "ssh web1 <<'EOF'\nrm -rf /srv/old\nEOF\n",
        "file-removal",
        "rm",
    ),
    row("kubectl exec -it p -- rm -rf /data", "file-removal", "rm"),
    row(
        "kubectl -n db exec pg-0 -c postgres -- psql -c 'DROP TABLE t'",
        "sql-write",
        "psql",
    ),
    row(
        "oc rsh -c app api-1 rm -rf /tmp/cache /data",
        "file-removal",
        "rm",
    ),
    row(
        "oc debug node/n1 -- chroot /host systemctl restart kubelet",
        "service-control",
        "systemctl",
    ),
    row(
        "docker exec -u root web rm -f /app/lock",
        "file-removal",
        "rm",
    ),
    row(
        "docker compose exec -T db psql -c 'DELETE FROM t'",
        "sql-write",
        "psql",
    ),
    row("sh -c 'rm -f x'", "file-removal", "rm"),
    row(
        "bash -lc \"systemctl restart app\"",
        "service-control",
        "systemctl",
    ),
    row("bash <<'EOF'\nkill 1\nEOF\n", "process-control", "kill"),
    row("su - postgres -c 'dropdb shop'", "sql-write", "dropdb"),
    row("runuser -u app -- rm x", "file-removal", "rm"),
    row("nsenter -t 1 -m -- umount /mnt", "mount", "umount"),
    row("busybox rm x", "file-removal", "rm"),
    row("$SUDO rm x", "file-removal", "rm"),
    // Anywhere in the script.
    row("echo $(rm -f x)", "file-removal", "rm"),
    row("echo `kill 1`", "process-control", "kill"),
    row("df -h && (cd /srv && rm -rf old)", "file-removal", "rm"),
    row(
        "for p in $(pgrep x); do kill $p; done",
        "process-control",
        "kill",
    ),
    row(
        "if true; then systemctl stop x; fi",
        "service-control",
        "systemctl",
    ),
    row("cleanup() { rm -f x; }", "file-removal", "rm"),
    row("X=$(rm y) ls", "file-removal", "rm"),
    row("{ rm x; } 2>/dev/null", "file-removal", "rm"),
    row("ls -l\nrm x", "file-removal", "rm"),
    row("\\rm x", "file-removal", "rm"),
    row("'rm' x", "file-removal", "rm"),
    // Cannot be read.
    row("echo \"unclosed", "unreadable-command", ""),
    row(
        "kubectl get pods -n <namespace> <pod>",
        "unreadable-command",
        "",
    ),
];

/// Read-only commands that look like the ones above.
const READS: &[&str] = &[
    "kubectl get pods",
    "kubectl -n $NAMESPACE describe pod $POD",
    "kubectl logs deploy/api --since=15m",
    "kubectl top pods",
    "kubectl rollout status deploy/api",
    "kubectl rollout history deploy/api",
    "kubectl apply --dry-run=client -f x.yaml",
    "kubectl diff -f x.yaml",
    "kubectl get events --field-selector reason=Killing",
    "kubectl exec p -- cat /etc/hosts",
    "oc get pods -n openshift-monitoring",
    "oc adm top nodes",
    "oc rsh api-1 cat /tmp/x",
    "systemctl status nginx",
    "systemctl --no-pager -l status nginx",
    "systemctl list-timers certbot.timer --all",
    "systemctl is-active app",
    "service --status-all",
    "service nginx status",
    "docker ps",
    "docker logs --tail 100 web",
    "docker image ls",
    "docker system df",
    "docker compose logs api",
    "docker exec web cat /app/config",
    "sed -n 1,20p f",
    "sed 's/a/b/' f",
    "find . -name x",
    "find /var/log -name '*.gz' -mtime +7 -printf '%s %p\\n'",
    "grep -r 'kubectl delete' docs",
    "grep -E 'rm|kill' /var/log/app.log",
    "echo rm -rf /",
    "echo 'DROP TABLE x'",
    "man rm",
    "which rm",
    "command -v rm",
    "sudo -l",
    "psql -c 'SELECT 1'",
    "psql -c \"select * from t where state = 'update' or note like '%DELETE%'\"",
    "psql -c 'SELECT * FROM jobs FOR UPDATE SKIP LOCKED'",
    "psql -c 'select replace(name, $$a$$, $$b$$), truncate(1.5) from t'",
    "psql -c 'select n_tup_del, last_vacuum, last_autovacuum from pg_stat_user_tables'",
    "psql -f report.sql",
    "mysql -uroot -psecret -e 'SELECT 1'",
    "mysql -e 'SHOW GRANTS'",
    "sqlite3 app.db .tables",
    "sqlite3 -readonly app.db 'select count(*) from sessions'",
    "redis-cli INFO",
    "redis-cli -h r1 info memory",
    "redis-cli CONFIG GET maxmemory",
    "redis-cli --scan --pattern 'session:*'",
    "redis-cli --bigkeys",
    "redis-cli GET key",
    "etcdctl endpoint health",
    "etcdctl member list -w table",
    "etcdctl get /registry --prefix --keys-only",
    "curl -s localhost:9090/-/healthy",
    "curl -X GET http://es:9200/_cat/indices",
    "curl -XPOST http://es:9200/logs/_search -d '{}'",
    "ls > /dev/null",
    "ls 2>&1",
    "ls 2>/dev/null >&2",
    "ls > /tmp/x",
    "ls >> /var/tmp/x.log",
    "ls > out.txt",
    "ls &> /dev/null",
    "cat /etc/hosts > /tmp/hosts.bak",
    "while read l; do echo $l; done < /etc/hosts",
    "tee /tmp/out < in",
    "echo x | tee -a notes.txt",
    "dd if=/dev/sda of=/dev/null bs=1M count=100",
    "kill -0 1234",
    "kill -l",
    "kill -s 0 1234",
    "pgrep -f worker",
    "killall -l",
    "mount",
    "mount -t nfs4",
    "mount | grep data",
    "swapon --show",
    "sysctl -a",
    "sysctl vm.swappiness",
    "ip addr show",
    "ip route get 8.8.8.8",
    "ip -s link",
    "iptables -L -n -v",
    "iptables -t nat -S",
    "nft list ruleset",
    "ufw status verbose",
    "firewall-cmd --list-all",
    "helm list -A",
    "helm status shop",
    "helm upgrade --dry-run shop ./chart",
    "helm history shop",
    "argocd app get shop",
    "rpm -qi httpd",
    "rpm -Va",
    "dpkg -l",
    "apt list --installed",
    "apt-get install -s nginx",
    "yum list installed",
    "certbot renew --dry-run",
    "certbot certificates",
    "journalctl -u app --since -15m --no-pager",
    "journalctl --disk-usage",
    "xfs_growfs -n /data",
    "wipefs /dev/sdb",
    "rsync -a src/ backup/",
    "ssh web1 uptime",
    "ssh -N -L 5432:db:5432 bastion",
    "sh -c 'ls -l'",
    "bash -c \"df -h\"",
    "bash script.sh",
    "sh -c \"$CMD\"",
    "nginx -t",
    "pg_ctl status",
    "supervisorctl status",
    "rabbitmqctl list_queues",
    "apachectl configtest",
    "init",
    "df -h | sort",
    "curl -sS -o /dev/null -w '%{http_code}' https://example.com",
    "echo | openssl s_client -connect h:443 2>/dev/null | openssl x509 -noout -enddate",
    "tail -n 20 /var/log/deploys.log",
    "echo {{x}} > {{dir}}/current",
];

fn shown(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("[{}] {}: {}", f.rule, f.program, f.why))
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn each_changing_command_is_found_with_its_rule_and_program() {
    let mut failures = Vec::new();
    for row in CHANGES {
        match classify(row.script) {
            Some(f) if f.rule == row.rule && f.program == row.program => {
                assert!(!f.why.is_empty());
            }
            other => failures.push(format!(
                "{:?}: want [{}] {}, got {other:?}",
                row.script, row.rule, row.program
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn read_only_look_alikes_are_not_found() {
    let failures: Vec<String> = READS
        .iter()
        .filter_map(|script| {
            let all = classify_all(script);
            (!all.is_empty()).then(|| format!("{script:?}: {}", shown(&all)))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_table_entry_is_needed_by_some_row() {
    let unneeded: Vec<usize> = (0..danger::table_len())
        .filter(|&skip| {
            CHANGES.iter().all(|row| {
                danger::classify_all_without(row.script, skip) == classify_all(row.script)
            })
        })
        .collect();
    assert!(
        unneeded.is_empty(),
        "deleting table entries {unneeded:?} fails no row: add a row for each"
    );
}

#[test]
fn the_why_names_the_program_and_what_it_does() {
    let f = classify("sudo systemctl restart nginx").unwrap();
    assert_eq!(f.why, "`systemctl restart` changes the state of a service");
    let f = classify("/bin/rm FILE").unwrap();
    assert_eq!(f.why, "`rm` removes files");
    let f = classify(": > /var/log/app.log").unwrap();
    assert_eq!(f.why, "`: > /var/log/app.log` empties the file");
    let f = classify("psql -c \"DELETE FROM t\"").unwrap();
    assert_eq!(f.why, "`psql … DELETE` changes the database");
}

#[test]
fn every_finding_is_listed_first_one_first() {
    let all = classify_all("ls; rm a; systemctl restart b; rm c");
    let rules: Vec<&str> = all.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["file-removal", "service-control"]);
    // An unreadable script says so first, whatever else it seems to run.
    let all = classify_all("rm x; echo \"unclosed");
    assert_eq!(all[0].rule, danger::UNREADABLE);
    assert!(all.iter().any(|f| f.rule == "file-removal"));
}

#[test]
fn every_rule_a_finding_can_have_is_listed() {
    let listed: Vec<&str> = danger::RULES.iter().map(|(name, _)| *name).collect();
    for row in CHANGES {
        assert!(listed.contains(&row.rule), "{} is not in RULES", row.rule);
    }
    for (name, what) in danger::RULES {
        assert!(
            CHANGES.iter().any(|row| row.rule == *name),
            "no row for rule {name}"
        );
        assert!(!what.is_empty());
    }
}

#[test]
fn hostile_text_is_judged_without_panicking() {
    let deep = format!("{}rm x{}", "$(".repeat(300), ")".repeat(300));
    assert!(classify(&deep).is_some());
    let nested = format!("{}rm x{}", "sh -c '".repeat(3), "'".repeat(3));
    let _ = classify(&nested);
    for text in ["", "   ", "\0", "'", "$(", "<<EOF", "|||", "a\\", "`"] {
        let _ = classify_all(text);
    }
    // Shell in shell in shell…: past a depth it is not followed, and says so.
    let evals = format!("{}rm x", "eval ".repeat(12));
    assert_eq!(classify(&evals).unwrap().rule, danger::UNREADABLE);
    assert_eq!(classify("eval eval rm x").unwrap().rule, "file-removal");
    let sudos = format!("{}rm x", "sudo ".repeat(10_000));
    assert_eq!(classify(&sudos).unwrap().rule, danger::UNREADABLE);
    let variables = format!("{}rm x", "$X ".repeat(10_000));
    assert_eq!(classify(&variables).unwrap().rule, "file-removal");
}

// --- Measurement over real-looking runbooks ---------------------------------

fn markdown_and_yaml_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            markdown_and_yaml_under(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "md" || e == "yaml" || e == "yml")
        {
            out.push(path);
        }
    }
}

/// `<namespace>` in a wiki runbook is a value to fill, not a redirection.
fn placeholders_filled(script: &str) -> String {
    let mut text = script.to_string();
    for angle in angle_placeholders(script).into_iter().rev() {
        text.replace_range(angle.range, "PLACEHOLDER");
    }
    text
}

#[derive(Default)]
struct Counts {
    changing: usize,
    reading: usize,
    per_rule: BTreeMap<&'static str, usize>,
    lines: Vec<String>,
}

fn count(dirs: &[&str]) -> Counts {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in dirs {
        markdown_and_yaml_under(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(!files.is_empty(), "no playbooks under {dirs:?}");
    let mut counts = Counts::default();
    for path in files {
        let parsed = playbook::load(&path);
        let Some(book) = parsed.playbook else {
            panic!("{}: {:#?}", path.display(), parsed.diagnostics);
        };
        for command in book.commands().filter(|c| c.lang != "promql") {
            let finding = classify(&placeholders_filled(&command.run));
            let name = path.strip_prefix(root).unwrap_or(&path).display();
            match &finding {
                Some(f) => {
                    counts.changing += 1;
                    *counts.per_rule.entry(f.rule).or_default() += 1;
                    counts.lines.push(format!(
                        "CHANGES {name} {}: {} [{}]",
                        command.id,
                        command.run.lines().next().unwrap_or(""),
                        f.rule
                    ));
                }
                None => {
                    counts.reading += 1;
                    counts.lines.push(format!(
                        "reads   {name} {}: {}",
                        command.id,
                        command.run.lines().next().unwrap_or("")
                    ));
                }
            }
        }
    }
    counts
}

fn report(label: &str, counts: &Counts) {
    println!(
        "{label}: {} commands, {} change things, {} only read",
        counts.changing + counts.reading,
        counts.changing,
        counts.reading
    );
    for (rule, n) in &counts.per_rule {
        println!("  {rule:<18} {n}");
    }
    for line in &counts.lines {
        println!("    {line}");
    }
}

/// `cargo test --test danger counts -- --nocapture` prints the numbers.
#[test]
fn counts_over_the_bundled_playbooks_and_wiki_fixtures() {
    let bundled = count(&["playbooks"]);
    report("bundled playbooks", &bundled);
    let wiki = count(&["tests/fixtures/danger", "tests/fixtures/runbooks"]);
    report("wiki-style runbooks", &wiki);
    assert!(bundled.changing > 0 && bundled.reading > 0);
    assert!(wiki.changing > 0 && wiki.reading > 0);
    // Nothing in them is unreadable once `<placeholders>` are filled.
    assert_eq!(bundled.per_rule.get("unreadable-command"), None);
    assert_eq!(wiki.per_rule.get("unreadable-command"), None);
}

/// In the runbooks under tests/fixtures/danger, the commands of the
/// `Mitigation` step change things and the others only read, except these.
const MITIGATIONS_THAT_READ: &[&str] = &["oc adm must-gather --dest-dir=/tmp/must-gather"];

#[test]
fn the_danger_fixtures_change_things_only_in_mitigation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    markdown_and_yaml_under(&root.join("tests/fixtures/danger"), &mut files);
    assert!(files.len() >= 6, "{files:?}");
    let mut disagreements = Vec::new();
    for path in files {
        let parsed = playbook::load(&path);
        assert!(
            !parsed.has_errors(),
            "{}: {:#?}",
            path.display(),
            parsed.diagnostics
        );
        for step in &parsed.playbook.unwrap().steps {
            for command in step.commands() {
                let finding = classify(&placeholders_filled(&command.run));
                let changes = step.title == "Mitigation"
                    && !MITIGATIONS_THAT_READ.contains(&command.run.as_str());
                if changes != finding.is_some() {
                    disagreements.push(format!(
                        "{} `{}` ({:?}): {:?}",
                        path.display(),
                        command.id,
                        command.run,
                        finding
                    ));
                }
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
