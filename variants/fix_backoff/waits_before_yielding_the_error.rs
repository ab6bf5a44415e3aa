//! Mistake in the fix: waits out the backoff before it yields the `Err`. The
//! attempts are made at the right times, but each failure is reported only
//! when the next attempt is about to be made, a whole delay after it happened.
//! expect: fail yields_each_error_at_once_then_waits "at once"
//! expect: fail connects_at_the_first_poll_not_when_the_stream_is_made "polls 2 and 3 -> Ready(Some(Err(1)))"

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

// ANCHOR: fix
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
                    retry += 1;
                    // Waits first, then reports the failure: the caller hears
                    // of each failed attempt only when the next one starts.
                    tokio::time::sleep(backoff.delay(retry)).await;
                    yield Err(error);
                }
            }
        }
    }
}
// ANCHOR_END: fix
