//! The client's logs name each call and retry and never carry the encryption key. Tracing
//! caches per callsite whether anyone listens, and the other tests of this binary run beside
//! this one without a subscriber (a thread-local subscriber lost that race now and then when
//! this test lived in `client.rs`): so the subscriber here is the global default, set before
//! the interest cache is rebuilt, and it keeps only what the capturing thread logs (the
//! test's current-thread runtime), dropping the other tests' lines.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, Once};

use mktows::{Client, Lead};
use mktows_tests::all_created_response;
use mktows_tests::fake_marketo::{KEY, config, fault};
use mktows_tests::http::{Action, TestServer};

#[tokio::test]
async fn the_key_never_appears_in_debug_or_logs() {
    let sink = capture_this_thread();
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
    let logs = String::from_utf8(sink.lock().unwrap().clone()).unwrap();
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

type Buffer = Arc<Mutex<Vec<u8>>>;

thread_local! {
    /// Where this thread's log lines go, if anywhere.
    static CAPTURE: RefCell<Option<Buffer>> = const { RefCell::new(None) };
}

/// Writes a line to the capturing thread's buffer, or nowhere.
struct ThreadSink;

impl std::io::Write for ThreadSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(buffer) = capture.borrow().as_ref() {
                buffer.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sets the global TRACE subscriber (once) and returns the buffer this thread's lines go to.
fn capture_this_thread() -> Buffer {
    static GLOBAL: Once = Once::new();
    GLOBAL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(|| ThreadSink)
            .with_max_level(tracing::Level::TRACE)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        tracing::callsite::rebuild_interest_cache();
    });
    let buffer = Buffer::default();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(buffer.clone()));
    buffer
}
