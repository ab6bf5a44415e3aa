//! Another right answer: an `async` block around `tokio::time::timeout_at`,
//! boxed. The block is lazy, so the deadline is read from the clock in `new`,
//! outside it, and moved in; `timeout_at` then counts to that instant,
//! however late the first poll. When the block returns, tokio's `Timeout` and
//! the inner future in it are dropped, before the result comes out. The box
//! is a `dyn Future`, so `F` and its output must be `'static`: more than the
//! contract asks.
//! expect: pass

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Instant, timeout_at};

/// The error of a [`Timeout`] whose deadline came before its future finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

/// Runs `future` with a time limit.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Timeout<F: Future> {
    inner: Pin<Box<dyn Future<Output = Result<F::Output, Elapsed>>>>,
}

// ANCHOR: new
impl<F: Future + 'static> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    pub fn new(future: F, duration: Duration) -> Self {
        // Now, not at the first poll.
        let deadline = Instant::now() + duration;
        Self {
            inner: Box::pin(async move { timeout_at(deadline, future).await.map_err(|_| Elapsed) }),
        }
    }
}
// ANCHOR_END: new

impl<F: Future + 'static> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}
