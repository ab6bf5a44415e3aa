//! Mistake in the fix: waits with `std::thread::sleep`. The attempts are
//! spaced out, but the whole executor thread sleeps with them: every other
//! task on it freezes, and tokio's clock sees no wait at all.
//! expect: fail waits_the_backoff_before_each_retry "blocked its thread"
//! expect: fail does_not_retry_before_the_delay_is_over "blocked its thread"

use std::future::Future;
use std::time::Duration;

use async_stream::stream;
use futures::Stream;

/// Exponential backoff: how long to wait before each retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait before the first retry.
    pub base: Duration,
    /// No wait is longer than this.
    pub max: Duration,
}

impl Backoff {
    /// The wait before retry number `retry` (1 for the first retry): `base`,
    /// then twice as long each time, at most `max`.
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base.saturating_mul(factor).min(self.max)
    }
}

/// Calls `connect` until it succeeds, waiting `backoff.delay(n)` after the
/// n-th failure before trying again.
///
/// Yields `Err` for each failed attempt as it happens, then `Ok` with the
/// connection, then ends.
pub fn reconnect<C, E, F, Fut>(mut connect: F, backoff: Backoff) -> impl Stream<Item = Result<C, E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<C, E>>,
{
    stream! {
        let mut retry = 0;
        loop {
            match connect().await {
                Ok(connection) => {
                    yield Ok(connection);
                    break;
                }
                Err(error) => {
                    yield Err(error);
                    retry += 1;
                    // The wait happens here, but it blocks the whole thread.
                    // ANCHOR: wait
                    std::thread::sleep(backoff.delay(retry));
                    // ANCHOR_END: wait
                }
            }
        }
    }
}
