//! How a [`super::Client`] is configured: endpoint and credentials (also from the `MKTOWS_*`
//! environment variables), retries, limits, batching, reconciliation and progress events.
//!
//! [`ClientConfig`] is built with `new` or `from_env` and builder methods; [`RetryPolicy`]
//! holds the retry rules and back-off, [`BreakerPolicy`] when the client stops sending to an
//! endpoint that does not answer; [`ClientEvent`]s reach an [`EventHook`] set with
//! [`ClientConfig::on_event`].

use std::time::Duration;

use chrono::TimeDelta;

use super::BreakerPolicy;
use crate::error::Error;
use crate::pacing::Limits;
use crate::signing::Credentials;

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
///
/// Retries end early when the client's circuit breaker opens ([`BreakerPolicy`]: after 30 s in
/// which every attempt of every call failed, by default): the next attempt fails at once, not
/// sent, and the call ends with it (or "may have been applied" if an earlier attempt may have
/// been).
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
    pub(super) fn delay(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    pub(super) fn connect_delay(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        self.connect_delay
            .saturating_mul(factor)
            .min(self.max_delay)
    }
}

/// How a [`super::Client`] talks to one Marketo instance.
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
    /// The circuit breaker shared by every call of the client.
    pub breaker: BreakerPolicy,
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
    /// The circuit breaker opened: the endpoint has refused connections or given no usable
    /// answer since `since`, for longer than [`BreakerPolicy::open_after`]; calls fail at once,
    /// not sent, until a probe gets an answer.
    EndpointUnreachable {
        /// Since when every attempt failed.
        since: chrono::DateTime<chrono::Utc>,
    },
    /// The endpoint answered a probe (or a call in flight): the circuit breaker closed.
    EndpointBack,
}

/// A callback for [`ClientEvent`]s; cheap to clone.
#[derive(Clone)]
pub struct EventHook(std::sync::Arc<dyn Fn(&ClientEvent) + Send + Sync>);

impl EventHook {
    pub(crate) fn emit(&self, event: &ClientEvent) {
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
            breaker: BreakerPolicy::default(),
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
    /// window, retrying, the endpoint found unreachable and back), from whichever task makes
    /// the call: keep it quick.
    pub fn on_event(mut self, hook: impl Fn(&ClientEvent) + Send + Sync + 'static) -> Self {
        self.events = Some(EventHook(std::sync::Arc::new(hook)));
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the circuit breaker's budget and probe interval.
    pub fn breaker(mut self, breaker: BreakerPolicy) -> Self {
        self.breaker = breaker;
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
