//! The SOAP server face shared by `mktows sandbox` and `mktows bridge`: it speaks
//! Marketo's SOAP API exactly as Marketo did — authentication (HMAC-SHA1 over the received
//! timestamp text and user id, verified in constant time; faults 20014 and 20016), opt-in
//! limits (20023, 20024, 20015), faults shaped like Marketo's — and hands each typed request to
//! a [`Backend`]. The sandbox's store is one back end (`mktows_sandbox`), Marketo's REST API
//! the other (`mktows_bridge`).
//!
//! HTTP (in [`http`]): `POST` SOAP 1.1 and `GET ?WSDL` at `/soap/mktows/<version>`, with the
//! WSDL's `soap:address` taken from the request's `Host` (or `X-Forwarded-Host` and
//! `X-Forwarded-Proto`); header and body read timeouts and a connection cap.
//!
//! Choices where Marketo is undocumented:
//! - a request body over the HTTP server's limit ([`http::ServeOptions::max_body`], 16 MiB by
//!   default) is fault 20012 "Request Not Understood" (HTTP 500, [`body_too_large`]), so a SOAP
//!   client reads a fault code, not a transport error; the body is not read past the limit (a
//!   declared `Content-Length` over it, not at all) and the connection is closed after the
//!   answer. Marketo documents no code for it; 20012, "Unexpected SOAP Message", is the closest;
//! - a SOAP 1.2 envelope is answered with a SOAP 1.1 `VersionMismatch` fault (HTTP 500);
//! - a request that is not a well-formed SOAP 1.1 message of the API, or that breaks the
//!   schema, is fault 20012 "Request Not Understood";
//! - a body element that is no operation's request (an operation the WSDL does not define:
//!   `paramsGetNothing`, or a global element such as `successGetLead` sent as a request) is
//!   fault 20019 "Unsupported Operation", Marketo's code for "Operation invoked is not defined
//!   in the Marketo API WSDL". An element the WSDL does not know at all is refused before
//!   authentication, as its envelope cannot be read (nothing is carried out and nothing but
//!   the public WSDL is revealed); a known element that is no request, after it;
//! - the concurrency limit counts calls being answered, authenticated or not;
//! - requests are read strictly: an element the operation's schema does not have at its place
//!   is fault 20012 naming the element and its path (an unqualified local element written in
//!   Marketo's namespace, as JAX-WS does, is the element it names); headers outside the
//!   binding (WS-Addressing, ...) are ignored. Marketo itself ignored unknown elements (a real
//!   captured `syncLead` with `foreignSysPersonId`, which the schema spells
//!   `ForeignSysPersonId`, succeeded): the sandbox refuses them so that nothing a client sends
//!   is dropped without a word;
//! - an empty optional typed value is absent: `<latestCreatedAt/>` (no content, no `xsi:nil`)
//!   of an element the WSDL declares optional and single, of a non-string simple type, is read
//!   as if it were not sent, as Marketo did (its `getLeadActivity` example sends one). This is
//!   a rule of the Front's reading (`lenient.rs`), not of the runtime, so typed values stay
//!   strict everywhere else; an empty required value or list item is still fault 20012;
//! - a binding header sent with `xsi:nil="true"` is absent: JAX-WS writes a `null` header
//!   parameter (no `MktowsContextHeader`) so, and refusing it would fail every such client;
//! - a `SOAPAction` that names another operation than the body element is not checked: the
//!   body element decides, as it carries the parameters (Marketo documents no check).

mod backend;
pub mod http;
mod lenient;
pub mod marketo;

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;

pub use backend::{Backend, BackendFault, BackendResult, CallContext};

use mktows::elements::AnyElement;
use mktows::error::ErrorCode;
use mktows::types::AuthenticationHeaderInfo;
use mktows::xml::{self, AnyBody, Operation};

/// An HTTP answer: status and body.
pub type Answer = (u16, String);

/// SOAP 1.2's envelope namespace (answered with `VersionMismatch`).
const SOAP12_ENV: &str = "http://www.w3.org/2003/05/soap-envelope";

/// Opt-in limits, to let apps test their throttling.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// At most `.0` calls per `.1` (Marketo: 100 per 20 s) → fault 20023.
    pub rate: Option<(usize, Duration)>,
    /// At most this many calls in flight (Marketo: 10) → fault 20024.
    pub concurrency: Option<usize>,
    /// At most this many calls per day (Marketo's default: 10,000) → fault 20015.
    pub daily_quota: Option<u64>,
}

impl Limits {
    /// Marketo's documented limits.
    pub fn marketo() -> Self {
        Limits {
            rate: Some((100, Duration::from_secs(20))),
            concurrency: Some(10),
            daily_quota: Some(10_000),
        }
    }
}

/// Who may call and how strictly.
#[derive(Clone)]
pub struct FrontConfig {
    /// Accepted users: (user id, encryption key).
    pub users: Vec<(String, String)>,
    /// Accepted distance between a request's timestamp and this server's clock.
    pub time_window: Duration,
    /// Limits.
    pub limits: Limits,
}

impl std::fmt::Debug for FrontConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let users: Vec<&str> = self.users.iter().map(|(u, _)| u.as_str()).collect();
        f.debug_struct("FrontConfig")
            .field("users", &users)
            .field("encryption_keys", &"<redacted>")
            .field("time_window", &self.time_window)
            .field("limits", &self.limits)
            .finish()
    }
}

/// The SOAP front over one back end.
pub struct Front {
    config: FrontConfig,
    backend: std::sync::Arc<dyn Backend>,
    calls: Mutex<VecDeque<Instant>>,
    daily: Mutex<(NaiveDate, u64)>,
    in_flight: AtomicUsize,
}

/// A Marketo fault as an HTTP answer.
pub fn fault(code: ErrorCode, title: &str, message: &str) -> Answer {
    let fault = mktows::error::marketo_fault(code.code(), title, message);
    let body =
        xml::encode_fault(&fault, mktows::NAMESPACES).unwrap_or_else(|e| format!("<!-- {e} -->"));
    (500, body)
}

/// The answer to a request body larger than the server's limit of `limit` bytes: fault 20012
/// "Request Not Understood" (HTTP 500, shaped like every other fault) so that a SOAP client
/// reads a fault code rather than a transport error. Marketo documents no code for an oversized
/// request; 20012 ("Unexpected SOAP Message") is the closest: the message was not read.
pub fn body_too_large(limit: usize) -> Answer {
    fault(
        ErrorCode::RequestNotUnderstood,
        "Request Not Understood",
        &format!(
            "the request body is larger than this server's limit of {limit} bytes; it was not read and nothing was done"
        ),
    )
}

fn backend_fault(f: &BackendFault) -> Answer {
    fault(f.code, &f.title, &f.message)
}

pub(crate) fn respond<O: Operation>(body: &O::Output) -> Answer {
    match xml::encode_response::<O>(&Default::default(), body) {
        Ok(xml) => (200, xml),
        Err(e) => fault(
            ErrorCode::ServiceInternalError,
            "Internal Error",
            &e.to_string(),
        ),
    }
}

fn version_mismatch() -> Answer {
    let fault = xml::Fault {
        code: "SOAP-ENV:VersionMismatch".into(),
        string: "SOAP 1.2 is not supported: send a SOAP 1.1 envelope".into(),
        ..xml::Fault::default()
    };
    let body =
        xml::encode_fault(&fault, mktows::NAMESPACES).unwrap_or_else(|e| format!("<!-- {e} -->"));
    (500, body)
}

/// True when the document's root element is a SOAP 1.2 envelope (prefix-agnostic: the root's
/// own start tag is searched for the 1.2 namespace being declared and used).
fn is_soap12(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let mut rest = text.as_ref();
    // Skip the XML declaration, comments and processing instructions.
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            rest = after.split_once("?>").map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->").map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    let root = rest.split_once('>').map_or(rest, |(tag, _)| tag);
    root.contains(SOAP12_ENV)
}

/// True when the envelope could not be read only because its body element is no global element
/// of the API (an operation the WSDL does not define).
fn is_unknown_body_element(e: &xml::DecodeError) -> bool {
    matches!(e.kind, xml::DecodeErrorKind::WrongElement { .. }) && e.path.ends_with("Body")
}

/// 20019 for a body element `name` that is no operation's request.
fn unknown_operation(name: &str) -> BackendFault {
    BackendFault::titled(
        ErrorCode::UnsupportedOperation,
        "Unsupported Operation",
        format!(
            "{name} is not the request of any operation: the operation is not defined in the Marketo API WSDL"
        ),
    )
}

/// Leaves the in-flight count when dropped.
struct Leave<'a>(&'a AtomicUsize);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Front {
    /// A front answering with `backend`.
    pub fn new(config: FrontConfig, backend: std::sync::Arc<dyn Backend>) -> Front {
        Front {
            config,
            backend,
            calls: Mutex::new(VecDeque::new()),
            daily: Mutex::new((Utc::now().date_naive(), 0)),
            in_flight: AtomicUsize::new(0),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &FrontConfig {
        &self.config
    }

    /// Handles one SOAP request body; logs one line per call.
    pub async fn handle(&self, body: &[u8]) -> Answer {
        let started = Instant::now();
        let in_flight = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let _leave = Leave(&self.in_flight);
        if self
            .config
            .limits
            .concurrency
            .is_some_and(|max| in_flight > max)
        {
            return fault(
                ErrorCode::ConcurrencyLimitExceeded,
                "Concurrency Limit Exceeded",
                "Concurrency Limit Exceeded",
            );
        }
        // Requests are read strictly: an element the schema does not have (a misspelt or
        // misplaced one) is fault 20012 naming it and its path, never silently dropped. The one
        // leniency: an empty optional typed value is absent (`lenient`).
        let envelope = match lenient::decode(body) {
            Ok((envelope, _headers_outside_the_binding)) => envelope,
            Err(_) if is_soap12(body) => return version_mismatch(),
            Err(e) if is_unknown_body_element(&e) => {
                let name = match &e.kind {
                    xml::DecodeErrorKind::WrongElement { found, .. } => found.as_str(),
                    _ => "",
                };
                return backend_fault(&unknown_operation(name));
            }
            Err(e) => {
                return fault(
                    ErrorCode::RequestNotUnderstood,
                    "Request Not Understood",
                    &e.to_string(),
                );
            }
        };
        let mut auth = None;
        let mut workspace = None;
        for header in &envelope.headers {
            match header {
                AnyElement::AuthenticationHeader(a) => auth = Some(a),
                AnyElement::MktowsContextHeader(c) => workspace = Some(c.target_workspace.clone()),
                _ => {}
            }
        }
        let user_id = match self.authenticate(auth) {
            Ok(user) => user,
            Err(answer) => return answer,
        };
        if let Err(answer) = self.check_limits() {
            return answer;
        }
        let AnyBody::Element(body) = envelope.body else {
            return fault(
                ErrorCode::RequestNotUnderstood,
                "Request Not Understood",
                "a request cannot be a fault",
            );
        };
        let cx = CallContext::new(user_id, workspace);
        let backend = &*self.backend;
        let name = xml::ElementSet::element_name(&body).local;
        let (operation, leads, result) = match backend::dispatch(backend, &cx, body).await {
            Some(done) => done,
            None => (name, 0, Err(unknown_operation(name))),
        };
        let fault_code = match &result {
            Err(f) => Some(f.code.code()),
            Ok((status, _)) => (*status != 200).then(|| ErrorCode::ServiceInternalError.code()),
        };
        let answer = result.unwrap_or_else(|f| backend_fault(&f));
        tracing::info!(
            target: "mktows::soap",
            operation,
            leads,
            rest_calls = cx.rest_calls(),
            ms = started.elapsed().as_millis() as u64,
            status = answer.0,
            "call"
        );
        backend.call_answered(operation, fault_code, started.elapsed());
        answer
    }

    fn authenticate(&self, auth: Option<&AuthenticationHeaderInfo>) -> Result<String, Answer> {
        let failed = || {
            fault(
                ErrorCode::AuthenticationFailed,
                "Authentication failed",
                "Authentication failed",
            )
        };
        let auth = auth.ok_or_else(failed)?;
        let key = self
            .config
            .users
            .iter()
            .find(|(user, _)| *user == auth.mktows_user_id)
            .map(|(_, key)| key)
            .ok_or_else(failed)?;
        let expected = hex::decode(auth.request_signature.trim()).map_err(|_| failed())?;
        let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).map_err(|_| failed())?;
        mac.update(auth.request_timestamp.as_bytes());
        mac.update(auth.mktows_user_id.as_bytes());
        // Constant-time comparison of the received signature.
        mac.verify_slice(&expected).map_err(|_| failed())?;
        let at =
            DateTime::parse_from_rfc3339(auth.request_timestamp.trim()).map_err(|_| failed())?;
        let skew = (Utc::now() - at.with_timezone(&Utc)).abs();
        if skew
            > chrono::TimeDelta::from_std(self.config.time_window).unwrap_or(chrono::TimeDelta::MAX)
        {
            return Err(fault(
                ErrorCode::RequestExpired,
                "Request Expired",
                "Request Expired: the request timestamp is outside the accepted window",
            ));
        }
        Ok(auth.mktows_user_id.clone())
    }

    fn check_limits(&self) -> Result<(), Answer> {
        let limits = &self.config.limits;
        if let Some((max, window)) = limits.rate {
            let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            while calls
                .front()
                .is_some_and(|t| now.duration_since(*t) >= window)
            {
                calls.pop_front();
            }
            if calls.len() >= max {
                return Err(fault(
                    ErrorCode::RateLimitExceeded,
                    "Rate Limit Exceeded",
                    "Rate Limit Exceeded",
                ));
            }
            calls.push_back(now);
        }
        if let Some(quota) = limits.daily_quota {
            let mut daily = self.daily.lock().unwrap_or_else(|p| p.into_inner());
            let today = Utc::now().date_naive();
            if daily.0 != today {
                *daily = (today, 0);
            }
            if daily.1 >= quota {
                return Err(fault(
                    ErrorCode::RequestLimitExceeded,
                    "Request Limit Exceeded",
                    "Request Limit Exceeded",
                ));
            }
            daily.1 += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::is_soap12;

    #[test]
    fn soap12_is_recognised_by_the_root_namespace() {
        assert!(is_soap12(
            br#"<?xml version="1.0"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>"#
        ));
        assert!(!is_soap12(
            br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>"#
        ));
    }
}
