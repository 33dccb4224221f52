//! `mktows::Client`: signed requests for every operation over a [`Transport`], typed faults,
//! pacing under Marketo's limits, and retries that can never duplicate a lead.
//!
//! Layered like smithy-rs: a generated operation is data ([`Operation::INFO`]) handed to one
//! generic call path, [`Client::call`]. Each call:
//!
//! - waits its turn in the sliding window ([`crate::pacing`]) and for a free slot among
//!   `max_concurrent` calls in flight (a semaphore);
//! - is signed afresh on every attempt, and gets the `AuthenticationHeader` and the
//!   `MktowsContextHeader` (with a configured workspace) when the operation's binding declares
//!   them (`O::INFO.input_headers`) and the caller did not set them;
//! - is retried by the rules of [`RetryPolicy`]: throttling and 20016 always, a failure that
//!   may have been applied only for [`Idempotency::Idempotent`] requests (every read of the
//!   API is: the table is in `idempotency.rs`, and [`Client::api`] goes by it), a connection
//!   that could not be made on a short schedule of its own;
//! - goes through the client's circuit breaker (its state machine is in [`breaker`]'s docs):
//!   once the endpoint has given no usable answer for longer than
//!   [`BreakerPolicy::open_after`], calls fail at once with [`Error::EndpointUnreachable`]
//!   (not sent) without touching the network, except a probe every
//!   [`BreakerPolicy::probe_every`], until the endpoint answers again;
//! - ends with the most uncertain class of its attempts: a clean last failure after an
//!   attempt that may have been applied is [`Error::EarlierAttemptUncertain`];
//! - reports waiting for the window, retrying and the breaker opening and closing as
//!   [`ClientEvent`]s to
//!   [`ClientConfig::on_event`], and logs one `tracing` event per call (operation, bytes,
//!   duration, outcome), a warning per retry and per response read with unknown elements
//!   skipped (responses are read leniently, so a newer API version still parses).
//!
//! [`Client::dry_run`] builds the exact request without sending it; [`Client::api`] is the
//! generated stub over the client (it implements [`xml::Invoke`]).

pub mod breaker;
mod config;
mod idempotency;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

pub use self::breaker::BreakerPolicy;
use self::breaker::{Admission, Breaker, Transition};
pub use self::config::{
    ClientConfig, ClientEvent, ENV_ENCRYPTION_KEY, ENV_ENDPOINT, ENV_USER_ID, EventHook,
    RetryPolicy,
};
pub use self::idempotency::{Idempotency, READ_OPERATIONS};
pub use crate::pacing::Limits;
use crate::pacing::Pacer;

use crate::error::{Error, ErrorCode, Outcome, OutcomeClass, ServiceFault, excerpt};
use crate::operations::MktowsPortStub;
use crate::signing::sign;
use crate::transport::{HttpConfig, HttpRequest, HttpTransport, Transport};
use crate::types::MktowsContextHeaderInfo;
use crate::xml::{self, DecodeErrorKind, Headers, Invoke, Operation, Reply, XmlValue, XmlWriter};

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

/// A Marketo SOAP client. Cheap to share (`&Client` from many tasks); clone the `Arc` if needed.
#[derive(Debug)]
pub struct Client<T = HttpTransport> {
    config: ClientConfig,
    transport: T,
    pacer: Pacer,
    in_flight: Semaphore,
    breaker: Breaker,
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
        let pacer = Pacer::new(&config.limits);
        let in_flight = Semaphore::new(config.limits.max_concurrent.max(1));
        let breaker = Breaker::new(config.breaker.clone());
        Client {
            config,
            transport,
            pacer,
            in_flight,
            breaker,
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
    /// and when the outcome is unknown (timeout or connection lost after sending). Fails at
    /// once, not sent, while the circuit breaker is open (see the module docs).
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
                // The breaker is open (and everything else): not retried.
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
        let events = self.config.events.as_ref();
        // Refused at once while the breaker is open: no pacing slot, no connection.
        let mut admission = self.breaker.admit(&self.config.endpoint)?;
        let waited = self
            .pacer
            .wait_turn(|wait| {
                if let Some(events) = events {
                    events.emit(&ClientEvent::WaitingForWindow { wait });
                }
            })
            .await;
        if waited {
            if let Some(events) = events {
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
        // The breaker may have opened while this call waited for its turn.
        if admission == Admission::Send {
            admission = self.breaker.admit(&self.config.endpoint)?;
        }
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
        self.breaker_recorded(started, &result, admission);
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

    /// Tells the breaker what an attempt showed, and reports a change of state.
    fn breaker_recorded<R>(
        &self,
        started: Instant,
        result: &Result<R, Error>,
        admission: Admission,
    ) {
        let endpoint = &self.config.endpoint;
        let transition = self.breaker.record(started, result);
        if admission == Admission::Probe {
            let answered = matches!(breaker::verdict(result), breaker::Verdict::Answer);
            tracing::info!(endpoint = %endpoint, answered, "circuit breaker probe");
        }
        let event = match transition {
            None => return,
            Some(Transition::Opened(since)) => {
                tracing::warn!(
                    endpoint = %endpoint,
                    %since,
                    "endpoint unreachable: circuit breaker open, calls fail at once until a \
                     probe gets an answer"
                );
                ClientEvent::EndpointUnreachable { since }
            }
            Some(Transition::Closed) => {
                tracing::info!(
                    endpoint = %endpoint,
                    "endpoint answers again: circuit breaker closed"
                );
                ClientEvent::EndpointBack
            }
        };
        if let Some(events) = &self.config.events {
            events.emit(&event);
        }
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

    /// Sends reads as [`Idempotency::Idempotent`] (retried after any transient failure) and
    /// writes as [`Idempotency::NotIdempotent`] (only retries that cannot repeat an effect), by
    /// the table of [`Idempotency::of_operation`].
    async fn invoke<O: Operation>(
        &self,
        headers: O::InputHeaders,
        input: O::Input,
    ) -> Result<O::Output, Error> {
        self.call::<O>(&headers, &input, Idempotency::of_operation(O::INFO.name))
            .await
    }
}

/// Shares a client between tasks.
pub type SharedClient<T = HttpTransport> = Arc<Client<T>>;
