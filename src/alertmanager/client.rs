//! Talking to Alertmanager's v2 API: every answer bounded in bytes and time.

use std::time::Duration;

/// Answers are read up to this many bytes; a longer one is an error, never buffered.
pub const MAX_BODY: usize = 4 << 20;
/// One request, connection to last byte.
pub const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

pub struct Client {
    base: url::Url,
    http: reqwest::Client,
    timeout: Duration,
}

impl Client {
    /// `url` is Alertmanager's base (`http://alertmanager:9093`).
    pub fn new(url: &str) -> Result<Client, String> {
        Client::with_timeout(url, TIMEOUT)
    }

    /// Like `new`, with `timeout` for each request (connect included).
    pub fn with_timeout(url: &str, timeout: Duration) -> Result<Client, String> {
        let base = url::Url::parse(url.trim()).map_err(|err| {
            format!("`{}` is not a URL ({err}); give Alertmanager's base URL, e.g. http://alertmanager:9093", super::model::clean(url, 200))
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(format!(
                "`{}` is not an http(s) URL; give Alertmanager's base URL, e.g. http://alertmanager:9093",
                super::model::clean(url, 200)
            ));
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(concat!("opsdeck/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            .build()
            .map_err(|err| format!("cannot set up HTTP: {err}"))?;
        Ok(Client {
            base,
            http,
            timeout,
        })
    }

    /// The base URL without credentials, for messages.
    pub fn shown(&self) -> String {
        let mut shown = self.base.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        shown.to_string()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.as_str().trim_end_matches('/'))
    }

    pub async fn get(&self, path: &str) -> Result<Vec<u8>, String> {
        self.send(self.http.get(self.url(path)), "GET", path).await
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Result<Vec<u8>, String> {
        let request = self
            .http
            .post(self.url(path))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        self.send(request, "POST", path).await
    }

    pub async fn delete(&self, path: &str) -> Result<Vec<u8>, String> {
        self.send(self.http.delete(self.url(path)), "DELETE", path)
            .await
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        method: &str,
        path: &str,
    ) -> Result<Vec<u8>, String> {
        let at = format!("{method} {}{path}", self.shown().trim_end_matches('/'));
        let mut response = request.send().await.map_err(|err| {
            // The URL may carry credentials: the message names `shown()` instead.
            let err = err.without_url();
            let why = if err.is_timeout() {
                format!("no answer within {} s", self.timeout.as_secs_f32())
            } else if err.is_connect() {
                "cannot connect".to_string()
            } else {
                super::model::clean(&crate::terminal_text::error_chain(&err), 300)
            };
            format!("{at}: {why}; is Alertmanager running there? (--alertmanager, OPSDECK_ALERTMANAGER_URL or `alertmanager:` in the config file)")
        })?;
        let status = response.status();
        let mut body = Vec::new();
        loop {
            let chunk = response.chunk().await.map_err(|err| {
                let why = if err.is_timeout() {
                    "the answer did not end in time".to_string()
                } else {
                    super::model::clean(&err.to_string(), 300)
                };
                format!("{at}: {why}")
            })?;
            let Some(chunk) = chunk else { break };
            if body.len() + chunk.len() > MAX_BODY {
                return Err(format!(
                    "{at}: the answer is larger than {} MiB, more than any Alertmanager sends; refused",
                    MAX_BODY >> 20
                ));
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            let text =
                super::model::clean(&String::from_utf8_lossy(&body[..body.len().min(400)]), 200);
            return Err(format!("{at}: HTTP {}: {text}", status.as_u16()));
        }
        Ok(body)
    }
}

/// `--alertmanager`, else `OPSDECK_ALERTMANAGER_URL`, else the config
/// file's `alertmanager:` (read by the caller, which owns the config).
pub fn resolve_url(flag: Option<&str>, configured: Option<String>) -> Result<String, String> {
    if let Some(url) = flag.filter(|u| !u.trim().is_empty()) {
        return Ok(url.to_string());
    }
    if let Ok(url) = std::env::var("OPSDECK_ALERTMANAGER_URL")
        && !url.trim().is_empty()
    {
        return Ok(url);
    }
    match configured {
        Some(url) => Ok(url),
        None => Err("no Alertmanager to ask: give --alertmanager URL, set OPSDECK_ALERTMANAGER_URL, or put `alertmanager: URL` in the config file".into()),
    }
}
