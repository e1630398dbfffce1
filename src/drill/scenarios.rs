//! The simulated outages a newcomer can rehearse, and what breaks in each.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Version v42 is deployed and answers 500; rolling back to v41 fixes it.
    BadDeploy,
    /// The cache is wedged: every request waits on it; restarting the cache fixes it,
    /// restarting the app does not.
    SlowDependency,
    /// A core dump fills the data volume; deleting it fixes it.
    DiskFull,
}

#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub summary: &'static str,
    pub fault: Fault,
    /// Fixed so the bundled playbook's checks can name it.
    pub port: u16,
    /// The bundled playbook, relative to the repository's `playbooks/`.
    pub playbook: &'static str,
    /// Commands that change things but do not fix this fault.
    pub wrong_turns: &'static [&'static str],
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "bad-deploy",
        summary: "500s after a deploy; a rollback fixes it",
        fault: Fault::BadDeploy,
        port: 18701,
        playbook: "drills/bad-deploy.md",
        wrong_turns: &["restart-app"],
    },
    Scenario {
        name: "slow-dependency",
        summary: "requests time out on a wedged cache; restart the right component",
        fault: Fault::SlowDependency,
        port: 18702,
        playbook: "drills/slow-dependency.md",
        wrong_turns: &["restart-app"],
    },
    Scenario {
        name: "disk-full",
        summary: "writes fail on a full data volume; clean it up",
        fault: Fault::DiskFull,
        port: 18703,
        playbook: "drills/disk-full.md",
        wrong_turns: &["restart-app"],
    },
];

pub fn find(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}
