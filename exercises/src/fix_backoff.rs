//! `fix_backoff`: spot the bug, then fix it.
//!
//! Book: "Fix the backoff" (in the Spot the bug part). Test:
//! `cargo test --test fix_backoff`.
//!
//! This reconnect loop computes a sensible backoff and hammers the server
//! anyway. Find out why, and repair it. The public API stays.

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

// ANCHOR: bug
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
                    let _backoff = tokio::time::sleep(backoff.delay(retry));
                }
            }
        }
    }
}
// ANCHOR_END: bug
