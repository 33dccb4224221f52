//! Typed errors of a call: SOAP faults with Marketo's error codes, and every way the transport
//! or the response can fail. No variant ever holds the encryption key.
//!
//! - [`Error`]: one variant per way a call fails (a fault, encoding, decoding, an answer that
//!   is not SOAP, truncated or too large, a timeout, a connection failure, a redirect, an
//!   endpoint the circuit breaker holds unreachable, an earlier attempt left uncertain,
//!   statuses that do not match the leads, configuration).
//!   [`Error::class`] sorts each into an [`OutcomeClass`] (not sent / rejected / may have been
//!   applied; the rules are in its docs), the class retries and reports go by.
//! - [`ServiceFault`]: a fault with Marketo's conventions read out (HTTP status, [`ErrorCode`],
//!   the `serviceException` name and message).
//! - [`ErrorCode`]: every documented code, `Unknown(n)` for others, with
//!   [`ErrorCode::is_throttling`] and [`ErrorCode::is_retryable`].
//! - [`Outcome`]: whether a transport failure happened before the request was sent.
//! - [`marketo_fault`]: a fault shaped exactly as Marketo sends them, for the servers of the
//!   API.

use std::fmt;

use crate::xml::{DecodeError, EncodeError, Fault};

/// Most bytes of a response body quoted in an error.
pub const EXCERPT_BYTES: usize = 512;

/// Marketo's documented SOAP error codes (`shared/reference/error-codes.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 10001 Internal Error: severe system failure.
    InternalError,
    /// 20011 Internal Error: API service failure.
    ServiceInternalError,
    /// 20012 Request Not Understood.
    RequestNotUnderstood,
    /// 20013 Access Denied.
    AccessDenied,
    /// 20014 Authentication failed.
    AuthenticationFailed,
    /// 20015 Request Limit Exceeded (daily quota).
    RequestLimitExceeded,
    /// 20016 Request Expired (stale timestamp).
    RequestExpired,
    /// 20017 Invalid Request.
    InvalidRequest,
    /// 20019 Unsupported Operation.
    UnsupportedOperation,
    /// 20022 Time range in query filter exceeded limit.
    TimeRangeExceeded,
    /// 20023 Rate Limit Exceeded (100 calls per 20 s).
    RateLimitExceeded,
    /// 20024 Concurrency Limit Exceeded (10 concurrent calls).
    ConcurrencyLimitExceeded,
    /// 20101 Lead Key Required.
    LeadKeyRequired,
    /// 20102 Lead Key Bad.
    LeadKeyBad,
    /// 20103 Lead Not Found.
    LeadNotFound,
    /// 20104 Lead Detail Required.
    LeadDetailRequired,
    /// 20105 Lead Attribute Bad.
    LeadAttributeBad,
    /// 20106 Lead Sync Failed.
    LeadSyncFailed,
    /// 20107 Activity Key Bad.
    ActivityKeyBad,
    /// 20108 Lead Owner Not Found.
    LeadOwnerNotFound,
    /// 20109 Parameter Required.
    ParameterRequired,
    /// 20110 Bad Parameter.
    BadParameter,
    /// 20111 List Not Found.
    ListNotFound,
    /// 20113 Campaign Not Found.
    CampaignNotFound,
    /// 20114 Bad Parameter (value).
    BadParameterValue,
    /// 20122 Bad Stream Position.
    BadStreamPosition,
    /// 20123 Stream at End.
    StreamAtEnd,
    /// A code this table does not list.
    Unknown(u32),
}

const CODES: &[(u32, ErrorCode, &str)] = &[
    (10001, ErrorCode::InternalError, "Internal Error"),
    (20011, ErrorCode::ServiceInternalError, "Internal Error"),
    (
        20012,
        ErrorCode::RequestNotUnderstood,
        "Request Not Understood",
    ),
    (20013, ErrorCode::AccessDenied, "Access Denied"),
    (
        20014,
        ErrorCode::AuthenticationFailed,
        "Authentication failed",
    ),
    (
        20015,
        ErrorCode::RequestLimitExceeded,
        "Request Limit Exceeded",
    ),
    (20016, ErrorCode::RequestExpired, "Request Expired"),
    (20017, ErrorCode::InvalidRequest, "Invalid Request"),
    (
        20019,
        ErrorCode::UnsupportedOperation,
        "Unsupported Operation",
    ),
    (
        20022,
        ErrorCode::TimeRangeExceeded,
        "Time range specified in query filter exceeded limit",
    ),
    (20023, ErrorCode::RateLimitExceeded, "Rate Limit Exceeded"),
    (
        20024,
        ErrorCode::ConcurrencyLimitExceeded,
        "Concurrency Limit Exceeded",
    ),
    (20101, ErrorCode::LeadKeyRequired, "Lead Key Required"),
    (20102, ErrorCode::LeadKeyBad, "Lead Key Bad"),
    (20103, ErrorCode::LeadNotFound, "Lead Not Found"),
    (20104, ErrorCode::LeadDetailRequired, "Lead Detail Required"),
    (20105, ErrorCode::LeadAttributeBad, "Lead Attribute Bad"),
    (20106, ErrorCode::LeadSyncFailed, "Lead Sync Failed"),
    (20107, ErrorCode::ActivityKeyBad, "Activity Key Bad"),
    (20108, ErrorCode::LeadOwnerNotFound, "Lead Owner Not Found"),
    (20109, ErrorCode::ParameterRequired, "Parameter Required"),
    (20110, ErrorCode::BadParameter, "Bad Parameter"),
    (20111, ErrorCode::ListNotFound, "List Not Found"),
    (20113, ErrorCode::CampaignNotFound, "Campaign Not Found"),
    (20114, ErrorCode::BadParameterValue, "Bad Parameter"),
    (20122, ErrorCode::BadStreamPosition, "Bad Stream Position"),
    (20123, ErrorCode::StreamAtEnd, "Stream at End"),
];

impl ErrorCode {
    /// The code for a number.
    pub fn from_code(code: u32) -> ErrorCode {
        CODES
            .iter()
            .find(|(n, _, _)| *n == code)
            .map_or(ErrorCode::Unknown(code), |(_, c, _)| *c)
    }

    /// The number.
    pub fn code(self) -> u32 {
        match self {
            ErrorCode::Unknown(n) => n,
            known => CODES
                .iter()
                .find(|(_, c, _)| *c == known)
                .map_or(0, |(n, _, _)| *n),
        }
    }

    /// The documented title ("Rate Limit Exceeded").
    pub fn title(self) -> &'static str {
        CODES
            .iter()
            .find(|(_, c, _)| *c == self)
            .map_or("Unknown error", |(_, _, t)| t)
    }

    /// Throttling: the same request may be sent again after a pause (20023, 20024).
    pub fn is_throttling(self) -> bool {
        matches!(
            self,
            ErrorCode::RateLimitExceeded | ErrorCode::ConcurrencyLimitExceeded
        )
    }

    /// Worth retrying: throttling, a stale signature (re-signed on retry), or a server-side
    /// internal error. Authentication (20014), the daily quota (20015) and input errors are not.
    pub fn is_retryable(self) -> bool {
        self.is_throttling()
            || matches!(
                self,
                ErrorCode::RequestExpired
                    | ErrorCode::InternalError
                    | ErrorCode::ServiceInternalError
            )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.title())
    }
}

/// A SOAP fault returned by the service, with Marketo's `serviceException` read out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFault {
    /// HTTP status it came with (Marketo answers faults with 500).
    pub http_status: u16,
    /// The error code, from `detail/serviceException/code`, else the leading number of
    /// `faultstring`.
    pub code: Option<ErrorCode>,
    /// `detail/serviceException/name` (`mktServiceException`).
    pub name: Option<String>,
    /// `detail/serviceException/message`, e.g. `No lead found with EMAIL = x (20103)`.
    pub message: Option<String>,
    /// The whole SOAP fault.
    pub fault: Fault,
}

impl ServiceFault {
    /// Reads Marketo's conventions out of a SOAP fault.
    pub fn new(http_status: u16, fault: Fault) -> ServiceFault {
        let exception = fault.detail.iter().find(|d| d.name == "serviceException");
        let detail_code = exception
            .and_then(|e| e.field("code"))
            .and_then(|c| c.trim().parse::<u32>().ok());
        let leading_code = || {
            let digits: String = fault
                .string
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<u32>().ok()
        };
        ServiceFault {
            http_status,
            code: detail_code.or_else(leading_code).map(ErrorCode::from_code),
            name: exception.and_then(|e| e.field("name")).map(str::to_owned),
            message: exception
                .and_then(|e| e.field("message"))
                .map(str::to_owned),
            fault,
        }
    }

    /// True when sending the same request again may succeed.
    pub fn is_retryable(&self) -> bool {
        self.code.is_some_and(ErrorCode::is_retryable)
    }
}

impl fmt::Display for ServiceFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SOAP fault {}: {}", self.fault.code, self.fault.string)?;
        if let Some(message) = &self.message {
            write!(f, " ({message})")?;
        }
        Ok(())
    }
}

/// A fault shaped exactly as Marketo sends them: `SOAP-ENV:Client`, faultstring
/// `"<code> - <title>"`, and `detail/serviceException {name: mktServiceException,
/// message: "<message> (<code>)", code}`.
pub fn marketo_fault(code: u32, title: &str, message: &str) -> Fault {
    Fault {
        code: "SOAP-ENV:Client".into(),
        string: format!("{code} - {title}"),
        detail: vec![crate::xml::FaultDetail {
            namespace: Some(crate::NAMESPACE.into()),
            name: "serviceException".into(),
            fields: vec![
                ("name".into(), "mktServiceException".into()),
                ("message".into(), format!("{message} ({code})")),
                ("code".into(), code.to_string()),
            ],
            text: None,
        }],
        ..Fault::default()
    }
}

/// Whether a failed request may have been processed by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The request never reached the server (connect failure, refused).
    NotSent,
    /// The request was sent and no complete answer came back: it may have been applied.
    Unknown,
}

/// What a failed call may have done on the server: the class a caller decides a retry or a
/// report by. A lead's class is the most uncertain of all the attempts that carried it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutcomeClass {
    /// Provably nothing was written: the request never left (connection refused, DNS, TLS
    /// before sending, a value that cannot be encoded, missing configuration, the circuit
    /// breaker holding the endpoint unreachable).
    NotSent,
    /// The service answered that it did not apply the request: a SOAP fault that documents
    /// it (anything but an internal error), a redirect, or a 4xx page.
    Rejected,
    /// Anything else: a reset or timeout after the request was written, a truncated or
    /// unparsable answer, a 5xx without a SOAP fault, an internal-error fault (10001, 20011),
    /// statuses that do not match the leads sent. Re-sending it can duplicate a lead unless
    /// deduplication is on or every lead has a unique key.
    MayHaveBeenApplied,
}

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a SOAP fault.
    #[error("{0}")]
    Fault(Box<ServiceFault>),
    /// The request could not be written (a value XML cannot carry).
    #[error("cannot encode the request: {0}")]
    Encode(#[from] EncodeError),
    /// The response is XML but not a valid response of the operation.
    #[error("invalid response (HTTP {status}): {error}")]
    Decode {
        /// HTTP status.
        status: u16,
        /// Where and why.
        error: DecodeError,
    },
    /// The response is not XML at all (an HTML error page, plain text).
    #[error(
        "HTTP {status}: the response is not a SOAP message (content-type {content_type:?}): {excerpt:?}"
    )]
    NotSoap {
        /// HTTP status.
        status: u16,
        /// `Content-Type` header.
        content_type: Option<String>,
        /// The start of the body.
        excerpt: String,
    },
    /// The response body ended early (connection closed mid-body, or truncated XML).
    #[error("HTTP {status}: truncated response after {received} bytes: {detail}")]
    Truncated {
        /// HTTP status.
        status: u16,
        /// Bytes received.
        received: usize,
        /// What the reader said.
        detail: String,
    },
    /// The response is larger than the configured limit.
    #[error("HTTP {status}: response larger than the {limit}-byte limit")]
    TooLarge {
        /// HTTP status.
        status: u16,
        /// The limit.
        limit: usize,
    },
    /// No answer in time.
    #[error("timed out ({phase}); the request outcome is {outcome:?}")]
    Timeout {
        /// `connect` or `request`.
        phase: &'static str,
        /// Whether the server may have processed it.
        outcome: Outcome,
    },
    /// The connection failed or broke.
    #[error("connection to {endpoint} failed ({outcome:?}): {detail}")]
    Connection {
        /// The endpoint.
        endpoint: String,
        /// Whether the server may have processed the request.
        outcome: Outcome,
        /// The transport's message.
        detail: String,
    },
    /// The endpoint answered with a redirect (3xx), which is never followed: the signed request
    /// is not re-sent anywhere. The endpoint did not process the request.
    #[error(
        "HTTP {status}: the endpoint redirects{}; redirects are not followed (a signed request is never re-sent elsewhere): set the endpoint to the final address",
        location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default()
    )]
    Redirected {
        /// HTTP status (301, 302, 303, 307, 308).
        status: u16,
        /// Where it pointed (without query string).
        location: Option<String>,
    },
    /// The last attempt failed in a way that wrote nothing, but an earlier attempt of the same
    /// call may have been applied: the call as a whole may have been applied.
    #[error("{last} (an earlier attempt may have been applied: {earlier})")]
    EarlierAttemptUncertain {
        /// The earlier attempt's error.
        earlier: Box<Error>,
        /// The last attempt's error.
        last: Box<Error>,
    },
    /// Not sent: the client's circuit breaker is open because the endpoint refused connections
    /// or gave no usable answer for longer than its budget (see
    /// [`BreakerPolicy`](crate::client::BreakerPolicy)). Nothing was written by this call.
    #[error(
        "{endpoint} unreachable since {} UTC: the circuit breaker is open, this attempt was not sent (last failure: {last})",
        since.format("%H:%M:%S")
    )]
    EndpointUnreachable {
        /// The endpoint.
        endpoint: String,
        /// Since when every attempt failed.
        since: chrono::DateTime<chrono::Utc>,
        /// The last failure seen.
        last: String,
    },
    /// The response does not match the request (e.g. fewer statuses than leads sent).
    #[error("response does not match the request: {0}")]
    Mismatch(String),
    /// Missing or invalid configuration (endpoint, credentials).
    #[error("configuration: {0}")]
    Config(String),
}

impl Error {
    /// The service fault, if this is one.
    pub fn fault(&self) -> Option<&ServiceFault> {
        match self {
            Error::Fault(f) => Some(f),
            _ => None,
        }
    }

    /// The Marketo error code, if this is a fault that carries one.
    pub fn code(&self) -> Option<ErrorCode> {
        self.fault().and_then(|f| f.code)
    }

    /// True for throttling faults (20023, 20024): safe to resend after a pause.
    pub fn is_throttling(&self) -> bool {
        self.code().is_some_and(ErrorCode::is_throttling)
    }

    /// What the failed call may have done on the server.
    pub fn class(&self) -> OutcomeClass {
        match self {
            Error::Fault(fault) => match fault.code {
                Some(ErrorCode::InternalError | ErrorCode::ServiceInternalError) => {
                    OutcomeClass::MayHaveBeenApplied
                }
                _ => OutcomeClass::Rejected,
            },
            Error::Redirected { .. } => OutcomeClass::Rejected,
            Error::NotSoap { status, .. } if (400..500).contains(status) => OutcomeClass::Rejected,
            Error::Encode(_) | Error::Config(_) | Error::EndpointUnreachable { .. } => {
                OutcomeClass::NotSent
            }
            Error::Timeout {
                outcome: Outcome::NotSent,
                ..
            }
            | Error::Connection {
                outcome: Outcome::NotSent,
                ..
            } => OutcomeClass::NotSent,
            _ => OutcomeClass::MayHaveBeenApplied,
        }
    }

    /// Whether the server may have applied the request although the call failed.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            Error::Timeout {
                outcome: Outcome::Unknown,
                ..
            } | Error::Connection {
                outcome: Outcome::Unknown,
                ..
            } | Error::Truncated { .. }
                | Error::EarlierAttemptUncertain { .. }
        )
    }
}

/// The first bytes of a body as text, for error messages.
pub fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(EXCERPT_BYTES)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if body.len() > EXCERPT_BYTES {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_classify() {
        for (n, code, _) in CODES {
            assert_eq!(ErrorCode::from_code(*n), *code);
            assert_eq!(code.code(), *n);
        }
        assert_eq!(ErrorCode::from_code(29999), ErrorCode::Unknown(29999));
        assert!(ErrorCode::RateLimitExceeded.is_retryable());
        assert!(ErrorCode::ConcurrencyLimitExceeded.is_throttling());
        assert!(!ErrorCode::AuthenticationFailed.is_retryable());
        assert!(!ErrorCode::RequestLimitExceeded.is_retryable());
        assert!(!ErrorCode::LeadNotFound.is_retryable());
    }

    #[test]
    fn fault_code_from_detail_or_faultstring() {
        let fault = marketo_fault(20103, "Lead not found", "No lead found with EMAIL = x");
        let f = ServiceFault::new(500, fault.clone());
        assert_eq!(f.code, Some(ErrorCode::LeadNotFound));
        assert_eq!(
            f.message.as_deref(),
            Some("No lead found with EMAIL = x (20103)")
        );
        let bare = ServiceFault::new(
            500,
            Fault {
                detail: vec![],
                ..fault
            },
        );
        assert_eq!(bare.code, Some(ErrorCode::LeadNotFound));
        let none = ServiceFault::new(
            500,
            Fault {
                string: "Bad Request".into(),
                ..Fault::default()
            },
        );
        assert_eq!(none.code, None);
    }
}
