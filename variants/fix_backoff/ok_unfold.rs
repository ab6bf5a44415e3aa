//! Alternative fix: `futures::stream::unfold` instead of `stream!`, with the
//! wait at the start of each retry.
//! expect: pass

use std::future::Future;
use std::time::Duration;

use futures::{Stream, stream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base.saturating_mul(factor).min(self.max)
    }
}

pub fn reconnect<C, E, F, Fut>(connect: F, backoff: Backoff) -> impl Stream<Item = Result<C, E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<C, E>>,
{
    // State: the connect function, how many attempts failed, and whether we
    // are connected (then the stream ends).
    stream::unfold(
        (connect, 0, false),
        move |(mut connect, failures, connected)| async move {
            if connected {
                return None;
            }
            if failures > 0 {
                tokio::time::sleep(backoff.delay(failures)).await;
            }
            match connect().await {
                Ok(connection) => Some((Ok(connection), (connect, failures, true))),
                Err(error) => Some((Err(error), (connect, failures + 1, false))),
            }
        },
    )
}
