//! Mistake: hands the work to `tokio::time::timeout` inside an `async` block,
//! boxed. It looks complete, and tokio's `Timeout` is dropped when the block
//! returns, but an `async` block runs nothing until it is first polled: the
//! `timeout(duration, …)` call inside it, and with it the clock, starts at the
//! first poll, not at `new`. Made at 0 ms and first polled at 30 ms, a
//! 100 ms `Timeout` expires at 130 ms. (It also asks for `F: 'static`.)
//! expect: fail the_deadline_counts_from_new_not_from_the_first_poll "not after the first poll (130 ms)"
//! expect: pass the_deadline_is_not_pushed_back_by_later_polls

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

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
        Self {
            // Nothing in here runs before the first poll, `timeout` included.
            inner: Box::pin(async move {
                tokio::time::timeout(duration, future)
                    .await
                    .map_err(|_| Elapsed)
            }),
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
