//! Calling a service over HTTP(S) with any generated binding (feature `http`).
//!
//! [`HttpInvoker`] implements [`Invoke`], so the stub generated for a port sends every
//! operation with it: `FooStub::new(HttpInvoker::new(SERVICE_ADDRESS.unwrap())?)`. Each call
//! posts the request envelope of the operation's SOAP version (1.1: `text/xml` and a quoted
//! `SOAPAction` header; 1.2: `application/soap+xml` with an `action` parameter) and reads the
//! answer as the operation's output or a typed [`Fault`], whatever the HTTP status (SOAP 1.1
//! servers answer faults with HTTP 500).
//!
//! Choices:
//! - an answer is read up to [`HttpInvoker::max_response_bytes`] (64 MiB by default), then the
//!   call fails: memory stays bounded whatever the server sends;
//! - a call has a whole-call timeout (60 s by default) and a connect timeout (10 s);
//! - errors never show the endpoint's query string (reqwest puts the URL in its errors and an
//!   endpoint may carry a key), only its scheme, host and path;
//! - nothing is retried: [`CallError::sent`] tells whether the request may have reached the
//!   service (only an encode error or a failed connection means it did not), so the caller
//!   can decide; a fault answer is [`CallError::Fault`] whatever the HTTP status.

use std::time::Duration;

use crate::DecodeError;
use crate::envelope::{Invoke, Operation, Reply, decode_response, encode_request};
use crate::fault::Fault;
use crate::writer::EncodeError;

/// Largest answer read by default (bytes).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Why a call over HTTP gave no output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The request could not be written (nothing was sent).
    #[error("the request could not be written: {0}")]
    Encode(#[from] EncodeError),
    /// No connection could be made (nothing was sent).
    #[error("cannot connect to {endpoint}: {message}")]
    Connect {
        /// Scheme, host and path of the endpoint.
        endpoint: String,
        /// What went wrong.
        message: String,
    },
    /// The request was sent and no answer came back whole (reset, timeout, too large): the
    /// service may have carried it out.
    #[error("no usable answer from {endpoint}: {message}")]
    NoAnswer {
        /// Scheme, host and path of the endpoint.
        endpoint: String,
        /// What went wrong.
        message: String,
    },
    /// The service answered something other than a SOAP envelope (an error page, a proxy).
    #[error("HTTP {status} without a SOAP answer: {excerpt}")]
    NotSoap {
        /// HTTP status.
        status: u16,
        /// The start of the answer, printable.
        excerpt: String,
        /// Why it was not read as the operation's answer.
        reason: DecodeError,
    },
    /// The service answered a SOAP fault.
    #[error("SOAP fault {}: {}", .0.code, .0.string)]
    Fault(Box<Fault>),
}

impl CallError {
    /// True when the request may have reached the service (it may have been carried out).
    pub fn sent(&self) -> bool {
        !matches!(self, CallError::Encode(_) | CallError::Connect { .. })
    }

    /// The fault, when the service answered one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            CallError::Fault(fault) => Some(fault),
            _ => None,
        }
    }
}

/// Sends generated operations to one endpoint over HTTP(S). Cheap to clone; clones share
/// their connection pool.
#[derive(Debug, Clone)]
pub struct HttpInvoker {
    http: reqwest::Client,
    endpoint: String,
    shown: String,
    max_response_bytes: usize,
}

/// An endpoint as shown in errors: without its query string and user information.
fn shown(endpoint: &str) -> String {
    match reqwest::Url::parse(endpoint) {
        Ok(url) => {
            format!(
                "{}://{}{}",
                url.scheme(),
                url.host_str().unwrap_or(""),
                url.port().map(|p| format!(":{p}")).unwrap_or_default()
            ) + url.path()
        }
        Err(_) => "<endpoint>".to_owned(),
    }
}

/// The text of a reqwest error without the URL it names.
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "<endpoint>");
    }
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A short, printable start of an answer.
fn excerpt(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl HttpInvoker {
    /// An invoker for `endpoint` (`http://` or `https://`) with default timeouts.
    pub fn new(endpoint: impl Into<String>) -> Result<HttpInvoker, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()?;
        Ok(HttpInvoker::with_client(http, endpoint))
    }

    /// An invoker for `endpoint` over a configured client (proxies, TLS, timeouts).
    pub fn with_client(http: reqwest::Client, endpoint: impl Into<String>) -> HttpInvoker {
        let endpoint = endpoint.into();
        HttpInvoker {
            http,
            shown: shown(&endpoint),
            endpoint,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Sets the largest answer read, in bytes.
    pub fn max_response_bytes(mut self, bytes: usize) -> HttpInvoker {
        self.max_response_bytes = bytes;
        self
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Sends operation `O` and returns its whole answer: headers and body, or the fault.
    pub async fn call<O: Operation>(
        &self,
        headers: &O::InputHeaders,
        input: &O::Input,
    ) -> Result<Reply<O::OutputHeaders, O::Output>, CallError> {
        let body = encode_request::<O>(headers, input)?;
        let soap = O::INFO.soap;
        let mut request = self
            .http
            .post(&self.endpoint)
            .header("content-type", soap.content_type(O::INFO.soap_action));
        if let Some(action) = soap.soap_action_header(O::INFO.soap_action) {
            request = request.header("soapaction", action);
        }
        let mut answer = request.body(body).send().await.map_err(|e| {
            let message = without_url(&e);
            if e.is_connect() {
                CallError::Connect {
                    endpoint: self.shown.clone(),
                    message,
                }
            } else {
                CallError::NoAnswer {
                    endpoint: self.shown.clone(),
                    message,
                }
            }
        })?;
        let status = answer.status().as_u16();
        let mut bytes = Vec::new();
        loop {
            match answer.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > self.max_response_bytes {
                        return Err(CallError::NoAnswer {
                            endpoint: self.shown.clone(),
                            message: format!(
                                "the answer is larger than {} bytes",
                                self.max_response_bytes
                            ),
                        });
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(CallError::NoAnswer {
                        endpoint: self.shown.clone(),
                        message: format!("the answer was cut off: {}", without_url(&e)),
                    });
                }
            }
        }
        match decode_response::<O>(&bytes) {
            Ok(reply) => Ok(reply),
            Err(reason) => Err(CallError::NotSoap {
                status,
                excerpt: excerpt(&bytes),
                reason,
            }),
        }
    }
}

impl Invoke for HttpInvoker {
    type Error = CallError;

    async fn invoke<O: Operation>(
        &self,
        headers: O::InputHeaders,
        input: O::Input,
    ) -> Result<O::Output, CallError> {
        match self.call::<O>(&headers, &input).await? {
            Reply::Success(envelope) => Ok(envelope.body),
            Reply::Fault(fault) => Err(CallError::Fault(Box::new(fault))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_shown_without_query_or_user() {
        assert_eq!(
            shown("https://user:pw@example.com:8443/soap/svc?key=s3cret"),
            "https://example.com:8443/soap/svc"
        );
        assert_eq!(shown("http://127.0.0.1/x"), "http://127.0.0.1/x");
        assert_eq!(shown("not a url"), "<endpoint>");
    }
}
