//! Mistake in the fix: calls `connect` in `reconnect` itself, "to get the
//! first attempt going early", and only awaits it in the stream. The first
//! attempt is made when the stream is made, not at its first poll: a stream
//! made now and polled later (or never) has already hit the server.
//! expect: fail connects_at_the_first_poll_not_when_the_stream_is_made "yet its first attempt was made at"

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
    // "Start the first attempt right away: it is under way by the time
    // anyone asks." A stream does nothing until it is polled, but this call
    // to `connect` is not in the stream: it runs here, when `reconnect` is
    // called, however much later (if ever) the stream is polled.
    let first_attempt = connect();
    stream! {
        let mut attempt = first_attempt;
        let mut retry = 0;
        loop {
            match attempt.await {
                Ok(connection) => {
                    yield Ok(connection);
                    break;
                }
                Err(error) => {
                    yield Err(error);
                    retry += 1;
                    tokio::time::sleep(backoff.delay(retry)).await;
                    attempt = connect();
                }
            }
        }
    }
}
// ANCHOR_END: fix
