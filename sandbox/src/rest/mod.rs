//! The sandbox's Marketo REST API over the same store as its SOAP API: OAuth client
//! credentials at `/identity/oauth/token`, the lead database calls a SOAP→REST bridge needs
//! (sync, get by filter or id, describe, partitions, static lists and their members), the
//! documented envelope `{requestId, success, result | errors, moreResult, nextPageToken}`
//! (HTTP 200 for business errors, codes as strings), and the limits 606/615/607 when limits
//! are switched on. Calls are routed by `router` to one module per family; the lead calls
//! are in [`leads`] and [`write`], what they share in [`reply`].
//!
//! Choices where Marketo is undocumented:
//! - a bad client id or secret is HTTP 401 `{"error":"invalid_client","error_description":"Bad client credentials"}`;
//! - a missing or unknown access token is 601 "Access token invalid", an expired one 602
//!   "Access token expired"; the token is taken from `Authorization: Bearer` or the
//!   `access_token` query parameter;
//! - tokens are 128 bits from the standard library's randomly seeded hasher (good enough for
//!   a local sandbox, not a production secret);
//! - an unknown path is 610 "Requested resource not found"; a body over 1 MB is HTTP 413;
//! - identity calls count against no limit (as documented); other calls count against the
//!   sandbox's limits: rate → 606, concurrency → 615, daily quota → 607.
//!
//! Tests can ask for transient failures ([`RestHandle::fail_next`]): the next calls of a method
//! on a `/rest` path are answered with an HTTP status (a gateway's HTML page) or a Marketo error
//! code (HTTP 200, `success: false`), either instead of being carried out or after it (a change
//! applied whose answer is lost).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::Multipart;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use chrono::{NaiveDate, Utc};
use serde_json::json;

use crate::service::Service;
use reply::query_pairs;
pub use reply::{Reply, Row, param};

mod activities;
mod assets;
mod bulk;
mod campaigns;
mod input;
pub mod leads;
mod merge;
mod records;
pub mod reply;
mod router;
mod write;

/// Largest REST body accepted (Marketo: 1 MB).
pub const MAX_BODY: usize = 1024 * 1024;

/// Largest bulk import file accepted (Marketo: 10 MB).
pub const MAX_BULK_BODY: usize = 10 * 1024 * 1024;

struct Token {
    client: String,
    expires: Instant,
}

#[derive(Default)]
struct Tokens {
    by_token: HashMap<String, Token>,
    current: HashMap<String, String>,
}

/// A failure the REST face answers when a test asks for it ([`RestHandle::fail_next`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Injected {
    /// This HTTP status with a short HTML page, as a gateway answers (500, 502, 503, ...).
    Status(u16),
    /// HTTP 200 with `success: false` and this Marketo error code (604, 608, 611, 713, ...).
    Code(u32),
}

/// Calls to fail: `method` on `path` (after `/rest`, no leading `/`), `remaining` more times.
struct Injection {
    method: Method,
    path: String,
    remaining: usize,
    failure: Injected,
    after_applying: bool,
}

struct RestState {
    injections: Mutex<Vec<Injection>>,
    service: Arc<Service>,
    tokens: Mutex<Tokens>,
    request_ids: AtomicU64,
    identity_calls: AtomicU64,
    calls: Mutex<VecDeque<Instant>>,
    daily: Mutex<(NaiveDate, u64)>,
    in_flight: AtomicUsize,
}

/// A handle on the REST state, kept by [`super::Sandbox`].
pub struct RestHandle(Arc<RestState>);

impl RestHandle {
    /// Revokes every REST token: the next call with one gets 601.
    pub fn revoke_tokens(&self) {
        let mut tokens = self.0.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.by_token.clear();
        tokens.current.clear();
    }

    /// Token requests answered so far.
    pub fn identity_calls(&self) -> u64 {
        self.0.identity_calls.load(Ordering::Relaxed)
    }

    /// Answers the next `times` calls of `method` (a `POST ?_method=GET` is a `GET`) on `path` (after `/rest`, e.g. `/v1/leads.json`) with `failure`, before carrying
    /// them out: nothing is read or changed. Calls pass authentication and limits first.
    pub fn fail_next(&self, method: Method, path: &str, times: usize, failure: Injected) {
        self.inject(method, path, times, failure, false);
    }

    /// Like [`RestHandle::fail_next`], but each call is carried out first and its answer
    /// replaced by `failure`: a change applied whose answer was lost.
    pub fn fail_next_after_applying(
        &self,
        method: Method,
        path: &str,
        times: usize,
        failure: Injected,
    ) {
        self.inject(method, path, times, failure, true);
    }

    fn inject(&self, method: Method, path: &str, times: usize, failure: Injected, after: bool) {
        let mut injections = self.0.injections.lock().unwrap_or_else(|p| p.into_inner());
        injections.push(Injection {
            method,
            path: path.trim_start_matches('/').to_owned(),
            remaining: times,
            failure,
            after_applying: after,
        });
    }

    /// REST calls answered so far (identity calls excluded).
    pub fn calls(&self) -> u64 {
        self.0.request_ids.load(Ordering::Relaxed) - 1
    }
}

/// The REST routes over `service` and a handle on their state.
pub fn router_with_handle(service: Arc<Service>) -> (Router, RestHandle) {
    let state = Arc::new(RestState {
        injections: Mutex::new(Vec::new()),
        service,
        tokens: Mutex::new(Tokens::default()),
        request_ids: AtomicU64::new(1),
        identity_calls: AtomicU64::new(0),
        calls: Mutex::new(VecDeque::new()),
        daily: Mutex::new((Utc::now().date_naive(), 0)),
        in_flight: AtomicUsize::new(0),
    });
    let router = Router::new()
        .route("/identity/oauth/token", get(token).post(token))
        .route("/rest/{*path}", any(rest))
        .route(
            "/bulk/v1/leads.json",
            post(bulk_upload).layer(DefaultBodyLimit::max(MAX_BULK_BODY)),
        )
        .route("/bulk/{*path}", get(bulk_read))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state.clone());
    (router, RestHandle(state))
}

fn random_token() -> String {
    let a = std::collections::hash_map::RandomState::new();
    let b = std::collections::hash_map::RandomState::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut h1 = a.build_hasher();
    h1.write_u64(n);
    let mut h2 = b.build_hasher();
    h2.write_u64(n ^ 0x9e37_79b9_7f4a_7c15);
    format!("{:016x}{:016x}:sbx", h1.finish(), h2.finish())
}

async fn token(
    State(state): State<Arc<RestState>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    state.identity_calls.fetch_add(1, Ordering::Relaxed);
    // Query parameters (as documented), or a form body (as many OAuth clients send).
    let mut pairs = query_pairs(query.as_deref());
    pairs.extend(form_urlencoded::parse(&body).into_owned());
    let config = state.service.config();
    let client = param(&pairs, "client_id").unwrap_or("");
    let secret = param(&pairs, "client_secret").unwrap_or("");
    let known = param(&pairs, "grant_type") == Some("client_credentials")
        && config
            .rest_clients
            .iter()
            .any(|(id, s)| id == client && bool::from(subtle_eq(s.as_bytes(), secret.as_bytes())));
    if !known {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            json!({"error": "invalid_client", "error_description": "Bad client credentials"})
                .to_string(),
        )
            .into_response();
    }
    let now = Instant::now();
    let mut tokens = state.tokens.lock().unwrap_or_else(|p| p.into_inner());
    tokens.by_token.retain(|_, t| t.expires > now);
    // Asking again before expiry returns the same token with what is left of its life.
    let current = tokens
        .current
        .get(client)
        .filter(|t| tokens.by_token.contains_key(*t))
        .cloned();
    let (token, expires) = match current {
        Some(token) => {
            let expires = tokens.by_token[&token].expires;
            (token, expires)
        }
        None => {
            let token = random_token();
            let expires = now + config.token_lifetime;
            tokens.by_token.insert(
                token.clone(),
                Token {
                    client: client.to_owned(),
                    expires,
                },
            );
            tokens.current.insert(client.to_owned(), token.clone());
            (token, expires)
        }
    };
    let expires_in = expires.saturating_duration_since(now).as_secs();
    (
        [(header::CONTENT_TYPE, "application/json")],
        json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": expires_in,
            "scope": format!("{client}@sandbox.mktows"),
        })
        .to_string(),
    )
        .into_response()
}

/// Constant-time equality (secrets).
fn subtle_eq(a: &[u8], b: &[u8]) -> subtle::Choice {
    use subtle::ConstantTimeEq;
    if a.len() != b.len() {
        return subtle::Choice::from(0);
    }
    a.ct_eq(b)
}

impl RestState {
    /// The failure a test asked for on this call, if any (counted as used): the failure and
    /// whether the call is carried out first.
    fn injected(
        &self,
        method: &Method,
        path: &str,
        pairs: &[(String, String)],
    ) -> Option<(Injected, bool)> {
        let read = param(pairs, "_method").is_some_and(|m| m.eq_ignore_ascii_case("GET"));
        let method = if read { &Method::GET } else { method };
        let path = path.trim_start_matches('/');
        let mut injections = self.injections.lock().unwrap_or_else(|p| p.into_inner());
        let at = injections
            .iter()
            .position(|i| i.remaining > 0 && i.method == *method && i.path == path)?;
        let injection = &mut injections[at];
        injection.remaining -= 1;
        let found = (injection.failure.clone(), injection.after_applying);
        injections.retain(|i| i.remaining > 0);
        Some(found)
    }

    /// The answer of an injected failure.
    fn failure(&self, failure: &Injected) -> Response {
        match failure {
            Injected::Status(code) => (
                StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                [(header::CONTENT_TYPE, "text/html")],
                format!("<html><body><h1>{code}</h1>failure injected by a test</body></html>"),
            )
                .into_response(),
            Injected::Code(code) => {
                let message = match code {
                    604 => "Request timed out",
                    608 => "API Temporarily Unavailable",
                    611 => "System error",
                    713 => "Transient Error",
                    _ => "Failure injected by a test",
                };
                self.envelope(Reply::error(*code, message))
            }
        }
    }

    fn request_id(&self) -> String {
        let n = self.request_ids.fetch_add(1, Ordering::Relaxed);
        format!("{:x}#{:x}", n & 0xffff, Utc::now().timestamp_millis())
    }

    fn envelope(&self, reply: Reply) -> Response {
        if let Reply::Csv(text) = reply {
            return ([(header::CONTENT_TYPE, "text/csv;charset=UTF-8")], text).into_response();
        }
        reply.into_json(self.request_id())
    }

    fn authenticate(&self, headers: &HeaderMap, pairs: &[(String, String)]) -> Result<(), Reply> {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let token = bearer.or_else(|| param(pairs, "access_token"));
        let Some(token) = token else {
            return Err(Reply::error(601, "Access token invalid"));
        };
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        match tokens.by_token.get(token) {
            None => Err(Reply::error(601, "Access token invalid")),
            Some(t) if t.expires <= Instant::now() => {
                Err(Reply::error(602, "Access token expired"))
            }
            Some(t)
                if !self
                    .service
                    .config()
                    .rest_clients
                    .iter()
                    .any(|(c, _)| *c == t.client) =>
            {
                Err(Reply::error(601, "Access token invalid"))
            }
            Some(_) => Ok(()),
        }
    }

    fn check_limits(&self) -> Result<(), Reply> {
        let limits = &self.service.config().limits;
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
                return Err(Reply::error(
                    606,
                    format!(
                        "Max rate limit '{max}' exceeded with in '{}' secs",
                        window.as_secs()
                    ),
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
                return Err(Reply::error(607, "Daily quota reached"));
            }
            daily.1 += 1;
        }
        Ok(())
    }
}

struct Leave<'a>(&'a AtomicUsize);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Checks the token and the limits of one call; `Err` is the answer to send instead.
fn admit(
    state: &RestState,
    headers: &HeaderMap,
    pairs: &[(String, String)],
    in_flight: usize,
) -> Result<(), Reply> {
    state.authenticate(headers, pairs)?;
    let limits = &state.service.config().limits;
    if limits.concurrency.is_some_and(|max| in_flight > max) {
        return Err(Reply::error(615, "Concurrent access limit reached"));
    }
    state.check_limits()
}

/// `POST /bulk/v1/leads.json`: a bulk lead import (multipart field `file`).
async fn bulk_upload(
    State(state): State<Arc<RestState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let in_flight = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _leave = Leave(&state.in_flight);
    let pairs = query_pairs(query.as_deref());
    if let Err(reply) = admit(&state, &headers, &pairs, in_flight) {
        return state.envelope(reply);
    }
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(bytes) => file = Some(bytes),
                Err(e) => return state.envelope(Reply::error(1003, format!("file: {e}"))),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return state.envelope(Reply::error(1003, format!("multipart body: {e}"))),
        }
    }
    let Some(file) = file else {
        return state.envelope(Reply::error(1003, "the multipart field file is required"));
    };
    let service = state.service.clone();
    let reply = tokio::task::spawn_blocking(move || bulk::import(&service, &pairs, &file))
        .await
        .unwrap_or_else(|e| Reply::error(611, format!("System error: {e}")));
    state.envelope(reply)
}

/// `GET /bulk/...`: a bulk import's status and failures.
async fn bulk_read(
    State(state): State<Arc<RestState>>,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let in_flight = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _leave = Leave(&state.in_flight);
    let pairs = query_pairs(query.as_deref());
    if let Err(reply) = admit(&state, &headers, &pairs, in_flight) {
        return state.envelope(reply);
    }
    let service = state.service.clone();
    let reply = tokio::task::spawn_blocking(move || bulk::read(&service, &path))
        .await
        .unwrap_or_else(|e| Reply::error(611, format!("System error: {e}")));
    state.envelope(reply)
}

async fn rest(
    State(state): State<Arc<RestState>>,
    method: Method,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let in_flight = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _leave = Leave(&state.in_flight);
    let pairs = query_pairs(query.as_deref());
    if let Err(reply) = admit(&state, &headers, &pairs, in_flight) {
        return state.envelope(reply);
    }
    let injected = state.injected(&method, &path, &pairs);
    if let Some((failure, false)) = &injected {
        return state.failure(failure);
    }
    let service = state.service.clone();
    let reply = tokio::task::spawn_blocking(move || {
        router::dispatch(&service, &method, &path, &pairs, &body)
    })
    .await
    .unwrap_or_else(|e| Reply::error(611, format!("System error: {e}")));
    match injected {
        Some((failure, _)) => state.failure(&failure),
        None => state.envelope(reply),
    }
}
