//! The bridge's Prometheus metrics, served at `GET /metrics` in the text exposition format
//! (OpenMetrics 1.0). Each bridge has its own registry (`prometheus-client`, no global
//! recorder), so two bridges in one process never mix their counts.
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `mktows_bridge_soap_calls_total` | counter | `operation`, `fault` (`none` or the SOAP fault code, e.g. `20103`) |
//! | `mktows_bridge_soap_call_duration_seconds` | histogram | `operation` |
//! | `mktows_bridge_rest_calls_total` | counter | `method`, `endpoint` (the path with numeric ids as `{id}`), `code` |
//! | `mktows_bridge_rest_token_requests_total` | counter | `outcome` (`ok`, `failed`) |
//! | `mktows_bridge_rest_backoffs_total` | counter | `code` (`606`, `615`) |
//! | `mktows_bridge_rest_pacing_waits_total` | counter | |
//! | `mktows_bridge_rest_pacing_wait_seconds_total` | counter | |
//! | `mktows_bridge_rest_calls_today` | gauge | |
//! | `mktows_bridge_rest_daily_quota` | gauge | |
//!
//! A REST call's `code` is `ok` for `success: true`, Marketo's error code for `success: false`
//! (`606`, `1003`, ...), the HTTP status for an HTTP 4xx refusal (below 600, so apart from
//! Marketo's codes), `not_sent` when nothing reached Marketo, and `no_answer` when it was sent
//! without a usable answer. Identity (token) requests are counted apart, in
//! `rest_token_requests_total`, and not in `rest_calls_total`.
//!
//! Choices where Marketo is vague:
//! - **Marketo's day.** Marketo documents that the daily quota (50,000 calls by default) resets
//!   at midnight "CST". The bridge takes this as US Central civil time: CST (UTC−6), and CDT
//!   (UTC−5) from the second Sunday of March, 02:00, to the first Sunday of November, 02:00
//!   (the US rule since 2007), computed by a fixed rule without a time-zone database. Should
//!   Marketo mean CST all year, the gauge resets one hour early in summer.
//! - `rest_calls_today` counts the calls *this bridge* sent to `/rest` and `/bulk` since that
//!   midnight (reset with the process, too); other integrations on the same instance spend the
//!   same quota, so Marketo's own count (Admin → Web Services) can be higher. Identity calls
//!   are not counted.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::rest::RestError;

/// Marketo's default daily quota of REST calls.
pub const DAILY_QUOTA: i64 = 50_000;

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SoapLabels {
    operation: String,
    fault: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RestLabels {
    method: String,
    endpoint: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: String,
}

type HistogramFamily = Family<OperationLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new([
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
    ])
}

/// One bridge's metrics.
pub struct Metrics {
    registry: Registry,
    soap_calls: Family<SoapLabels, Counter>,
    soap_seconds: HistogramFamily,
    rest_calls: Family<RestLabels, Counter>,
    token_requests: Family<OutcomeLabels, Counter>,
    backoffs: Family<CodeLabels, Counter>,
    pacing_waits: Counter,
    pacing_seconds: Counter<f64, std::sync::atomic::AtomicU64>,
    calls_today: Gauge,
    today: Mutex<(NaiveDate, i64)>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Empty metrics in a registry of their own.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("mktows_bridge");
        let metrics = Metrics {
            soap_calls: Family::default(),
            soap_seconds: HistogramFamily::new_with_constructor(latency_histogram),
            rest_calls: Family::default(),
            token_requests: Family::default(),
            backoffs: Family::default(),
            pacing_waits: Counter::default(),
            pacing_seconds: Counter::default(),
            calls_today: Gauge::default(),
            today: Mutex::new((central_date(Utc::now()), 0)),
            registry: Registry::default(),
        };
        registry.register(
            "soap_calls",
            "SOAP calls answered, by operation and fault code (none: success)",
            metrics.soap_calls.clone(),
        );
        registry.register(
            "soap_call_duration_seconds",
            "Time to answer a SOAP call, REST calls included",
            metrics.soap_seconds.clone(),
        );
        registry.register(
            "rest_calls",
            "REST calls sent to Marketo, by method, endpoint (ids as {id}) and outcome code",
            metrics.rest_calls.clone(),
        );
        registry.register(
            "rest_token_requests",
            "Access tokens asked of the identity endpoint, by outcome",
            metrics.token_requests.clone(),
        );
        registry.register(
            "rest_backoffs",
            "Back-offs after REST answered 606 (rate) or 615 (concurrency)",
            metrics.backoffs.clone(),
        );
        registry.register(
            "rest_pacing_waits",
            "REST calls that waited for Marketo's rate window (100 calls / 20 s)",
            metrics.pacing_waits.clone(),
        );
        registry.register(
            "rest_pacing_wait_seconds",
            "Time REST calls spent waiting for the rate window",
            metrics.pacing_seconds.clone(),
        );
        registry.register(
            "rest_calls_today",
            "REST calls this bridge sent since Marketo's midnight (US Central time)",
            metrics.calls_today.clone(),
        );
        let quota = Gauge::<i64>::default();
        quota.set(DAILY_QUOTA);
        registry.register(
            "rest_daily_quota",
            "Marketo's default daily quota of REST calls",
            quota,
        );
        Metrics {
            registry,
            ..metrics
        }
    }

    /// Records a SOAP call answered: its operation, its fault code (`None`: success), its time.
    pub fn soap_call(&self, operation: &str, fault: Option<u32>, elapsed: Duration) {
        let fault = fault.map_or_else(|| "none".to_owned(), |c| c.to_string());
        self.soap_calls
            .get_or_create(&SoapLabels {
                operation: operation.to_owned(),
                fault,
            })
            .inc();
        self.soap_seconds
            .get_or_create(&OperationLabels {
                operation: operation.to_owned(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Records a REST call sent to `path` (ids are folded into `{id}`) with its outcome `code`.
    pub fn rest_call(&self, method: &str, path: &str, code: &str) {
        self.rest_calls
            .get_or_create(&RestLabels {
                method: method.to_owned(),
                endpoint: endpoint_template(path),
                code: code.to_owned(),
            })
            .inc();
        let mut today = self.today.lock().unwrap_or_else(|p| p.into_inner());
        roll_over(&mut today, central_date(Utc::now()));
        today.1 += 1;
        self.calls_today.set(today.1);
    }

    /// Records a REST call sent `started` ago with its outcome `code` and logs it at debug
    /// level (target `mktows::rest`: method, endpoint with ids folded, code, milliseconds).
    pub fn rest_sent(&self, method: &str, path: &str, started: Instant, code: &str) {
        self.rest_call(method, path, code);
        tracing::debug!(
            target: "mktows::rest",
            method,
            endpoint = endpoint_template(path),
            code,
            ms = started.elapsed().as_millis() as u64,
            "REST call"
        );
    }

    /// Records a token request to the identity endpoint.
    pub fn token_request(&self, ok: bool) {
        let outcome = if ok { "ok" } else { "failed" };
        self.token_requests
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// Records a back-off after REST answered `code` (606 or 615).
    pub fn backoff(&self, code: u32) {
        self.backoffs
            .get_or_create(&CodeLabels {
                code: code.to_string(),
            })
            .inc();
    }

    /// Records a wait of `wait` for the REST rate window.
    pub fn pacing_wait(&self, wait: Duration) {
        self.pacing_waits.inc();
        self.pacing_seconds.inc_by(wait.as_secs_f64());
    }

    /// REST calls sent since Marketo's last midnight.
    pub fn rest_calls_today(&self) -> i64 {
        let mut today = self.today.lock().unwrap_or_else(|p| p.into_inner());
        roll_over(&mut today, central_date(Utc::now()));
        self.calls_today.set(today.1);
        today.1
    }

    /// The metrics in the text exposition format (see [`CONTENT_TYPE`]).
    pub fn render(&self) -> String {
        // A scrape after midnight shows the new day's count even before its first call.
        self.rest_calls_today();
        let mut text = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            text = format!("# the metrics could not be written: {e}\n");
        }
        text
    }
}

/// Records a failed token request when dropped before [`TokenOutcome::ok`].
pub(crate) struct TokenOutcome<'a>(&'a Metrics, bool);

impl<'a> TokenOutcome<'a> {
    /// A request under way.
    pub(crate) fn new(metrics: &'a Metrics) -> TokenOutcome<'a> {
        TokenOutcome(metrics, false)
    }

    /// The request gave a token.
    pub(crate) fn ok(mut self) {
        self.1 = true;
    }
}

impl Drop for TokenOutcome<'_> {
    fn drop(&mut self) {
        self.0.token_request(self.1);
    }
}

/// A REST call's outcome code: `ok`, Marketo's code or the HTTP 4xx status, `not_sent`, or
/// `no_answer`.
pub(crate) fn failure_code(error: Option<&RestError>) -> String {
    match error {
        None => "ok".to_owned(),
        Some(RestError::Api { code, .. }) => code.to_string(),
        Some(RestError::NotSent(_)) => "not_sent".to_owned(),
        Some(RestError::Unknown(_)) => "no_answer".to_owned(),
        Some(RestError::Identity(_)) => "identity".to_owned(),
    }
}

fn roll_over(today: &mut (NaiveDate, i64), date: NaiveDate) {
    if today.0 != date {
        *today = (date, 0);
    }
}

/// `path` with every all-digit segment (or segment stem before `.json`) written `{id}`:
/// `/v1/lists/1234/leads.json` → `/v1/lists/{id}/leads.json`, so the label's values stay few.
pub fn endpoint_template(path: &str) -> String {
    let path = path.split('?').next().unwrap_or("");
    path.split('/')
        .map(|segment| {
            let (stem, suffix) = match segment.strip_suffix(".json") {
                Some(stem) => (stem, ".json"),
                None => (segment, ""),
            };
            if !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit()) {
                format!("{{id}}{suffix}")
            } else {
                segment.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The calendar date in US Central time at `at` (the fixed US rule: see the module docs).
pub fn central_date(at: DateTime<Utc>) -> NaiveDate {
    let year = at.year();
    let sunday = |month, n| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, n);
    // 02:00 CST is 08:00 UTC; 02:00 CDT is 07:00 UTC.
    let summer = match (sunday(3, 2), sunday(11, 1)) {
        (Some(start), Some(end)) => {
            let start = start.and_hms_opt(8, 0, 0).map(|t| t.and_utc());
            let end = end.and_hms_opt(7, 0, 0).map(|t| t.and_utc());
            start.is_some_and(|s| at >= s) && end.is_some_and(|e| at < e)
        }
        _ => false,
    };
    let offset = if summer { 5 } else { 6 };
    (at - TimeDelta::hours(offset)).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        let at = DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc);
        central_date(at)
    }

    #[test]
    fn marketos_day_follows_us_central_time_with_daylight_saving() {
        // Expected dates from Python's zoneinfo (America/Chicago).
        for (at, expected) in [
            ("2026-07-01T04:59:59Z", "2026-06-30"),
            ("2026-07-01T05:00:00Z", "2026-07-01"),
            ("2026-01-15T05:59:59Z", "2026-01-14"),
            ("2026-01-15T06:00:00Z", "2026-01-15"),
            ("2026-03-08T05:59:59Z", "2026-03-07"),
            ("2026-03-08T06:00:00Z", "2026-03-08"),
            ("2026-03-09T04:59:59Z", "2026-03-08"),
            ("2026-03-09T05:00:00Z", "2026-03-09"),
            ("2026-11-01T04:59:59Z", "2026-10-31"),
            ("2026-11-01T05:00:00Z", "2026-11-01"),
            ("2026-11-02T05:59:59Z", "2026-11-01"),
            ("2026-11-02T06:00:00Z", "2026-11-02"),
            ("2027-01-01T05:59:59Z", "2026-12-31"),
        ] {
            assert_eq!(date(at).to_string(), expected, "{at}");
        }
    }

    #[test]
    fn numeric_ids_are_folded_out_of_endpoints() {
        assert_eq!(
            endpoint_template("/v1/lists/1234/leads.json"),
            "/v1/lists/{id}/leads.json"
        );
        assert_eq!(endpoint_template("/v1/lead/42.json"), "/v1/lead/{id}.json");
        assert_eq!(
            endpoint_template("/bulk/v1/leads/batch/7/failures.json"),
            "/bulk/v1/leads/batch/{id}/failures.json"
        );
        assert_eq!(
            endpoint_template("/v1/customobjects/car_c.json"),
            "/v1/customobjects/car_c.json"
        );
    }

    #[test]
    fn the_day_count_starts_again_at_midnight() {
        let mut today = (NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), 41);
        roll_over(&mut today, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(today.1, 41);
        roll_over(&mut today, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert_eq!(today.1, 0);
    }
}
