//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1 for the fault suite: it reads each request,
//! and by a script decides to pass it to the upstream server, or to fail in one of the ways a
//! network and its middleboxes fail — before or after the upstream saw the request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward it and relay the answer.
    Pass,
    /// Close the connection without forwarding (nothing reached the server).
    DropBefore,
    /// Forward it, then close without answering (applied, unconfirmed).
    DropAfter,
    /// Answer an HTML 503 page without forwarding.
    Html503Before,
    /// Forward it, then answer an HTML 500 page instead of the server's answer.
    Html500After,
    /// Forward it, then relay half of the answer and close.
    TruncateAfter,
    /// Forward it, then relay the answer with its last `<syncStatus>` removed.
    WrongCountAfter,
    /// Forward it, then hold the answer longer than the client waits.
    DelayAfter(Duration),
    /// Answer Marketo's fault `code` (20023 rate limit, 20016 expired, ...) without forwarding.
    FaultBefore(u32),
}

/// The script: the fault for the request with this index (0-based, in arrival order).
pub type Script = dyn Fn(usize) -> Fault + Send + Sync;

/// A running proxy; stops when dropped.
pub struct FaultProxy {
    /// `http://127.0.0.1:PORT` + the upstream's path: the endpoint to give the client.
    pub url: String,
    log: Arc<Mutex<Vec<Fault>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Proxies to `upstream` (`http://127.0.0.1:PORT/path`) following `script`.
    pub async fn start(
        upstream: &str,
        script: impl Fn(usize) -> Fault + Send + Sync + 'static,
    ) -> FaultProxy {
        let rest = upstream
            .strip_prefix("http://")
            .expect("an http:// upstream");
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let authority = authority.to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}{path}", listener.local_addr().expect("addr"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let shared = log.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (script, log, authority) = (script.clone(), shared.clone(), authority.clone());
                tokio::spawn(async move {
                    let _ = serve(client, &authority, script, log).await;
                });
            }
        });
        FaultProxy { url, log, task }
    }

    /// The faults applied so far, in request order.
    pub fn faults(&self) -> Vec<Fault> {
        self.log.lock().expect("lock").clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one HTTP message (headers, then `Content-Length` bytes) from `stream`; `None` at EOF.
async fn read_message(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> std::io::Result<Option<Vec<u8>>> {
    let header_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let mut chunk = [0u8; 16384];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buffer.len() < header_end + length {
        let mut chunk = [0u8; 65536];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    Ok(Some(buffer.drain(..header_end + length).collect()))
}

/// Sends `request` to the upstream on a fresh connection and returns its whole answer.
async fn forward(authority: &str, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut upstream = TcpStream::connect(authority).await?;
    upstream.write_all(request).await?;
    let mut buffer = Vec::new();
    read_message(&mut upstream, &mut buffer)
        .await?
        .ok_or_else(|| std::io::Error::other("upstream closed"))
}

/// A response with `status`, an HTML body.
fn html(status: u16) -> Vec<u8> {
    let body = format!("<html><body><h1>{status} Server Error</h1></body></html>");
    format!(
        "HTTP/1.1 {status} X\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// An HTTP 500 carrying Marketo's SOAP fault `code`.
fn soap_fault(code: u32) -> Vec<u8> {
    let fault = mktows::error::marketo_fault(code, "Injected", "injected by the fault proxy");
    let body = mktows::xml::encode_fault(&fault, mktows::NAMESPACES).unwrap_or_default();
    format!(
        "HTTP/1.1 500 X\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// `response` with its last `<syncStatus>...</syncStatus>` cut out and `Content-Length` fixed.
fn drop_last_status(response: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(response).into_owned();
    let Some(split) = text.find("\r\n\r\n") else {
        return response.to_vec();
    };
    let (head, body) = (&text[..split], &text[split + 4..]);
    let body = match (body.rfind("<syncStatus>"), body.rfind("</syncStatus>")) {
        (Some(start), Some(end)) if end > start => {
            format!("{}{}", &body[..start], &body[end + "</syncStatus>".len()..])
        }
        _ => body.to_owned(),
    };
    let head: Vec<String> = head
        .lines()
        .map(|l| {
            if l.to_ascii_lowercase().starts_with("content-length:") {
                format!("Content-Length: {}", body.len())
            } else {
                l.to_owned()
            }
        })
        .collect();
    format!("{}\r\n\r\n{body}", head.join("\r\n")).into_bytes()
}

async fn serve(
    mut client: TcpStream,
    authority: &str,
    script: Arc<Script>,
    log: Arc<Mutex<Vec<Fault>>>,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    while let Some(request) = read_message(&mut client, &mut buffer).await? {
        let fault = {
            let mut log = log.lock().expect("lock");
            let fault = script(log.len());
            log.push(fault);
            fault
        };
        match fault {
            Fault::DropBefore => return Ok(()),
            Fault::Html503Before => client.write_all(&html(503)).await?,
            Fault::FaultBefore(code) => client.write_all(&soap_fault(code)).await?,
            Fault::Pass => {
                client
                    .write_all(&forward(authority, &request).await?)
                    .await?
            }
            Fault::DropAfter => {
                forward(authority, &request).await?;
                return Ok(());
            }
            Fault::Html500After => {
                forward(authority, &request).await?;
                client.write_all(&html(500)).await?;
            }
            Fault::TruncateAfter => {
                let response = forward(authority, &request).await?;
                client.write_all(&response[..response.len() / 2]).await?;
                return Ok(());
            }
            Fault::WrongCountAfter => {
                let response = forward(authority, &request).await?;
                client.write_all(&drop_last_status(&response)).await?;
            }
            Fault::DelayAfter(pause) => {
                let response = forward(authority, &request).await?;
                tokio::time::sleep(pause).await;
                client.write_all(&response).await?;
            }
        }
    }
    Ok(())
}
