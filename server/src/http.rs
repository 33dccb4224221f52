//! HTTP for the SOAP front: `POST` SOAP and `GET ?WSDL` at `/soap/mktows/<version>` (axum), served
//! by an accept loop of our own so the connection count is capped and slow clients are cut off:
//! request headers must arrive within [`ServeOptions::header_timeout`] (this also closes idle
//! keep-alive connections), a body within [`ServeOptions::body_timeout`], and at most
//! [`ServeOptions::max_connections`] connections are open (more are closed on accept).
//! Shutdown stops accepting and lets in-flight calls finish.
//!
//! `GET /healthz` answers `200 ok` while the process serves (liveness; it checks nothing
//! behind). Each SOAP call runs in a tracing span `soap` with a `request_id` (the process
//! start time and a counter, in hex: unique across restarts), so the per-call log line and
//! every line logged for the call (the bridge's REST calls) carry it; the answer carries it
//! too, as the `X-Request-Id` header.
//!
//! With [`ServeOptions::tls`] (see [`Tls::from_pem_files`]) the port speaks HTTPS only:
//! rustls with the ring provider, TLS 1.2 and 1.3, HTTP/1.1; the handshake must end within
//! [`ServeOptions::header_timeout`], and `?WSDL` names an `https://` address.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;

use super::Front;

/// How the HTTP server protects itself.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Time allowed for a request's headers, and for an idle keep-alive connection.
    pub header_timeout: Duration,
    /// Time allowed for a request's body.
    pub body_timeout: Duration,
    /// Largest request body accepted; a larger one is answered with fault 20012 (HTTP 500, see
    /// [`crate::body_too_large`]) without being read beyond the limit.
    pub max_body: usize,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Serve HTTPS with this certificate and key (`None`: plain HTTP).
    pub tls: Option<Tls>,
}

/// A server certificate chain and key for HTTPS.
#[derive(Clone)]
pub struct Tls(tokio_rustls::TlsAcceptor);

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tls(<certificate and key>)")
    }
}

impl Tls {
    /// Reads a PEM certificate chain (the server's first) and a PEM private key (PKCS#8, PKCS#1
    /// or SEC1); errors name the file and what is wrong, never the key's content.
    pub fn from_pem_files(cert: &std::path::Path, key: &std::path::Path) -> Result<Tls, String> {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| format!("TLS certificate {}: {e}", cert.display()))?;
        if chain.is_empty() {
            return Err(format!(
                "TLS certificate {}: no CERTIFICATE in the PEM file",
                cert.display()
            ));
        }
        let private = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| format!("TLS key {}: {e}", key.display()))?;
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let mut config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_no_client_auth()
            .with_single_cert(chain, private)
            .map_err(|e| {
                format!(
                    "TLS certificate {} and key {}: {e}",
                    cert.display(),
                    key.display()
                )
            })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls(tokio_rustls::TlsAcceptor::from(Arc::new(config))))
    }
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_body: 16 * 1024 * 1024,
            max_connections: 512,
            tls: None,
        }
    }
}

struct Shared {
    front: Arc<Front>,
    wsdl: &'static str,
    local: SocketAddr,
    options: ServeOptions,
}

/// The SOAP path, `/soap/mktows/<version>`.
pub fn soap_path() -> String {
    format!("/soap/mktows/{}", mktows::API_VERSION)
}

/// The router serving `front` at [`soap_path`]; `wsdl` is served at `?WSDL`, its address
/// rewritten for each request.
pub fn router(
    front: Arc<Front>,
    wsdl: &'static str,
    local: SocketAddr,
    options: ServeOptions,
) -> Router {
    let shared = Arc::new(Shared {
        front,
        wsdl,
        local,
        options,
    });
    Router::new()
        .route(&soap_path(), post(soap).get(wsdl_handler))
        .route("/healthz", get(healthz))
        .with_state(shared)
}

/// Serves `app` on `listener` until `stop` fires, then waits for open requests to finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    options: ServeOptions,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_timeout)
        .keep_alive(true);
    tokio::pin!(stop);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(target: "mktows::soap_front::http", error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::warn!(
                target: "mktows::soap_front::http",
                "connection cap reached; closing a new connection"
            );
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        if let Some(Tls(acceptor)) = &options.tls {
            let (acceptor, builder, watcher) =
                (acceptor.clone(), builder.clone(), graceful.watcher());
            let handshake_timeout = options.header_timeout;
            tokio::spawn(async move {
                match tokio::time::timeout(handshake_timeout, acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => {
                        let connection = builder.serve_connection(TokioIo::new(tls), service);
                        let _ = watcher.watch(connection).await;
                    }
                    Ok(Err(e)) => {
                        tracing::debug!(target: "mktows::soap_front::http", error = %e, "TLS handshake failed");
                    }
                    Err(_) => {
                        tracing::debug!(target: "mktows::soap_front::http", "TLS handshake too slow");
                    }
                }
                drop(permit);
            });
            continue;
        }
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = watched.await;
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// A server running on its own task; it stops (without waiting) when dropped.
pub struct Running {
    local: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Binds `addr` and serves the router `make(local address)` built for the bound address.
    pub async fn start(
        addr: SocketAddr,
        options: ServeOptions,
        make: impl FnOnce(SocketAddr) -> Router,
    ) -> Result<Running, String> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        let app = make(local);
        let (shutdown, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(serve(listener, app, options, stopped));
        Ok(Running {
            local,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Stops accepting, lets in-flight calls finish, and waits for them.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until the task ends (it ends only after [`Running::stop`] from elsewhere).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
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

async fn soap(State(shared): State<Arc<Shared>>, body: Body) -> Response {
    let options = &shared.options;
    let read = read_body(body, options.max_body);
    let body = match tokio::time::timeout(options.body_timeout, read).await {
        Ok(Ok(body)) => body,
        Ok(Err(None)) => {
            // A SOAP fault a SOAP client can read; the connection is closed, as the rest of the
            // body is never read.
            let (status, body) = crate::body_too_large(options.max_body);
            let mut answer = xml(status, body);
            let close = header::HeaderValue::from_static("close");
            answer.headers_mut().insert(header::CONNECTION, close);
            return answer;
        }
        Ok(Err(Some(e))) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("request body unreadable: {e}"),
            )
                .into_response();
        }
        Err(_) => {
            return (StatusCode::REQUEST_TIMEOUT, "request body too slow").into_response();
        }
    };
    let request_id = next_request_id();
    let span = tracing::info_span!("soap", request_id = %request_id);
    let (status, body) = tracing::Instrument::instrument(shared.front.handle(&body), span).await;
    let mut answer = xml(status, body);
    if let Ok(value) = header::HeaderValue::from_str(&request_id) {
        answer.headers_mut().insert("x-request-id", value);
    }
    answer
}

/// `GET /healthz`: the process is up and serving.
async fn healthz() -> &'static str {
    "ok\n"
}

/// A new request id: this process's start (seconds since 1970) and a counter, in hex.
fn next_request_id() -> String {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static START: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let start = *START.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
    format!("{start:x}-{n:x}")
}

/// The request body, read up to `max` bytes: `Err(None)` when it is larger (a declared
/// `Content-Length` over `max` is refused before a byte is read), `Err(Some(_))` when it cannot
/// be read. At most `max` bytes and one chunk are held.
async fn read_body(body: Body, max: usize) -> Result<Vec<u8>, Option<axum::Error>> {
    use axum::body::HttpBody;
    use futures::StreamExt;
    if body.size_hint().lower() > max as u64 {
        return Err(None);
    }
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(Some)?;
        if bytes.len() + chunk.len() > max {
            return Err(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A `Host`-like header value when it is a plausible host[:port] (nothing that could break out
/// of the WSDL's attribute).
fn host_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?;
    let value = value.split(',').next()?.trim();
    let ok = !value.is_empty()
        && value.len() <= 255
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b));
    ok.then(|| value.to_owned())
}

/// The SOAP endpoint as the client sees it: `X-Forwarded-Proto`/`X-Forwarded-Host` when
/// present, else `Host`, else the listening address.
pub fn public_url(headers: &HeaderMap, local: SocketAddr) -> String {
    let host = host_value(headers, "x-forwarded-host")
        .or_else(|| host_value(headers, "host"))
        .unwrap_or_else(|| local.to_string());
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(',')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|p| p == "http" || p == "https")
        .unwrap_or_else(|| "http".to_owned());
    format!("{proto}://{host}{}", soap_path())
}

async fn wsdl_handler(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if !query.is_some_and(|q| q.eq_ignore_ascii_case("wsdl")) {
        return (
            StatusCode::NOT_FOUND,
            "POST SOAP requests here; GET ?WSDL for the WSDL",
        )
            .into_response();
    }
    let mut url = public_url(&headers, shared.local);
    if shared.options.tls.is_some() && !headers.contains_key("x-forwarded-proto") {
        url = url.replacen("http://", "https://", 1);
    }
    (
        [(header::CONTENT_TYPE, "text/xml;charset=UTF-8")],
        rewrite_address(shared.wsdl, &url),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_prefers_forwarded_headers_and_refuses_odd_hosts() {
        let local: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let mut headers = HeaderMap::new();
        assert!(public_url(&headers, local).starts_with("http://127.0.0.1:9/soap/mktows/"));
        headers.insert("host", "example.test:8080".parse().unwrap());
        assert!(public_url(&headers, local).starts_with("http://example.test:8080/soap/"));
        headers.insert("x-forwarded-host", "mkto.example.com".parse().unwrap());
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(public_url(&headers, local).starts_with("https://mkto.example.com/soap/"));
        headers.insert("x-forwarded-host", "a\"b".parse().unwrap());
        headers.insert("x-forwarded-proto", "javascript".parse().unwrap());
        assert!(public_url(&headers, local).starts_with("http://example.test:8080/soap/"));
    }
}
