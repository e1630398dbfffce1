//! `notify: {webhook: URL}`: each incident event is posted to a chat webhook
//! (Slack-compatible `{"text": ...}`) through a bounded queue with retries.
//! It never blocks the console; what cannot be delivered is reported back.
//! Redirects are never followed: a 3xx is a failure like any other.

use crate::health::http_client::{HttpClient, HttpOptions};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Events waiting to be posted; beyond this they are dropped (and reported).
pub const QUEUE: usize = 256;
/// Attempts per event, with doubling backoff from `FIRST_BACKOFF`.
pub const ATTEMPTS: u32 = 3;
pub const FIRST_BACKOFF: Duration = Duration::from_millis(300);
const POST_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Notifier {
    queue: mpsc::Sender<String>,
    failures: mpsc::UnboundedSender<String>,
    /// Queued or being delivered, for `settle`.
    pending: Arc<AtomicUsize>,
}

impl Notifier {
    /// Starts the sender task on the current tokio runtime. Failures (after
    /// the retries, or a full queue) arrive on `failures` as one line each.
    pub fn start(url: String, failures: mpsc::UnboundedSender<String>) -> Result<Notifier, String> {
        let handle = tokio::runtime::Handle::try_current()
            .map_err(|_| "no runtime to post from".to_string())?;
        let client = HttpClient::without_redirects(&HttpOptions::default())?;
        let (queue, mut waiting) = mpsc::channel::<String>(QUEUE);
        let pending = Arc::new(AtomicUsize::new(0));
        let (report, done) = (failures.clone(), pending.clone());
        handle.spawn(async move {
            while let Some(text) = waiting.recv().await {
                if let Err(why) = deliver(&client, &url, &text).await {
                    let _ = report.send(format!("webhook: {why}"));
                }
                done.fetch_sub(1, Ordering::SeqCst);
            }
        });
        Ok(Notifier {
            queue,
            failures,
            pending,
        })
    }

    /// Waits (at most `within`) until everything queued was delivered or given
    /// up on: a short-lived `opsdeck exec` calls it before it exits.
    pub async fn settle(&self, within: Duration) {
        let deadline = Instant::now() + within;
        while self.pending.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Queues one line; never waits.
    pub fn send(&self, text: String) {
        self.pending.fetch_add(1, Ordering::SeqCst);
        if self.queue.try_send(text).is_err() {
            self.pending.fetch_sub(1, Ordering::SeqCst);
            let _ = self
                .failures
                .send("webhook: queue full, an event was not posted".into());
        }
    }
}

async fn deliver(client: &HttpClient, url: &str, text: &str) -> Result<(), String> {
    let body = serde_json::json!({ "text": text });
    let mut backoff = FIRST_BACKOFF;
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        match tokio::time::timeout(POST_TIMEOUT, client.post_json(url, &body)).await {
            Ok(Ok(status)) if (200..300).contains(&status) => return Ok(()),
            // Following it would post the event (and its secrets' context)
            // to an address nobody configured; retrying will not change it.
            Ok(Ok(status)) if (300..400).contains(&status) => {
                return Err(format!(
                    "HTTP {status} from {url}: a redirect, which a webhook never follows; set notify.webhook to the final address"
                ));
            }
            // A 4xx will not get better by retrying.
            Ok(Ok(status)) if (400..500).contains(&status) => {
                return Err(format!("HTTP {status} from {url}"));
            }
            Ok(Ok(status)) => last = format!("HTTP {status} from {url}"),
            Ok(Err(failure)) => last = failure.message,
            Err(_) => last = format!("no answer from {url} within {}s", POST_TIMEOUT.as_secs()),
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
    }
    Err(format!("{last} (after {ATTEMPTS} attempts)"))
}
