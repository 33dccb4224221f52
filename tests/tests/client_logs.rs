//! The client's logs name each call and retry and never carry the encryption key. In a test
//! binary of its own: tracing caches per callsite whether anyone listens, and tests running
//! beside this one without a subscriber could make it cache "no" (seen as a flaky failure
//! when this test lived in `client.rs`).

use std::sync::Arc;
use std::time::Duration;

use mktows::client::{Limits, RetryPolicy};
use mktows::signing::Credentials;
use mktows::{Client, ClientConfig, Lead};
use mktows_tests::all_created_response;
use mktows_tests::http::{Action, TestServer};

const USER: &str = "demo17_1_809934544BFABAE58E5D27";
const KEY: &str = "27272727aa";

#[tokio::test]
async fn the_key_never_appears_in_debug_or_logs() {
    use std::io::Write;
    #[derive(Clone, Default)]
    struct Sink(Arc<std::sync::Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    let server = TestServer::start(|request| {
        if request.index == 0 {
            Action::fault(
                mktows::xml::encode_fault(
                    &mktows::error::marketo_fault(20023, "Rate Limit Exceeded", "x"),
                    mktows::NAMESPACES,
                )
                .unwrap(),
            )
        } else {
            Action::ok(all_created_response([1_000_001]))
        }
    })
    .await;
    let config = ClientConfig::new(&server.url, Credentials::new(USER, KEY))
        .retry(RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            connect_attempts: 2,
            connect_delay: Duration::from_millis(10),
        })
        .limits(Limits::unlimited(10));
    let client = Client::new(config).unwrap();
    let report = client
        .sync_multiple_leads([Lead::by_email("a@b.c")], None)
        .await;
    assert_eq!(report.counts().created, 1);
    let logs = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("operation=\"syncMultipleLeads\"")
            || logs.contains("operation=syncMultipleLeads"),
        "{logs}"
    );
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("bytes_out"), "{logs}");
    assert!(!logs.contains(KEY), "{logs}");
    assert!(!format!("{client:?}").contains(KEY));
}
