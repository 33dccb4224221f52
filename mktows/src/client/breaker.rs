//! The circuit breaker every call of one [`super::Client`] shares: once the endpoint has
//! refused connections or given no usable answer for longer than a budget, the calls still
//! queued fail at once as not sent instead of each waiting out its own back-off.
//!
//! # States
//!
//! ```text
//!                  failure, streak < open_after
//!                  +--------+
//!                  v        |
//!   +-------------------------+   failure, streak >= open_after   +-------------------------+
//!   | Closed                  | --------------------------------> | Open (since)            |
//!   | every call is sent;     |   emits EndpointUnreachable       | calls fail at once:     |
//!   | streak: since when      |                                   | EndpointUnreachable,    |
//!   | every attempt failed    | <-------------------------------- | not sent; one probe per |
//!   +-------------------------+   any answer (a probe's, or a     | probe_every is sent     |
//!        ^          |             call in flight): EndpointBack   +-------------------------+
//!        +----------+
//!        any answer: the streak ends
//! ```
//!
//! - **What is a failure**: an attempt that reached for the network and got no usable answer:
//!   a connection refused, reset or broken ([`Error::Connection`]), a timeout
//!   ([`Error::Timeout`]), a truncated body ([`Error::Truncated`]), or a page that is not SOAP
//!   with a status outside 4xx ([`Error::NotSoap`]: a proxy's 502 or 503 when the server
//!   behind it is down).
//! - **What proves the endpoint is up** and resets the streak (closing the breaker if open):
//!   a success, any SOAP fault (throttling included: the server answered), a redirect, a 4xx
//!   page, XML that does not decode as the operation's answer, an answer over the size limit.
//!   Errors raised before sending (encoding, configuration) say nothing and change nothing.
//! - **The streak** starts at the start of the first failing attempt, or at the last answer if
//!   that came later (a slow request that fails while others are answered does not open the
//!   breaker). A failure more than `open_after` after the previous one starts a new streak: the
//!   client learned nothing in between.
//! - **Open**: a call fails before pacing, before taking a slot and before touching the
//!   network, with [`Error::EndpointUnreachable`] (class [`OutcomeClass::NotSent`]: nothing
//!   was written by that attempt; a call whose earlier attempt may have been applied still
//!   ends "may have been applied", [`Error::EarlierAttemptUncertain`]). It is not retried.
//! - **Probes**: while open, the first call to arrive at least `probe_every` after the breaker
//!   opened or after the last probe is let through and sent as usual; its answer closes the
//!   breaker, its failure keeps it open. Several calls may be probes if a probe is slower than
//!   `probe_every`; at most one starts per interval.
//!
//! The defaults (open after 30 s of failures, a probe every 5 s) match the connection back-off
//! of [`super::RetryPolicy::default`] (31.75 s): a single call is retried as before, and a
//! server that restarts within the budget is picked up without any call failing.
//!
//! [`OutcomeClass::NotSent`]: crate::error::OutcomeClass::NotSent

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::error::Error;

/// When the client stops sending to an endpoint that does not answer, and how it finds out
/// the endpoint is back (the states are in the [module docs](self)). Set with
/// [`ClientConfig::breaker`](super::ClientConfig::breaker).
#[derive(Debug, Clone)]
pub struct BreakerPolicy {
    /// How long every attempt must have failed before the breaker opens (default 30 s, about
    /// the default connection back-off). `Duration::MAX` never opens it.
    pub open_after: Duration,
    /// While open, one call is let through this often to see if the endpoint is back
    /// (default 5 s).
    pub probe_every: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        BreakerPolicy {
            open_after: Duration::from_secs(30),
            probe_every: Duration::from_secs(5),
        }
    }
}

/// The breaker's verdict on an attempt about to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Admission {
    /// Closed: send.
    Send,
    /// Open, but this attempt is the probe: send.
    Probe,
}

/// A change of state to report as a [`super::ClientEvent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Transition {
    /// Opened: unreachable since then.
    Opened(DateTime<Utc>),
    /// Closed after being open.
    Closed,
}

#[derive(Debug, Default)]
struct State {
    /// Start of the current failure streak (monotonic, and the wall clock for messages).
    failing_since: Option<(Instant, DateTime<Utc>)>,
    /// The last failure recorded.
    last_failure: Option<Instant>,
    /// The last answer of any kind.
    last_answer: Option<Instant>,
    /// Open: when it opened (wall clock) and when the last probe (or the opening) was.
    open: Option<(DateTime<Utc>, Instant)>,
    /// The last failure's message, for the error of calls refused while open.
    last_error: String,
}

/// The shared breaker of one client.
#[derive(Debug)]
pub(super) struct Breaker {
    policy: BreakerPolicy,
    state: Mutex<State>,
}

/// What an attempt's result says about the endpoint.
pub(super) enum Verdict {
    /// No usable answer.
    Failure,
    /// The endpoint answered.
    Answer,
    /// Nothing was sent: no information.
    Nothing,
}

/// Sorts an attempt's result by what it says about the endpoint (see the module docs).
pub(super) fn verdict<T>(result: &Result<T, Error>) -> Verdict {
    match result {
        Ok(_) => Verdict::Answer,
        Err(Error::Connection { .. } | Error::Timeout { .. } | Error::Truncated { .. }) => {
            Verdict::Failure
        }
        Err(Error::NotSoap { status, .. }) if !(400..500).contains(status) => Verdict::Failure,
        Err(Error::Encode(_) | Error::Config(_) | Error::EndpointUnreachable { .. }) => {
            Verdict::Nothing
        }
        Err(_) => Verdict::Answer,
    }
}

impl Breaker {
    pub(super) fn new(policy: BreakerPolicy) -> Breaker {
        Breaker {
            policy,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a few timestamps, valid whatever a panicking holder left.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// May an attempt start now? `Err` is the error a refused call ends with.
    pub(super) fn admit(&self, endpoint: &str) -> Result<Admission, Error> {
        let mut state = self.lock();
        let Some((since, last_probe)) = state.open else {
            return Ok(Admission::Send);
        };
        let now = Instant::now();
        if now.saturating_duration_since(last_probe) >= self.policy.probe_every {
            state.open = Some((since, now));
            return Ok(Admission::Probe);
        }
        Err(Error::EndpointUnreachable {
            endpoint: endpoint.to_owned(),
            since,
            last: state.last_error.clone(),
        })
    }

    /// Records what an attempt that started at `started` showed; returns a change of state.
    pub(super) fn record<T>(
        &self,
        started: Instant,
        result: &Result<T, Error>,
    ) -> Option<Transition> {
        let mut state = self.lock();
        let now = Instant::now();
        match verdict(result) {
            Verdict::Nothing => None,
            Verdict::Answer => {
                state.failing_since = None;
                state.last_failure = None;
                state.last_answer = Some(now);
                state.open.take().map(|_| Transition::Closed)
            }
            Verdict::Failure => {
                if let Err(error) = result {
                    state.last_error = error.to_string();
                }
                let stale = state
                    .last_failure
                    .is_none_or(|t| now.saturating_duration_since(t) > self.policy.open_after);
                if state.failing_since.is_none() || stale {
                    // The streak starts when this attempt did, or at the last answer if later.
                    let start = state.last_answer.map_or(started, |a| a.max(started));
                    let wall = Utc::now()
                        - chrono::TimeDelta::from_std(now.saturating_duration_since(start))
                            .unwrap_or_default();
                    state.failing_since = Some((start, wall));
                }
                state.last_failure = Some(now);
                let (start, wall) = state.failing_since?;
                if state.open.is_none()
                    && now.saturating_duration_since(start) >= self.policy.open_after
                {
                    state.open = Some((wall, now));
                    return Some(Transition::Opened(wall));
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Outcome;

    fn refused() -> Result<(), Error> {
        Err(Error::Connection {
            endpoint: "http://x".into(),
            outcome: Outcome::NotSent,
            detail: "refused".into(),
        })
    }

    #[test]
    fn opens_after_the_budget_probes_and_closes_on_an_answer() {
        let breaker = Breaker::new(BreakerPolicy {
            open_after: Duration::from_millis(40),
            probe_every: Duration::from_millis(30),
        });
        let t0 = Instant::now();
        assert_eq!(breaker.record(t0, &refused()), None);
        assert_eq!(breaker.admit("http://x").unwrap(), Admission::Send);
        std::thread::sleep(Duration::from_millis(25));
        assert_eq!(breaker.record(Instant::now(), &refused()), None);
        std::thread::sleep(Duration::from_millis(20));
        let Some(Transition::Opened(since)) = breaker.record(Instant::now(), &refused()) else {
            panic!("the breaker should open after the budget");
        };
        assert!(Utc::now() - since >= chrono::TimeDelta::milliseconds(40));
        let refused_call = breaker.admit("http://x").unwrap_err();
        assert!(matches!(refused_call, Error::EndpointUnreachable { .. }));
        assert!(
            refused_call.to_string().contains("refused"),
            "{refused_call}"
        );
        std::thread::sleep(Duration::from_millis(35));
        assert_eq!(breaker.admit("http://x").unwrap(), Admission::Probe);
        // One probe per interval.
        assert!(breaker.admit("http://x").is_err());
        assert_eq!(
            breaker.record(Instant::now(), &Ok::<(), Error>(())),
            Some(Transition::Closed)
        );
        assert_eq!(breaker.admit("http://x").unwrap(), Admission::Send);
    }

    #[test]
    fn a_fault_resets_the_streak_and_failures_far_apart_do_not_add_up() {
        let breaker = Breaker::new(BreakerPolicy {
            open_after: Duration::from_millis(30),
            probe_every: Duration::from_secs(5),
        });
        breaker.record(Instant::now(), &refused());
        std::thread::sleep(Duration::from_millis(20));
        let fault = Err::<(), _>(Error::Fault(Box::new(crate::error::ServiceFault::new(
            500,
            crate::error::marketo_fault(20023, "Rate Limit Exceeded", "slow down"),
        ))));
        assert_eq!(breaker.record(Instant::now(), &fault), None);
        std::thread::sleep(Duration::from_millis(20));
        // The streak restarted at the fault: 20 ms, under the budget.
        assert_eq!(breaker.record(Instant::now(), &refused()), None);
        // A failure long after the previous one starts a new streak.
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(breaker.record(Instant::now(), &refused()), None);
        assert_eq!(breaker.admit("http://x").unwrap(), Admission::Send);
    }
}
