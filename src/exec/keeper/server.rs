//! `opsdeck ssh-keeper SOCKET`: the background process. One lock makes it
//! the only keeper of its socket; each client connection is one request,
//! run on the shared pool, its output streamed back; a client that goes
//! away cancels its run. It exits after the idle time with no client.

use super::protocol::{self, Reply, Request};
use crate::exec::Runner;
use crate::exec::ssh::{SshPool, SshRunner};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::signal::unix::{Signal, SignalKind};
use tokio::sync::{mpsc, watch};

/// How long a client may take to send its request, or to take a reply.
const CLIENT_WAIT: Duration = Duration::from_secs(10);

/// Serves until idle; the exit code of the hidden subcommand.
pub fn serve(socket: &Path) -> u8 {
    // It outlives the `exec` that started it: a descriptor that `exec` got
    // without close-on-exec (a caller's pipe) must not stay open with it, or
    // whoever reads that pipe waits for the keeper's idle end.
    // SAFETY: closes descriptors only; nothing of ours is open yet.
    unsafe {
        libc::close_range(3, libc::c_uint::MAX, 0);
    }
    let Some(idle) = super::idle() else { return 0 };
    let Ok(lock) = take_lock(socket) else {
        // Another keeper holds it and answers on the socket.
        return 0;
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(_) => return 1,
    };
    let code = runtime.block_on(listen(socket, idle));
    let _ = std::fs::remove_file(socket);
    drop(lock);
    code
}

/// The lock file beside the socket, held for the keeper's life: with it,
/// removing a stale socket and binding a new one cannot race another keeper.
fn take_lock(socket: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(socket.with_extension("lock"))?;
    // SAFETY: flock on an open descriptor; no memory is passed.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(file)
}

async fn listen(socket: &Path, idle: Duration) -> u8 {
    let _ = std::fs::remove_file(socket);
    let listener = match UnixListener::bind(socket) {
        Ok(listener) => listener,
        Err(_) => return 1,
    };
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600));
    let pool = SshPool::from_env();
    let busy = Arc::new(AtomicUsize::new(0));
    let last_done = Arc::new(Mutex::new(Instant::now()));
    // SAFETY: getuid(2) cannot fail and touches no memory.
    let uid = unsafe { libc::getuid() };
    let tick = (idle / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
    // A TERM or HUP (a logout, `kill`) ends it cleanly: the masters are closed.
    let mut term = signal(SignalKind::terminate());
    let mut hangup = signal(SignalKind::hangup());
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            Some(()) = recv(&mut term) => return 0,
            Some(()) = recv(&mut hangup) => return 0,
            () = tokio::time::sleep(tick) => {
                let since = last_done.lock().unwrap_or_else(|e| e.into_inner()).elapsed();
                if busy.load(Ordering::SeqCst) == 0 && since >= idle {
                    return 0;
                }
                continue;
            }
        };
        let Ok((stream, _)) = accepted else { continue };
        if stream.peer_cred().map(|c| c.uid()).ok() != Some(uid) {
            continue;
        }
        let pool = pool.clone();
        let busy = Arc::clone(&busy);
        let last_done = Arc::clone(&last_done);
        busy.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(async move {
            answer(stream, &pool).await;
            *last_done.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
            busy.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// One client: its request, run, the output and the end sent back.
async fn answer(stream: UnixStream, pool: &SshPool) {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut line = Vec::new();
    // A client that connects and says nothing, or reads nothing back, must
    // not keep the keeper (and its connections) alive past its idle time.
    let asked = tokio::time::timeout(CLIENT_WAIT, protocol::read(&mut read, &mut line)).await;
    let request: Request = match asked.unwrap_or(Ok(None)) {
        Ok(Some(request)) => request,
        Ok(None) => return,
        Err(err) => {
            let _ = send(&mut write, &Reply::error(&err)).await;
            return;
        }
    };
    let runner = SshRunner::new(pool, &request.target);
    let (cancel_tx, cancel) = watch::channel(false);
    let (tx, mut rx) = mpsc::channel(16);
    let timeout = Duration::from_millis(request.timeout_ms);
    let run = runner.run(&request.script, timeout, tx, cancel);
    tokio::pin!(run);
    // The client closing its side is its cancel: it still reads how the run ended.
    let mut client_done = Box::pin(async move {
        // It sends nothing after its request: any read that ends is the close.
        let mut rest = Vec::new();
        let _ = protocol::read::<Request, _>(&mut read, &mut rest).await;
    });
    // Set when a reply could not be sent: nothing more goes to this client.
    let mut gone = false;
    let mut hung_up = false;
    let finished = loop {
        tokio::select! {
            finished = &mut run => break finished,
            Some(chunk) = rx.recv() => {
                for frame in Reply::output(&chunk) {
                    if !gone && send(&mut write, &frame).await.is_err() {
                        gone = true;
                        let _ = cancel_tx.send(true);
                    }
                }
            }
            () = &mut client_done, if !hung_up => {
                hung_up = true;
                let _ = cancel_tx.send(true);
            }
        }
    };
    if gone {
        return;
    }
    // Output sent before the end marker stays in order.
    while let Ok(chunk) = rx.try_recv() {
        for frame in Reply::output(&chunk) {
            if send(&mut write, &frame).await.is_err() {
                return;
            }
        }
    }
    let reply = match &finished {
        Ok(finished) => Reply::end(finished),
        Err(err) => Reply::error(err),
    };
    let _ = send(&mut write, &reply).await;
}

fn signal(kind: SignalKind) -> Option<Signal> {
    tokio::signal::unix::signal(kind).ok()
}

/// The next `signal`; never, when it could not be watched.
async fn recv(signal: &mut Option<Signal>) -> Option<()> {
    match signal {
        Some(signal) => signal.recv().await,
        None => std::future::pending().await,
    }
}

async fn send(write: &mut tokio::net::unix::OwnedWriteHalf, reply: &Reply) -> std::io::Result<()> {
    let line = protocol::encode(reply)?;
    match tokio::time::timeout(CLIENT_WAIT, write.write_all(&line)).await {
        Ok(written) => written,
        Err(_) => Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "the client stopped reading",
        )),
    }
}
