//! A scriptable HTTP/1.1 server on 127.0.0.1 for client tests: every request is captured, and
//! a handler decides the reply, including broken ones (connection closed, truncated body,
//! HTML page, no answer).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as received.
#[derive(Debug, Clone)]
pub struct Received {
    /// 0-based arrival number.
    pub index: usize,
    /// The request method (`GET`, `POST`, ...).
    pub method: String,
    /// The request target as sent: path and query (`/rest/v1/leads.json?filterType=id`).
    pub target: String,
    /// When it arrived.
    pub at: Instant,
    /// Header lines, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Received {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Action {
    /// A complete response.
    Respond {
        /// Status code.
        status: u16,
        /// Content type.
        content_type: &'static str,
        /// Body.
        body: Vec<u8>,
    },
    /// Close the connection without answering (a reset mid-batch).
    Close,
    /// Announce `body.len() + missing` bytes, send `body`, close.
    Truncate {
        /// Bytes sent.
        body: Vec<u8>,
        /// Bytes announced but never sent.
        missing: usize,
    },
    /// Wait, then act.
    Delay(Duration, Box<Action>),
    /// A redirect (`status` 301/302/303/307/308) to `location`, with an empty body.
    Redirect {
        /// Status code.
        status: u16,
        /// The `Location` header.
        location: String,
    },
}

impl Action {
    /// HTTP 200 with a SOAP body.
    pub fn ok(body: String) -> Action {
        Action::Respond {
            status: 200,
            content_type: "text/xml;charset=UTF-8",
            body: body.into_bytes(),
        }
    }
    /// HTTP 500 with a SOAP fault body.
    pub fn fault(body: String) -> Action {
        Action::Respond {
            status: 500,
            content_type: "text/xml;charset=UTF-8",
            body: body.into_bytes(),
        }
    }
}

type Handler = dyn Fn(&Received) -> Action + Send + Sync;

/// A running server; stops when dropped.
pub struct TestServer {
    /// `http://127.0.0.1:PORT/soap/mktows/2_6`.
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server answering with `handler`.
    pub async fn start(
        handler: impl Fn(&Received) -> Action + Send + Sync + 'static,
    ) -> TestServer {
        Self::start_on(0, handler).await
    }

    /// Starts a server on 127.0.0.1:`port` (0: any free port) answering with `handler`.
    pub async fn start_on(
        port: u16,
        handler: impl Fn(&Received) -> Action + Send + Sync + 'static,
    ) -> TestServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
        let url = format!(
            "http://{}/soap/mktows/2_6",
            listener.local_addr().expect("addr")
        );
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = received.clone();
        let accepted = Arc::new(AtomicUsize::new(0));
        let connections = accepted.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                connections.fetch_add(1, Ordering::SeqCst);
                let handler = handler.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, handler, log).await;
                });
            }
        });
        TestServer {
            url,
            received,
            accepted,
            task,
        }
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A port on 127.0.0.1 nobody listens on (bound, then released): connections are refused
/// until a server starts on it.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind")
        .port()
}

async fn serve(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    log: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer = Vec::new();
    loop {
        // Read one request (headers, then Content-Length bytes).
        let header_end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            let mut chunk = [0u8; 8192];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buffer[..header_end]).into_owned();
        let mut request_line = head.lines().next().unwrap_or_default().split_whitespace();
        let method = request_line.next().unwrap_or_default().to_owned();
        let target = request_line.next().unwrap_or_default().to_owned();
        let headers: Vec<(String, String)> = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        while buffer.len() < header_end + length {
            let mut chunk = [0u8; 65536];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        let body = buffer[header_end..header_end + length].to_vec();
        buffer.drain(..header_end + length);
        let request = {
            let mut log = log.lock().expect("lock");
            let request = Received {
                index: log.len(),
                method,
                target,
                at: Instant::now(),
                headers,
                body,
            };
            log.push(request.clone());
            request
        };
        let mut action = handler(&request);
        while let Action::Delay(pause, next) = action {
            tokio::time::sleep(pause).await;
            action = *next;
        }
        match action {
            Action::Respond {
                status,
                content_type,
                body,
            } => {
                let mut response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                response.extend_from_slice(&body);
                stream.write_all(&response).await?;
            }
            Action::Redirect { status, location } => {
                let head = format!(
                    "HTTP/1.1 {status} Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
                );
                stream.write_all(head.as_bytes()).await?;
            }
            Action::Close => return Ok(()),
            Action::Truncate { body, missing } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
                    body.len() + missing
                );
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(&body).await?;
                stream.flush().await?;
                return Ok(());
            }
            Action::Delay(..) => unreachable!("delays are unwrapped above"),
        }
    }
}
