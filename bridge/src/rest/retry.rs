//! Sending a read again after a transient REST failure (the rule is in the module docs of
//! [`super`]): which failures are transient, and the deterministic back-off schedule.

use std::time::Duration;

use super::{RestClient, RestError, RestRequest};

/// Marketo REST error codes that say "try again": 604 request timed out, 608 API temporarily
/// unavailable, 611 system error, 713 transient error.
pub(super) const TRANSIENT_CODES: [u32; 4] = [604, 608, 611, 713];

/// HTTP statuses of a passing server or gateway failure.
pub(super) const TRANSIENT_STATUSES: [u16; 3] = [500, 502, 503];

/// A failed attempt: why, and whether the failure was transient (a read may be sent again).
pub(super) struct Failed {
    pub(super) error: RestError,
    pub(super) transient: bool,
}

impl From<RestError> for Failed {
    fn from(error: RestError) -> Failed {
        Failed {
            error,
            transient: false,
        }
    }
}

/// True for a read: a `GET`, or a `POST ?_method=GET` (a read with a body, as custom objects
/// by compound key are read).
fn is_read(request: &RestRequest) -> bool {
    request.method == reqwest::Method::GET
        || request
            .query
            .iter()
            .any(|(k, v)| k == "_method" && v.eq_ignore_ascii_case("GET"))
}

/// The wait before attempt `attempt + 1` (`attempt` ≥ 1): `first`, doubled each time.
fn delay(first: Duration, attempt: u32) -> Duration {
    first.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
}

impl RestClient {
    /// Runs `once` until it succeeds, fails for good, or (a read meeting transient failures)
    /// [`super::RestSettings::read_attempts`] attempts were made. A read is a `GET` (a long one
    /// goes out as `POST ?_method=GET`, still a `GET` here) or a `POST` with `_method=GET`.
    pub(super) async fn retrying_reads<T, F, Fut>(
        &self,
        request: &RestRequest,
        once: F,
    ) -> Result<T, RestError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, Failed>>,
    {
        let read = is_read(request);
        let mut attempt = 1;
        loop {
            match once().await {
                Err(failed)
                    if read && failed.transient && attempt < self.settings.read_attempts =>
                {
                    let delay = delay(self.settings.read_backoff, attempt);
                    tracing::info!(
                        target: "mktows::bridge",
                        path = %request.path,
                        attempt,
                        ?delay,
                        error = %failed.error,
                        "transient REST failure on a read; sending it again"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                done => return done.map_err(|f| f.error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_gets_and_posts_with_method_get() {
        assert!(is_read(&RestRequest::get("/v1/leads.json", Vec::new())));
        let mut by_key = RestRequest::with_body(
            reqwest::Method::POST,
            "/v1/customobjects/car_c.json",
            serde_json::json!({"filterType": "dedupeFields"}),
        );
        assert!(!is_read(&by_key), "a POST is a change");
        by_key.query.push(("_method".into(), "GET".into()));
        assert!(is_read(&by_key));
        let delete = RestRequest::with_body(
            reqwest::Method::DELETE,
            "/v1/lists/1/leads.json",
            serde_json::json!({}),
        );
        assert!(!is_read(&delete));
    }

    #[test]
    fn the_back_off_doubles_from_the_first_wait() {
        let first = Duration::from_millis(250);
        assert_eq!(delay(first, 1), Duration::from_millis(250));
        assert_eq!(delay(first, 2), Duration::from_millis(500));
        assert_eq!(delay(first, 3), Duration::from_secs(1));
        assert!(
            delay(first, 80) > Duration::from_secs(1 << 20),
            "saturates, never panics"
        );
    }
}
