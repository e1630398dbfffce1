use super::*;

fn read(code: &str, console: bool) -> Vec<Part> {
    Reader::default().read(code, console)
}

fn runs(parts: &[Part]) -> Vec<&str> {
    parts.iter().map(|p| p.run.as_str()).collect()
}

#[test]
fn an_indented_bash_transcript_splits_into_commands_and_their_output() {
    let code = "    $ oc get nodes -o wide\n    NAME       STATUS   ROLES\n    master-0   Ready    master\n\n    $ oc get events -n openshift-etcd\n    57m   Normal   ConfigDriftMonitorStopped";
    let parts = read(code, false);
    assert_eq!(
        runs(&parts),
        ["oc get nodes -o wide", "oc get events -n openshift-etcd"]
    );
    assert_eq!(
        parts[0].sample_output.as_deref(),
        Some("NAME       STATUS   ROLES\nmaster-0   Ready    master")
    );
    assert_eq!(
        parts[1].sample_output.as_deref(),
        Some("57m   Normal   ConfigDriftMonitorStopped")
    );
    // Line 4 of the fence, after four blanks and `$ `.
    assert_eq!(parts[1].origin_of(0), (4, 6));
}

#[test]
fn a_fence_without_prompts_is_one_command_as_written() {
    let code = "# list them\n  kubectl get pods -n $NAMESPACE\nkubectl get events";
    let parts = read(code, false);
    assert_eq!(runs(&parts), [code]);
    assert_eq!(parts[0].sample_output, None);
    assert_eq!(read("", false).len(), 1);
}

#[test]
fn comment_lines_before_a_command_describe_it() {
    let code = "# The pods of the operator:\n# (all of them)\n$ oc get pods\nNAME   READY\n# not a description\nx   1/1\n\n# Its log:\n$ oc logs deploy/x";
    let parts = read(code, false);
    assert_eq!(runs(&parts), ["oc get pods", "oc logs deploy/x"]);
    assert_eq!(
        parts[0].description.as_deref(),
        Some("The pods of the operator:\n(all of them)")
    );
    assert_eq!(
        parts[0].sample_output.as_deref(),
        Some("NAME   READY\n# not a description\nx   1/1")
    );
    assert_eq!(parts[1].description.as_deref(), Some("Its log:"));
}

#[test]
fn a_comment_declared_placeholder_is_assigned_before_the_commands_that_use_it() {
    let code = "# NAMESPACE='<value of namespace label from alert>'\n$ oc -n $NAMESPACE logs deploy/etcd-operator\nI0412 started\n$ oc get nodes";
    let mut reader = Reader::default();
    let parts = reader.read(code, false);
    assert_eq!(
        runs(&parts),
        [
            "NAMESPACE='<value of namespace label from alert>'\noc -n $NAMESPACE logs deploy/etcd-operator",
            "oc get nodes"
        ]
    );
    assert_eq!(
        parts[0].description, None,
        "a declaration is not a description"
    );
    assert_eq!(parts[0].origin_of(0), parts[0].origin_of(1));
    // It holds for the fences after it too, with or without prompts.
    let later = reader.read("oc -n $NAMESPACE get pods", false);
    assert_eq!(
        runs(&later),
        ["NAMESPACE='<value of namespace label from alert>'\noc -n $NAMESPACE get pods"]
    );
}

#[test]
fn a_declaration_in_a_fence_without_prompts_becomes_the_assignment() {
    let mut reader = Reader::default();
    let parts = reader.read("# POD=<failing pod>\noc logs $POD", false);
    assert_eq!(runs(&parts), ["POD=<failing pod>\noc logs $POD"]);
    assert_eq!(declaration("FOO=<none>"), None, "printed by kubectl");
    assert_eq!(declaration("# NS=<ns> <pod>"), None);
    assert_eq!(
        declaration("export NS=\"<namespace>\"").map(|d| d.line),
        Some("NS=\"<namespace>\"".to_string())
    );
}

#[test]
fn root_prompts_count_in_console_fences_only_before_a_command() {
    let code = "# Check the unit\n# systemctl status kubelet\n● kubelet.service - Kubernetes Kubelet\n# journalctl -u kubelet -n 20";
    let parts = read(code, true);
    assert_eq!(
        runs(&parts),
        ["systemctl status kubelet", "journalctl -u kubelet -n 20"]
    );
    assert_eq!(parts[0].description.as_deref(), Some("Check the unit"));
    // In a `bash` fence `#` starts a comment.
    assert_eq!(read(code, false).len(), 1);
}

#[test]
fn continuations_and_here_documents_belong_to_the_command() {
    let code = "$ kubectl get pods \\\n    -n web\nNAME  READY\n$ cat <<EOF | kubectl apply -f -\n> kind: ConfigMap\n> $ not a prompt\n> EOF\nconfigmap/x created\n$ for n in a b; do\n>   echo $n\n> done\na\nb";
    let parts = read(code, true);
    assert_eq!(
        runs(&parts),
        [
            "kubectl get pods \\\n    -n web",
            "cat <<EOF | kubectl apply -f -\nkind: ConfigMap\n$ not a prompt\nEOF",
            "for n in a b; do\n  echo $n\ndone",
        ]
    );
    assert_eq!(
        parts[1].sample_output.as_deref(),
        Some("configmap/x created")
    );
    assert_eq!(parts[2].sample_output.as_deref(), Some("a\nb"));
}

#[test]
fn prompts_of_a_named_shell_are_prompts() {
    let code = "user@bastion:~$ oc whoami\nsystem:admin\n[root@bastion ~]# id -u\n0";
    let parts = read(code, false);
    assert_eq!(runs(&parts), ["oc whoami", "id -u"]);
    assert_eq!(parts[1].sample_output.as_deref(), Some("0"));
}

#[test]
fn a_line_at_a_shell_inside_a_pod_runs_through_the_command_that_opened_it() {
    let code = "$ oc rsh -n openshift-storage rook-ceph-tools-7d8f\nsh-4.4$ ceph -s\n  cluster:\n    health: HEALTH_WARN\nsh-4.4$ ceph osd df | sort -k 7\nsh-4.4$ exit\n$ oc get pods";
    let parts = read(code, false);
    assert_eq!(
        runs(&parts),
        [
            "oc rsh -n openshift-storage rook-ceph-tools-7d8f",
            "oc rsh -n openshift-storage rook-ceph-tools-7d8f ceph -s",
            "oc rsh -n openshift-storage rook-ceph-tools-7d8f sh -c 'ceph osd df | sort -k 7'",
            "oc get pods",
        ]
    );
    assert!(parts[0].interactive);
    assert!(!parts[1].show_only && !parts[2].show_only);
    assert_eq!(
        parts[1].inside.as_deref(),
        Some("oc rsh -n openshift-storage rook-ceph-tools-7d8f")
    );
    assert_eq!(
        parts[1].sample_output.as_deref(),
        Some("  cluster:\n    health: HEALTH_WARN")
    );
    assert_eq!(parts[3].inside, None);
}

#[test]
fn lines_typed_into_a_program_are_shown_never_run() {
    let code = "$ kubectl exec -it -n db pg-0 -- psql -U postgres\npostgres=# select count(*)\npostgres-#   from pg_stat_activity;\n count\n-------\n    97\npostgres=# \\q\n$ kubectl get pods -n db";
    let parts = read(code, false);
    assert_eq!(
        runs(&parts),
        [
            "kubectl exec -it -n db pg-0 -- psql -U postgres",
            "select count(*)\n  from pg_stat_activity;",
            "kubectl get pods -n db",
        ]
    );
    assert!(parts[1].show_only);
    assert_eq!(
        parts[1].inside.as_deref(),
        Some("kubectl exec -it -n db pg-0 -- psql -U postgres")
    );
    assert_eq!(
        parts[1].sample_output.as_deref(),
        Some(" count\n-------\n    97")
    );
    assert!(!parts[2].show_only);
}

#[test]
fn a_shell_prompt_with_nothing_that_opened_it_is_never_run_locally() {
    let parts = read("sh-4.4$ ceph health detail\nHEALTH_OK", false);
    assert_eq!(runs(&parts), ["ceph health detail"]);
    assert!(parts[0].show_only);
    assert_eq!(parts[0].inside, None);
}

#[test]
fn the_program_opened_in_one_fence_takes_the_lines_of_the_next() {
    let mut reader = Reader::default();
    let first = reader.read("oc debug node/worker-1", false);
    assert!(first[0].interactive);
    let parts = reader.read(
        "sh-4.4# chroot /host\nsh-4.4# journalctl -u kubelet --since -10m | tail\nsh-4.4# crictl ps",
        true,
    );
    assert_eq!(
        runs(&parts),
        [
            "oc debug node/worker-1 -- chroot /host sh -c 'journalctl -u kubelet --since -10m | tail'",
            "oc debug node/worker-1 -- chroot /host crictl ps",
        ]
    );
    reader.section();
    assert!(
        reader.read("sh-4.4# ls", false)[0].show_only,
        "a new section starts outside"
    );
}

#[test]
fn the_prompt_of_a_remote_host_is_inside_ssh() {
    let code = "[user@bastion ~]$ ssh core@master-0\n[core@master-0 ~]$ sudo crictl pods\nPOD ID   CREATED\n[core@master-0 ~]$ exit\n[user@bastion ~]$ oc get nodes";
    let parts = read(code, false);
    assert_eq!(
        runs(&parts),
        [
            "ssh core@master-0",
            "ssh core@master-0 sudo crictl pods",
            "oc get nodes"
        ]
    );
}

#[test]
fn a_command_with_an_unclosed_quote_stops_at_the_next_prompt() {
    let parts = read("$ echo \"abc\nabc\n$ ls", false);
    assert_eq!(runs(&parts), ["echo \"abc\nabc", "ls"]);
}

#[test]
fn text_before_the_first_prompt_is_a_command_of_its_own() {
    let parts = read(
        "export KUBECONFIG=/etc/kubeconfig\n\n$ oc get co\nNAME  VERSION",
        false,
    );
    assert_eq!(
        runs(&parts),
        ["export KUBECONFIG=/etc/kubeconfig", "oc get co"]
    );
}

#[test]
fn what_is_set_in_the_shell_inside_is_set_for_each_line_run_there() {
    let code = "[root@bastion ~]# oc rsh -n openshift-storage $(oc get pods -n openshift-storage -o name -l app=rook-ceph-operator)\nsh-4.4$\nsh-4.4$ export CEPH_ARGS='-c /var/lib/rook/openshift-storage/openshift-storage.config'\nsh-4.4$ ceph -s\n  cluster:";
    let parts = read(code, false);
    assert_eq!(
        runs(&parts),
        [
            "oc rsh -n openshift-storage $(oc get pods -n openshift-storage -o name -l app=rook-ceph-operator)",
            "oc rsh -n openshift-storage $(oc get pods -n openshift-storage -o name -l app=rook-ceph-operator) sh -c 'export CEPH_ARGS='\\''-c /var/lib/rook/openshift-storage/openshift-storage.config'\\''; ceph -s'",
        ]
    );
    assert_eq!(parts[1].sample_output.as_deref(), Some("  cluster:"));
}

#[test]
fn lines_after_a_command_that_opens_a_shell_are_typed_in_it_even_without_prompts() {
    let mut reader = Reader::default();
    let parts = reader.read(
        "oc -n default debug node/<affected node>\nchroot /host\n# the time service\nsystemctl status chronyd",
        false,
    );
    assert_eq!(
        runs(&parts),
        [
            "oc -n default debug node/<affected node>",
            "oc -n default debug node/<affected node> -- chroot /host systemctl status chronyd",
        ]
    );
    assert!(parts[0].interactive && !parts[1].show_only);
    assert_eq!(parts[1].description.as_deref(), Some("the time service"));
    let typed = reader.read("psql -h db -U app\nselect 1;", false);
    assert!(typed[1].show_only);
    // A script that only starts with an ordinary command stays one command.
    assert_eq!(reader.read("oc get pods\noc get nodes", false).len(), 1);
}
