//! What the bridge serves besides SOAP, on the same port: `GET /readyz` (readiness) and
//! `GET /metrics` (Prometheus, see [`crate::metrics`]). `GET /healthz` (the process answers)
//! is served by `mktows_server::http` for both back ends.
//!
//! **Readiness** means the bridge can carry calls to Marketo: the identity endpoint gave the
//! bridge's client credentials an access token within the last
//! [`BridgeConfig::ready_max_age`](crate::BridgeConfig::ready_max_age). A probe older than
//! that asks for a token again (at most one request at a time, the others wait for its
//! answer; a failure is asked again after a second at the soonest, so a probe storm cannot
//! hammer Marketo). Ready is `200 ready`; not ready is `503 not ready: <why>`, the reason as
//! the REST client words it (the endpoint, never the client secret or a token).
//!
//! Choices: the check asks the identity endpoint, not a REST API path, so it spends none of
//! the calls counted against the daily quota (`/rest` calls); a probe waits at most
//! [`PROBE_TIMEOUT`] for the identity endpoint.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mktows_server::CallContext;
use tokio::sync::Mutex;

use crate::RestBackend;

/// The longest a readiness probe waits for the identity endpoint.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// How soon a failed readiness check is tried again.
const RETRY_FAILED_AFTER: Duration = Duration::from_secs(1);

struct Service {
    backend: Arc<RestBackend>,
    max_age: Duration,
    /// The last check: when, and why not ready (`None`: ready).
    last: Mutex<Option<(Instant, Option<String>)>>,
}

/// The routes of `/readyz` and `/metrics` over `backend`.
pub(crate) fn routes(backend: Arc<RestBackend>, max_age: Duration) -> Router {
    let service = Arc::new(Service {
        backend,
        max_age,
        last: Mutex::new(None),
    });
    Router::new()
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(service)
}

impl Service {
    /// Why the bridge is not ready, or `None` when it is.
    async fn not_ready(&self) -> Option<String> {
        let mut last = self.last.lock().await;
        if let Some((at, why)) = last.as_ref() {
            let keep = if why.is_none() {
                self.max_age
            } else {
                RETRY_FAILED_AFTER.min(self.max_age)
            };
            if at.elapsed() < keep {
                return why.clone();
            }
        }
        let cx = CallContext::new("readyz", None);
        let why =
            match tokio::time::timeout(PROBE_TIMEOUT, self.backend.rest.renew_token(&cx)).await {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(_) => Some(format!(
                    "the identity endpoint did not answer within {}s",
                    PROBE_TIMEOUT.as_secs()
                )),
            };
        if let Some(why) = &why {
            tracing::warn!(target: "mktows::bridge", reason = %why, "not ready");
        }
        *last = Some((Instant::now(), why.clone()));
        why
    }
}

async fn readyz(State(service): State<Arc<Service>>) -> Response {
    match service.not_ready().await {
        None => (StatusCode::OK, "ready\n").into_response(),
        Some(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {why}\n"),
        )
            .into_response(),
    }
}

async fn metrics(State(service): State<Arc<Service>>) -> Response {
    (
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        service.backend.rest.metrics().render(),
    )
        .into_response()
}
