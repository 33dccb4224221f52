//! Pacing under Marketo's limits, one implementation for the SOAP client
//! ([`crate::client::Client`]) and the bridge's REST client: a sliding window of call starts,
//! `calls_per_window` per `window`, with callers served in turn. Each keeps its own semaphore
//! for `max_concurrent`.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;

/// Marketo's limits, which the client (and the bridge, towards REST) stays under.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Most calls in flight at once (Marketo: 10).
    pub max_concurrent: usize,
    /// Most calls started per [`Self::window`] (Marketo: 100 per 20 s).
    pub calls_per_window: usize,
    /// The pacing window.
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_concurrent: 10,
            calls_per_window: 100,
            window: Duration::from_secs(20),
        }
    }
}

impl Limits {
    /// No pacing and no concurrency bound beyond `max_concurrent` (for a local server).
    pub fn unlimited(max_concurrent: usize) -> Self {
        Limits {
            max_concurrent,
            calls_per_window: usize::MAX,
            window: Duration::ZERO,
        }
    }
}

/// Starts of recent calls, to stay under `calls_per_window`.
#[derive(Debug)]
pub struct Pacer {
    starts: Mutex<VecDeque<tokio::time::Instant>>,
    limit: usize,
    window: Duration,
}

impl Pacer {
    /// A pacer for `limits` (`Limits::unlimited` never waits).
    pub fn new(limits: &Limits) -> Pacer {
        Pacer {
            starts: Mutex::new(VecDeque::new()),
            limit: limits.calls_per_window.max(1),
            window: limits.window,
        }
    }

    /// Waits until a call may start; true when it had to wait. `on_wait` is told how long
    /// before each wait for the window.
    pub async fn wait_turn(&self, on_wait: impl Fn(Duration)) -> bool {
        if self.limit == usize::MAX || self.window.is_zero() {
            return false;
        }
        let mut waited = false;
        // Held across the sleep: callers take turns in order.
        let mut starts = self.starts.lock().await;
        loop {
            let now = tokio::time::Instant::now();
            while starts
                .front()
                .is_some_and(|&t| now.duration_since(t) >= self.window)
            {
                starts.pop_front();
            }
            match starts.front() {
                Some(&oldest) if starts.len() >= self.limit => {
                    waited = true;
                    on_wait((oldest + self.window).saturating_duration_since(now));
                    tokio::time::sleep_until(oldest + self.window).await;
                }
                _ => {
                    starts.push_back(now);
                    return waited;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex as StdMutex;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_pacer_waits_for_the_window_and_says_how_long() {
        let pacer = Pacer::new(&Limits {
            max_concurrent: 10,
            calls_per_window: 2,
            window: Duration::from_secs(20),
        });
        let waits = StdMutex::new(Vec::new());
        let started = tokio::time::Instant::now();
        let mut waited = Vec::new();
        for _ in 0..5 {
            waited.push(pacer.wait_turn(|d| waits.lock().unwrap().push(d)).await);
        }
        // Calls 3-4 wait one window, call 5 a second one.
        assert_eq!(started.elapsed(), Duration::from_secs(40));
        assert_eq!(waited, [false, false, true, false, true]);
        assert_eq!(
            *waits.lock().unwrap(),
            [Duration::from_secs(20), Duration::from_secs(20)]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn unlimited_never_waits() {
        let pacer = Pacer::new(&Limits::unlimited(1));
        let started = tokio::time::Instant::now();
        for _ in 0..1000 {
            assert!(!pacer.wait_turn(|_| panic!("no wait expected")).await);
        }
        assert_eq!(started.elapsed(), Duration::ZERO);
    }
}
