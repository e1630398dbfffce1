//! `host_key_check: accept-new` only accepts a host never seen before: a host
//! whose key changed is still refused, nothing is logged in and the
//! known_hosts file is left as it was (a real sshd on 127.0.0.1).

mod ssh_support;

use opsdeck::exec::ssh::{SshPool, SshRunner};
use ssh_support::run::{collect, runtime, target};
use ssh_support::start_or_skip;
use std::time::Duration;

#[test]
fn accept_new_still_refuses_a_changed_host_key() {
    let Some(sshd) = start_or_skip("accept_new_still_refuses_a_changed_host_key") else {
        return;
    };
    let mut changed = target(&sshd);
    let known_hosts = sshd.wrong_known_hosts();
    let before = std::fs::read_to_string(&known_hosts).unwrap();
    changed.known_hosts = Some(known_hosts.clone());
    changed.accept_new_host_key = true;
    let (lines, done) = runtime().block_on(async {
        let pool = SshPool::new(Duration::from_secs(5));
        collect(
            &SshRunner::new(&pool, &changed),
            "echo reached-the-host",
            Duration::from_secs(10),
            None,
        )
        .await
    });
    let err = done
        .expect_err("accept-new must not accept a changed host key")
        .to_string();
    assert!(err.contains("CHANGED"), "{err}");
    assert!(
        lines.iter().all(|l| !l.text.contains("reached-the-host")),
        "{lines:?}"
    );
    assert_eq!(sshd.accepted_logins(), 0, "{}", sshd.log_text());
    assert_eq!(
        std::fs::read_to_string(&known_hosts).unwrap(),
        before,
        "the changed key was not written over the old one"
    );
}
