//! One SSH destination with the connection settings of its host group.

use crate::playbook::model::HostGroup;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SshTarget {
    /// The host as written in the playbook (a name, an address, or an ssh_config alias).
    pub host: String,
    /// The host group it belongs to, for hints in error messages.
    pub group: String,
    pub user: Option<String>,
    pub port: Option<u16>,
    pub identity_file: Option<PathBuf>,
    pub known_hosts: Option<PathBuf>,
    pub ssh_config: Option<PathBuf>,
    /// `host_key_check: accept-new`: record an unknown key on first connect.
    pub accept_new_host_key: bool,
}

impl SshTarget {
    /// A bare destination with ssh's defaults (`~/.ssh/config` applies).
    pub fn new(host: &str) -> SshTarget {
        SshTarget {
            host: host.to_string(),
            group: host.to_string(),
            user: None,
            port: None,
            identity_file: None,
            known_hosts: None,
            ssh_config: None,
            accept_new_host_key: false,
        }
    }

    /// `host` of group `name`; relative paths are relative to `base` (the
    /// playbook's directory), `~/` is the home directory.
    pub fn from_group(name: &str, group: &HostGroup, host: &str, base: &Path) -> SshTarget {
        let path = |p: &Option<String>| p.as_deref().map(|p| resolve_path(p, base));
        SshTarget {
            host: host.to_string(),
            group: name.to_string(),
            user: group.user.clone(),
            port: group.port,
            identity_file: path(&group.identity_file),
            known_hosts: path(&group.known_hosts),
            ssh_config: path(&group.ssh_config),
            accept_new_host_key: group.host_key_check.as_deref() == Some("accept-new"),
        }
    }

    /// `deploy@web1:2222`: how it is reached, for confirmations.
    pub fn describe(&self) -> String {
        let mut text = String::new();
        if let Some(user) = &self.user {
            text.push_str(user);
            text.push('@');
        }
        text.push_str(&self.host);
        if let Some(port) = self.port {
            text.push_str(&format!(":{port}"));
        }
        text
    }

    /// The options every ssh invocation for this target gets, after `ssh`:
    /// the same for the master and for the diagnostics run when it fails.
    pub fn ssh_options(&self, connect_timeout_secs: u64) -> Vec<String> {
        let check = if self.accept_new_host_key {
            "accept-new"
        } else {
            "yes"
        };
        let mut args = vec![
            "-o".to_string(),
            "BatchMode=yes".into(),
            "-o".into(),
            format!("StrictHostKeyChecking={check}"),
            "-o".into(),
            format!("ConnectTimeout={connect_timeout_secs}"),
        ];
        if let Some(config) = &self.ssh_config {
            args.extend(["-F".into(), config.display().to_string()]);
        }
        if let Some(port) = self.port {
            args.extend(["-p".into(), port.to_string()]);
        }
        if let Some(user) = &self.user {
            args.extend(["-l".into(), user.clone()]);
        }
        if let Some(key) = &self.identity_file {
            args.extend(["-o".into(), "IdentitiesOnly=yes".into()]);
            args.extend(["-i".into(), key.display().to_string()]);
        }
        if let Some(known) = &self.known_hosts {
            args.extend([
                "-o".into(),
                format!("UserKnownHostsFile={}", known.display()),
            ]);
        }
        args
    }
}

fn resolve_path(path: &str, base: &Path) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    base.join(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::model::Pos;

    #[test]
    fn group_settings_become_ssh_options() {
        let group = HostGroup {
            hosts: vec!["web1".into()],
            user: Some("deploy".into()),
            port: Some(2222),
            identity_file: Some("keys/id".into()),
            known_hosts: Some("/etc/opsdeck/known_hosts".into()),
            ssh_config: None,
            host_key_check: Some("accept-new".into()),
            ssh_config_runs: Vec::new(),
            pos: Pos::default(),
        };
        let target = SshTarget::from_group("web", &group, "web1", Path::new("/pb"));
        assert_eq!(target.identity_file, Some(PathBuf::from("/pb/keys/id")));
        let options = target.ssh_options(10).join(" ");
        assert!(options.contains("StrictHostKeyChecking=accept-new"));
        assert!(options.contains("-p 2222 -l deploy"));
        assert!(options.contains("UserKnownHostsFile=/etc/opsdeck/known_hosts"));
    }
}
