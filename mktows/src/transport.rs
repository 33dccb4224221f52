//! Moving request bytes to the service and response bytes back: the [`Transport`] trait (plug
//! your own, or a test double) and [`HttpTransport`] over reqwest (rustls, pooled connections,
//! timeouts, a response size limit).
//!
//! [`HttpTransport`] posts `text/xml; charset=UTF-8` with the `SOAPAction` header quoted, and
//! streams the answer's body under [`HttpConfig::max_response_bytes`] (64 MiB by default;
//! connect timeout 10 s, whole request 120 s). When `https://` meets a plain-HTTP server or
//! `http://` a TLS one, the connection error carries a hint saying which scheme to use.
//!
//! Redirects are never followed: a SOAP request carries its signature and the leads' data, and
//! re-sending it to wherever a `Location` header points (another host, a downgraded scheme)
//! would hand both to that place. A 3xx answer is [`Error::Redirected`], naming where it
//! pointed, and the endpoint should be set to the final address. Responses are not
//! decompressed (no `Accept-Encoding` is sent), so the size limit bounds the bytes read, and a
//! body is held in at most twice its size: one reservation when its length is declared, else
//! its chunks as they came, joined once.

use std::future::Future;
use std::time::Duration;

use crate::error::{Error, Outcome};

/// One SOAP request.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// The endpoint URL.
    pub url: String,
    /// The operation's SOAPAction (sent quoted, as SOAP 1.1 requires).
    pub soap_action: &'static str,
    /// The envelope.
    pub body: String,
}

/// One HTTP response, body complete.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// `Content-Type` header.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// Sends a request and returns the complete response. Implementations map their failures to
/// [`Error::Timeout`], [`Error::Connection`], [`Error::Truncated`] and [`Error::TooLarge`],
/// saying whether the request may have reached the server.
pub trait Transport: Send + Sync {
    /// Sends `request`.
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, Error>> + Send;
}

/// Settings of [`HttpTransport`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpConfig {
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for a whole request and response.
    pub request_timeout: Duration,
    /// Largest response body accepted.
    pub max_response_bytes: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(120),
            max_response_bytes: 64 * 1024 * 1024,
        }
    }
}

/// The reqwest transport: one connection pool per transport, rustls for TLS.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    config: HttpConfig,
}

impl HttpTransport {
    /// A transport with these settings.
    pub fn new(config: HttpConfig) -> Result<Self, Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .user_agent(concat!("mktows/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpTransport { client, config })
    }

    fn map_error(&self, url: &str, error: &reqwest::Error, sent: bool) -> Error {
        let outcome = if sent && !error.is_connect() {
            Outcome::Unknown
        } else {
            Outcome::NotSent
        };
        if error.is_timeout() {
            let phase = if error.is_connect() {
                "connect"
            } else {
                "request"
            };
            return Error::Timeout { phase, outcome };
        }
        let mut detail = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(s) = source {
            detail.push_str(": ");
            detail.push_str(&s.to_string());
            source = s.source();
        }
        detail.push_str(scheme_hint(url, &detail));
        Error::Connection {
            endpoint: url.to_owned(),
            outcome,
            detail,
        }
    }
}

impl Transport for HttpTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let limit = self.config.max_response_bytes;
        let mut response = self
            .client
            .post(&request.url)
            .header(reqwest::header::CONTENT_TYPE, "text/xml; charset=UTF-8")
            .header("SOAPAction", format!("\"{}\"", request.soap_action))
            .body(request.body)
            .send()
            .await
            .map_err(|e| self.map_error(&request.url, &e, true))?;
        let status = response.status().as_u16();
        if response.status().is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(location_without_query);
            return Err(Error::Redirected { status, location });
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let declared = response.content_length();
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(Error::TooLarge { status, limit });
        }
        let mut body = BodyBuffer::new(declared, limit);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Err(Error::TooLarge { status, limit });
                    }
                    body.push(chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Err(Error::Timeout {
                        phase: "request",
                        outcome: Outcome::Unknown,
                    });
                }
                Err(e) => {
                    return Err(Error::Truncated {
                        status,
                        received: body.len(),
                        detail: e.to_string(),
                    });
                }
            }
        }
        let body = body.finish();
        Ok(HttpResponse {
            status,
            content_type,
            body,
        })
    }
}

/// A `Location` header for messages: scheme, host and path, without the query string or
/// fragment (which may carry tokens).
fn location_without_query(location: &str) -> String {
    let end = location.find(['?', '#']).unwrap_or(location.len());
    location[..end].chars().take(200).collect()
}

/// A hint for the two scheme mix-ups whose raw errors say nothing useful: `https://` to a
/// plain-HTTP server (rustls reads an HTTP answer as a corrupt TLS record) and `http://` to a
/// TLS server (which closes, or answers with a TLS alert).
fn scheme_hint(url: &str, detail: &str) -> &'static str {
    if url.starts_with("https://")
        && (detail.contains("InvalidContentType") || detail.contains("corrupt message"))
    {
        " (the endpoint does not speak TLS: if it is plain HTTP, use http://)"
    } else if url.starts_with("http://")
        && (detail.contains("connection closed before message completed")
            || detail.contains("invalid HTTP version"))
    {
        " (if the endpoint speaks TLS, use https://)"
    } else {
        ""
    }
}

/// A response body being received: one exact reservation when the length is declared (already
/// checked against the limit), else the chunks as they came, joined once at the end. Either way
/// the memory held is at most twice the body, never a doubling buffer.
#[derive(Debug)]
struct BodyBuffer {
    reserved: Option<Vec<u8>>,
    chunks: Vec<bytes::Bytes>,
    len: usize,
}

impl BodyBuffer {
    /// A buffer for a body of `declared` bytes (if the response said), at most `limit`.
    fn new(declared: Option<u64>, limit: usize) -> BodyBuffer {
        BodyBuffer {
            reserved: declared.map(|n| Vec::with_capacity((n.min(limit as u64)) as usize)),
            chunks: Vec::new(),
            len: 0,
        }
    }

    /// Bytes received so far.
    fn len(&self) -> usize {
        self.len
    }

    /// Appends a chunk.
    fn push(&mut self, chunk: bytes::Bytes) {
        self.len += chunk.len();
        match &mut self.reserved {
            Some(v) => v.extend_from_slice(&chunk),
            None => self.chunks.push(chunk),
        }
    }

    /// The whole body.
    fn finish(self) -> Vec<u8> {
        if let Some(v) = self.reserved {
            return v;
        }
        let mut body = Vec::with_capacity(self.len);
        for chunk in &self.chunks {
            body.extend_from_slice(chunk);
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_buffer_never_holds_more_than_twice_the_body() {
        // Undeclared length: chunks joined once, capacity exact.
        let mut b = BodyBuffer::new(None, 1 << 20);
        for _ in 0..1000 {
            b.push(bytes::Bytes::from(vec![7u8; 1001]));
        }
        assert_eq!(b.len(), 1_001_000);
        let body = b.finish();
        assert_eq!(body.len(), 1_001_000);
        assert_eq!(body.capacity(), body.len());
        assert!(body.iter().all(|&x| x == 7));
        // Declared length: one reservation, no growth.
        let mut b = BodyBuffer::new(Some(5000), 1 << 20);
        for _ in 0..5 {
            b.push(bytes::Bytes::from(vec![1u8; 1000]));
        }
        let body = b.finish();
        assert_eq!((body.len(), body.capacity()), (5000, 5000));
        // A declared length above the limit reserves at most the limit.
        let b = BodyBuffer::new(Some(u64::MAX), 4096);
        assert!(b.reserved.as_ref().is_some_and(|v| v.capacity() < 8192));
    }
}
