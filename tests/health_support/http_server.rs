//! A small real HTTP/1.1 server on 127.0.0.1 for probe tests and the
//! benchmark: a thread per connection, keep-alive, optional TLS, and
//! answers chosen per request by the test (including hostile ones).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Hostile answers never last longer than this, whatever the test does.
const MAX_HOLD: Duration = Duration::from_secs(60);
const MAX_HEAD: usize = 64 * 1024;

/// What the server does with one request.
pub enum Reply {
    /// Status, extra headers, body.
    Full(u16, Vec<(String, String)>, Vec<u8>),
    /// Wait, then answer.
    After(Duration, Box<Reply>),
    /// Read the request, never answer (until the server stops).
    Hang,
    /// A body of `bytes` bytes announced in full and sent in chunks.
    Huge(usize),
}

impl Reply {
    pub fn text(status: u16, body: &str) -> Reply {
        Reply::Full(status, Vec::new(), body.as_bytes().to_vec())
    }

    pub fn json(body: &str) -> Reply {
        Reply::Full(
            200,
            vec![("Content-Type".into(), "application/json".into())],
            body.as_bytes().to_vec(),
        )
    }

    pub fn redirect(to: &str) -> Reply {
        Reply::Full(302, vec![("Location".into(), to.into())], Vec::new())
    }
}

/// The request line's path with its query (`/api/v1/query?query=up`).
pub type Handler = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

pub struct TestServer {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicUsize>,
}

impl TestServer {
    pub fn start(handler: impl Fn(&str) -> Reply + Send + Sync + 'static) -> TestServer {
        TestServer::spawn(Arc::new(handler), None)
    }

    /// Serves TLS with the given certificate chain and PKCS#8 key.
    pub fn start_tls(
        handler: impl Fn(&str) -> Reply + Send + Sync + 'static,
        chain: Vec<Vec<u8>>,
        key: Vec<u8>,
    ) -> TestServer {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let certs = chain
            .into_iter()
            .map(rustls::pki_types::CertificateDer::from)
            .collect();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.into());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("test certificate");
        TestServer::spawn(Arc::new(handler), Some(Arc::new(config)))
    }

    fn spawn(handler: Handler, tls: Option<Arc<rustls::ServerConfig>>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let (stop_flag, counter) = (stop.clone(), requests.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (handler, stop, counter, tls) = (
                    handler.clone(),
                    stop_flag.clone(),
                    counter.clone(),
                    tls.clone(),
                );
                thread::spawn(move || serve(stream, handler, stop, counter, tls));
            }
        });
        TestServer {
            addr,
            stop,
            requests,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn https_url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so its thread sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

fn serve(
    stream: TcpStream,
    handler: Handler,
    stop: Arc<AtomicBool>,
    counter: Arc<AtomicUsize>,
    tls: Option<Arc<rustls::ServerConfig>>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let _ = stream.set_nodelay(true);
    match tls {
        None => connection(stream, &handler, &stop, &counter),
        Some(config) => {
            let Ok(session) = rustls::ServerConnection::new(config) else {
                return;
            };
            let tls_stream = rustls::StreamOwned::new(session, stream);
            connection(tls_stream, &handler, &stop, &counter);
        }
    }
}

/// Answers requests on one keep-alive connection until it closes or the server stops.
fn connection(
    mut stream: impl Read + Write,
    handler: &Handler,
    stop: &AtomicBool,
    counter: &AtomicUsize,
) {
    let mut buffer = Vec::new();
    let opened = Instant::now();
    while !stop.load(Ordering::SeqCst) && opened.elapsed() < MAX_HOLD * 10 {
        let Some(path) = read_request(&mut stream, &mut buffer, stop) else {
            return;
        };
        counter.fetch_add(1, Ordering::SeqCst);
        if !answer(&mut stream, handler(&path), stop) {
            return;
        }
    }
}

/// The path of the next request, consuming its head from `buffer`.
fn read_request(stream: &mut impl Read, buffer: &mut Vec<u8>, stop: &AtomicBool) -> Option<String> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            buffer.drain(..end + 4);
            let path = head.split_whitespace().nth(1)?.to_string();
            return Some(path);
        }
        if buffer.len() > MAX_HEAD || stop.load(Ordering::SeqCst) {
            return None;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return None,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return None,
        }
    }
}

/// Writes one reply; false when the connection is done.
fn answer(stream: &mut impl Write, reply: Reply, stop: &AtomicBool) -> bool {
    match reply {
        Reply::Full(status, headers, body) => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\n",
                reason(status),
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).is_ok()
                && stream.write_all(&body).is_ok()
                && stream.flush().is_ok()
        }
        Reply::After(wait, reply) => {
            hold(wait, stop);
            answer(stream, *reply, stop)
        }
        Reply::Hang => {
            hold(MAX_HOLD, stop);
            false
        }
        Reply::Huge(bytes) => {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {bytes}\r\n\r\n");
            if stream.write_all(head.as_bytes()).is_err() {
                return false;
            }
            let block = vec![b'x'; 64 * 1024];
            let mut sent = 0;
            while sent < bytes && !stop.load(Ordering::SeqCst) {
                let n = block.len().min(bytes - sent);
                if stream.write_all(&block[..n]).is_err() {
                    return false;
                }
                sent += n;
            }
            stream.flush().is_ok()
        }
    }
}

/// Sleeps up to `wait`, waking early when the server stops.
fn hold(wait: Duration, stop: &AtomicBool) {
    let until = Instant::now() + wait.min(MAX_HOLD);
    while Instant::now() < until && !stop.load(Ordering::SeqCst) {
        thread::sleep(
            Duration::from_millis(20).min(until.saturating_duration_since(Instant::now())),
        );
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
