//! The bridge's Marketo REST client: OAuth client credentials against the identity endpoint
//! (one token cached and shared by concurrent calls, refreshed before `expires_in` runs out and
//! once more on 601/602), calls paced under Marketo's limits with the SOAP client's pacer
//! (`mktows::pacing`) plus a semaphore, 606/615 retried with exponential back-off, and every
//! failure classified by whether the request may have been applied. Secrets never reach
//! `Debug`, logs or errors. Each call is counted in the bridge's [`Metrics`] and logged at
//! debug level (target `mktows::rest`: method, endpoint with ids folded, outcome code, time),
//! inside the SOAP call's `request_id` span.
//!
//! **Reads are tried again after a transient failure; changes never are.** A read (a `GET`,
//! also when sent as `POST ?_method=GET` for a long query, or a `POST` with `_method=GET` and a
//! JSON body, as custom objects are read by compound key) answered HTTP 500, 502 or 503, or
//! `success: false` with Marketo's transient codes 604 (request timed out), 608 (API
//! temporarily unavailable), 611 (system error) or 713 (transient error), is sent again, up to
//! [`RestSettings::read_attempts`] times in all, after [`RestSettings::read_backoff`], doubled
//! before each further attempt (no jitter: the schedule is deterministic). A read changes
//! nothing, so sending it again cannot apply anything twice. A change (`POST`, `DELETE`, an
//! upload) that was sent is never sent again: its failure is reported as "may have been
//! applied" (or as REST's error), as before. Failures with no answer (reset, timeout, garbage)
//! are not retried: they may be slow to come, and the SOAP client can decide.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{Mutex, Semaphore};

use mktows::client::Limits;
use mktows::pacing::Pacer;
use mktows_server::CallContext;

use crate::metrics::{Metrics, TokenOutcome, failure_code};
use retry::{Failed, TRANSIENT_CODES, TRANSIENT_STATUSES};

mod message;
mod retry;

pub use message::{Answer, RestAnswer, RestRequest, error_code};

/// Largest REST answer read (bytes).
const MAX_ANSWER: usize = 32 * 1024 * 1024;

/// Longest URL sent as a GET (Marketo refuses more than 8 KB with HTTP 414); longer reads go as
/// `POST ...?_method=GET` with a form body.
const MAX_URL: usize = 7 * 1024;

/// Why a REST call did not give a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestError {
    /// Nothing reached Marketo (connection refused, DNS, TLS): nothing was applied.
    NotSent(String),
    /// The request was sent and no usable answer came back: it may have been applied.
    Unknown(String),
    /// Marketo answered `success: false` (the request was not carried out).
    Api {
        /// Marketo's code, e.g. `606`.
        code: u32,
        /// Marketo's message.
        message: String,
    },
    /// The identity endpoint refused the bridge's client credentials.
    Identity(String),
}

impl std::fmt::Display for RestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RestError::NotSent(e) => write!(f, "Marketo REST unreachable, nothing sent: {e}"),
            RestError::Unknown(e) => write!(f, "no usable answer from Marketo REST: {e}"),
            RestError::Api { code, message } => write!(f, "Marketo REST error {code}: {message}"),
            RestError::Identity(e) => write!(f, "Marketo REST identity: {e}"),
        }
    }
}

/// Where and how to reach Marketo REST.
#[derive(Clone)]
pub struct RestSettings {
    /// `https://<munchkin>.mktorest.com/rest`.
    pub rest_endpoint: String,
    /// `https://<munchkin>.mktorest.com/identity`.
    pub identity_endpoint: String,
    /// LaunchPoint client id.
    pub client_id: String,
    /// LaunchPoint client secret (never printed).
    pub client_secret: String,
    /// Pacing: calls per window and concurrent calls (Marketo: 100 / 20 s, 10).
    pub limits: Limits,
    /// Attempts for a call answered 606 or 615 (1: no retry).
    pub throttle_attempts: u32,
    /// First back-off after 606/615 (doubled each time).
    pub backoff: Duration,
    /// Attempts in all for a read that meets a transient failure (HTTP 500/502/503, REST
    /// 604/608/611/713; 1: no retry). Changes are never sent twice.
    pub read_attempts: u32,
    /// Wait before a read's second attempt, doubled before each further one.
    pub read_backoff: Duration,
    /// Whole-call timeout.
    pub timeout: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
}

impl std::fmt::Debug for RestSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestSettings")
            .field("rest_endpoint", &self.rest_endpoint)
            .field("identity_endpoint", &self.identity_endpoint)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("limits", &self.limits)
            .field("throttle_attempts", &self.throttle_attempts)
            .field("backoff", &self.backoff)
            .field("read_attempts", &self.read_attempts)
            .field("read_backoff", &self.read_backoff)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl RestSettings {
    /// Settings with Marketo's limits and default timeouts.
    pub fn new(
        rest_endpoint: impl Into<String>,
        identity_endpoint: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> RestSettings {
        RestSettings {
            rest_endpoint: rest_endpoint.into().trim_end_matches('/').to_owned(),
            identity_endpoint: identity_endpoint.into().trim_end_matches('/').to_owned(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            limits: Limits::default(),
            throttle_attempts: 5,
            backoff: Duration::from_millis(500),
            read_attempts: 3,
            read_backoff: Duration::from_millis(250),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

struct CachedToken {
    value: String,
    refresh_at: Instant,
}

/// The REST client.
pub struct RestClient {
    settings: RestSettings,
    http: reqwest::Client,
    token: Mutex<Option<CachedToken>>,
    pacer: Pacer,
    in_flight: Semaphore,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for RestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestClient")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// A short, printable excerpt of an unexpected answer.
fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(120)]);
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl RestClient {
    /// A client for `settings`.
    pub fn new(settings: RestSettings) -> Result<RestClient, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(RestClient {
            pacer: Pacer::new(&settings.limits),
            in_flight: Semaphore::new(settings.limits.max_concurrent.max(1)),
            settings,
            http,
            token: Mutex::new(None),
            metrics: Arc::new(Metrics::new()),
        })
    }

    /// The metrics of this client's calls (and of the SOAP calls of the bridge around it).
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Asks the identity endpoint for a new token now, even with one cached (a readiness
    /// check): Ok when one was given. Marketo answers a client that already holds a valid
    /// token with that same token, so calls holding it are not disturbed.
    pub async fn renew_token(&self, cx: &CallContext) -> Result<(), RestError> {
        *self.token.lock().await = None;
        self.token(cx).await.map(|_| ())
    }

    /// A valid access token: the cached one, or a new one from the identity endpoint.
    async fn token(&self, cx: &CallContext) -> Result<String, RestError> {
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(token.value.clone());
        }
        let url = format!(
            "{}/oauth/token?{}",
            self.settings.identity_endpoint,
            form_urlencoded::Serializer::new(String::new())
                .append_pair("grant_type", "client_credentials")
                .append_pair("client_id", &self.settings.client_id)
                .append_pair("client_secret", &self.settings.client_secret)
                .finish()
        );
        cx.count_rest_call();
        let outcome = TokenOutcome::new(&self.metrics);
        let answer = self.http.get(&url).send().await.map_err(|e| {
            // reqwest's error text includes the URL, which holds the secret: never pass it on.
            let kind = if e.is_connect() {
                "cannot connect"
            } else if e.is_timeout() {
                "timed out"
            } else {
                "request failed"
            };
            RestError::Identity(format!("{kind} ({})", self.settings.identity_endpoint))
        })?;
        let status = answer.status();
        let bytes = answer
            .bytes()
            .await
            .map_err(|_| RestError::Identity("the answer was cut off".into()))?;
        if !status.is_success() {
            return Err(RestError::Identity(format!(
                "HTTP {status}: the client id or secret was refused"
            )));
        }
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|_| RestError::Identity(format!("not a token answer: {}", excerpt(&bytes))))?;
        let Some(token) = value.get("access_token").and_then(Value::as_str) else {
            return Err(RestError::Identity("no access_token in the answer".into()));
        };
        let expires_in = value.get("expires_in").and_then(Value::as_u64).unwrap_or(0);
        // Renew a little before the end: a tenth of the life, at most a minute.
        let margin = (expires_in / 10).min(60);
        *cached = Some(CachedToken {
            value: token.to_owned(),
            refresh_at: Instant::now() + Duration::from_secs(expires_in - margin),
        });
        outcome.ok();
        tracing::debug!(target: "mktows::bridge", expires_in, "new REST access token");
        Ok(token.to_owned())
    }

    /// Waits for a turn in Marketo's rate window (logged when it has to wait).
    async fn pace(&self) {
        self.pacer
            .wait_turn(|wait| {
                self.metrics.pacing_wait(wait);
                tracing::info!(target: "mktows::bridge", ?wait, "waiting for the REST rate window");
            })
            .await;
    }

    /// Forgets `token` if it is still the cached one (after 601/602).
    async fn forget(&self, token: &str) {
        let mut cached = self.token.lock().await;
        if cached.as_ref().is_some_and(|t| t.value == token) {
            *cached = None;
        }
    }

    /// Sends `request`; the `success: true` envelope, or why not.
    pub async fn call(&self, cx: &CallContext, request: &RestRequest) -> Result<Value, RestError> {
        self.call_as(cx, request).await
    }

    /// Sends `request`; the `success: true` envelope read as `A`, or why not. A read is sent
    /// again after a transient failure (see the module docs).
    pub async fn call_as<A: RestAnswer>(
        &self,
        cx: &CallContext,
        request: &RestRequest,
    ) -> Result<A, RestError> {
        self.retrying_reads(request, || self.call_once(cx, request))
            .await
    }

    /// One attempt at `request` (601/602 and 606/615 handled inside).
    async fn call_once<A: RestAnswer>(
        &self,
        cx: &CallContext,
        request: &RestRequest,
    ) -> Result<A, Failed> {
        let mut refreshed = false;
        let mut attempt = 1;
        loop {
            let token = self.token(cx).await?;
            let answer: A = {
                let _permit = self
                    .in_flight
                    .acquire()
                    .await
                    .map_err(|_| RestError::NotSent("shutting down".into()))?;
                self.pace().await;
                cx.count_rest_call();
                self.send_once(&token, request).await?
            };
            if answer.succeeded() {
                return Ok(answer);
            }
            let (code, message) = answer.first_error();
            match code {
                601 | 602 if !refreshed => {
                    refreshed = true;
                    self.forget(&token).await;
                }
                606 | 615 if attempt < self.settings.throttle_attempts => {
                    let delay = self.settings.backoff * 2u32.saturating_pow(attempt - 1);
                    self.metrics.backoff(code);
                    tracing::info!(target: "mktows::bridge", code, ?delay, "REST throttled; backing off");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                _ => {
                    return Err(Failed {
                        error: RestError::Api { code, message },
                        transient: TRANSIENT_CODES.contains(&code),
                    });
                }
            }
        }
    }

    /// Sends `request` once for a text answer (bulk `failures.json` is CSV).
    pub async fn call_text(
        &self,
        cx: &CallContext,
        request: &RestRequest,
    ) -> Result<String, RestError> {
        self.retrying_reads(request, || self.text_once(cx, request))
            .await
    }

    async fn text_once(&self, cx: &CallContext, request: &RestRequest) -> Result<String, Failed> {
        let token = self.token(cx).await?;
        let _permit = self
            .in_flight
            .acquire()
            .await
            .map_err(|_| RestError::NotSent("shutting down".into()))?;
        self.pace().await;
        cx.count_rest_call();
        let started = Instant::now();
        let bytes = self.send_raw(&token, request).await;
        self.metrics.rest_sent(
            request.method.as_str(),
            &request.path,
            started,
            &failure_code(bytes.as_ref().err().map(|failed| &failed.error)),
        );
        String::from_utf8(bytes?)
            .map_err(|_| RestError::Unknown("the answer is not UTF-8 text".into()).into())
    }

    async fn send_once<A: RestAnswer>(
        &self,
        token: &str,
        request: &RestRequest,
    ) -> Result<A, Failed> {
        let started = Instant::now();
        let answer = self.send_raw(token, request).await.and_then(|bytes| {
            // Only an object is Marketo's envelope (a typed answer would also take an array).
            let object = bytes.trim_ascii_start().first() == Some(&b'{');
            object
                .then(|| serde_json::from_slice::<A>(&bytes).ok())
                .flatten()
                .ok_or_else(|| {
                    RestError::Unknown(format!("not Marketo's JSON: {}", excerpt(&bytes))).into()
                })
        });
        let code = match &answer {
            Ok(a) if !a.succeeded() => a.first_error().0.to_string(),
            Ok(_) => failure_code(None),
            Err(failed) => failure_code(Some(&failed.error)),
        };
        self.metrics
            .rest_sent(request.method.as_str(), &request.path, started, &code);
        answer
    }

    /// The URL of a path: `/bulk/...` paths live beside `/rest` (Marketo's bulk API is not
    /// under it), every other path under the REST endpoint.
    fn url(&self, path: &str) -> String {
        let endpoint = self.settings.rest_endpoint.trim_end_matches('/');
        if path.starts_with("/bulk/") {
            format!(
                "{}{path}",
                endpoint.strip_suffix("/rest").unwrap_or(endpoint)
            )
        } else {
            format!("{endpoint}{path}")
        }
    }

    /// Sends `request` once: the body of a successful answer.
    async fn send_raw(&self, token: &str, request: &RestRequest) -> Result<Vec<u8>, Failed> {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&request.query)
            .finish();
        let base = self.url(&request.path);
        let long_get = request.method == reqwest::Method::GET && base.len() + query.len() > MAX_URL;
        let builder = if long_get {
            self.http
                .post(format!("{base}?_method=GET"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(query)
        } else {
            let url = if query.is_empty() {
                base
            } else {
                format!("{base}?{query}")
            };
            let builder = self.http.request(request.method.clone(), url);
            match (&request.file, &request.body) {
                (Some(file), _) => {
                    let part = reqwest::multipart::Part::bytes(file.clone())
                        .file_name("import.csv")
                        .mime_str("text/csv")
                        .map_err(|e| RestError::NotSent(e.to_string()))?;
                    builder.multipart(reqwest::multipart::Form::new().part("file", part))
                }
                (None, Some(body)) => builder
                    .header("content-type", "application/json")
                    .body(body.clone()),
                (None, None) => builder,
            }
        };
        let answer = builder
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let status = answer.status();
        let mut answer = answer;
        let mut bytes = Vec::new();
        loop {
            match answer.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_ANSWER {
                        return Err(RestError::Unknown("the answer is too large".into()).into());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(RestError::Unknown(format!(
                        "the answer was cut off: {}",
                        without_url(&e)
                    ))
                    .into());
                }
            }
        }
        if status.is_client_error() && status != reqwest::StatusCode::REQUEST_TIMEOUT {
            // 413/414 and the like: refused before it was carried out.
            return Err(RestError::Api {
                code: u32::from(status.as_u16()),
                message: format!("HTTP {status}: {}", excerpt(&bytes)),
            }
            .into());
        }
        if !status.is_success() {
            return Err(Failed {
                error: RestError::Unknown(format!("HTTP {status}: {}", excerpt(&bytes))),
                transient: TRANSIENT_STATUSES.contains(&status.as_u16()),
            });
        }
        Ok(bytes)
    }
}

/// An error's text without its URL (which may carry query values).
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "<url>");
    }
    text
}

/// Connection failures before anything was written are "not sent"; everything else is unknown.
fn classify(e: &reqwest::Error) -> RestError {
    if e.is_connect() {
        RestError::NotSent(without_url(e))
    } else if e.is_timeout() {
        RestError::Unknown(format!("timed out: {}", without_url(e)))
    } else {
        RestError::Unknown(without_url(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug() {
        let settings =
            RestSettings::new("https://x/rest", "https://x/identity", "id", "s3cr3t-value");
        let shown = format!("{settings:?}");
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        let client = RestClient::new(settings).unwrap();
        assert!(!format!("{client:?}").contains("s3cr3t-value"));
    }

    #[test]
    fn unexpected_answers_are_shown_briefly_and_printably() {
        let long = format!("<html>\n{}</html>", "x".repeat(500));
        let shown = excerpt(long.as_bytes());
        assert!(shown.len() <= 120 && !shown.contains('\n'));
    }
}
