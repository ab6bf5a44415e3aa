//! Mistake: keeps the inner future in a plain `#[pin]` field, as the
//! `WithDeadline` of the Pinning chapter does. The outcome is right, but the
//! inner future lives on until the `Timeout` itself is dropped: after
//! `Err(Elapsed)` it has not been cancelled, and after `Ok` it still holds
//! whatever it held. A pinned field cannot be moved out or replaced by
//! assignment; in an `Option` it can be dropped in place with `Pin::set`.
//! expect: fail the_inner_future_is_dropped_when_the_time_is_up "the inner future was still alive"
//! expect: fail the_inner_future_is_dropped_as_soon_as_it_finishes "the finished inner future was still alive"
//! expect: named with tokio_time_timeout_as_is

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::{Sleep, sleep};

/// The error of a [`Timeout`] whose deadline came before its future finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

// ANCHOR: state
pin_project! {
    /// Runs `future` with a time limit.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        // Lives as long as the `Timeout`, finished or not.
        #[pin]
        future: F,
        #[pin]
        deadline: Sleep,
    }
}
// ANCHOR_END: state

impl<F: Future> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    pub fn new(future: F, duration: Duration) -> Self {
        Self {
            future,
            deadline: sleep(duration),
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        ready!(this.deadline.poll(cx));
        Poll::Ready(Err(Elapsed))
    }
}
