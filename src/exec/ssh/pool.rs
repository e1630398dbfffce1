//! One master connection per host, opened on first use and reused by every
//! later command, plus a few idle remote shells on it.

use super::shell::RemoteShell;
use super::target::SshTarget;
use super::{control_dir, explain};
use openssh::{ControlPersist, KnownHosts, Session, SessionBuilder};
use std::collections::HashMap;
use std::io;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Remote shells per host at once; sshd allows 10 sessions per connection
/// by default (MaxSessions), and a cancel needs one more for its `kill`.
const MAX_SHELLS: usize = 4;
/// A master left behind by a crashed opsdeck exits after this long unused.
const IDLE_MASTER_SECS: usize = 60;

/// Shared by every run of a console session or an `opsdeck exec`; dropping
/// the last clone closes the master connections.
#[derive(Clone)]
pub struct SshPool {
    links: Arc<Mutex<HashMap<SshTarget, Arc<HostLink>>>>,
    connect_timeout: Duration,
}

impl Default for SshPool {
    fn default() -> Self {
        SshPool::new(DEFAULT_CONNECT_TIMEOUT)
    }
}

impl SshPool {
    pub fn new(connect_timeout: Duration) -> SshPool {
        SshPool {
            links: Arc::default(),
            connect_timeout,
        }
    }

    /// The connect timeout from `OPSDECK_SSH_CONNECT_TIMEOUT` (`3s`), else the default.
    pub fn from_env() -> SshPool {
        let timeout = std::env::var("OPSDECK_SSH_CONNECT_TIMEOUT")
            .ok()
            .and_then(|t| humantime::parse_duration(t.trim()).ok())
            .filter(|t| t.as_secs() >= 1)
            .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        SshPool::new(timeout)
    }

    pub fn link(&self, target: &SshTarget) -> Arc<HostLink> {
        let mut links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(links.entry(target.clone()).or_insert_with(|| {
            Arc::new(HostLink {
                target: target.clone(),
                connect_timeout: self.connect_timeout,
                master: tokio::sync::Mutex::new(None),
                idle: Mutex::new(Vec::new()),
                slots: Arc::new(Semaphore::new(MAX_SHELLS)),
                masters_opened: AtomicUsize::new(0),
            })
        }))
    }
}

pub struct HostLink {
    pub target: SshTarget,
    connect_timeout: Duration,
    master: tokio::sync::Mutex<Option<Arc<Session>>>,
    idle: Mutex<Vec<RemoteShell>>,
    slots: Arc<Semaphore>,
    masters_opened: AtomicUsize,
}

/// A remote shell lent to one command; `give_back` returns it for the next.
pub struct Lease {
    pub shell: RemoteShell,
    link: Arc<HostLink>,
    _slot: OwnedSemaphorePermit,
}

impl Lease {
    pub fn give_back(self) {
        let mut idle = self.link.idle.lock().unwrap_or_else(|e| e.into_inner());
        idle.push(self.shell);
    }
}

impl HostLink {
    /// How many master connections this host has needed (1 while it stays up).
    pub fn masters_opened(&self) -> usize {
        self.masters_opened.load(Ordering::Relaxed)
    }

    /// An idle shell, or a new one on the (re)opened master connection.
    /// Nothing has been sent to the host when this fails.
    pub async fn checkout(self: &Arc<Self>) -> io::Result<Lease> {
        let slot = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .map_err(io::Error::other)?;
        let session = self.session().await?;
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let shell = match idle {
            Some(shell) => shell,
            None => match RemoteShell::open(&session).await {
                Ok(shell) => shell,
                // The master died since it was checked: connect again, once.
                Err(_) => {
                    self.forget(&session).await;
                    let session = self.session().await?;
                    RemoteShell::open(&session).await.map_err(|err| {
                        io::Error::other(format!(
                            "{}: cannot open a session: {err}",
                            self.target.host
                        ))
                    })?
                }
            },
        };
        Ok(Lease {
            shell,
            link: Arc::clone(self),
            _slot: slot,
        })
    }

    /// The live master connection, connecting when there is none (or it died).
    async fn session(&self) -> io::Result<Arc<Session>> {
        let mut master = self.master.lock().await;
        if let Some(session) = master.as_ref() {
            if session.check().await.is_ok() {
                return Ok(Arc::clone(session));
            }
            self.idle.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
        let session = Arc::new(self.connect().await?);
        self.masters_opened.fetch_add(1, Ordering::Relaxed);
        *master = Some(Arc::clone(&session));
        Ok(session)
    }

    async fn forget(&self, dead: &Arc<Session>) {
        let mut master = self.master.lock().await;
        if master.as_ref().is_some_and(|s| Arc::ptr_eq(s, dead)) {
            *master = None;
            self.idle.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }

    async fn connect(&self) -> io::Result<Session> {
        let target = &self.target;
        let mut builder = SessionBuilder::default();
        builder
            .control_directory(control_dir::control_dir()?)
            .control_persist(ControlPersist::IdleFor(
                NonZeroUsize::new(IDLE_MASTER_SECS).unwrap_or(NonZeroUsize::MIN),
            ))
            .connect_timeout(self.connect_timeout)
            .server_alive_interval(Duration::from_secs(15))
            .known_hosts_check(if target.accept_new_host_key {
                KnownHosts::Add
            } else {
                KnownHosts::Strict
            });
        if let Some(user) = &target.user {
            builder.user(user.clone());
        }
        if let Some(port) = target.port {
            builder.port(port);
        }
        if let Some(key) = &target.identity_file {
            builder.keyfile(key);
        }
        if let Some(config) = &target.ssh_config {
            builder.config_file(config);
        }
        if let Some(known) = &target.known_hosts {
            builder.user_known_hosts_file(known);
        }
        // ssh's own ConnectTimeout covers the TCP connect and the handshake;
        // this bound is for anything else that could hang.
        let limit = self.connect_timeout + Duration::from_secs(5);
        match tokio::time::timeout(limit, builder.connect_mux(&target.host)).await {
            Ok(Ok(session)) => Ok(session),
            Ok(Err(err)) => Err(explain::connect_error(target, err, self.connect_timeout).await),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "{}: no SSH connection within {}s",
                    target.host,
                    limit.as_secs()
                ),
            )),
        }
    }
}
