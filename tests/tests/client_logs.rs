//! The client's logs name each call and retry and never carry the encryption key. In a test
//! binary of its own: tracing caches per callsite whether anyone listens, and tests running
//! beside this one without a subscriber could make it cache "no" (seen as a flaky failure
//! when this test lived in `client.rs`).

use std::sync::Arc;

use mktows::{Client, Lead};
use mktows_tests::all_created_response;
use mktows_tests::fake_marketo::{KEY, config, fault};
use mktows_tests::http::{Action, TestServer};

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
            Action::fault(fault(20023, "Rate Limit Exceeded", "x"))
        } else {
            Action::ok(all_created_response([1_000_001]))
        }
    })
    .await;
    let client = Client::new(config(&server.url)).unwrap();
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
