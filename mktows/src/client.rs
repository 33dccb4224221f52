//! `mktows::Client`: signed requests for every operation over a [`Transport`], typed faults,
//! pacing under Marketo's limits, and retries that can never duplicate a lead.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use tokio::sync::{Mutex, Semaphore};

use crate::error::{Error, ErrorCode, Outcome, OutcomeClass, ServiceFault, excerpt};
use crate::operations::MktowsPortStub;
use crate::signing::{Credentials, sign};
use crate::transport::{HttpConfig, HttpRequest, HttpTransport, Transport};
use crate::types::MktowsContextHeaderInfo;
use crate::xml::{self, DecodeErrorKind, Headers, Invoke, Operation, Reply, XmlValue, XmlWriter};

/// Environment variable naming the SOAP endpoint.
pub const ENV_ENDPOINT: &str = "MKTOWS_ENDPOINT";
/// Environment variable naming the SOAP user id.
pub const ENV_USER_ID: &str = "MKTOWS_USER_ID";
/// Environment variable holding the encryption key.
pub const ENV_ENCRYPTION_KEY: &str = "MKTOWS_ENCRYPTION_KEY";

/// When a failed call is sent again.
///
/// - Throttling (20023, 20024) and an expired signature (20016) are refused before any
///   processing: always resent, re-signed.
/// - A call that may have been applied (reset or timeout after writing, an unusable answer,
///   a 5xx page, an internal-error fault) is resent only when the request is idempotent
///   (deduplication on, or every lead keyed by Id or foreign id), never otherwise.
/// - A connection that could not be made wrote nothing: resent on its own schedule
///   (`connect_attempts`, from `connect_delay`), which starts short so a restarting server is
///   picked up within a fraction of a second.
///
/// The default pauses add up to more than Marketo's 20-second rate window: 1, 2, 4, 8 and
/// 16 s (31 s) after failures, 0.25 s doubling to 16 s (31.75 s) for refused connections.
/// Interactive tools may prefer fewer connection attempts (the `mktows get-lead` and `list`
/// commands use 3).
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Most attempts per call, the first included.
    pub max_attempts: u32,
    /// Pause before the first retry; doubled each time.
    pub base_delay: Duration,
    /// Longest pause.
    pub max_delay: Duration,
    /// Most attempts when the connection cannot be made, the first included.
    pub connect_attempts: u32,
    /// Pause before the first reconnection attempt; doubled each time.
    pub connect_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(20),
            connect_attempts: 8,
            connect_delay: Duration::from_millis(250),
        }
    }
}

impl RetryPolicy {
    fn delay(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    fn connect_delay(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        self.connect_delay
            .saturating_mul(factor)
            .min(self.max_delay)
    }
}

/// Marketo's limits, which the client stays under.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Most calls in flight at once (Marketo: 10).
    pub max_concurrent: usize,
    /// Most calls started per [`Self::window`] (Marketo: 100 per 20 s).
    pub calls_per_window: usize,
    /// The pacing window.
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_concurrent: 10,
            calls_per_window: 100,
            window: Duration::from_secs(20),
        }
    }
}

impl Limits {
    /// No pacing and no concurrency bound beyond `max_concurrent` (for a local server).
    pub fn unlimited(max_concurrent: usize) -> Self {
        Limits {
            max_concurrent,
            calls_per_window: usize::MAX,
            window: Duration::ZERO,
        }
    }
}

/// How a [`Client`] talks to one Marketo instance.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// SOAP endpoint, e.g. `https://123-ABC-456.mktoapi.com/soap/mktows/2_6`.
    pub endpoint: String,
    /// User id and encryption key.
    pub credentials: Credentials,
    /// Added to the local clock when signing (the server's lead over this machine).
    pub clock_offset: TimeDelta,
    /// Workspace sent in `MktowsContextHeader` to the operations that declare it.
    pub workspace: Option<String>,
    /// Retries.
    pub retry: RetryPolicy,
    /// Pacing and concurrency.
    pub limits: Limits,
    /// Leads per `syncMultipleLeads` call (Marketo: at most 300).
    pub batch_size: usize,
    /// After a `syncMultipleLeads` call ends "may have been applied", look its leads up and
    /// settle each as found or absent (default true; see [`crate::leads::Settled`]).
    pub reconcile: bool,
    /// Send once more the leads a lookup found absent after their call failed (default false:
    /// they are reported not sent, and the caller decides).
    pub resend_absent: bool,
    /// Called with what the client is doing when it is not simply sending: waiting for the
    /// rate window, retrying (for progress displays; see [`ClientConfig::on_event`]).
    pub events: Option<EventHook>,
}

/// Something the client does besides sending, reported to [`ClientConfig::on_event`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClientEvent {
    /// A call waits this long for Marketo's rate window (100 calls per 20 s) before it starts.
    WaitingForWindow {
        /// How long.
        wait: Duration,
    },
    /// A call failed and is sent again after `delay`.
    Retrying {
        /// The operation.
        operation: &'static str,
        /// The attempt that failed (1 for the first).
        attempt: u32,
        /// The pause before the next attempt.
        delay: Duration,
        /// Why the attempt failed.
        error: String,
    },
    /// A call is being sent (after a wait or a retry).
    Sending {
        /// The operation.
        operation: &'static str,
    },
}

/// A callback for [`ClientEvent`]s; cheap to clone.
#[derive(Clone)]
pub struct EventHook(std::sync::Arc<dyn Fn(&ClientEvent) + Send + Sync>);

impl EventHook {
    fn emit(&self, event: &ClientEvent) {
        (self.0)(event)
    }
}

impl std::fmt::Debug for EventHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventHook")
    }
}

impl ClientConfig {
    /// A configuration with Marketo's defaults.
    pub fn new(endpoint: impl Into<String>, credentials: Credentials) -> Self {
        ClientConfig {
            endpoint: endpoint.into(),
            credentials,
            clock_offset: TimeDelta::zero(),
            workspace: None,
            retry: RetryPolicy::default(),
            limits: Limits::default(),
            batch_size: 300,
            reconcile: true,
            resend_absent: false,
            events: None,
        }
    }

    /// Endpoint and credentials from `MKTOWS_ENDPOINT`, `MKTOWS_USER_ID` and
    /// `MKTOWS_ENCRYPTION_KEY`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Like [`Self::from_env`], reading variables through `lookup`.
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let var = |name: &str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| Error::Config(format!("{name} is not set")))
        };
        let endpoint = var(ENV_ENDPOINT)?;
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err(Error::Config(format!(
                "{ENV_ENDPOINT} is not an http(s) URL: {endpoint:?}"
            )));
        }
        let credentials = Credentials::new(var(ENV_USER_ID)?, var(ENV_ENCRYPTION_KEY)?);
        Ok(ClientConfig::new(endpoint, credentials))
    }

    /// Sets the workspace.
    pub fn workspace(mut self, workspace: impl Into<String>) -> Self {
        self.workspace = Some(workspace.into());
        self
    }

    /// Sets the clock offset.
    pub fn clock_offset(mut self, offset: TimeDelta) -> Self {
        self.clock_offset = offset;
        self
    }

    /// Whether to look up the leads of a call that ended "may have been applied" (default
    /// true).
    pub fn reconcile(mut self, reconcile: bool) -> Self {
        self.reconcile = reconcile;
        self
    }

    /// Whether leads found absent after their call failed are sent once more (default false).
    pub fn resend_absent(mut self, resend: bool) -> Self {
        self.resend_absent = resend;
        self
    }

    /// Calls `hook` with what the client is doing besides sending (waiting for the rate
    /// window, retrying), from whichever task makes the call: keep it quick.
    pub fn on_event(mut self, hook: impl Fn(&ClientEvent) + Send + Sync + 'static) -> Self {
        self.events = Some(EventHook(std::sync::Arc::new(hook)));
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets the batch size of `sync_multiple_leads` (1 to 300 makes sense for Marketo).
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size.max(1);
        self
    }
}

/// Whether a request may be sent again after its outcome became unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Sending it twice has the effect of sending it once (reads, keyed upserts).
    Idempotent,
    /// Sending it twice may create duplicates: never resent once it may have been applied.
    NotIdempotent,
}

/// A request as it would be sent, without sending it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRun {
    /// Endpoint.
    pub url: String,
    /// SOAPAction header value.
    pub soap_action: &'static str,
    /// The envelope bytes.
    pub body: String,
}

/// Starts of recent calls, to stay under `calls_per_window`.
#[derive(Debug)]
struct Pacer {
    starts: Mutex<VecDeque<tokio::time::Instant>>,
    limit: usize,
    window: Duration,
    events: Option<EventHook>,
}

impl Pacer {
    /// Waits until a call may start; true when it had to wait.
    async fn wait_turn(&self) -> bool {
        if self.limit == usize::MAX || self.window.is_zero() {
            return false;
        }
        let mut waited = false;
        // Held across the sleep: callers take turns in order.
        let mut starts = self.starts.lock().await;
        loop {
            let now = tokio::time::Instant::now();
            while starts
                .front()
                .is_some_and(|&t| now.duration_since(t) >= self.window)
            {
                starts.pop_front();
            }
            if starts.len() < self.limit {
                starts.push_back(now);
                return waited;
            }
            waited = true;
            let oldest = *starts.front().expect("full window is not empty");
            if let Some(events) = &self.events {
                let wait = (oldest + self.window).saturating_duration_since(now);
                events.emit(&ClientEvent::WaitingForWindow { wait });
            }
            tokio::time::sleep_until(oldest + self.window).await;
        }
    }
}

/// A Marketo SOAP client. Cheap to share (`&Client` from many tasks); clone the `Arc` if needed.
#[derive(Debug)]
pub struct Client<T = HttpTransport> {
    config: ClientConfig,
    transport: T,
    pacer: Pacer,
    in_flight: Semaphore,
}

impl Client<HttpTransport> {
    /// A client over HTTPS with default timeouts and size limit.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        Ok(Self::with_transport(
            config,
            HttpTransport::new(HttpConfig::default())?,
        ))
    }

    /// A client configured from the `MKTOWS_*` environment variables.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(ClientConfig::from_env()?)
    }
}

impl<T: Transport> Client<T> {
    /// A client over any transport.
    pub fn with_transport(config: ClientConfig, transport: T) -> Self {
        let pacer = Pacer {
            starts: Mutex::new(VecDeque::new()),
            limit: config.limits.calls_per_window.max(1),
            window: config.limits.window,
            events: config.events.clone(),
        };
        let in_flight = Semaphore::new(config.limits.max_concurrent.max(1));
        Client {
            config,
            transport,
            pacer,
            in_flight,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The typed stub: one async method per operation of the WSDL (`client.api().get_lead(...)`).
    /// Pass `Default::default()` headers: the client adds the signed `AuthenticationHeader`, and
    /// the `MktowsContextHeader` where the operation declares it and a workspace is configured.
    pub fn api(&self) -> MktowsPortStub<&Self> {
        MktowsPortStub::new(self)
    }

    /// The envelope of operation `O` with the headers the client adds, signed now.
    pub fn envelope<O: Operation>(
        &self,
        headers: &O::InputHeaders,
        input: &O::Input,
    ) -> Result<String, Error> {
        let auth = sign(&self.config.credentials, self.config.clock_offset);
        let context = self
            .config
            .workspace
            .as_ref()
            .map(|w| MktowsContextHeaderInfo {
                target_workspace: w.clone(),
            });
        let extra = |w: &mut XmlWriter| {
            for part in O::INFO.input_headers {
                if headers.has(&part.element) {
                    continue;
                }
                match part.element.local {
                    "AuthenticationHeader" => auth.write_element(w, &part.element),
                    "MktowsContextHeader" => {
                        if let Some(context) = &context {
                            context.write_element(w, &part.element);
                        }
                    }
                    _ => {}
                }
            }
        };
        Ok(xml::encode_request_with::<O>(headers, input, &extra, 4096)?)
    }

    /// Builds the exact request of operation `O` without sending it.
    pub fn dry_run<O: Operation>(
        &self,
        headers: &O::InputHeaders,
        input: &O::Input,
    ) -> Result<DryRun, Error> {
        Ok(DryRun {
            url: self.config.endpoint.clone(),
            soap_action: O::INFO.soap_action,
            body: self.envelope::<O>(headers, input)?,
        })
    }

    /// Calls operation `O`: paced, at most `max_concurrent` in flight, freshly signed on every
    /// attempt, retried with backoff on throttling (20023, 20024) and an expired signature
    /// (20016); for [`Idempotency::Idempotent`] requests also on server errors (10001, 20011)
    /// and when the outcome is unknown (timeout or connection lost after sending).
    pub async fn call<O: Operation>(
        &self,
        headers: &O::InputHeaders,
        input: &O::Input,
        idempotency: Idempotency,
    ) -> Result<O::Output, Error> {
        let mut attempt = 0;
        // The first attempt whose outcome is unknown: a later, cleaner failure must not hide it.
        let mut uncertain: Option<Error> = None;
        loop {
            attempt += 1;
            let result = self.attempt::<O>(headers, input).await;
            let policy = &self.config.retry;
            let (retry, delay) = match &result {
                Ok(_) => (false, Duration::ZERO),
                // Throttling and an expired signature are refused before any processing: safe
                // to resend (re-signed). A server-side internal error may have half-applied
                // the request: resent only when that cannot duplicate anything.
                Err(Error::Fault(fault)) => (
                    fault.code.is_some_and(|code| {
                        code.is_throttling()
                            || code == ErrorCode::RequestExpired
                            || (code.is_retryable() && idempotency == Idempotency::Idempotent)
                    }) && attempt < policy.max_attempts,
                    policy.delay(attempt - 1),
                ),
                Err(e) if e.class() == OutcomeClass::MayHaveBeenApplied => (
                    idempotency == Idempotency::Idempotent && attempt < policy.max_attempts,
                    policy.delay(attempt - 1),
                ),
                // Nothing was written: wait for a restarting server, briefly.
                Err(
                    Error::Connection {
                        outcome: Outcome::NotSent,
                        ..
                    }
                    | Error::Timeout {
                        outcome: Outcome::NotSent,
                        ..
                    },
                ) => (
                    attempt < policy.connect_attempts,
                    policy.connect_delay(attempt - 1),
                ),
                Err(_) => (false, Duration::ZERO),
            };
            if !retry {
                return match (result, uncertain) {
                    (Err(last), Some(earlier))
                        if last.class() != OutcomeClass::MayHaveBeenApplied =>
                    {
                        Err(Error::EarlierAttemptUncertain {
                            earlier: Box::new(earlier),
                            last: Box::new(last),
                        })
                    }
                    (result, _) => result,
                };
            }
            let error = result.err().expect("only failures are retried");
            tracing::warn!(
                operation = O::INFO.name,
                attempt,
                delay_ms = delay.as_millis() as u64,
                error = %error,
                "retrying"
            );
            if let Some(events) = &self.config.events {
                events.emit(&ClientEvent::Retrying {
                    operation: O::INFO.name,
                    attempt,
                    delay,
                    error: error.to_string(),
                });
            }
            if uncertain.is_none() && error.class() == OutcomeClass::MayHaveBeenApplied {
                uncertain = Some(error);
            }
            tokio::time::sleep(delay).await;
            if let Some(events) = &self.config.events {
                events.emit(&ClientEvent::Sending {
                    operation: O::INFO.name,
                });
            }
        }
    }

    async fn attempt<O: Operation>(
        &self,
        headers: &O::InputHeaders,
        input: &O::Input,
    ) -> Result<O::Output, Error> {
        if self.pacer.wait_turn().await {
            if let Some(events) = &self.config.events {
                events.emit(&ClientEvent::Sending {
                    operation: O::INFO.name,
                });
            }
        }
        let _permit = self
            .in_flight
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let body = self.envelope::<O>(headers, input)?;
        let bytes_out = body.len();
        let started = Instant::now();
        let request = HttpRequest {
            url: self.config.endpoint.clone(),
            soap_action: O::INFO.soap_action,
            body,
        };
        let result = match self.transport.send(request).await {
            Ok(response) => decode::<O>(response.status, response.content_type, &response.body)
                .map(|o| (o, response.body.len())),
            Err(e) => Err(e),
        };
        let duration_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok((_, bytes_in)) => {
                tracing::info!(
                    operation = O::INFO.name,
                    bytes_out,
                    bytes_in,
                    duration_ms,
                    outcome = "ok",
                    "call"
                )
            }
            Err(e) => {
                tracing::info!(operation = O::INFO.name, bytes_out, duration_ms, outcome = %e, "call")
            }
        }
        result.map(|(output, _)| output)
    }
}

/// Turns a complete HTTP response into the operation's output or a typed error.
fn decode<O: Operation>(
    status: u16,
    content_type: Option<String>,
    body: &[u8],
) -> Result<O::Output, Error> {
    let decoded = xml::decode_response_checked::<O>(body).map(|(reply, skipped)| {
        // Read leniently so a newer API version still parses, but never silently.
        if !skipped.is_empty() {
            tracing::warn!(
                operation = O::INFO.name,
                skipped = skipped.count,
                paths = ?skipped.paths,
                "response elements this API version does not know were skipped"
            );
        }
        reply
    });
    match decoded {
        Ok(Reply::Success(envelope)) if (200..300).contains(&status) => Ok(envelope.body),
        Ok(Reply::Success(_)) => Err(Error::NotSoap {
            status,
            content_type,
            excerpt: excerpt(body),
        }),
        Ok(Reply::Fault(fault)) => Err(Error::Fault(Box::new(ServiceFault::new(status, fault)))),
        Err(error) => {
            let starts_like_xml = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
            let html = body
                .iter()
                .take(256)
                .map(u8::to_ascii_lowercase)
                .collect::<Vec<_>>()
                .windows(5)
                .any(|w| w == b"<html" || w == b"<!doc");
            if !starts_like_xml || html {
                Err(Error::NotSoap {
                    status,
                    content_type,
                    excerpt: excerpt(body),
                })
            } else if error.kind == DecodeErrorKind::UnexpectedEof {
                Err(Error::Truncated {
                    status,
                    received: body.len(),
                    detail: error.to_string(),
                })
            } else {
                Err(Error::Decode { status, error })
            }
        }
    }
}

impl<T: Transport> Invoke for Client<T> {
    type Error = Error;

    /// Sends as [`Idempotency::NotIdempotent`]: only retries that cannot repeat an effect.
    async fn invoke<O: Operation>(
        &self,
        headers: O::InputHeaders,
        input: O::Input,
    ) -> Result<O::Output, Error> {
        self.call::<O>(&headers, &input, Idempotency::NotIdempotent)
            .await
    }
}

/// Shares a client between tasks.
pub type SharedClient<T = HttpTransport> = Arc<Client<T>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_from_variables_names_what_is_missing() {
        let vars = |set: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                set.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let err = ClientConfig::from_vars(vars(&[])).unwrap_err();
        assert_eq!(err.to_string(), "configuration: MKTOWS_ENDPOINT is not set");
        let err = ClientConfig::from_vars(vars(&[
            (ENV_ENDPOINT, "https://x/soap/mktows/2_6"),
            (ENV_USER_ID, "u"),
        ]))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "configuration: MKTOWS_ENCRYPTION_KEY is not set"
        );
        let err = ClientConfig::from_vars(vars(&[(ENV_ENDPOINT, "ftp://x")])).unwrap_err();
        assert!(err.to_string().contains("not an http(s) URL"));
        let config = ClientConfig::from_vars(vars(&[
            (ENV_ENDPOINT, "https://x/soap/mktows/2_6"),
            (ENV_USER_ID, "u"),
            (ENV_ENCRYPTION_KEY, "secret-key"),
        ]))
        .unwrap();
        assert_eq!(config.credentials.user_id, "u");
        assert!(!format!("{config:?}").contains("secret-key"));
    }

    #[tokio::test(start_paused = true)]
    async fn pacer_waits_for_the_window() {
        let pacer = Pacer {
            starts: Mutex::new(VecDeque::new()),
            limit: 2,
            window: Duration::from_secs(20),
            events: None,
        };
        let started = tokio::time::Instant::now();
        for _ in 0..5 {
            pacer.wait_turn().await;
        }
        // Calls 3-4 wait one window, call 5 a second one.
        assert_eq!(started.elapsed(), Duration::from_secs(40));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(0), Duration::from_secs(1));
        assert_eq!(policy.delay(1), Duration::from_secs(2));
        assert_eq!(policy.delay(10), Duration::from_secs(20));
        assert_eq!(policy.delay(1000), Duration::from_secs(20));
        // Throttling back-off outlasts Marketo's 20-second rate window.
        let total: Duration = (0..policy.max_attempts - 1).map(|r| policy.delay(r)).sum();
        assert_eq!(total, Duration::from_secs(31));
        // A refused connection too: 0.25 + 0.5 + ... + 16 s.
        let connect: Duration = (0..policy.connect_attempts - 1)
            .map(|r| policy.connect_delay(r))
            .sum();
        assert_eq!(connect, Duration::from_millis(31750));
    }
}
