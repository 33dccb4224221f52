//! The SOAP front shared by the sandbox and the bridge, over real HTTP on 127.0.0.1: workspace
//! names ignore case, `?WSDL` names the address the client used, SOAP 1.2 is a
//! `VersionMismatch` fault, slow or idle connections are cut off so they cannot hold the
//! server, `/healthz` answers, each SOAP answer carries its own `X-Request-Id`, and with a
//! certificate (made by rcgen) the port speaks HTTPS to a client trusting it; a body over the
//! limit is answered with a SOAP fault without being read.

use std::time::{Duration, Instant};

use mktows::client::RetryPolicy;
use mktows::{Client, LeadKey, LeadSync};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_server::http::{ServeOptions, Tls};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn client(sandbox: &Sandbox) -> Client {
    Client::new(sandbox.client_config().retry(RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    }))
    .unwrap()
}

fn addr(sandbox: &Sandbox) -> String {
    let url = sandbox.url();
    let rest = url.strip_prefix("http://").unwrap();
    rest[..rest.find('/').unwrap()].to_owned()
}

/// Sends a raw HTTP/1.1 request and reads the whole answer (the request asks to close).
async fn raw(sandbox: &Sandbox, request: String) -> String {
    let mut stream = TcpStream::connect(addr(sandbox)).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

fn path(sandbox: &Sandbox) -> String {
    let url = sandbox.url();
    url[url.find("/soap").unwrap()..].to_owned()
}

#[tokio::test]
async fn workspace_names_ignore_case() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = client(&sandbox);
    for (i, workspace) in ["default", "DEFAULT", "Default"].into_iter().enumerate() {
        let outcome = client
            .sync_lead(
                LeadSync::new(LeadKey::Email(format!("{i}@ws.test")))
                    .attribute("FirstName", workspace)
                    .workspace(workspace),
            )
            .await
            .unwrap_or_else(|e| panic!("workspace {workspace}: {e}"));
        assert!(outcome.lead_id > 0);
    }
    assert_eq!(sandbox.lead_count(), 3);
    let unknown = client
        .sync_lead(LeadSync::new(LeadKey::Email("x@ws.test".into())).workspace("Nowhere"))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Some(mktows::ErrorCode::BadParameter));
}

#[tokio::test]
async fn wsdl_address_follows_host_and_forwarded_headers() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let path = path(&sandbox);
    let plain = raw(
        &sandbox,
        format!(
            "GET {path}?WSDL HTTP/1.1\r\nHost: marketo.example:8443\r\nConnection: close\r\n\r\n"
        ),
    )
    .await;
    assert!(plain.starts_with("HTTP/1.1 200"), "{plain:.200}");
    assert!(plain.contains(&format!("location=\"http://marketo.example:8443{path}\"")));
    let forwarded = raw(
        &sandbox,
        format!(
            "GET {path}?wsdl HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Host: soap.example.com\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
        ),
    )
    .await;
    assert!(forwarded.contains(&format!("location=\"https://soap.example.com{path}\"")));
    // A Host that could break out of the attribute is ignored.
    let hostile = raw(
        &sandbox,
        format!("GET {path}?WSDL HTTP/1.1\r\nHost: a\"><x\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(hostile.starts_with("HTTP/1.1 200"), "{hostile:.300}");
    assert!(!hostile.contains("location=\"http://a"));
    assert!(hostile.contains(&format!("location=\"http://{}{path}\"", addr(&sandbox))));
}

#[tokio::test]
async fn soap_12_envelopes_get_a_version_mismatch_fault() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let body = r#"<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><ns1:paramsGetTags xmlns:ns1="http://www.marketo.com/mktows/"/></env:Body></env:Envelope>"#;
    let answer = raw(
        &sandbox,
        format!(
            "POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            path(&sandbox),
            body.len()
        ),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert!(
        answer.contains("<faultcode>SOAP-ENV:VersionMismatch</faultcode>"),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_connections_are_cut_off() {
    let config = SandboxConfig {
        serve: ServeOptions {
            header_timeout: Duration::from_millis(600),
            body_timeout: Duration::from_millis(600),
            max_connections: 2000,
            ..ServeOptions::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let target = addr(&sandbox);
    // 1,000 connections that never send a byte, and one that stops half-way through its headers.
    let mut idle = Vec::new();
    for _ in 0..1000 {
        idle.push(TcpStream::connect(&target).await.unwrap());
    }
    let mut slow = TcpStream::connect(&target).await.unwrap();
    slow.write_all(b"POST /soap HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // One whose body never comes.
    let mut stalled = TcpStream::connect(&target).await.unwrap();
    stalled
        .write_all(
            format!(
                "POST {} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n<x",
                path(&sandbox)
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 512];
    for stream in idle.iter_mut().chain([&mut slow]) {
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("the server closes an idle connection within its header timeout");
        assert!(matches!(read, Ok(0) | Err(_)), "closed without an answer");
    }
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stalled.read_to_end(&mut answer))
        .await
        .expect("a stalled body is cut off")
        .ok();
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408"));
    assert!(started.elapsed() < Duration::from_secs(5));
    // And the server still answers.
    let outcome = client(&sandbox)
        .sync_lead(LeadSync::new(LeadKey::Email("after@flood.test".into())))
        .await
        .unwrap();
    assert!(outcome.lead_id > 0);
}

#[tokio::test]
async fn connections_over_the_cap_are_closed_at_once() {
    let config = SandboxConfig {
        serve: ServeOptions {
            max_connections: 4,
            ..ServeOptions::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let target = addr(&sandbox);
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(&target).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut extra = TcpStream::connect(&target).await.unwrap();
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_secs(2), extra.read(&mut buf))
        .await
        .expect("closed at once");
    assert!(matches!(read, Ok(0) | Err(_)));
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let outcome = client(&sandbox)
        .sync_lead(LeadSync::new(LeadKey::Email("cap@flood.test".into())))
        .await
        .unwrap();
    assert!(outcome.lead_id > 0);
}

#[tokio::test]
async fn a_keep_alive_connection_left_idle_after_a_call_is_closed() {
    let config = SandboxConfig {
        serve: ServeOptions {
            header_timeout: Duration::from_millis(500),
            ..ServeOptions::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let mut stream = TcpStream::connect(addr(&sandbox)).await.unwrap();
    let request = format!("GET {}?WSDL HTTP/1.1\r\nHost: x\r\n\r\n", path(&sandbox));
    stream.write_all(request.as_bytes()).await.unwrap();
    // Read the whole answer (Content-Length), leaving the connection open and idle.
    let mut answer = Vec::new();
    let mut buf = vec![0u8; 65536];
    let started = Instant::now();
    loop {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed before the answer was complete");
        answer.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&answer);
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            if answer.len() >= end + 4 + length {
                break;
            }
        }
    }
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
        .await
        .expect("an idle keep-alive connection is closed");
    assert!(matches!(read, Ok(0) | Err(_)));
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// A sandbox whose HTTP server takes bodies of at most 64 KiB.
async fn small_body_sandbox() -> Sandbox {
    let config = SandboxConfig {
        serve: ServeOptions {
            max_body: 64 * 1024,
            ..ServeOptions::default()
        },
        ..SandboxConfig::default()
    };
    Sandbox::start(config).await.unwrap()
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_soap_fault_without_reading_it() {
    let sandbox = small_body_sandbox().await;
    // 10 GB declared and not one byte sent: the fault comes at once.
    let mut stream = TcpStream::connect(addr(&sandbox)).await.unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 10000000000\r\n\r\n",
        path(&sandbox)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("answered without waiting for the body")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert!(answer.contains("text/xml"), "{answer}");
    assert!(
        answer.contains("<faultstring>20012 - Request Not Understood</faultstring>"),
        "{answer}"
    );
    assert!(answer.contains("<code>20012</code>"), "{answer}");
    assert!(answer.contains("limit of 65536 bytes"), "{answer}");
    // A chunked body that grows past the limit: the same fault.
    let mut stream = TcpStream::connect(addr(&sandbox)).await.unwrap();
    let mut request = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        path(&sandbox)
    );
    for _ in 0..5 {
        request.push_str(&format!("4000\r\n{}\r\n", "x".repeat(0x4000)));
    }
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("answered")
        .ok();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert!(answer.contains("<code>20012</code>"), "{answer}");
}

#[tokio::test]
async fn a_soap_client_sending_too_much_reads_fault_20012_and_nothing_is_stored() {
    let sandbox = small_body_sandbox().await;
    let client = client(&sandbox);
    let big = "y".repeat(4 * 1024 * 1024);
    let err = client
        .sync_lead(LeadSync::new(LeadKey::Email("big@limit.test".into())).attribute("Title", &big))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(mktows::ErrorCode::RequestNotUnderstood),
        "{err}"
    );
    assert!(err.to_string().contains("limit of 65536 bytes"), "{err}");
    assert_eq!(sandbox.lead_count(), 0);
    // The server still answers a call that fits.
    let outcome = client
        .sync_lead(LeadSync::new(LeadKey::Email("small@limit.test".into())))
        .await
        .unwrap();
    assert!(outcome.lead_id > 0);
}

#[tokio::test]
async fn healthz_answers_ok_and_each_soap_answer_names_its_request_id() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let answer = raw(
        &sandbox,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("\r\n\r\nok\n"), "{answer}");
    let mut ids = Vec::new();
    for _ in 0..2 {
        let answer = raw(
            &sandbox,
            format!(
                "POST {} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\n<x/>",
                path(&sandbox)
            ),
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
        assert!(answer.contains("20012"), "{answer}");
        let id = answer
            .lines()
            .find_map(|l| l.strip_prefix("x-request-id: "))
            .unwrap_or_else(|| panic!("no x-request-id: {answer}"))
            .to_owned();
        let (start, n) = id.split_once('-').unwrap();
        assert!(u64::from_str_radix(start, 16).is_ok() && u64::from_str_radix(n, 16).is_ok());
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_certificate_the_port_speaks_https_and_a_signed_call_goes_through() {
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = std::env::temp_dir().join(format!("mktows-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let missing = Tls::from_pem_files(&dir.join("none.pem"), &key).unwrap_err();
    assert!(
        missing.starts_with("TLS certificate ") && missing.contains("none.pem"),
        "{missing}"
    );
    let config = SandboxConfig {
        serve: ServeOptions {
            tls: Some(Tls::from_pem_files(&cert, &key).unwrap()),
            ..ServeOptions::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let addr: std::net::SocketAddr = addr(&sandbox).parse().unwrap();
    let https = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(generated.cert.pem().as_bytes()).unwrap(),
        )
        .resolve("localhost", addr)
        .build()
        .unwrap();
    let base = format!("https://localhost:{}", addr.port());
    let health = https.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok\n");
    let soap = format!("{base}{}", path(&sandbox));
    let wsdl = https
        .get(format!("{soap}?WSDL"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        wsdl.contains(&format!("location=\"{soap}\"")),
        "the WSDL names the https address"
    );
    // A signed syncLead over HTTPS, stored.
    let signer = Client::new(sandbox.client_config()).unwrap();
    let (headers, params) = LeadSync::new(LeadKey::Email("tls@https.test".into())).into_request();
    let envelope = signer
        .envelope::<mktows::operations::SyncLead>(&headers, &params)
        .unwrap();
    let answer = https
        .post(&soap)
        .header("content-type", "text/xml; charset=utf-8")
        .body(envelope)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(
        answer
            .text()
            .await
            .unwrap()
            .contains("<status>CREATED</status>")
    );
    assert_eq!(sandbox.lead_count(), 1);
    // Plain HTTP to the HTTPS port gets no answer.
    let plain = reqwest::get(format!("http://{addr}/healthz")).await;
    assert!(plain.is_err(), "{plain:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
