//! HTTP for the sandbox (axum): POST SOAP, GET `?WSDL`, the concurrency limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::{Service, WSDL};

struct Shared {
    service: Arc<Service>,
    url: String,
    in_flight: AtomicUsize,
}

/// Serves until `stop` fires.
pub async fn serve(
    listener: tokio::net::TcpListener,
    service: Arc<Service>,
    url: String,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    let path = format!("/soap/mktows/{}", crate::API_VERSION);
    let shared = Arc::new(Shared {
        service,
        url,
        in_flight: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route(&path, post(soap).get(wsdl))
        .with_state(shared);
    let _ = axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = stop.await;
        })
        .await;
}

fn xml(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "text/xml;charset=UTF-8")],
        body,
    )
        .into_response()
}

async fn soap(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let in_flight = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    struct Leave<'a>(&'a AtomicUsize);
    impl Drop for Leave<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let _leave = Leave(&shared.in_flight);
    if shared
        .service
        .config()
        .limits
        .concurrency
        .is_some_and(|max| in_flight > max)
    {
        let (status, body) = Service::concurrency_fault();
        return xml(status, body);
    }
    let service = shared.service.clone();
    match tokio::task::spawn_blocking(move || service.handle(&body)).await {
        Ok((status, body)) => xml(status, body),
        Err(e) => xml(500, format!("internal error: {e}")),
    }
}

async fn wsdl(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    if !query.is_some_and(|q| q.eq_ignore_ascii_case("wsdl")) {
        return (
            StatusCode::NOT_FOUND,
            "POST SOAP requests here; GET ?WSDL for the WSDL",
        )
            .into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/xml;charset=UTF-8")],
        rewrite_address(WSDL, &shared.url),
    )
        .into_response()
}

/// The WSDL with every `soap:address location` pointing at `url`.
pub fn rewrite_address(wsdl: &str, url: &str) -> String {
    let mut out = String::with_capacity(wsdl.len());
    let mut rest = wsdl;
    while let Some(at) = rest.find("address location=\"") {
        let start = at + "address location=\"".len();
        out.push_str(&rest[..start]);
        out.push_str(url);
        rest = &rest[start..];
        rest = &rest[rest.find('"').unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}
